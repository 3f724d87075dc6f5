package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// defect is one realistic backend bug, switched on with --defect to prove
// that the contract suite catches it. A mock with a defect does not repair
// its responses: it is a broken backend on purpose. New installs it at one
// seam: around the operation, and over the answer; the pipeline and the
// policy never see it.
type defect struct {
	name, description string
	// operation wraps the operation (a request past validation).
	operation func(s *Server, inner operation) operation
	// mutate rewrites the answer.
	mutate func(s *Server, x *exchange, r *response)
}

// install puts the defect at its seam and makes the mock a broken backend:
// its answers are checked whole, logged when they break the spec, and sent.
func (d *defect) install(s *Server) {
	s.check.full, s.check.lenient = true, true
	if d.operation != nil {
		s.operate = d.operation(s, s.operate)
	}
	if d.mutate != nil {
		mutate := d.mutate
		s.rewrite = func(x *exchange, r *response) { mutate(s, x, r) }
	}
}

// rewriteQuery changes one query parameter of a validated list request.
func rewriteQuery(x *exchange, name string, change func(string) string) {
	if x.operation != opList {
		return
	}
	q := x.r.URL.Query()
	q.Set(name, change(q.Get(name)))
	x.r.URL.RawQuery = q.Encode()
}

var defects = []*defect{
	{name: "enum-lowercase", description: "role rendered in lower case (analyst)",
		mutate: editJSON(func(_ string, v map[string]any) {
			if r, ok := v["role"].(string); ok {
				v["role"] = strings.ToLower(r)
			}
		})},
	{name: "missing-created-at", description: "list and update responses leave out the required created_at",
		mutate: editJSON(func(op string, v map[string]any) {
			if op == opList || op == opUpdate {
				delete(v, "created_at")
			}
		})},
	{name: "create-201", description: "create answers 201 instead of 200",
		mutate: func(_ *Server, x *exchange, r *response) {
			if x.operation == opCreate && r.Status == http.StatusOK {
				r.Status = http.StatusCreated
			}
		}},
	{name: "delete-204", description: "delete answers 204 with no body",
		mutate: func(_ *Server, x *exchange, r *response) {
			if x.operation == opDelete && r.Status == http.StatusOK {
				r.Status, r.Body = http.StatusNoContent, nil
				r.Header.Del("Content-Type")
			}
		}},
	{name: "422-detail-string", description: "validation errors carry detail as a string",
		mutate: func(_ *Server, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity {
				r.Body = []byte(`{"detail":"validation error"}`)
			}
		}},
	{name: "pagination-off-by-one", description: "page N serves the members of page N+1",
		operation: func(_ *Server, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				rewriteQuery(x, "page", func(page string) string {
					if n, err := strconv.Atoi(page); err == nil && n < math.MaxInt32 {
						return strconv.Itoa(n + 1)
					}
					return page
				})
				return inner(x)
			}
		}},
	{name: "search-case-sensitive", description: "query matches only as typed",
		operation: func(_ *Server, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				rewriteQuery(x, "query", func(q string) string {
					if q != strings.ToLower(q) {
						return q + "\x00" // stored text is lower-cased: an uppercase needle never matches
					}
					return q
				})
				return inner(x)
			}
		}},
	{name: "analyst-can-update", description: "an active ANALYST may update members",
		operation: func(s *Server, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				resp, aerr := inner(x)
				if aerr != nil && aerr.Status == http.StatusForbidden && x.operation == opUpdate && s.rightsOf(x) == rightsMember {
					return s.operateWithRights(x, rightsAdmin)
				}
				return resp, aerr
			}
		}},
	{name: "updated-at-frozen", description: "update leaves updated_at at created_at",
		mutate: editJSON(func(op string, v map[string]any) {
			if op == opUpdate {
				v["updated_at"] = v["created_at"]
			}
		})},
	{name: "created-at-changes", description: "update moves created_at to the time of the update",
		mutate: editJSON(func(op string, v map[string]any) {
			if op == opUpdate {
				v["created_at"] = v["updated_at"]
			}
		})},
	{name: "cross-org-leak", description: "the list also shows a member of another organization",
		mutate: func(s *Server, x *exchange, r *response) {
			if x.operation != opList || r.Status != http.StatusOK {
				return
			}
			var items []json.RawMessage
			if json.Unmarshal(r.Body, &items) != nil {
				return
			}
			orgID := strings.ToLower(x.params["organization_id"])
			s.store.read(func(w *world) {
				for _, id := range w.orgOrder {
					if id != orgID && len(w.byOrg[id]) > 0 {
						items = append(items, mustJSON(w.view(w.byOrg[id][0])))
						break
					}
				}
			})
			r.Body = mustJSON(items)
		}},
	{name: "500-on-malformed-json", description: "a body that does not parse is a 500 with a plain-text page",
		mutate: func(_ *Server, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity && bytes.Contains(r.Body, []byte(`"json_invalid"`)) {
				r.Status, r.Body = http.StatusInternalServerError, []byte("Internal Server Error")
				r.Header.Set("Content-Type", "text/plain")
			}
		}},
	{name: "no-www-authenticate", description: "401 without the WWW-Authenticate header",
		mutate: func(_ *Server, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized {
				r.Header.Del("Www-Authenticate")
			}
		}},
	{name: "duplicate-member-allowed", description: "adding a user who is already a member answers 200",
		mutate: func(_ *Server, x *exchange, r *response) {
			if x.operation == opCreate && r.Status == http.StatusConflict {
				var req createRequest
				_ = json.Unmarshal(x.body, &req)
				r.Status, r.Body = http.StatusOK, mustJSON(map[string]any{"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
					"organization_id": strings.ToLower(x.params["organization_id"]), "user_id": strings.ToLower(req.UserID),
					"role": req.Role, "membership_state": StateActive})
			}
		}},
}

// Defects lists the defect names, sorted.
func Defects() []string {
	names := make([]string, len(defects))
	for i, d := range defects {
		names[i] = d.name
	}
	sort.Strings(names)
	return names
}

// DefectDescription is the one-line description of a defect.
func DefectDescription(name string) string {
	d, _ := lookupDefect(name)
	if d == nil {
		return ""
	}
	return d.description
}

func lookupDefect(name string) (*defect, error) {
	if name == "" {
		return nil, nil
	}
	for _, d := range defects {
		if d.name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("unknown defect %q; known: %s", name, strings.Join(Defects(), ", "))
}

// editJSON applies edit to a successful response's object, or to each item
// of a list.
func editJSON(edit func(op string, v map[string]any)) func(*Server, *exchange, *response) {
	return func(_ *Server, x *exchange, r *response) {
		if r.Status != http.StatusOK {
			return
		}
		var one map[string]any
		if json.Unmarshal(r.Body, &one) == nil {
			edit(x.operation, one)
			r.Body = mustJSON(one)
			return
		}
		var many []map[string]any
		if json.Unmarshal(r.Body, &many) == nil {
			for _, v := range many {
				edit(x.operation, v)
			}
			r.Body = mustJSON(many)
		}
	}
}
