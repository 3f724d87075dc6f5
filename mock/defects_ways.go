package mock

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// waysDefects are backends broken in the ways issue 22 found the suite
// missed: a neighbour's user, paging before the search, a search of ids,
// a duplicate check across organizations, a write only on change, a
// refused delete that deletes, ties in the wrong order.
var waysDefects = []*defect{
	{name: "list-users-shifted", rule: "list.items-carry-user", description: "each listed member carries the user of the member after it (users loaded by a second query and zipped by position)",
		mutate: func(_ *Server, x *exchange, r *response) {
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
		operation: onOperation(opList, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x) // the organization and the caller's rights
			query := x.r.URL.Query().Get("query")
			if aerr != nil || query == "" {
				return resp, aerr
			}
			var page []map[string]any
			_ = json.Unmarshal(listPage(x, s.membersOf(x, s.orgID(x), "")).Body, &page)
			kept := []map[string]any{}
			for _, item := range page {
				for _, v := range searchedValues(item, searchFields) {
					if ok, _ := substring(v, query); ok {
						kept = append(kept, item)
						break
					}
				}
			}
			return jsonResponse(http.StatusOK, kept), nil
		})},
	{name: "search-matches-ids", rule: "list.search-user-fields-only", description: "query also matches the member's id and its user's id (the search concatenates every column)",
		operation: onOperation(opList, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x)
			query := x.r.URL.Query().Get("query")
			if aerr != nil || query == "" {
				return resp, aerr
			}
			var kept []map[string]any
			for _, item := range s.membersOf(x, s.orgID(x), "") {
				values := append(searchedValues(item, searchFields), fmt.Sprint(item["id"]), fmt.Sprint(item["user_id"]))
				for _, v := range values {
					if ok, _ := substring(v, query); ok {
						kept = append(kept, item)
						break
					}
				}
			}
			return listPage(x, kept), nil
		})},
	{name: "duplicate-across-organizations", rule: "create.duplicate", description: "a user who is a member of any organization cannot be added (the unique key is on user_id alone)",
		operation: onOperation(opCreate, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			var body map[string]any
			_ = json.Unmarshal(x.body, &body)
			userID, _ := body["user_id"].(string)
			for _, m := range rowsOf(s.stateJSON(), "memberships") {
				if m["user_id"] == strings.ToLower(userID) && m["organization_id"] != s.orgID(x) && s.rightsOf(x) >= rightsAdmin {
					return nil, errorf(http.StatusConflict, "User is already a member of an organization")
				}
			}
			return inner(x)
		})},
	{name: "updated-at-only-on-change", rule: "update.timestamps", description: "an update that changes nothing leaves updated_at as it was (the ORM writes only dirty rows)",
		operation: onOperation(opUpdate, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			var before map[string]any
			for _, m := range rowsOf(s.stateJSON(), "memberships") {
				if m["id"] == strings.ToLower(s.memberID(x)) {
					before = m
				}
			}
			resp, aerr := inner(x)
			var after map[string]any
			if aerr != nil || before == nil || json.Unmarshal(resp.Body, &after) != nil || after["role"] != before["role"] {
				return resp, aerr
			}
			after["updated_at"] = cmp.Or(before["updated_at"], after["updated_at"])
			resp.Body = mustJSON(after)
			return resp, nil
		})},
	{name: "delete-forbidden-after-commit", rule: "authz.delete.analyst", description: "an ANALYST's delete is carried out, then answered 403 (the check runs after the commit)",
		operation: onOperation(opDelete, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x)
			if aerr != nil && aerr.Status == http.StatusForbidden && s.rightsOf(x) == rightsMember {
				_, _ = s.operateWithRights(x, rightsAdmin)
			}
			return resp, aerr
		})},
	{name: "ties-by-id-descending", rule: "list.order", description: "members created in the same instant are ordered by id descending (ORDER BY created_at, id DESC)",
		operation: orderedList(func(a, b map[string]any) int {
			return cmp.Or(cmp.Compare(fmt.Sprint(a["created_at"]), fmt.Sprint(b["created_at"])), cmp.Compare(fmt.Sprint(b["id"]), fmt.Sprint(a["id"])))
		})},
	{name: "create-forbidden-after-insert", rule: "authz.create.analyst", description: "an ANALYST's create is inserted, then answered 403 (the check runs after the commit)",
		operation: onOperation(opCreate, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x)
			if aerr != nil && aerr.Status == http.StatusForbidden && s.rightsOf(x) == rightsMember {
				_, _ = s.operateWithRights(x, rightsAdmin)
			}
			return resp, aerr
		})},
	{name: "deleted-still-listed", rule: "delete.then-gone", description: "a deleted member is still listed (a soft delete the list query does not filter)",
		operation: func() func(*Server, operation) operation {
			var mu sync.Mutex
			deleted := map[string][]map[string]any{} // by organization
			return onOperations(func(s *Server, inner operation, x *exchange) (*response, *apiError) {
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
			})
		}()},
	{name: "page-size-zero-accepted", rule: "list.page-size-bounds", description: "page_size 0 answers an empty page instead of a 422 (no lower bound on the parameter)",
		mutate: func(_ *Server, x *exchange, r *response) {
			for _, e := range validationEntries(r) {
				if loc, _ := e["loc"].([]any); x.op == opList && len(loc) == 2 && loc[1] == "page_size" && fmt.Sprint(e["input"]) == "0" {
					*r = *jsonResponse(http.StatusOK, []any{})
					return
				}
			}
		}},
	{name: "naive-times", rule: "format.timestamps", description: "times carry no zone (a naive datetime: 2024-01-05T05:27:15.968563)",
		mutate: rewriteTimes(func(t string) string { return strings.TrimSuffix(t, "Z") })},
	{name: "update-answers-the-old-row", rule: "update.sets-role", description: "the update answers the row as it was read, before the write (the response is built from the loaded object)",
		operation: onOperation(opUpdate, func(s *Server, inner operation, x *exchange) (*response, *apiError) {
			var before map[string]any
			for _, m := range rowsOf(s.stateJSON(), "memberships") {
				if m["id"] == strings.ToLower(s.memberID(x)) {
					before = m
				}
			}
			resp, aerr := inner(x)
			var after map[string]any
			if aerr != nil || before == nil || json.Unmarshal(resp.Body, &after) != nil {
				return resp, aerr
			}
			after["role"] = before["role"]
			resp.Body = mustJSON(after)
			return resp, nil
		})},
}

// onOperations wraps the operation for every member operation.
func onOperations(wrap func(s *Server, inner operation, x *exchange) (*response, *apiError)) func(*Server, operation) operation {
	return func(s *Server, inner operation) operation {
		return func(x *exchange) (*response, *apiError) { return wrap(s, inner, x) }
	}
}

func init() { defects = append(defects, waysDefects...) }
