package mock

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// defect is one realistic backend bug, switched on with --defect to prove
// that the contract suite catches it. A mock with a defect does not repair
// its responses: it is a broken backend on purpose. New installs it at one
// seam: around the operation, and over the answer; the pipeline and the
// policy never see it. A defect reaches the mock only through backend.
//
// The catalogue is split by BEHAVIOUR.md's sections, a file each
// (defects_<section>.go), in the rulebook's order.
type defect struct {
	name string
	// rule is the id, in fixtures/rules.yaml, of the one clause of
	// BEHAVIOUR.md the defect breaks.
	rule        string
	description string
	// operation wraps the operation (a request past validation).
	operation func(s backend, inner operation) operation
	// mutate rewrites the answer.
	mutate func(s backend, x *exchange, r *response)
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
	answer(req *request) *response
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
	if d.mutate != nil {
		mutate := d.mutate
		s.rewrite = func(x *exchange, r *response) { mutate(s, x, r) }
	}
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
		var body map[string]any
		if json.Unmarshal(x.body, &body) == nil && body != nil {
			edit(s, x, body)
			y := *x
			y.body = mustJSON(body)
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

// escalate: a caller with the rights from, refused op, acts with the
// rights to (a dependency that checks one level too low).
func escalate(op memberOp, from, to rights) func(backend, operation) operation {
	return whenForbidden(op, func(backend, *exchange) func(rights) rights {
		return func(own rights) rights {
			if own == from {
				return to
			}
			return own
		}
	})
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
	return s.answer(req)
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
		y.validated(map[string]string{s.organizationParam(): orgID}, q, nil)
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
	return onOperation(opList, func(s backend, inner operation, x *exchange) (*response, *apiError) {
		resp, aerr := inner(x) // the organization and the caller's rights
		query := x.list.search
		if aerr != nil || query == "" {
			return resp, aerr
		}
		var kept []map[string]any
		for _, item := range listedMembers(s, x, s.orgID(x), "") {
			for _, v := range searchedValues(item, fields) {
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

// memberExists says whether an organization holds a member, by id.
func memberExists(s backend, orgID, memberID string) bool {
	for _, m := range rowsOf(s.snapshot(), "memberships") {
		if m["organization_id"] == orgID && m["id"] == memberID {
			return true
		}
	}
	return false
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

// membershipIn is the caller's membership in the request's organization,
// in any state, or nil.
func membershipIn(s backend, x *exchange) map[string]any {
	org := s.orgID(x)
	for _, m := range callerMemberships(s, x) {
		if m["organization_id"] == org {
			return m
		}
	}
	return nil
}

// suspendedActs: a membership's role grants its rights whatever its state
// (the query filters on the organization and the user, not the state).
func suspendedActs(op memberOp) func(backend, operation) operation {
	return whenForbidden(op, func(s backend, x *exchange) func(rights) rights {
		grant := noGrant
		if m := membershipIn(s, x); m != nil && m["membership_state"] != StateActive {
			grant = rightsOfRole(m["role"])
		}
		return func(own rights) rights { return grantOr(grant, own) }
	})
}

// outsiderActs: a caller with no membership passes the check, which only
// refuses members of too low a role (if membership and membership.role
// ...: raise 403).
func outsiderActs(op memberOp, with rights) func(backend, operation) operation {
	return whenForbidden(op, func(s backend, x *exchange) func(rights) rights {
		grant := noGrant
		if membershipIn(s, x) == nil {
			grant = with
		}
		return func(own rights) rights { return grantOr(grant, own) }
	})
}

// refuses answers 403 to callers with exactly these rights in the
// organization, where the service lets them act.
func refuses(op memberOp, who rights) func(backend, operation) operation {
	return onOperation(op, func(s backend, _ operation, x *exchange) (*response, *apiError) {
		return s.operateAs(x, func(own rights) rights {
			if own == who {
				return rightsNone
			}
			return own
		})
	})
}

var defects = []*defect{
	// Routing: the router's habits.
	{name: "unknown-path-plain-404", rule: "route.unknown-path", description: "an unknown path answers the router's plain-text 404 page not found",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusNotFound {
				r.Header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
				r.Body = []byte("404 page not found\n")
			}
		}},
	{name: "wrong-method-404", rule: "route.wrong-method", description: "another method on a known path is 404 (the router matches method and path together)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusMethodNotAllowed {
				*r = *errorResponse(errorf(http.StatusNotFound, "Not Found"))
			}
		}},
	{name: "trailing-slash-404", rule: "route.trailing-slash-redirect", description: "a trailing slash is 404 (strict slashes, no redirect)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusTemporaryRedirect {
				*r = *errorResponse(errorf(http.StatusNotFound, "Not Found"))
			}
		}},
	{name: "identity-before-routing", rule: "order.route-before-identity", description: "credentials are checked before the route: an unknown path or method without a token is 401 (an auth middleware in front of the router)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && x.caller.err != nil && (r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed) {
				*r = *errorResponse(x.caller.err)
			}
		}},
	// Identity
	{name: "no-www-authenticate", rule: "identity.not-authenticated", description: "401 without the WWW-Authenticate header",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized {
				r.Header.Del("Www-Authenticate")
			}
		}},
	{name: "missing-credentials-403", rule: "identity.not-authenticated", description: "no credentials is 403 Not authenticated, as FastAPI before 0.122 answers",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized && detailIs(r, "Not authenticated") {
				r.Status = http.StatusForbidden
				r.Header.Del("Www-Authenticate")
			}
		}},
	{name: "one-401-message", rule: "identity.invalid-token", description: "an unknown token gets the same detail as no token, Not authenticated",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized && detailIs(r, "Invalid authentication credentials") {
				r.Body = mustJSON(map[string]string{"detail": "Not authenticated"})
			}
		}},
	{name: "system-admin-needs-membership", rule: "identity.system-admin-everywhere", description: "a system admin acts only where it holds a membership",
		operation: func(s backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				org := s.orgID(x)
				member := slices.ContainsFunc(callerMemberships(s, x), func(m map[string]any) bool { return m["organization_id"] == org })
				return s.operateAs(x, func(own rights) rights {
					if own == rightsSystemAdmin && !member {
						return rightsNone
					}
					return own
				})
			}
		}},
	{name: "admin-of-any-organization", rule: "identity.membership-per-organization", description: "an admin of one organization administers every organization (the role is read from the user's first membership)",
		operation: whenForbidden("", func(s backend, x *exchange) func(rights) rights {
			grant := noGrant
			for _, m := range callerMemberships(s, x) {
				if m["membership_state"] == StateActive && rightsOfRole(m["role"]) >= rightsAdmin {
					grant = rightsAdmin
				}
			}
			return func(own rights) rights { return grantOr(grant, own) }
		})},
	// Authorization
	{name: "system-admin-cannot-list", rule: "authz.list.system-admin", description: "a system admin may not list (is_system_admin is not read on this route)",
		operation: refuses(opList, rightsSystemAdmin)},
	{name: "system-admin-cannot-create", rule: "authz.create.system-admin", description: "a system admin may not add members (is_system_admin is not read on this route)",
		operation: refuses(opCreate, rightsSystemAdmin)},
	{name: "system-admin-cannot-update", rule: "authz.update.system-admin", description: "a system admin may not update members (is_system_admin is not read on this route)",
		operation: refuses(opUpdate, rightsSystemAdmin)},
	{name: "system-admin-cannot-delete", rule: "authz.delete.system-admin", description: "a system admin may not remove members (is_system_admin is not read on this route)",
		operation: refuses(opDelete, rightsSystemAdmin)},
	{name: "org-admin-cannot-list", rule: "authz.list.org-admin", description: "the list is for system admins only",
		operation: refuses(opList, rightsAdmin)},
	{name: "org-admin-cannot-create", rule: "authz.create.org-admin", description: "adding members is for system admins only",
		operation: refuses(opCreate, rightsAdmin)},
	{name: "org-admin-cannot-update", rule: "authz.update.org-admin", description: "updating members is for system admins only",
		operation: refuses(opUpdate, rightsAdmin)},
	{name: "org-admin-cannot-delete", rule: "authz.delete.org-admin", description: "removing members is for system admins only",
		operation: refuses(opDelete, rightsAdmin)},
	{name: "analyst-cannot-list", rule: "authz.list.analyst", description: "the list needs admin rights (the route reuses the write dependency)",
		operation: refuses(opList, rightsMember)},
	{name: "suspended-can-list", rule: "authz.list.suspended", description: "a suspended member may list (the membership's state is never checked)",
		operation: suspendedActs(opList)},
	{name: "suspended-can-create", rule: "authz.create.suspended", description: "a suspended admin may add members (the membership's state is never checked)",
		operation: suspendedActs(opCreate)},
	{name: "suspended-can-update", rule: "authz.update.suspended", description: "a suspended admin may update members (the membership's state is never checked)",
		operation: suspendedActs(opUpdate)},
	{name: "suspended-can-delete", rule: "authz.delete.suspended", description: "a suspended admin may remove members (the membership's state is never checked)",
		operation: suspendedActs(opDelete)},
	{name: "outsider-can-list", rule: "authz.list.outsider", description: "any authenticated user may list any organization (reads check no membership)",
		operation: outsiderActs(opList, rightsMember)},
	{name: "outsider-can-create", rule: "authz.create.outsider", description: "a user with no membership may add members (only a member's role is checked)",
		operation: outsiderActs(opCreate, rightsAdmin)},
	{name: "outsider-can-update", rule: "authz.update.outsider", description: "a user with no membership may update members (only a member's role is checked)",
		operation: outsiderActs(opUpdate, rightsAdmin)},
	{name: "outsider-can-delete", rule: "authz.delete.outsider", description: "a user with no membership may remove members (only a member's role is checked)",
		operation: outsiderActs(opDelete, rightsAdmin)},
	{name: "analyst-can-create", rule: "authz.create.analyst", description: "an active ANALYST may add members (the create route forgot its admin dependency)",
		operation: escalate(opCreate, rightsMember, rightsAdmin)},
	{name: "analyst-can-update", rule: "authz.update.analyst", description: "an active ANALYST may update members",
		operation: escalate(opUpdate, rightsMember, rightsAdmin)},
	{name: "analyst-can-delete", rule: "authz.delete.analyst", description: "an active ANALYST may remove members",
		operation: escalate(opDelete, rightsMember, rightsAdmin)},
	{name: "forbidden-after-commit", rule: "authz.update.analyst", description: "an ANALYST's update is written, then answered 403 (the check runs after the commit)",
		operation: onOperation(opUpdate, func(s backend, inner operation, x *exchange) (*response, *apiError) {
			resp, aerr := inner(x)
			if aerr != nil && aerr.Status == http.StatusForbidden {
				_, _ = s.operateAs(x, func(own rights) rights {
					if own == rightsMember {
						return rightsAdmin
					}
					return own
				})
			}
			return resp, aerr
		})},
	{name: "org-admin-creates-system-admins", rule: "authz.system-admin-role.create", description: "an ORGANIZATION_ADMIN may add a SYSTEM_ADMIN membership",
		operation: escalate(opCreate, rightsAdmin, rightsSystemAdmin)},
	{name: "org-admin-promotes-to-system-admin", rule: "authz.system-admin-role.update", description: "an ORGANIZATION_ADMIN may make a member SYSTEM_ADMIN",
		operation: escalate(opUpdate, rightsAdmin, rightsSystemAdmin)},
	{name: "org-admin-deletes-system-admins", rule: "authz.system-admin-role.delete", description: "an ORGANIZATION_ADMIN may remove a SYSTEM_ADMIN membership",
		operation: escalate(opDelete, rightsAdmin, rightsSystemAdmin)},

	// Order of checks
	{name: "auth-before-body-decoding", rule: "order.body-decoding-before-identity", description: "a body that does not parse, sent without credentials, is 401",
		mutate: func(s backend, x *exchange, r *response) {
			if x.route != nil && x.caller.err != nil && (r.Status == http.StatusBadRequest || allEntries(r, func(e map[string]any) bool { return e["type"] == "json_invalid" })) {
				*r = *errorResponse(x.caller.err)
			}
		}},
	{name: "validation-before-auth", rule: "order.identity-before-validation", description: "an invalid query without credentials is 422: parameters are validated before the security dependency",
		mutate: func(s backend, x *exchange, r *response) {
			if r.Status != http.StatusUnauthorized || x.route == nil || x.method != http.MethodGet {
				return
			}
			// The same request with a valid token: its 422, if any, is
			// what this backend answers.
			header := x.header.Clone()
			header.Set("Authorization", "Bearer "+s.systemAdminToken())
			if resp := s.answer(withHeader(x.request, header)); resp.Status == http.StatusUnprocessableEntity {
				*r = *resp
			}
		}},
	{name: "organization-before-validation", rule: "order.validation-before-organization", description: "an invalid request for an unknown organization is 404: the organization is a dependency resolved before the parameters",
		mutate: func(s backend, x *exchange, r *response) {
			if r.Status != http.StatusUnprocessableEntity || x.route == nil {
				return
			}
			segments := strings.Split(strings.ToLower(x.path), "/")
			if len(segments) < 4 || segments[2] != "organization" {
				return
			}
			for _, o := range rowsOf(s.snapshot(), "organizations") {
				if o["id"] == segments[3] {
					return
				}
			}
			*r = *errorResponse(errorf(http.StatusNotFound, detailOrgNotFound))
		}},
	{name: "authorization-before-organization", rule: "order.organization-before-authorization", description: "an unknown organization is 403 for anyone but a system admin: the membership check comes first",
		mutate: func(s backend, x *exchange, r *response) {
			if r.Status == http.StatusNotFound && detailIs(r, detailOrgNotFound) && x.caller.err == nil && !x.caller.user.IsSystemAdmin() {
				*r = *errorResponse(errorf(http.StatusForbidden, detailForbidden))
			}
		}},
	{name: "lookup-before-authorization", rule: "order.authorization-before-lookup", description: "a caller who may not act gets 404 for a member that does not exist: the row is loaded before the check",
		operation: func(s backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				resp, aerr := inner(x)
				if aerr == nil || aerr.Status != http.StatusForbidden || (x.op != opUpdate && x.op != opDelete) {
					return resp, aerr
				}
				if !memberExists(s, s.orgID(x), s.memberID(x)) {
					return nil, errorf(http.StatusNotFound, detailMemberNotFound)
				}
				return resp, aerr
			}
		}},

	// Request validation
	{name: "422-detail-string", rule: "validation.body-field", description: "validation errors carry detail as a string",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity {
				r.Body = []byte(`{"detail":"validation error"}`)
			}
		}},
	{name: "path-id-lookup-404", rule: "validation.path-parameter", description: "a member id that is not a uuid is looked up as it is: 404 instead of 422",
		mutate: func(_ backend, _ *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "path") }) {
				*r = *errorResponse(errorf(http.StatusNotFound, detailMemberNotFound))
			}
		}},
	{name: "query-length-unchecked", rule: "validation.query-parameter", description: "query has no max_length: a query over 200 characters is searched",
		mutate: func(s backend, x *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "query", "query") && e["type"] == "string_too_long" }) {
				q := sentQuery(x)
				q.Set("query", q.Get("query")[:200])
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "first-error-only", rule: "validation.one-entry-per-problem", description: "a 422 reports only the first problem",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) > 1 {
				setEntries(r, entries[:1])
			}
		}},
	{name: "validation-entries-sorted", rule: "validation.pydantic-entries", description: "422 entries sorted by loc instead of in declaration order",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) > 1 {
				sort.SliceStable(entries, func(i, j int) bool { return fmt.Sprint(entries[i]["loc"]) < fmt.Sprint(entries[j]["loc"]) })
				setEntries(r, entries)
			}
		}},
	{name: "pydantic-1-entries", rule: "validation.pydantic-entries", description: "422 entries in pydantic 1's shape: no input, no ctx",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); entries != nil {
				for _, e := range entries {
					delete(e, "input")
					delete(e, "ctx")
				}
				setEntries(r, entries)
			}
		}},
	{name: "500-on-malformed-json", rule: "validation.body-not-json", description: "a body that does not parse is a 500 with a plain-text page",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity && bytes.Contains(r.Body, []byte(`"json_invalid"`)) {
				plainServerError(r)
			}
		}},
	{name: "json-invalid-without-position", rule: "validation.body-not-json", description: "json_invalid at [\"body\"], without the position where parsing failed",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) == 1 && entries[0]["type"] == "json_invalid" {
				entries[0]["loc"] = []string{"body"}
				setEntries(r, entries)
			}
		}},
	{name: "undecodable-body-500", rule: "validation.body-undecodable", description: "a body that cannot be decoded is a 500 (UnicodeDecodeError not handled)",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusBadRequest && detailIs(r, "There was an error parsing the body") {
				plainServerError(r)
			}
		}},
	{name: "content-type-ignored", rule: "validation.body-content-type", description: "a JSON body sent as text/plain is decoded anyway (FastAPI before 0.132)",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool { return locIs(e, "body") && e["type"] == "model_attributes_type" }) || !json.Valid(x.rawBody) {
				return
			}
			header := x.header.Clone()
			header.Set("Content-Type", "application/json")
			*r = *answerAgain(s, x, x.rawQuery, header)
		}},
	{name: "missing-body-400", rule: "validation.body-missing", description: "a missing body is 400 Request body required",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) == 1 && entries[0]["type"] == "missing" && locIs(entries[0], "body") && len(entries[0]["loc"].([]any)) == 1 {
				*r = *errorResponse(errorf(http.StatusBadRequest, "Request body required"))
			}
		}},

	// Organization
	{name: "unknown-organization-empty-list", rule: "organization.not-found", description: "the list of an unknown organization is [] (members are filtered by organization_id, the organization never looked up)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opList && r.Status == http.StatusNotFound && detailIs(r, detailOrgNotFound) {
				*r = *jsonResponse(http.StatusOK, []any{})
			}
		}},

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

	// Edges of the request format
	{name: "empty-query-value-ignored", rule: "edge.empty-query-value", description: "an empty query value (?page=) counts as absent",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool { return locIs(e, "query") && e["input"] == "" }) {
				return
			}
			q := sentQuery(x)
			for name, values := range q {
				if slices.Contains(values, "") {
					q.Del(name)
				}
			}
			*r = *answerAgain(s, x, q.Encode(), nil)
		}},
	{name: "first-repeated-parameter-wins", rule: "edge.repeated-parameter-last-wins", description: "the first of a repeated query parameter wins (url.Values.Get)",
		mutate: func(s backend, x *exchange, r *response) {
			q := sentQuery(x)
			repeated := false
			for name, values := range q {
				if len(values) > 1 {
					q[name], repeated = values[:1], true
				}
			}
			if repeated && x.op == opList {
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "unknown-query-forbidden", rule: "edge.unknown-query-ignored", description: "an unknown query parameter is a 422 (extra parameters forbidden)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil || r.Status >= 300 {
				return
			}
			for name := range x.parsedQuery {
				if !declaresQueryParameter(x, name) {
					*r = *errorResponse(validationFailed(validationIssue{Type: "extra_forbidden", Loc: []any{"query", name}, Msg: "Extra inputs are not permitted", Input: mustJSON("")}))
					return
				}
			}
		}},
	{name: "access-context-unchecked", rule: "edge.access-context-uuids", description: "the access-context parameters are accepted whatever they hold",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool {
				loc, _ := e["loc"].([]any)
				return locIs(e, "query") && len(loc) == 2 && slices.Contains(listParamsIgnore, fmt.Sprint(loc[1]))
			}) {
				return
			}
			q := sentQuery(x)
			for _, name := range listParamsIgnore {
				q.Del(name)
			}
			*r = *answerAgain(s, x, q.Encode(), nil)
		}},
	{name: "strict-integers", rule: "edge.lax-integers", description: "page and page_size must be plain digits (a strict parser): ' 01 ', '1_0' and '2.0' are 422",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op != opList || r.Status != http.StatusOK {
				return
			}
			var issues []validationIssue
			for _, name := range []string{"page", "page_size"} {
				if values := x.parsedQuery[name]; len(values) > 0 && !plainDigits.MatchString(values[len(values)-1]) {
					v := values[len(values)-1]
					issues = append(issues, validationIssue{Type: "int_parsing", Loc: []any{"query", name}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: mustJSON(v)})
				}
			}
			if len(issues) > 0 {
				*r = *errorResponse(validationFailed(issues...))
			}
		}},
	{name: "uuid-case-sensitive", rule: "edge.uppercase-uuids", description: "ids in the path are compared as written: an uppercase organization id is unknown",
		operation: func(_ backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				if x.path != strings.ToLower(x.path) {
					return nil, errorf(http.StatusNotFound, detailOrgNotFound)
				}
				return inner(x)
			}
		}},
	{name: "uuid-dashed-form-only", rule: "edge.uuid-forms", description: "uuids are checked against the dashed form only: no braces, no urn:uuid:, no 32 hex digits",
		mutate: func(s backend, x *exchange, r *response) {
			if x.route == nil || r.Status >= 300 {
				return
			}
			for _, segment := range strings.Split(x.path, "/") {
				if len(segment) >= 32 && !dashedUUID.MatchString(segment) {
					*r = *errorResponse(validationFailed(validationIssue{Type: "uuid_parsing", Loc: []any{"path", s.organizationParam()}, Msg: "Input should be a valid UUID", Input: mustJSON(segment)}))
					return
				}
			}
		}},
	{name: "body-limit-html", rule: "edge.body-too-large", description: "a body over 1 MiB is the proxy's 413 HTML page",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusRequestEntityTooLarge {
				r.Body = []byte("<html><body><h1>413 Request Entity Too Large</h1></body></html>")
				r.Header = http.Header{"Content-Type": {"text/html"}}
			}
		}},

	// Formats
	{name: "enum-lowercase", rule: "create.defaults", description: "role rendered in lower case (analyst)",
		mutate: editJSON(func(_ memberOp, v map[string]any) {
			if r, ok := v["role"].(string); ok {
				v["role"] = strings.ToLower(r)
			}
		})},
	{name: "missing-created-at", rule: "format.timestamps", description: "list and update responses leave out the required created_at",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opList || op == opUpdate {
				delete(v, "created_at")
			}
		})},
	{name: "offset-times", rule: "format.timestamps", description: "times end in +00:00 instead of Z (Python's isoformat)",
		mutate: rewriteTimes(func(t string) string { return strings.TrimSuffix(t, "Z") + "+00:00" })},
	{name: "uuid1-ids", rule: "format.ids", description: "member ids are version 1 (time-based) uuids",
		operation: func(s backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				if id := s.memberID(x); len(id) == 36 && id[14] == '1' {
					return inner(s.at(x, s.orgID(x), id[:14]+"4"+id[15:]))
				}
				return inner(x)
			}
		},
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if id, ok := v["id"].(string); ok && len(id) == 36 && op != "" {
				v["id"] = id[:14] + "1" + id[15:]
			}
		})},
}

var (
	plainDigits = regexp.MustCompile(`^[0-9]+$`)
	dashedUUID  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// declaresQueryParameter: the request's operation declares this query
// parameter.
func declaresQueryParameter(x *exchange, name string) bool {
	for _, group := range []openapi3.Parameters{x.route.PathItem.Parameters, x.route.Operation.Parameters} {
		for _, ref := range group {
			if p := ref.Value; p != nil && p.In == openapi3.ParameterInQuery && p.Name == name {
				return true
			}
		}
	}
	return false
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

// DefectRule is the id of the rule (fixtures/rules.yaml) a defect breaks.
func DefectRule(name string) string {
	d, _ := lookupDefect(name)
	if d == nil {
		return ""
	}
	return d.rule
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
