package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestControlAPIIsARouteTable: every route of the control API answers its
// method; another method on a known path is a 405 with the path's methods
// in Allow, an unknown path a 404, both in the API's error format (issue
// 21: a wrong method was a 404).
func TestControlAPIIsARouteTable(t *testing.T) {
	m := newTestMock(t, Config{})
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/__mock/health", http.StatusOK, ""},
		{http.MethodGet, "/__mock/profile", http.StatusOK, ""},
		{http.MethodGet, "/__mock/operations", http.StatusOK, ""},
		{http.MethodGet, "/__mock/enums", http.StatusOK, ""},
		{http.MethodGet, "/__mock/state", http.StatusOK, ""},
		{http.MethodGet, "/__mock/scenarios", http.StatusOK, ""},
		{http.MethodGet, "/__mock/scenarios/options", http.StatusOK, ""},
		{http.MethodDelete, "/__mock/scenarios/nope", http.StatusNotFound, ""},
		{http.MethodGet, "/__mock/requests", http.StatusOK, ""},
		{http.MethodGet, "/__mock/requests/999999", http.StatusNotFound, ""},
		{http.MethodGet, "/__mock/changes", http.StatusOK, ""},
		{http.MethodGet, "/__mock/members?organization_id=" + m.profile.OrganizationID, http.StatusOK, ""},
		{http.MethodGet, "/__mock/overview", http.StatusOK, ""},
		{http.MethodPut, "/__mock/reset", http.StatusMethodNotAllowed, "POST"},
		{http.MethodPost, "/__mock/state", http.StatusMethodNotAllowed, "GET, PUT"},
		{http.MethodPut, "/__mock/scenarios", http.StatusMethodNotAllowed, "GET, POST, DELETE"},
		{http.MethodGet, "/__mock/scenarios/abc", http.StatusMethodNotAllowed, "DELETE"},
		{http.MethodPost, "/__mock/requests", http.StatusMethodNotAllowed, "GET, DELETE"},
		{http.MethodGet, "/__mock/members/abc", http.StatusMethodNotAllowed, "PATCH"},
		{http.MethodDelete, "/__mock/health", http.StatusMethodNotAllowed, "GET"},
		{http.MethodGet, "/__mock/nothing-here", http.StatusNotFound, ""},
		{http.MethodGet, "/__mock/members/abc/more", http.StatusNotFound, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := m.do(tc.method, tc.path, "", nil)
			require.Equal(t, tc.status, r.Status, "%s", r.Body)
			require.Equal(t, tc.allow, r.Header.Get("Allow"))
			if tc.status >= 400 {
				require.NotEmpty(t, r.Object(t)["detail"], "the API's error format")
			}
		})
	}
}
