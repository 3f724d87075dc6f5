package mock

import (
	"errors"
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
