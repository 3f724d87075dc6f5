package mock

import (
	"log/slog"
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

func TestAdminTokenGuardsTheControlAPI(t *testing.T) {
	const admin = "s3cret-admin-token"
	var logs syncLog
	m := newTestMock(t, Config{AdminToken: admin, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	for _, tc := range []struct {
		name, method, path string
		headers            []string
		status             int
		detail             string
	}{
		{"health stays open", http.MethodGet, "/__mock/health", nil, http.StatusOK, ""},
		{"no token", http.MethodGet, "/__mock/state", nil, http.StatusUnauthorized, "Not authenticated"},
		{"a development token is not the admin token", http.MethodGet, "/__mock/profile", []string{"Authorization", "Bearer " + TokenSystemAdmin}, http.StatusUnauthorized, "Invalid admin token"},
		{"a wrong header token", http.MethodPost, "/__mock/reset", []string{"X-Mock-Admin-Token", admin + "x"}, http.StatusUnauthorized, "Invalid admin token"},
		{"not Bearer", http.MethodGet, "/__mock/requests", []string{"Authorization", "Basic " + admin}, http.StatusUnauthorized, "Not authenticated"},
		{"a prefix of the token", http.MethodGet, "/__mock/scenarios", []string{"Authorization", "Bearer " + admin[:5]}, http.StatusUnauthorized, "Invalid admin token"},
		{"unknown control path, no token", http.MethodGet, "/__mock/nothing", nil, http.StatusUnauthorized, "Not authenticated"},
		{"Bearer", http.MethodGet, "/__mock/state", []string{"Authorization", "Bearer " + admin}, http.StatusOK, ""},
		{"header", http.MethodPost, "/__mock/reset", []string{"X-Mock-Admin-Token", admin}, http.StatusOK, ""},
		{"lower-case scheme", http.MethodGet, "/__mock/profile", []string{"Authorization", "bearer " + admin}, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.method, tc.path, "", nil, tc.headers...)
			require.Equal(t, tc.status, r.Status, "%s", r.Body)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			if tc.status == http.StatusUnauthorized {
				require.Equal(t, "Bearer", r.Header.Get("WWW-Authenticate"))
				require.Contains(t, detailString(t, r.Body), tc.detail)
			}
		})
	}
	// The API keeps its own tokens; the admin token opens nothing there.
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil).Status)
	require.Equal(t, http.StatusUnauthorized, m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), admin, nil).Status)
	// Neither the admin token nor a development token reaches the logs or
	// the journal.
	journal := m.do(http.MethodGet, "/__mock/requests", "", nil, "X-Mock-Admin-Token", admin)
	require.Equal(t, http.StatusOK, journal.Status)
	for _, secret := range []string{admin, TokenAnalyst} {
		require.NotContains(t, logs.String(), secret)
		require.NotContains(t, string(journal.Body), secret)
	}
}

func TestWithoutAdminTokenTheControlAPIIsOpen(t *testing.T) {
	m := newTestMock(t, Config{})
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, "/__mock/state", "", nil).Status)
}
