package mock

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAWriteThatCannotBeSavedDidNotHappen(t *testing.T) {
	m := newTestMock(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json")})
	log := m.srv.store.log
	save := log.sync
	log.setTestHooks(func(*os.File) error { return errors.New("disk full") }, nil)
	org, user := m.profile.OrganizationID, m.profile.CandidateUserIDs[0]
	for i := 0; i < 2; i++ {
		r := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user})
		require.Equal(t, http.StatusInternalServerError, r.Status, "attempt %d: %s", i, r.Body)
		require.Contains(t, r.Object(t)["detail"], "disk full", "the real failure reaches the client")
	}
	require.Len(t, m.allMembers(org, TokenOrgAdmin, ""), seedPrimaryMembers, "the unsaved member is not in memory either")
	log.setTestHooks(save, nil)
	require.Equal(t, http.StatusOK, m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user}).Status)
}

func TestStateImportRefusesWhatIsNotOneObject(t *testing.T) {
	m := newTestMock(t, Config{})
	before := m.do(http.MethodGet, "/__mock/state", "", nil).Body
	for _, body := range []string{"null", "[]", string(before) + "\n{}", `{"users":[]} trailing`} {
		r := m.do(http.MethodPut, "/__mock/state", "", body)
		require.Equal(t, http.StatusBadRequest, r.Status, "import of %.20q", body)
		require.Contains(t, r.Object(t)["detail"], "current state kept")
	}
	require.Equal(t, before, m.do(http.MethodGet, "/__mock/state", "", nil).Body)
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil).Status)
}

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

func TestIdsStayUniqueAcrossRestartsOnTheSameStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newTestMock(t, Config{StatePath: path})
	org := first.profile.OrganizationID
	a := first.do(http.MethodPost, first.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": first.profile.CandidateUserIDs[0]})
	require.Equal(t, http.StatusOK, a.Status)
	// The same seed replays the same id sequence: the restarted mock must
	// skip the ids its state already holds.
	second := newTestMock(t, Config{StatePath: path})
	b := second.do(http.MethodPost, second.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": second.profile.CandidateUserIDs[0]})
	require.Equal(t, http.StatusOK, b.Status, "body: %s", b.Body)
	require.NotEqual(t, a.Object(t)["id"], b.Object(t)["id"])
}

func TestJournalShowsTheQueryAsSent(t *testing.T) {
	m := newTestMock(t, Config{})
	m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID)+"?page_size=3", TokenAnalyst, nil)
	entry := m.do(http.MethodGet, "/__mock/requests", "", nil).List(t)[0].(map[string]any)
	require.Equal(t, "page_size=3", entry["query"], "not the defaults the spec wrote in")
}
