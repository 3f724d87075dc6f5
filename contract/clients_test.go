package contract_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/mock"
)

// TestNowComparesServerTimesWithTheRunnersClock: @now takes a server time
// between the step's send and its answer, widened by the clock skew, and a
// target whose clock is off by more fails naming the skew.
func TestNowComparesServerTimesWithTheRunnersClock(t *testing.T) {
	suite := embeddedSuite(t)
	for _, tc := range []struct {
		name       string
		serverOff  time.Duration
		skew       time.Duration
		wantFailed string
	}{
		{name: "same clock", serverOff: 0},
		{name: "within the default skew", serverOff: 1500 * time.Millisecond},
		{name: "behind, beyond the default skew", serverOff: -3 * time.Second, wantFailed: "within the clock skew of 2s (--clock-skew); it is 2.99"},
		{name: "ahead, beyond a given skew", serverOff: 3 * time.Second, skew: time.Second, wantFailed: "within the clock skew of 1s (--clock-skew); it is 2.99"},
		{name: "ahead, within a given skew", serverOff: 3 * time.Second, skew: 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The server's offset is exact: the mock's clock is the runner's
			// clock moved by it, and the runner reads the same clock.
			base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
			var mu sync.Mutex
			tick := base
			clock := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				tick = tick.Add(time.Millisecond)
				return tick
			}
			profile := serveMockWith(t, mock.Config{Seed: 1, Now: func() time.Time { return clock().Add(tc.serverOff) }})
			report, out := run(t, suite, profile, func(c *contract.Config) {
				c.Run = regexp.MustCompile("^written-times-are-the-time-of-the-write$")
				c.Now = clock
				c.ClockSkew = tc.skew
			})
			require.Len(t, report.Cases, 1, out)
			if tc.wantFailed == "" {
				require.True(t, report.Cases[0].Passed, out)
				return
			}
			require.False(t, report.Cases[0].Passed, out)
			require.Contains(t, strings.Join(report.Cases[0].Steps[0].Failures, "\n"), tc.wantFailed, out)
		})
	}
}

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

// TestTokenPlaceholderNeedsARole: {token} is the token of the role the
// step acts as, so a step acting as none cannot name it, and a step acting
// as a role writes its own Authorization header only around it.
func TestTokenPlaceholderNeedsARole(t *testing.T) {
	for _, tc := range []struct{ as, header, want string }{
		{as: "none", header: "Bearer {token}", want: "{token}: a step acting as a role has a token"},
		{as: "org_admin", header: "Basic x", want: "a step with its own Authorization header acts as none, or writes {token} in it"},
	} {
		_, err := fixtures.Load(fstest.MapFS{
			"rules.yaml": {Data: []byte("rules:\n  - {id: r, text: a rule}\n")},
			"cases.yaml": {Data: []byte("cases:\n  - name: c\n    rules: [r]\n    steps:\n      - {name: s, method: GET, path: /x, as: " + tc.as + ", headers: {Authorization: \"" + tc.header + "\"}, expect: {status: 200}}\n")},
		}, "inline")
		require.ErrorContains(t, err, tc.want, tc.as)
	}
}
