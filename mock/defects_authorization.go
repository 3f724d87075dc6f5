package mock

import "net/http"

// authorizationDefects are the defects of authorization: who may do what (BEHAVIOUR.md: Authorization).
var authorizationDefects = []*defect{
	{name: "system-admin-cannot-list",
		operation: refuses(opList, rightsSystemAdmin)},
	{name: "system-admin-cannot-create",
		operation: refuses(opCreate, rightsSystemAdmin)},
	{name: "system-admin-cannot-update",
		operation: refuses(opUpdate, rightsSystemAdmin)},
	{name: "system-admin-cannot-delete",
		operation: refuses(opDelete, rightsSystemAdmin)},
	{name: "org-admin-cannot-list",
		operation: refuses(opList, rightsAdmin)},
	{name: "org-admin-cannot-create",
		operation: refuses(opCreate, rightsAdmin)},
	{name: "org-admin-cannot-update",
		operation: refuses(opUpdate, rightsAdmin)},
	{name: "org-admin-cannot-delete",
		operation: refuses(opDelete, rightsAdmin)},
	{name: "analyst-cannot-list",
		operation: refuses(opList, rightsMember)},
	{name: "suspended-can-list",
		operation: suspendedActs(opList)},
	{name: "suspended-can-create",
		operation: suspendedActs(opCreate)},
	{name: "suspended-can-update",
		operation: suspendedActs(opUpdate)},
	{name: "suspended-can-delete",
		operation: suspendedActs(opDelete)},
	{name: "outsider-can-list",
		operation: outsiderActs(opList, rightsMember)},
	{name: "outsider-can-create",
		operation: outsiderActs(opCreate, rightsAdmin)},
	{name: "outsider-can-update",
		operation: outsiderActs(opUpdate, rightsAdmin)},
	{name: "outsider-can-delete",
		operation: outsiderActs(opDelete, rightsAdmin)},
	{name: "analyst-can-create",
		operation: escalate(opCreate, rightsMember, rightsAdmin)},
	{name: "analyst-can-update",
		operation: escalate(opUpdate, rightsMember, rightsAdmin)},
	{name: "analyst-can-delete",
		operation: escalate(opDelete, rightsMember, rightsAdmin)},
	{name: "forbidden-after-commit",
		operation: forbiddenAfterCommit(opUpdate)},
	{name: "org-admin-creates-system-admins",
		operation: escalate(opCreate, rightsAdmin, rightsSystemAdmin)},
	{name: "org-admin-promotes-to-system-admin",
		operation: escalate(opUpdate, rightsAdmin, rightsSystemAdmin)},
	{name: "org-admin-deletes-system-admins",
		operation: escalate(opDelete, rightsAdmin, rightsSystemAdmin)},
	{name: "create-forbidden-after-insert",
		operation: forbiddenAfterCommit(opCreate)},
	{name: "delete-forbidden-after-commit",
		operation: forbiddenAfterCommit(opDelete)},
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

// forbiddenAfterCommit: an ANALYST's op is carried out as an admin's, then
// answered 403 (the check runs after the commit).
func forbiddenAfterCommit(op memberOp) func(backend, operation) operation {
	return onOperation(op, func(s backend, inner operation, x *exchange) (*response, *apiError) {
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
	})
}
