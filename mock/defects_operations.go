package mock

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// operationDefects are the defects of the operations: list, create, update, delete (BEHAVIOUR.md: Operations).
var operationDefects = []*defect{
	// List
	{name: "cross-org-leak", rule: "list.own-organization", description: "the list also shows a member of another organization",
		mutate: func(s backend, x *exchange, r *response) {
			if x.op != opList || r.Status != http.StatusOK {
				return
			}
			var items []json.RawMessage
			if json.Unmarshal(r.Body, &items) != nil {
				return
			}
			if other := listedMembers(s, x, otherOrganization(s, s.orgID(x)), ""); len(other) > 0 {
				items = append(items, mustJSON(other[0]))
			}
			r.Body = mustJSON(items)
		}},
	{name: "list-ordered-by-id", rule: "list.order", description: "the list is ordered by id (the primary key), not by created_at",
		operation: orderedList(func(a, b map[string]any) int { return cmp.Compare(fmt.Sprint(a["id"]), fmt.Sprint(b["id"])) })},
	{name: "list-without-users", rule: "list.items-carry-user", description: "listed members come without their user (the relation is not loaded)",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opList {
				delete(v, "user")
			}
		})},
	{name: "default-page-size-20", rule: "list.default-page", description: "page_size defaults to 20",
		operation: onOperation(opList, func(_ backend, inner operation, x *exchange) (*response, *apiError) {
			if _, given := x.parsedQuery["page_size"]; !given {
				x = withPaging(x, func(q *listQuery) { q.size = 20 })
			}
			return inner(x)
		})},
	{name: "page-size-capped-at-50", rule: "list.page-size-bounds", description: "page_size over 50 is served as 50",
		operation: onOperation(opList, func(_ backend, inner operation, x *exchange) (*response, *apiError) {
			return inner(withPaging(x, func(q *listQuery) { q.size = min(q.size, 50) }))
		})},
	{name: "page-size-clamped", rule: "list.page-size-bounds", description: "page_size over 100 is served as 100 instead of a 422",
		mutate: func(s backend, x *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "query", "page_size") && e["type"] == "less_than_equal" }) {
				q := sentQuery(x)
				q.Set("page_size", "100")
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "page-past-end-is-last-page", rule: "list.page-past-end", description: "a page past the end serves the last page",
		operation: onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			items := listedMembers(s, x, s.orgID(x), x.list.search)
			size := x.list.size
			if last := (len(items) + size - 1) / max(size, 1); last > 0 {
				x = withPaging(x, func(q *listQuery) { q.page = min(q.page, last) })
			}
			return inner(x)
		})},
	{name: "pagination-off-by-one", rule: "list.pages-tile", description: "page N serves the members of page N+1",
		operation: func(_ backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				return inner(withPaging(x, func(q *listQuery) {
					if q.page < math.MaxInt32 {
						q.page++
					}
				}))
			}
		}},
	{name: "search-case-sensitive", rule: "list.search-case-insensitive", description: "query matches only as typed",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) { return strings.Contains(v, q), nil })},
	{name: "search-email-only", rule: "list.search-name", description: "query searches the email only",
		operation: ownSearch([]string{"email"}, substring)},
	{name: "search-skips-email", rule: "list.search-email", description: "query searches every field but the email",
		operation: ownSearch(without(searchFields, "email"), substring)},
	{name: "search-skips-given-name", rule: "list.search-given-name", description: "query searches every field but given_name",
		operation: ownSearch(without(searchFields, "given_name"), substring)},
	{name: "search-skips-family-name", rule: "list.search-family-name", description: "query searches every field but family_name",
		operation: ownSearch(without(searchFields, "family_name"), substring)},
	{name: "search-skips-nickname", rule: "list.search-nickname", description: "query searches every field but nickname",
		operation: ownSearch(without(searchFields, "nickname"), substring)},
	{name: "search-prefix-only", rule: "list.search-substring", description: "query matches the start of a field only (ILIKE 'q%', to use the index)",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			return strings.HasPrefix(strings.ToLower(v), strings.ToLower(q)), nil
		})},
	{name: "search-whole-words", rule: "list.search-substring", description: "query matches whole words only (a full-text index)",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			have := words(v)
			want := words(q)
			for _, w := range want {
				if !slices.Contains(have, w) {
					return false, nil
				}
			}
			return len(want) > 0, nil
		})},
	{name: "search-like-unescaped", rule: "list.search-literal", description: "query is put in ILIKE '%' || q || '%' unescaped: % and _ are wildcards",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			re, err := regexp.Compile(likePattern(q))
			if err != nil {
				return false, err
			}
			return re.MatchString(v), nil
		})},
	{name: "search-regexp", rule: "list.search-literal", description: "query is used as a regular expression (re.search(q, value, re.I)); an unclosed [ is a 500",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			re, err := regexp.Compile("(?i)" + q)
			if err != nil {
				return false, err
			}
			return re.MatchString(v), nil
		})},
	{name: "search-all-organizations", rule: "list.search-own-organization", description: "a search also finds members of other organizations",
		operation: onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x)
			query := x.list.search
			if aerr != nil || query == "" {
				return resp, aerr
			}
			var found []map[string]any
			for _, o := range rowsOf(s.snapshot(), "organizations") {
				id, _ := o["id"].(string)
				found = append(found, listedMembers(s, x, id, query)...)
			}
			slices.SortStableFunc(found, func(a, b map[string]any) int {
				ta, _ := parseTime(fmt.Sprint(a["created_at"]))
				tb, _ := parseTime(fmt.Sprint(b["created_at"]))
				return cmp.Or(ta.Compare(tb), cmp.Compare(fmt.Sprint(a["id"]), fmt.Sprint(b["id"])))
			})
			return listPage(x, found), nil
		})},

	{name: "list-users-shifted", rule: "list.items-carry-user", description: "each listed member carries the user of the member after it (users loaded by a second query and zipped by position)",
		mutate: func(_ backend, x *exchange, r *response) {
			var items []map[string]any
			if x.op != opList || r.Status != http.StatusOK || json.Unmarshal(r.Body, &items) != nil || len(items) < 2 {
				return
			}
			first := items[0]["user"]
			for i := range items[:len(items)-1] {
				items[i]["user"] = items[i+1]["user"]
			}
			items[len(items)-1]["user"] = first
			r.Body = mustJSON(items)
		}},
	{name: "paging-before-search", rule: "list.pages-tile", description: "the page is cut from the whole organization, then filtered by query",
		operation: onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x) // the organization and the caller's rights
			if aerr != nil || x.list.search == "" {
				return resp, aerr
			}
			var page []map[string]any
			_ = json.Unmarshal(listPage(x, listedMembers(s, x, s.orgID(x), "")).Body, &page)
			kept := []map[string]any{}
			for _, item := range page {
				for _, v := range searchedValues(item, searchFields) {
					if ok, _ := substring(v, x.list.search); ok {
						kept = append(kept, item)
						break
					}
				}
			}
			return jsonResponse(http.StatusOK, kept), nil
		})},
	{name: "search-matches-ids", rule: "list.search-user-fields-only", description: "query also matches the member's id and its user's id (the search concatenates every column)",
		operation: ownSearchOf(func(item map[string]any) []string {
			return append(searchedValues(item, searchFields), fmt.Sprint(item["id"]), fmt.Sprint(item["user_id"]))
		}, substring)},
	{name: "ties-by-id-descending", rule: "list.order", description: "members created in the same instant are ordered by id descending (ORDER BY created_at, id DESC)",
		operation: orderedList(func(a, b map[string]any) int {
			return cmp.Or(cmp.Compare(fmt.Sprint(a["created_at"]), fmt.Sprint(b["created_at"])), cmp.Compare(fmt.Sprint(b["id"]), fmt.Sprint(a["id"])))
		})},
	{name: "page-size-zero-accepted", rule: "list.page-size-bounds", description: "page_size 0 answers an empty page instead of a 422 (no lower bound on the parameter)",
		mutate: func(_ backend, x *exchange, r *response) {
			for _, e := range validationEntries(r) {
				if loc, _ := e["loc"].([]any); x.op == opList && len(loc) == 2 && loc[1] == "page_size" && fmt.Sprint(e["input"]) == "0" {
					*r = *jsonResponse(http.StatusOK, []any{})
					return
				}
			}
		}},
	{name: "list-cached", rule: "list.read-after-write", description: "lists are cached per URL and caller for a minute, and writes do not clear the cache: the same list read again after a write is stale",
		operation: func(s backend, inner operation) operation {
			type entry struct {
				at   time.Time
				resp response
			}
			var mu sync.Mutex
			cache := map[string]entry{}
			return func(x *exchange) (*response, *apiError) {
				if x.op != opList {
					return inner(x)
				}
				key := x.path + "?" + x.rawQuery + "\x00" + x.header.Get("Authorization") + "\x00" + x.header.Get("Cookie")
				now := s.now()
				mu.Lock()
				e, ok := cache[key]
				mu.Unlock()
				if ok && now.Sub(e.at) < time.Minute {
					return e.resp.copy(), nil
				}
				resp, aerr := inner(x)
				if aerr == nil && resp != nil {
					mu.Lock()
					cache[key] = entry{at: now, resp: *resp.copy()}
					mu.Unlock()
				}
				return resp, aerr
			}
		}},
	// Create
	{name: "create-201", rule: "create.defaults", description: "create answers 201 instead of 200",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opCreate && r.Status == http.StatusOK {
				r.Status = http.StatusCreated
			}
		}},
	{name: "create-pending", rule: "create.defaults", description: "a new membership is pending (an invitation), not active",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opCreate {
				v["membership_state"] = "pending"
			}
		})},
	{name: "create-two-clocks", rule: "create.defaults", description: "created_at and updated_at of a new member are two calls of now(), a microsecond apart",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if t, ok := parseTime(fmt.Sprint(v["updated_at"])); ok && op == opCreate {
				v["updated_at"] = t.Add(time.Microsecond).UTC().Format(timeLayout)
			}
		})},
	{name: "create-ignores-role", rule: "create.role-from-body", description: "create stores ANALYST whatever role the body gives",
		operation: rewriteBody(opCreate, func(_ backend, _ *exchange, body map[string]any) {
			if body["role"] != RoleSystemAdmin {
				body["role"] = "ANALYST"
			}
		})},
	{name: "create-ignores-body-organization", rule: "create.organization-mismatch", description: "create ignores organization_id in the body and adds the member to the path's",
		operation: rewriteBody(opCreate, func(_ backend, _ *exchange, body map[string]any) { delete(body, "organization_id") })},
	{name: "unknown-user-500", rule: "create.user-not-found", description: "an unknown user_id is a 500 (the foreign key's IntegrityError)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opCreate && r.Status == http.StatusNotFound && detailIs(r, detailUserNotFound) {
				plainServerError(r)
			}
		}},
	{name: "duplicate-member-allowed", rule: "create.duplicate", description: "adding a user who is already a member answers 200",
		mutate: func(s backend, x *exchange, r *response) {
			if x.op != opCreate || r.Status != http.StatusConflict {
				return
			}
			var body map[string]any
			_ = json.Unmarshal(x.body, &body)
			role, _ := body["role"].(string)
			userID, _ := body["user_id"].(string)
			now := s.now().UTC().Format(timeLayout)
			*r = *jsonResponse(http.StatusOK, map[string]any{"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
				"organization_id": s.orgID(x), "user_id": strings.ToLower(userID),
				"role": cmp.Or(role, "ANALYST"), "membership_state": StateActive, "created_at": now, "updated_at": now})
		}},

	{name: "duplicate-across-organizations", rule: "create.duplicate", description: "a user who is a member of any organization cannot be added (the unique key is on user_id alone)",
		operation: onOperation(opCreate, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			var body map[string]any
			_ = json.Unmarshal(x.body, &body)
			userID, _ := body["user_id"].(string)
			for _, m := range rowsOf(s.snapshot(), "memberships") {
				if m["user_id"] == strings.ToLower(userID) && m["organization_id"] != s.orgID(x) {
					// Only a caller the create would let through meets the
					// unique key.
					if resp, aerr := inner(x); aerr != nil {
						return resp, aerr
					}
					return nil, errorf(http.StatusConflict, "User is already a member of an organization")
				}
			}
			return inner(x)
		})},
	// Update
	{name: "update-keeps-role-on-empty-body", rule: "update.empty-body-demotes", description: "an update without role keeps the role (PATCH habits: only the fields sent are set)",
		operation: rewriteBody(opUpdate, func(s backend, x *exchange, body map[string]any) {
			var sent map[string]any
			if json.Unmarshal(x.rawBody, &sent) != nil {
				return
			}
			if _, has := sent["role"]; has {
				return
			}
			org := s.orgID(x)
			for _, m := range rowsOf(s.snapshot(), "memberships") {
				if m["organization_id"] == org && m["id"] == s.memberID(x) {
					body["role"] = m["role"]
				}
			}
		})},
	{name: "update-ignores-body-ids", rule: "update.identity-mismatch", description: "user_id and organization_id in an update body are ignored",
		operation: rewriteBody(opUpdate, func(_ backend, _ *exchange, body map[string]any) {
			delete(body, "user_id")
			delete(body, "organization_id")
		})},
	{name: "update-any-organization", rule: "update.member-not-found", description: "update finds the member by id alone, through any organization's path",
		operation: throughOwnOrganization(opUpdate)},
	{name: "update-without-user", rule: "update.sets-role", description: "the update's answer comes without the member's user",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opUpdate {
				delete(v, "user")
			}
		})},
	{name: "updated-at-frozen", rule: "update.timestamps", description: "update leaves updated_at at created_at",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opUpdate {
				v["updated_at"] = v["created_at"]
			}
		})},
	{name: "created-at-changes", rule: "update.timestamps", description: "update moves created_at to the time of the update",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opUpdate {
				v["created_at"] = v["updated_at"]
			}
		})},
	{name: "whole-second-times", rule: "update.sub-second-times", description: "times are kept in whole seconds (a MySQL DATETIME without fractional digits)",
		mutate: rewriteTimes(func(t string) string {
			if parsed, ok := parseTime(t); ok {
				return parsed.Truncate(time.Second).UTC().Format(time.RFC3339)
			}
			return t
		})},

	{name: "updated-at-only-on-change", rule: "update.timestamps", description: "an update that changes nothing leaves updated_at as it was (the ORM writes only dirty rows)",
		operation: onOperation(opUpdate, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			before := storedMember(s, s.memberID(x))
			resp, aerr := inner(x)
			var after map[string]any
			if aerr != nil || before == nil || json.Unmarshal(resp.Body, &after) != nil || after["role"] != before["role"] {
				return resp, aerr
			}
			after["updated_at"] = cmp.Or(before["updated_at"], after["updated_at"])
			resp.Body = mustJSON(after)
			return resp, nil
		})},
	{name: "update-answers-the-old-row", rule: "update.sets-role", description: "the update answers the row as it was read, before the write (the response is built from the loaded object)",
		operation: onOperation(opUpdate, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			before := storedMember(s, s.memberID(x))
			resp, aerr := inner(x)
			var after map[string]any
			if aerr != nil || before == nil || json.Unmarshal(resp.Body, &after) != nil {
				return resp, aerr
			}
			after["role"] = before["role"]
			resp.Body = mustJSON(after)
			return resp, nil
		})},
	// Delete
	{name: "delete-204", rule: "delete.returns-removed-row", description: "delete answers 204 with no body",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opDelete && r.Status == http.StatusOK {
				r.Status, r.Body = http.StatusNoContent, nil
				r.Header.Del("Content-Type")
			}
		}},
	{name: "delete-is-idempotent", rule: "delete.then-gone", description: "deleting a member that is gone answers 200 with the row it had (an idempotent DELETE)",
		operation: func(s backend, inner operation) operation {
			deleted := map[string][]byte{}
			return func(x *exchange) (*response, *apiError) {
				resp, aerr := inner(x)
				if x.op != opDelete {
					return resp, aerr
				}
				id := s.orgID(x) + "/" + s.memberID(x)
				if aerr == nil {
					deleted[id] = resp.Body
				} else if body, ok := deleted[id]; ok && aerr.Status == http.StatusNotFound {
					return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}, nil
				}
				return resp, aerr
			}
		}},
	{name: "delete-any-organization", rule: "delete.member-not-found", description: "delete finds the member by id alone, through any organization's path",
		operation: throughOwnOrganization(opDelete)},
	{name: "deleted-still-listed", rule: "delete.then-gone", description: "a deleted member is still listed (a soft delete the list query does not filter)",
		operation: func(s backend, inner operation) operation {
			var mu sync.Mutex
			deleted := map[string][]map[string]any{} // by organization
			return func(x *exchange) (*response, *apiError) {
				resp, aerr := inner(x)
				if aerr != nil || resp.Status != http.StatusOK {
					return resp, aerr
				}
				mu.Lock()
				defer mu.Unlock()
				switch x.op {
				case opDelete:
					var row map[string]any
					if json.Unmarshal(resp.Body, &row) == nil {
						deleted[s.orgID(x)] = append(deleted[s.orgID(x)], row)
					}
				case opList:
					var items []map[string]any
					if json.Unmarshal(resp.Body, &items) == nil && len(deleted[s.orgID(x)]) > 0 {
						resp.Body = mustJSON(append(items, deleted[s.orgID(x)]...))
					}
				}
				return resp, aerr
			}
		}},
}

// listPage answers a list request with the page the request asks for of
// items.
func listPage(x *exchange, items []map[string]any) *response {
	page, size := x.list.page, x.list.size
	start := min(len(items), (max(page, 1)-1)*max(size, 1))
	if page > math.MaxInt32 || start < 0 {
		start = len(items)
	}
	out := items[start:min(len(items), start+max(size, 1))]
	if out == nil {
		out = []map[string]any{}
	}
	return jsonResponse(http.StatusOK, out)
}

// searchFields are the user's fields the service searches.
var searchFields = []string{"email", "name", "given_name", "family_name", "nickname"}

// searchedValues are an item's user's values of the given fields.
func searchedValues(item map[string]any, fields []string) []string {
	user, _ := item["user"].(map[string]any)
	var values []string
	for _, f := range fields {
		if v, ok := user[f].(string); ok {
			values = append(values, v)
		}
	}
	return values
}

// ownSearch is a list whose search is the backend's own: match says
// whether a member's searched values match the query; an error is the
// backend's crash.
func ownSearch(fields []string, match func(value, query string) (bool, error)) func(backend, operation) operation {
	return ownSearchOf(func(item map[string]any) []string { return searchedValues(item, fields) }, match)
}

// ownSearchOf is ownSearch over the values values reads of an item.
func ownSearchOf(values func(item map[string]any) []string, match func(value, query string) (bool, error)) func(backend, operation) operation {
	return onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
		resp, aerr := inner(x) // the organization and the caller's rights
		query := x.list.search
		if aerr != nil || query == "" {
			return resp, aerr
		}
		var kept []map[string]any
		for _, item := range listedMembers(s, x, s.orgID(x), "") {
			for _, v := range values(item) {
				ok, err := match(v, query)
				if err != nil {
					r := &response{}
					plainServerError(r)
					return r, nil
				}
				if ok {
					kept = append(kept, item)
					break
				}
			}
		}
		return listPage(x, kept), nil
	})
}

// storedMember is a member's row as the API shows it (with its times), by
// id, or nil.
func storedMember(s backend, memberID string) map[string]any {
	st := s.snapshot()
	for i := range st.Memberships {
		if id, _ := st.Memberships[i].Get("id"); id == memberID {
			row := map[string]any{}
			for _, name := range []string{"id", "role", "created_at", "updated_at"} {
				if v, ok := st.Memberships[i].Get(name); ok {
					row[name] = v
				}
			}
			return row
		}
	}
	return nil
}

// copy is a response that shares nothing with r.
func (r *response) copy() *response {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = bytes.Clone(r.Body)
	return &c
}

// substring is the service's match on one value.
func substring(value, query string) (bool, error) {
	return strings.Contains(strings.ToLower(value), strings.ToLower(query)), nil
}

// without is fields but one.
func without(fields []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return f == drop })
}

// likePattern is SQL's ILIKE '%query%' with query's % and _ left as
// wildcards, as a regular expression.
func likePattern(query string) string {
	var b strings.Builder
	b.WriteString("(?is)")
	for _, r := range query {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// words splits text into its words, as a full-text index does.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r > 127)
	})
}

// orderedList is a list in another order than the service's.
func orderedList(compare func(a, b map[string]any) int) func(backend, operation) operation {
	return onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
		if resp, aerr := inner(x); aerr != nil { // the organization and the caller's rights
			return resp, aerr
		}
		items := listedMembers(s, x, s.orgID(x), x.list.search)
		slices.SortStableFunc(items, compare)
		return listPage(x, items), nil
	})
}

// otherOrganization is an organization of the world other than orgID.
func otherOrganization(s backend, orgID string) string {
	for _, o := range rowsOf(s.snapshot(), "organizations") {
		if id, _ := o["id"].(string); id != orgID {
			return id
		}
	}
	return ""
}

// organizationOfMember is the organization that holds a member, or "".
func organizationOfMember(s backend, memberID string) string {
	for _, m := range rowsOf(s.snapshot(), "memberships") {
		if m["id"] == memberID {
			id, _ := m["organization_id"].(string)
			return id
		}
	}
	return ""
}

// throughOwnOrganization: a member reached through an organization that
// does not hold it is looked up by its id alone.
func throughOwnOrganization(op memberOp) func(backend, operation) operation {
	return onOperation(op, func(s backend, inner operation, x *exchange) (*response, *apiError) {
		resp, aerr := inner(x)
		if aerr == nil || aerr.Status != http.StatusNotFound || aerr.Detail != detailMemberNotFound {
			return resp, aerr
		}
		org := organizationOfMember(s, s.memberID(x))
		if org == "" {
			return resp, aerr
		}
		return inner(s.at(x, org, s.memberID(x)))
	})
}

// withPaging is a validated list request served with other paging;
// any other request as it is.
func withPaging(x *exchange, change func(q *listQuery)) *exchange {
	if x.op != opList {
		return x
	}
	y := *x
	change(&y.list)
	return &y
}
