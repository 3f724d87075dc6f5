package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// defect is one realistic backend bug, switched on with --defect to prove
// that the contract suite catches it. A mock with a defect does not repair
// its responses: it is a broken backend on purpose. New installs it at one
// seam: around the operation, and over the answer; the pipeline and the
// policy never see it. A defect reaches the mock only through backend.
//
// The catalogue is split by BEHAVIOUR.md's sections, a file each
// (defects_<section>.go), the catalogue's order kept.
//
// What a defect does, and the rule it breaks, are written once: as a way
// under the rule in fixtures/rules.yaml (wayOf).
type defect struct {
	name string
	// operation wraps the operation (a request past validation).
	operation func(s backend, inner operation) operation
	// mutate rewrites the answer.
	mutate func(s backend, x *exchange, r *response)
	// clock replaces the mock's clock, given the true one.
	clock func(utc func() time.Time) func() time.Time
	// goRows are rows of BEHAVIOUR.md's "The HTTP server" table served as
	// Go's net/http serves them (Server.Listener).
	goRows frontRows
}

// backend is all a defect may use of the mock: the world as exported, the
// operation acting with other rights than the caller's, and the
// pipeline's answer to another request (no scenario taken, nothing
// journaled); the request it reads on the exchange.
type backend interface {
	snapshot() State
	// operateAs runs the operation with the rights as gives for the
	// caller's own in the request's organization.
	operateAs(x *exchange, as func(own rights) rights) (*response, *apiError)
	wouldAnswer(req *request) *response
	orgID(x *exchange) string
	memberID(x *exchange) string
	// at is the exchange with these path parameters: a member reached
	// through another organization, or another id.
	at(x *exchange, orgID, memberID string) *exchange
	listRoute() *routers.Route
	organizationParam() string
	now() time.Time
	systemAdminToken() string
}

var _ backend = (*Server)(nil)

func (s *Server) snapshot() State           { return s.store.export() }
func (s *Server) listRoute() *routers.Route { return s.members.Route(opList) }
func (s *Server) organizationParam() string { return s.members.OrganizationParam }
func (s *Server) now() time.Time            { return s.cfg.Now() }
func (s *Server) systemAdminToken() string  { return s.Profile("").Tokens["system_admin"] }

func (s *Server) at(x *exchange, orgID, memberID string) *exchange {
	y := *x
	y.params = map[string]string{s.members.OrganizationParam: orgID, s.members.MemberParam: memberID}
	return &y
}

// install puts the defect at its seam and makes the mock a broken backend:
// its answers are checked whole, logged when they break the spec, and sent.
func (d *defect) install(s *Server) {
	s.check.full, s.check.lenient = true, true
	if d.operation != nil {
		s.operate = d.operation(s, s.operate)
	}
	if d.clock != nil {
		// Installed before the server serves: no request reads the clock
		// while it is replaced.
		s.cfg.Now = d.clock(s.cfg.Now)
	}
	s.goRows = d.goRows
	if d.mutate != nil {
		mutate := d.mutate
		s.rewrite = func(x *exchange, r *response) { mutate(s, x, r) }
	}
}

// onOperation wraps the operation for the requests of one operation id.
func onOperation(op memberOp, wrap func(s backend, inner operation, x *exchange) (*response, *apiError)) func(backend, operation) operation {
	return func(s backend, inner operation) operation {
		return func(x *exchange) (*response, *apiError) {
			if x.op != op {
				return inner(x)
			}
			return wrap(s, inner, x)
		}
	}
}

// rewriteBody changes the validated body of op before the operation reads it.
func rewriteBody(op memberOp, edit func(s backend, x *exchange, body map[string]any)) func(backend, operation) operation {
	return onOperation(op, func(s backend, inner operation, x *exchange) (*response, *apiError) {
		if body, ok := x.body.(map[string]any); ok {
			body = maps.Clone(body) // the exchange's body is only read
			edit(s, x, body)
			y := *x
			y.body = body
			return inner(&y)
		}
		return inner(x)
	})
}

// whenForbidden runs the operation again where the service refuses the
// caller, with the rights grant gives for the caller's own (its own:
// refused again). grant reads what it needs of the world before it
// returns the mapping, which runs under the store's lock.
func whenForbidden(op memberOp, grant func(s backend, x *exchange) func(own rights) rights) func(backend, operation) operation {
	return func(s backend, inner operation) operation {
		return func(x *exchange) (*response, *apiError) {
			resp, aerr := inner(x)
			if aerr == nil || aerr.Status != http.StatusForbidden || (op != "" && x.op != op) {
				return resp, aerr
			}
			return s.operateAs(x, grant(s, x))
		}
	}
}

// detailIs: the answer is an error with this detail.
func detailIs(r *response, detail string) bool {
	var body struct {
		Detail any `json:"detail"`
	}
	return json.Unmarshal(r.Body, &body) == nil && body.Detail == detail
}

// validationEntries are the entries of a 422 (nil for any other answer).
func validationEntries(r *response) []map[string]any {
	if r.Status != http.StatusUnprocessableEntity {
		return nil
	}
	var body struct {
		Detail []map[string]any `json:"detail"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return nil
	}
	return body.Detail
}

// setEntries replaces the entries of a 422.
func setEntries(r *response, entries []map[string]any) {
	r.Body = mustJSON(map[string]any{"detail": entries})
}

// locIs: an entry's loc starts with these parts.
func locIs(entry map[string]any, parts ...string) bool {
	loc, _ := entry["loc"].([]any)
	if len(loc) < len(parts) {
		return false
	}
	for i, p := range parts {
		if fmt.Sprint(loc[i]) != p {
			return false
		}
	}
	return true
}

// allEntries: every entry of a 422 satisfies ok (false for no entries).
func allEntries(r *response, ok func(map[string]any) bool) bool {
	entries := validationEntries(r)
	for _, e := range entries {
		if !ok(e) {
			return false
		}
	}
	return len(entries) > 0
}

// answerAgain runs the request through the pipeline again, as sent but for
// the query (and content type) given: what a backend that read the
// request otherwise would have answered.
func answerAgain(s backend, x *exchange, rawQuery string, header http.Header) *response {
	req := withQuery(x.request, rawQuery)
	if header != nil {
		req = withHeader(req, header)
	}
	return s.wouldAnswer(req)
}

// sentQuery is a copy of the query as sent, to change and send again.
func sentQuery(x *exchange) url.Values {
	q := url.Values{}
	for name, values := range x.parsedQuery {
		q[name] = slices.Clone(values)
	}
	return q
}

// plainServerError is the page a framework sends for an unhandled
// exception.
func plainServerError(r *response) {
	r.Status, r.Body = http.StatusInternalServerError, []byte("Internal Server Error")
	r.Header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
}

// rowsOf are the rows of one table of a snapshot, as the API shows them.
func rowsOf(st State, table string) []map[string]any {
	var out []map[string]any
	switch table {
	case "organizations":
		for _, o := range st.Organizations {
			out = append(out, map[string]any{"id": o.ID, "name": o.Name})
		}
	case "memberships":
		for i := range st.Memberships {
			m := map[string]any{}
			for _, name := range []string{"id", "organization_id", "user_id", "role", "membership_state"} {
				if v, ok := st.Memberships[i].Get(name); ok {
					m[name] = v
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// callerMemberships are the memberships of the caller's user, in any
// organization and state, found by its token in the exported state.
func callerMemberships(s backend, x *exchange) []map[string]any {
	if x.caller.user == nil {
		return nil
	}
	userID := x.caller.user.ID()
	var out []map[string]any
	for _, m := range rowsOf(s.snapshot(), "memberships") {
		if m["user_id"] == userID {
			out = append(out, m)
		}
	}
	return out
}

// rightsOfRole are the rights a role gives, whatever the membership's
// state.
func rightsOfRole(role any) rights {
	if r, ok := role.(string); ok {
		if st, ok := roleStandings[r]; ok {
			return st
		}
	}
	return noGrant
}

// noGrant: the role gives no rights of its own.
const noGrant rights = -1

// grantOr is grant, or own where there is none.
func grantOr(grant, own rights) rights {
	if grant == noGrant {
		return own
	}
	return grant
}

// listedMembers lists an organization's members as JSON, all of them, through
// the list operation with a system admin's rights: the list a backend's
// own query would start from. query, when set, is the service's search.
func listedMembers(s backend, x *exchange, orgID, query string) []map[string]any {
	route := s.listRoute()
	var all []map[string]any
	for page := 1; ; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {"100"}}
		if query != "" {
			q.Set("query", query)
		}
		req := withQuery(x.request, q.Encode())
		req.method, req.route, req.op, req.operation = http.MethodGet, route, opList, route.Operation.OperationID
		y := &exchange{request: req}
		y.validated(spec.ListParameters{}, map[string]string{s.organizationParam(): orgID}, q, nil)
		// The paging and search by role, whatever the document names them.
		y.list = listQuery{page: page, size: 100, limited: true, search: query}
		resp, aerr := s.operateAs(y, func(rights) rights { return rightsSystemAdmin })
		if aerr != nil {
			return all
		}
		var items []map[string]any
		if json.Unmarshal(resp.Body, &items) != nil {
			return all
		}
		all = append(all, items...)
		if len(items) < 100 {
			return all
		}
	}
}

// rewriteTimes rewrites every time of a member answer.
func rewriteTimes(change func(string) string) func(backend, *exchange, *response) {
	return editJSON(func(_ memberOp, v map[string]any) {
		for _, k := range []string{"created_at", "updated_at"} {
			if t, ok := v[k].(string); ok {
				v[k] = change(t)
			}
		}
	})
}

// parseTime reads a time the mock wrote.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// defects is the catalogue, in its order since it was one list: a file for
// each of BEHAVIOUR.md's sections.
var defects = slices.Concat(
	routingDefects,
	identityDefects,
	authorizationDefects,
	orderDefects,
	validationDefects,
	organizationDefects,
	operationDefects,
	edgeDefects,
	timeDefects,
	serverDefects,
)

// Defects lists the defect names, sorted.
func Defects() []string {
	names := make([]string, len(defects))
	for i, d := range defects {
		names[i] = d.name
	}
	sort.Strings(names)
	return names
}

// DefectDescription is the one-line description of a defect: its way in
// fixtures/rules.yaml.
func DefectDescription(name string) string { return wayOf(name).way }

// DefectRule is the id of the rule (fixtures/rules.yaml) a defect breaks:
// the rule it is a way of.
func DefectRule(name string) string { return wayOf(name).rule }

// defectWay is a defect's way in rules.yaml: what it does, and the rule.
type defectWay struct{ way, rule string }

var defectWays = sync.OnceValue(func() map[string]defectWay {
	ways := map[string]defectWay{}
	suite, err := fixtures.Embedded()
	if err != nil {
		return ways // the suite's own tests name what is wrong with it
	}
	for _, r := range suite.Rules {
		for _, w := range r.Ways {
			ways[w.Defect] = defectWay{way: w.Way, rule: r.ID}
		}
	}
	return ways
})

// wayOf is a defect's way, empty for a defect rules.yaml does not list
// (TestEveryDefectNamesItsRuleAndItsBug holds the catalogue to it).
func wayOf(name string) defectWay { return defectWays()[name] }

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
func editJSON(edit func(op memberOp, v map[string]any)) func(backend, *exchange, *response) {
	return func(_ backend, x *exchange, r *response) {
		if r.Status != http.StatusOK {
			return
		}
		var one map[string]any
		if json.Unmarshal(r.Body, &one) == nil {
			edit(x.op, one)
			r.Body = mustJSON(one)
			return
		}
		var many []map[string]any
		if json.Unmarshal(r.Body, &many) == nil {
			for _, v := range many {
				edit(x.op, v)
			}
			r.Body = mustJSON(many)
		}
	}
}
