package mock

import "net/http"

// organizationDefects are the defects of the organization (BEHAVIOUR.md: Organization).
var organizationDefects = []*defect{
	{name: "unknown-organization-empty-list",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op == opList && r.Status == http.StatusNotFound && detailIs(r, detailOrgNotFound) {
				*r = *jsonResponse(http.StatusOK, []any{})
			}
		}},
}
