package mock

import (
	"net/http"
	"slices"
)

// identityDefects are the defects of identity: credentials and standing (BEHAVIOUR.md: Identity).
var identityDefects = []*defect{
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
}
