package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRequestsRefusedEarlyAreJournaledWhole: a request answered before its
// body is decoded (a 401, a Prefer-forced answer) is journaled with the
// body it carried, so the journal's fixture export replays that request.
func TestRequestsRefusedEarlyAreJournaledWhole(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID)
	body := `{"user_id":"` + m.profile.CandidateUserIDs[0] + `"}`
	for _, tc := range []struct {
		name    string
		token   string
		headers []string
		status  int
	}{
		{"no token", "", nil, http.StatusUnauthorized},
		{"forced answer", TokenOrgAdmin, []string{"Prefer", "code=409"}, http.StatusConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(http.MethodPost, path, tc.token, body, tc.headers...)
			require.Equal(t, tc.status, r.Status, "%s", r.Body)
			entries := m.srv.journal.entries()
			require.JSONEq(t, body, string(entries[len(entries)-1].RequestBody))
		})
	}
}

// TestTheTokenIsCheckedBeforePrefer: the service ignores Prefer, so a
// request without a valid token is the 401 whatever Prefer says, a
// malformed Prefer included.
func TestTheTokenIsCheckedBeforePrefer(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID)
	for _, prefer := range []string{"code=abc", "code=418", "example=nope", "delay=abc"} {
		r := m.do(http.MethodGet, path, "", nil, "Prefer", prefer)
		require.Equal(t, http.StatusUnauthorized, r.Status, "Prefer: %s: %s", prefer, r.Body)
	}
	require.Equal(t, http.StatusUnprocessableEntity, m.do(http.MethodGet, path, TokenAnalyst, nil, "Prefer", "code=abc").Status,
		"with a token, a malformed Prefer is the mock's 422")
}

// TestADefectsQuestionUsesNoScenario: under validation-before-auth the
// mock asks its own pipeline what a tokenless request would answer with a
// token; that question takes no scenario (requests without a token use
// nothing up).
func TestADefectsQuestionUsesNoScenario(t *testing.T) {
	m := newTestMock(t, Config{Defect: "validation-before-auth", Lenient: true})
	path := m.membersPath(m.profile.OrganizationID)
	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":1}`).Status)
	require.Equal(t, http.StatusUnauthorized, m.do(http.MethodGet, path, "", nil).Status)
	require.Equal(t, http.StatusUnprocessableEntity, m.do(http.MethodGet, path+"?page=0", "", nil).Status, "the defect at work")
	left := m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t)
	require.Len(t, left, 1)
	require.EqualValues(t, 1, left[0].(map[string]any)["remaining"])
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, path, TokenAnalyst, nil).Status)
}
