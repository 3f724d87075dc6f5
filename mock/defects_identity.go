package mock

import (
	"net/http"
	"slices"
	"strings"
)

// identityDefects are the defects of identity: credentials and standing (BEHAVIOUR.md: Identity).
var identityDefects = []*defect{
	{name: "no-www-authenticate",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized {
				r.Header.Del("Www-Authenticate")
			}
		}},
	{name: "missing-credentials-403",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized && detailIs(r, "Not authenticated") {
				r.Status = http.StatusForbidden
				r.Header.Del("Www-Authenticate")
			}
		}},
	{name: "one-401-message",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnauthorized && detailIs(r, "Invalid authentication credentials") {
				r.Body = mustJSON(map[string]string{"detail": "Not authenticated"})
			}
		}},
	{name: "system-admin-needs-membership",
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
	{name: "admin-of-any-organization",
		operation: whenForbidden("", func(s backend, x *exchange) func(rights) rights {
			grant := noGrant
			for _, m := range callerMemberships(s, x) {
				if m["membership_state"] == StateActive && rightsOfRole(m["role"]) >= rightsAdmin {
					grant = rightsAdmin
				}
			}
			return func(own rights) rights { return grantOr(grant, own) }
		})},

	// What real clients send (issue 22 point 4): the scheme in another case
	// or spacing.
	{name: "bearer-scheme-case-sensitive",
		operation: onEveryOperation(func(x *exchange) *apiError {
			if auth := x.header.Get("Authorization"); auth != "" && !strings.HasPrefix(auth, "Bearer ") {
				return unauthorized(detailNotAuthenticated)
			}
			return nil
		})},
	{name: "token-after-one-space",
		operation: onEveryOperation(func(x *exchange) *apiError {
			if parts := strings.Split(x.header.Get("Authorization"), " "); len(parts) > 1 && parts[1] == "" {
				return unauthorized(detailInvalidCredentials)
			}
			return nil
		})},
	{name: "scheme-split-on-any-whitespace",
		mutate: func(s backend, x *exchange, r *response) {
			auth := x.header.Get("Authorization")
			fields := strings.Fields(auth)
			if r.Status != http.StatusUnauthorized || strings.Contains(auth, " ") || len(fields) != 2 || !strings.EqualFold(fields[0], "bearer") {
				return
			}
			header := x.header.Clone()
			header.Set("Authorization", "Bearer "+fields[1])
			*r = *answerAgain(s, x, x.rawQuery, header)
		}},
}

// onEveryOperation refuses a request that reaches an operation when
// refuse says so.
func onEveryOperation(refuse func(x *exchange) *apiError) func(backend, operation) operation {
	return func(_ backend, inner operation) operation {
		return func(x *exchange) (*response, *apiError) {
			if aerr := refuse(x); aerr != nil {
				return nil, aerr
			}
			return inner(x)
		}
	}
}
