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
	"strconv"
	"strings"
	"sync"
	"time"
)

// operationDefects are the defects of the operations: list, create, update, delete (BEHAVIOUR.md: Operations).
var operationDefects = []*defect{
	// Responses
	{name: "keys-sorted",
		mutate: successKeyOrder(func(op memberOp, _ string, keys []string) []string {
			return slices.Sorted(slices.Values(keys))
		})},
	{name: "member-keys-in-column-order",
		mutate: successKeyOrder(func(op memberOp, pointer string, keys []string) []string {
			if pointer != "" && !(op == opList && strings.Count(pointer, "/") == 1) {
				return keys
			}
			return moveAfter(keys, "id", "")
		})},
	{name: "user-keys-by-hand",
		mutate: successKeyOrder(func(op memberOp, pointer string, keys []string) []string {
			if op != opList || !strings.HasSuffix(pointer, "/user") {
				return keys
			}
			return moveAfter(keys, "name", "email")
		})},
	// List
	{name: "cross-org-leak",
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
	{name: "list-ordered-by-id",
		operation: orderedList(func(a, b map[string]any) int { return cmp.Compare(fmt.Sprint(a["id"]), fmt.Sprint(b["id"])) })},
	{name: "list-without-users",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opList {
				delete(v, "user")
			}
		})},
	{name: "default-page-size-20",
		operation: onOperation(opList, func(_ backend, inner operation, x *exchange) (*response, *apiError) {
			if _, given := x.parsedQuery["page_size"]; !given {
				x = withPaging(x, func(q *listQuery) { q.size = 20 })
			}
			return inner(x)
		})},
	{name: "page-size-capped-at-50",
		operation: onOperation(opList, func(_ backend, inner operation, x *exchange) (*response, *apiError) {
			return inner(withPaging(x, func(q *listQuery) { q.size = min(q.size, 50) }))
		})},
	{name: "page-size-clamped",
		mutate: func(s backend, x *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "query", "page_size") && e["type"] == "less_than_equal" }) {
				q := sentQuery(x)
				q.Set("page_size", "100")
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "page-past-end-is-last-page",
		operation: onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			items := listedMembers(s, x, s.orgID(x), x.list.search)
			size := x.list.size
			if last := (len(items) + size - 1) / max(size, 1); last > 0 {
				x = withPaging(x, func(q *listQuery) { q.page = min(q.page, last) })
			}
			return inner(x)
		})},
	{name: "pagination-off-by-one",
		operation: func(_ backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				return inner(withPaging(x, func(q *listQuery) {
					if q.page < math.MaxInt32 {
						q.page++
					}
				}))
			}
		}},
	{name: "search-case-sensitive",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) { return strings.Contains(v, q), nil })},
	{name: "search-ascii-case-fold",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			return strings.Contains(asciiLower(v), asciiLower(q)), nil
		})},
	{name: "search-email-only",
		operation: ownSearch([]string{"email"}, substring)},
	{name: "search-skips-email",
		operation: ownSearch(without(searchFields, "email"), substring)},
	{name: "search-skips-given-name",
		operation: ownSearch(without(searchFields, "given_name"), substring)},
	{name: "search-skips-family-name",
		operation: ownSearch(without(searchFields, "family_name"), substring)},
	{name: "search-skips-nickname",
		operation: ownSearch(without(searchFields, "nickname"), substring)},
	{name: "search-prefix-only",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			return strings.HasPrefix(strings.ToLower(v), strings.ToLower(q)), nil
		})},
	{name: "search-whole-words",
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
	{name: "search-like-unescaped",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			re, err := regexp.Compile(likePattern(q))
			if err != nil {
				return false, err
			}
			return re.MatchString(v), nil
		})},
	{name: "search-regexp",
		operation: ownSearch(searchFields, func(v, q string) (bool, error) {
			re, err := regexp.Compile("(?i)" + q)
			if err != nil {
				return false, err
			}
			return re.MatchString(v), nil
		})},
	{name: "search-all-organizations",
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

	{name: "list-users-shifted",
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
	{name: "paging-before-search",
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
	{name: "search-matches-ids",
		operation: ownSearchOf(func(item map[string]any) []string {
			return append(searchedValues(item, searchFields), fmt.Sprint(item["id"]), fmt.Sprint(item["user_id"]))
		}, substring)},
	{name: "ties-by-id-descending",
		operation: orderedList(func(a, b map[string]any) int {
			return cmp.Or(cmp.Compare(fmt.Sprint(a["created_at"]), fmt.Sprint(b["created_at"])), cmp.Compare(fmt.Sprint(b["id"]), fmt.Sprint(a["id"])))
		})},
	{name: "page-size-zero-accepted",
		mutate: func(_ backend, x *exchange, r *response) {
			for _, e := range validationEntries(r) {
				if loc, _ := e["loc"].([]any); x.op == opList && len(loc) == 2 && loc[1] == "page_size" && fmt.Sprint(e["input"]) == "0" {
					*r = *jsonResponse(http.StatusOK, []any{})
					return
				}
			}
		}},
	{name: "list-cached",
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
	{name: "create-201",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opCreate && r.Status == http.StatusOK {
				r.Status = http.StatusCreated
			}
		}},
	{name: "create-pending",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opCreate {
				v["membership_state"] = "pending"
			}
		})},
	{name: "create-two-clocks",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if t, ok := parseTime(fmt.Sprint(v["updated_at"])); ok && op == opCreate {
				v["updated_at"] = t.Add(time.Microsecond).UTC().Format(timeLayout)
			}
		})},
	{name: "create-ignores-role",
		operation: rewriteBody(opCreate, func(_ backend, _ *exchange, body map[string]any) {
			if body["role"] != RoleSystemAdmin {
				body["role"] = "ANALYST"
			}
		})},
	{name: "create-ignores-body-organization",
		operation: rewriteBody(opCreate, func(_ backend, _ *exchange, body map[string]any) { delete(body, "organization_id") })},
	{name: "unknown-user-500",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opCreate && r.Status == http.StatusNotFound && detailIs(r, detailUserNotFound) {
				plainServerError(r)
			}
		}},
	{name: "duplicate-member-allowed",
		mutate: func(s backend, x *exchange, r *response) {
			if x.op != opCreate || r.Status != http.StatusConflict {
				return
			}
			body, _ := x.body.(map[string]any)
			role, _ := body["role"].(string)
			userID, _ := body["user_id"].(string)
			now := s.now().UTC().Format(timeLayout)
			*r = *jsonResponse(http.StatusOK, map[string]any{"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
				"organization_id": s.orgID(x), "user_id": strings.ToLower(userID),
				"role": cmp.Or(role, "ANALYST"), "membership_state": StateActive, "created_at": now, "updated_at": now})
		}},

	{name: "duplicate-across-organizations",
		operation: onOperation(opCreate, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			body, _ := x.body.(map[string]any)
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
	{name: "update-keeps-role-on-empty-body",
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
	{name: "update-ignores-body-ids",
		operation: rewriteBody(opUpdate, func(_ backend, _ *exchange, body map[string]any) {
			delete(body, "user_id")
			delete(body, "organization_id")
		})},
	{name: "update-any-organization",
		operation: throughOwnOrganization(opUpdate)},
	{name: "update-without-user",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opUpdate {
				delete(v, "user")
			}
		})},
	{name: "updated-at-frozen",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opUpdate {
				v["updated_at"] = v["created_at"]
			}
		})},
	{name: "created-at-changes",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opUpdate {
				v["created_at"] = v["updated_at"]
			}
		})},
	{name: "whole-second-times",
		mutate: rewriteTimes(func(t string) string {
			if parsed, ok := parseTime(t); ok {
				return parsed.Truncate(time.Second).UTC().Format(time.RFC3339)
			}
			return t
		})},

	{name: "updated-at-only-on-change",
		operation: answerUpdateFromRowBefore(func(before, after map[string]any) {
			if after["role"] == before["role"] {
				after["updated_at"] = cmp.Or(before["updated_at"], after["updated_at"])
			}
		})},
	{name: "update-answers-the-old-row",
		operation: answerUpdateFromRowBefore(func(before, after map[string]any) { after["role"] = before["role"] })},
	// Delete
	{name: "delete-204",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opDelete && r.Status == http.StatusOK {
				r.Status, r.Body = http.StatusNoContent, nil
				r.Header.Del("Content-Type")
			}
		}},
	{name: "delete-is-idempotent",
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
	{name: "delete-any-organization",
		operation: throughOwnOrganization(opDelete)},
	{name: "deleted-still-listed",
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
	start, end := x.list.window(len(items))
	out := items[start:end]
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

// answerUpdateFromRowBefore lets edit change a successful update's answer
// with the member's row as it was before the update.
func answerUpdateFromRowBefore(edit func(before, after map[string]any)) func(backend, operation) operation {
	return onOperation(opUpdate, func(s backend, inner operation, x *exchange) (*response, *apiError) {
		before := storedMember(s, s.memberID(x))
		resp, aerr := inner(x)
		var after map[string]any
		if aerr != nil || before == nil || json.Unmarshal(resp.Body, &after) != nil {
			return resp, aerr
		}
		edit(before, after)
		resp.Body = mustJSON(after)
		return resp, nil
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

// successKeyOrder rewrites a member operation's JSON success with each
// object's keys in the order order gives them, by the object's JSON
// pointer; values are kept as written.
func successKeyOrder(order func(op memberOp, pointer string, keys []string) []string) func(backend, *exchange, *response) {
	return func(_ backend, x *exchange, r *response) {
		if x.op == "" || r.Status < 200 || r.Status > 299 || len(r.Body) == 0 {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(r.Body))
		dec.UseNumber()
		if body, err := reorderedJSON(dec, "", func(pointer string, keys []string) []string { return order(x.op, pointer, keys) }); err == nil {
			r.Body, r.keysAsWritten = body, true
		}
	}
}

// reorderedJSON reads one value from dec and writes it again, each
// object's keys in the order order gives them.
func reorderedJSON(dec *json.Decoder, pointer string, order func(pointer string, keys []string) []string) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return json.Marshal(tok)
	}
	var b bytes.Buffer
	switch delim {
	case '[':
		b.WriteByte('[')
		for i := 0; dec.More(); i++ {
			item, err := reorderedJSON(dec, pointer+"/"+strconv.Itoa(i), order)
			if err != nil {
				return nil, err
			}
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(item)
		}
		b.WriteByte(']')
	case '{':
		var keys []string
		values := map[string][]byte{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ := tok.(string)
			if values[key], err = reorderedJSON(dec, pointer+"/"+key, order); err != nil {
				return nil, err
			}
			keys = append(keys, key)
		}
		b.WriteByte('{')
		for i, key := range order(pointer, keys) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(mustJSON(key))
			b.WriteByte(':')
			b.Write(values[key])
		}
		b.WriteByte('}')
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return nil, err
	}
	return b.Bytes(), nil
}

// moveAfter moves key right after another key, or first when after is "";
// keys without key are returned as they are.
func moveAfter(keys []string, key, after string) []string {
	if !slices.Contains(keys, key) {
		return keys
	}
	out := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == key })
	at := 0
	if after != "" {
		at = slices.Index(out, after) + 1
	}
	return slices.Insert(out, at, key)
}

// asciiLower lower-cases A to Z and leaves every other letter as it is,
// as SQLite's LIKE folds case (sqlite.org/lang_expr.html#like: "for
// ASCII characters by default").
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
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
