package contract_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
)

// TestTokenPlaceholderSendsTheHeaderAsWritten: a step acting as a role
// that writes its own Authorization header around {token} sends exactly
// that header (another case, several spaces), and its replay names the
// token's variable, never the token.
func TestTokenPlaceholderSendsTheHeaderAsWritten(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("[]"))
	}))
	t.Cleanup(srv.Close)
	profile := &contract.Profile{BaseURL: srv.URL, OrganizationID: "0b4d3c2a-0000-4000-8000-000000000001",
		Tokens: map[string]string{"org_admin": "secret-org-admin", "analyst": "secret-analyst"}}
	suite := suiteOf(t, `
cases:
  - name: scheme-forms
    rules: [r]
    steps:
      - {name: lower, method: GET, path: "/api/organization/{organization_id}/member", as: org_admin, headers: {Authorization: "bearer   {token}"}, expect: {status: 200}}
      - {name: plain, method: GET, path: "/api/organization/{organization_id}/member", as: analyst, expect: {status: 200}}
`)
	report, out := run(t, suite, profile)
	require.Len(t, report.Cases, 1)
	require.True(t, report.Cases[0].Passed, out)
	// The steps' requests are the last two (the run may look at the
	// target first).
	require.GreaterOrEqual(t, len(got), 2)
	require.Equal(t, []string{"bearer   secret-org-admin", "Bearer secret-analyst"}, got[len(got)-2:])
	curl := report.Cases[0].Steps[0].Curl
	require.NotContains(t, curl, "secret-org-admin")
	require.Contains(t, curl, `'Authorization: bearer   '"${TOKEN_ORG_ADMIN}"''`)
	require.NotContains(t, curl, "Bearer ${TOKEN_ORG_ADMIN}", "the profile's own header is not sent besides the step's")
}
