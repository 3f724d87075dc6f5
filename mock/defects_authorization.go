package mock

import "net/http"

// authorizationDefects are the defects of authorization: who may do what (BEHAVIOUR.md: Authorization).
var authorizationDefects = []*defect{
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
		operation: forbiddenAfterCommit(opUpdate)},
	{name: "org-admin-creates-system-admins", rule: "authz.system-admin-role.create", description: "an ORGANIZATION_ADMIN may add a SYSTEM_ADMIN membership",
		operation: escalate(opCreate, rightsAdmin, rightsSystemAdmin)},
	{name: "org-admin-promotes-to-system-admin", rule: "authz.system-admin-role.update", description: "an ORGANIZATION_ADMIN may make a member SYSTEM_ADMIN",
		operation: escalate(opUpdate, rightsAdmin, rightsSystemAdmin)},
	{name: "org-admin-deletes-system-admins", rule: "authz.system-admin-role.delete", description: "an ORGANIZATION_ADMIN may remove a SYSTEM_ADMIN membership",
		operation: escalate(opDelete, rightsAdmin, rightsSystemAdmin)},
	{name: "create-forbidden-after-insert", rule: "authz.create.analyst", description: "an ANALYST's create is inserted, then answered 403 (the check runs after the commit)",
		operation: forbiddenAfterCommit(opCreate)},
	{name: "delete-forbidden-after-commit", rule: "authz.delete.analyst", description: "an ANALYST's delete is carried out, then answered 403 (the check runs after the commit)",
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
