package mock

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestControlRequestsAreLoggedButNotJournaled(t *testing.T) {
	var logs bytes.Buffer
	m := newTestMock(t, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	m.do(http.MethodGet, "/__mock/health", "", nil)
	require.Contains(t, logs.String(), "path=/__mock/health status=200")
	require.Empty(t, m.do(http.MethodGet, "/__mock/requests", "", nil).List(t))
}

func TestJournalKeepsBodiesAndTheStandingNeverTheToken(t *testing.T) {
	m := newTestMock(t, Config{})
	org, user := m.profile.OrganizationID, m.profile.CandidateUserIDs[0]
	m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user})
	r := m.do(http.MethodGet, "/__mock/requests", "", nil)
	require.NotContains(t, string(r.Body), TokenOrgAdmin)
	entry := r.List(t)[0].(map[string]any)
	require.Equal(t, "create_organization_member", entry["operation"])
	require.Equal(t, "org_admin", entry["as"])
	require.Equal(t, map[string]any{"user_id": user}, entry["request_body"])
	require.Equal(t, user, entry["response_body"].(map[string]any)["user_id"])
}

func TestJournalShowsTheQueryAsSent(t *testing.T) {
	m := newTestMock(t, Config{})
	m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID)+"?page_size=3", TokenAnalyst, nil)
	entry := m.do(http.MethodGet, "/__mock/requests", "", nil).List(t)[0].(map[string]any)
	require.Equal(t, "page_size=3", entry["query"], "not the defaults the spec wrote in")
}
