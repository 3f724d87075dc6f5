package mock

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHandEditsReachWhatTheAPICannot: through the control API a member is
// suspended or given any role of the spec, and a user loses its nickname;
// the rules, the list, the search and the state file see the edit at once.
func TestHandEditsReachWhatTheAPICannot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{StatePath: path})
	org := m.profile.OrganizationID
	admin := m.memberOf(org, m.identity(TokenOrgAdmin))
	victim := m.plainMember()

	r := m.do(http.MethodPatch, "/__mock/members/"+strings.ToUpper(admin.ID), "", map[string]any{"membership_state": "suspended"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	view := r.Object(t)
	require.Equal(t, "suspended", view["membership_state"])
	require.Equal(t, admin.UserID, view["user"].(map[string]any)["id"], "the member's view, with its user")
	require.Greater(t, view["updated_at"], admin.UpdatedAt.Format(timeLayout), "updated_at moves")
	require.Equal(t, http.StatusForbidden, m.do(http.MethodDelete, m.memberPath(org, victim.ID), TokenOrgAdmin, nil).Status,
		"a suspended admin has no rights")
	require.Equal(t, "suspended", findMembership(t, readStateFile(t, path), admin.ID).MembershipState, "saved")

	r = m.do(http.MethodPatch, "/__mock/members/"+admin.ID, "", map[string]any{"membership_state": "active", "role": RoleAnalyst})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, http.StatusForbidden, m.do(http.MethodDelete, m.memberPath(org, victim.ID), TokenOrgAdmin, nil).Status,
		"an analyst reads only")
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil).Status)

	user := victim.UserID
	nick := m.allMembers(org, TokenAnalyst, "")
	var nickname string
	for _, it := range nick {
		if u := it.(map[string]any)["user"].(map[string]any); u["id"] == user {
			nickname, _ = u["nickname"].(string)
		}
	}
	if nickname == "" {
		// The seed leaves some nicknames null (the schema allows it): give
		// one, so that clearing it below is seen.
		r = m.do(http.MethodPatch, "/__mock/users/"+user, "", map[string]any{"nickname": "zeb"})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		nickname = "zeb"
	}
	require.NotEmpty(t, nickname)
	r = m.do(http.MethodPatch, "/__mock/users/"+user, "", map[string]any{"nickname": nil, "given_name": "Zebulon"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Nil(t, r.Object(t)["nickname"])
	found := m.do(http.MethodGet, m.membersPath(org)+"?query=zebulon", TokenAnalyst, nil).List(t)
	require.Len(t, found, 1, "the search sees the new name")
	require.Equal(t, "Zebulon", found[0].(map[string]any)["user"].(map[string]any)["given_name"], "the list's view is the new user")
	require.Nil(t, found[0].(map[string]any)["user"].(map[string]any)["nickname"])
}

// TestHandEditsAreCheckedAgainstTheSchemas: what the spec refuses, an edit
// refuses, with a 400 in the API's format that names it, and the world is
// unchanged.
func TestHandEditsAreCheckedAgainstTheSchemas(t *testing.T) {
	m := newTestMock(t, Config{})
	member := m.plainMember()
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		detail     string
	}{
		{"a role the spec lacks", "/__mock/members/" + member.ID, map[string]any{"role": "AUDITOR"}, 400, `edit: role "AUDITOR": value is not one of the allowed values`},
		{"a state the spec lacks", "/__mock/members/" + member.ID, map[string]any{"membership_state": "gone"}, 400, `edit: membership_state "gone": value is not one of the allowed values`},
		{"the member's id", "/__mock/members/" + member.ID, map[string]any{"id": unknownUUID}, 400, "edit: id is the mock's to set"},
		{"its times", "/__mock/members/" + member.ID, map[string]any{"created_at": "2024-01-01T00:00:00Z"}, 400, "edit: created_at is the mock's to set"},
		{"the embedded user", "/__mock/members/" + member.ID, map[string]any{"user": map[string]any{}}, 400, `edit: the member has no property "user"`},
		{"an unknown property", "/__mock/members/" + member.ID, map[string]any{"rank": 3}, 400, `edit: the member has no property "rank"`},
		{"not an object", "/__mock/members/" + member.ID, `["suspended"]`, 400, "edit: want a JSON object of the member's properties"},
		{"nothing to change", "/__mock/members/" + member.ID, map[string]any{}, 400, "edit: no property to change"},
		{"an unknown member", "/__mock/members/" + unknownUUID, map[string]any{"role": RoleAnalyst}, 404, detailMemberNotFound},
		{"a null email", "/__mock/users/" + member.UserID, map[string]any{"email": nil}, 400, `edit: email null: `},
		{"a user's id", "/__mock/users/" + member.UserID, map[string]any{"id": unknownUUID}, 400, "edit: id is the mock's to set"},
		{"an unknown user", "/__mock/users/" + unknownUUID, map[string]any{"nickname": "x"}, 404, detailUserNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := m.srv.store.export()
			r := m.do(http.MethodPatch, tc.path, "", tc.body)
			require.Equal(t, tc.status, r.Status, "%s", r.Body)
			require.Contains(t, r.Object(t)["detail"], tc.detail)
			requireSameState(t, before, m.srv.store.export(), "nothing changed")
		})
	}
}

// TestHandEditsAreJournaledAsControlChanges: the journal shows each edit,
// marked as a control change, between the app's requests; the fixture
// export leaves edits out (a target has no control API) and says so; a
// refused admin token leaves no trace.
func TestHandEditsAreJournaledAsControlChanges(t *testing.T) {
	m := newTestMock(t, Config{AdminToken: "qa-secret"})
	org := m.profile.OrganizationID
	member := m.plainMember()
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil).Status)
	require.Equal(t, http.StatusUnauthorized, m.do(http.MethodPatch, "/__mock/members/"+member.ID, "", map[string]any{"role": RoleOrgAdmin}).Status)
	r := m.do(http.MethodPatch, "/__mock/members/"+member.ID, "qa-secret", map[string]any{"membership_state": "pending"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil).Status)

	entries := m.do(http.MethodGet, "/__mock/requests", "qa-secret", nil).List(t)
	require.Len(t, entries, 3, "the app's two requests and one edit; the refused edit left no trace")
	edit := entries[1].(map[string]any)
	require.Equal(t, true, edit["control"])
	require.Equal(t, "/__mock/members/"+member.ID, edit["path"])
	require.Equal(t, map[string]any{"membership_state": "pending"}, edit["request_body"])
	require.Nil(t, entries[0].(map[string]any)["control"])

	fixture := m.do(http.MethodGet, "/__mock/requests?format=fixture", "qa-secret", nil)
	require.Equal(t, http.StatusOK, fixture.Status, "%s", fixture.Body)
	require.NotContains(t, string(fixture.Body), "/__mock/members")
	require.Contains(t, string(fixture.Body), "hand edits through the control API")
}
