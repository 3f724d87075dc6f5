package mock

import (
	"net/http"
	"strings"
)

// orderDefects are the defects of the order of checks (BEHAVIOUR.md: Order of checks).
var orderDefects = []*defect{
	{name: "auth-before-body-decoding",
		mutate: func(s backend, x *exchange, r *response) {
			if x.route != nil && x.caller.err != nil && (r.Status == http.StatusBadRequest || allEntries(r, func(e map[string]any) bool { return e["type"] == "json_invalid" })) {
				*r = *errorResponse(x.caller.err)
			}
		}},
	{name: "validation-before-auth",
		mutate: func(s backend, x *exchange, r *response) {
			if r.Status != http.StatusUnauthorized || x.route == nil || x.method != http.MethodGet {
				return
			}
			// The same request with a valid token: its 422, if any, is
			// what this backend answers.
			header := x.header.Clone()
			header.Set("Authorization", "Bearer "+s.systemAdminToken())
			if resp := s.wouldAnswer(withHeader(x.request, header)); resp.Status == http.StatusUnprocessableEntity {
				*r = *resp
			}
		}},
	{name: "organization-before-validation",
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
	{name: "authorization-before-organization",
		mutate: func(s backend, x *exchange, r *response) {
			if r.Status == http.StatusNotFound && detailIs(r, detailOrgNotFound) && x.caller.err == nil && !x.caller.user.IsSystemAdmin() {
				*r = *errorResponse(errorf(http.StatusForbidden, detailForbidden))
			}
		}},
	{name: "lookup-before-authorization",
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
