package mock

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// patchSpecs are openapi.yaml with a PATCH on the member item path whose
// body (OrganizationMemberPatch) has only optional, nullable fields, and a
// nullable `title` the variant adds to the member: in 3.1 (FastAPI's
// anyOf-null) and in 3.0 (nullable, allOf-wrapped $ref).
var patchSpecs = []string{"testdata/specs/member-patch.yaml", "testdata/specs/member-patch-30.yaml"}

func newPatchMock(t *testing.T, file, statePath string) *testMock {
	t.Helper()
	sp, err := spec.LoadFile(file)
	require.NoError(t, err)
	clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	// The clock stands still: updated_at must advance by the rule, not by luck.
	return newTestMock(t, Config{Spec: sp, StatePath: statePath, Now: func() time.Time { return clock }})
}

// TestPatchOnTheMemberGetsTheUpdatesRules: a PATCH declared on the member
// item path is a member operation (mock/policy.go: opPatch), classified
// with its reason.
func TestPatchOnTheMemberGetsTheUpdatesRules(t *testing.T) {
	for _, file := range patchSpecs {
		t.Run(filepath.Base(file), func(t *testing.T) { patchIsClassified(t, file) })
	}
}

func patchIsClassified(t *testing.T, file string) {
	m := newPatchMock(t, file, "")
	i := slices.IndexFunc(m.srv.Operations(), func(c OperationClass) bool { return c.Method == http.MethodPatch })
	require.GreaterOrEqual(t, i, 0)
	c := m.srv.Operations()[i]
	require.Equal(t, kindPolicy, c.Kind)
	require.Contains(t, c.Reason, "member patch: PATCH on the item path of the member collection")
	require.Contains(t, c.Reason, "merging only the properties sent")
}

// TestMemberPatch is the PATCH's rules, one row each: a merge under the
// update's rules.
func TestMemberPatch(t *testing.T) {
	for _, file := range patchSpecs {
		t.Run(filepath.Base(file), func(t *testing.T) { memberPatchRules(t, file) })
	}
}

func memberPatchRules(t *testing.T, file string) {
	m := newPatchMock(t, file, "")
	org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
	// An analyst of org with a title, to see what a merge keeps.
	target := m.profile.AnalystMemberID
	require.NotEmpty(t, target)
	r := m.do(http.MethodPatch, m.memberPath(org, target), TokenOrgAdmin, map[string]any{"title": "Navigator"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	before := r.Object(t)

	// A member of the other organization, and a SYSTEM_ADMIN member of org.
	var elsewhere string
	m.srv.store.read(func(w *world) { elsewhere = w.byOrg[other][0].ID() })
	r = m.do(http.MethodPost, m.membersPath(org), TokenSystemAdmin, map[string]any{"user_id": m.profile.CandidateUserIDs[0], "role": RoleSystemAdmin})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	sysAdminMember := r.Object(t)["id"].(string)

	unknownOrg := "00000000-0000-4000-8000-000000000000"
	rows := []struct {
		name   string
		token  string
		org    string
		member string
		body   any
		status int
		check  func(t *testing.T, got map[string]any)
	}{
		{"role change by an admin keeps what is not sent", TokenOrgAdmin, org, target, map[string]any{"role": RoleOrgAdmin}, http.StatusOK,
			func(t *testing.T, got map[string]any) {
				require.Equal(t, RoleOrgAdmin, got["role"])
				require.Equal(t, "Navigator", got["title"], "title not sent: kept")
				require.NotNil(t, got["user"], "the success schema has the user")
			}},
		{"an empty body changes nothing but updated_at", TokenOrgAdmin, org, target, map[string]any{}, http.StatusOK,
			func(t *testing.T, got map[string]any) {
				require.Equal(t, RoleOrgAdmin, got["role"], "unlike PUT's {}, no demotion")
				require.Equal(t, "Navigator", got["title"])
			}},
		{"null clears a nullable property", TokenOrgAdmin, org, target, map[string]any{"title": nil}, http.StatusOK,
			func(t *testing.T, got map[string]any) {
				require.Contains(t, got, "title")
				require.Nil(t, got["title"])
				require.Equal(t, RoleOrgAdmin, got["role"])
			}},
		{"a null role is not sent: the role is never null", TokenOrgAdmin, org, target, map[string]any{"role": nil}, http.StatusOK,
			func(t *testing.T, got map[string]any) { require.Equal(t, RoleOrgAdmin, got["role"]) }},
		{"ids matching the member are accepted", TokenOrgAdmin, org, target, map[string]any{"organization_id": org, "role": RoleAnalyst}, http.StatusOK,
			func(t *testing.T, got map[string]any) { require.Equal(t, RoleAnalyst, got["role"]) }},
		{"an analyst is refused (BEHAVIOUR.md: Who may do what)", TokenAnalyst, org, target, map[string]any{"title": "x"}, http.StatusForbidden, nil},
		{"an outsider is refused", TokenOutsider, org, target, map[string]any{"title": "x"}, http.StatusForbidden, nil},
		{"a suspended member is refused", TokenSuspended, org, target, map[string]any{"title": "x"}, http.StatusForbidden, nil},
		{"an unknown member is Member not found", TokenOrgAdmin, org, "11111111-1111-4111-8111-111111111111", map[string]any{"title": "x"}, http.StatusNotFound,
			func(t *testing.T, got map[string]any) { require.Equal(t, detailMemberNotFound, got["detail"]) }},
		{"a member of another organization is Member not found", TokenSystemAdmin, org, elsewhere, map[string]any{"title": "x"}, http.StatusNotFound,
			func(t *testing.T, got map[string]any) { require.Equal(t, detailMemberNotFound, got["detail"]) }},
		{"an unknown organization is 404 first", TokenOrgAdmin, unknownOrg, target, map[string]any{"title": "x"}, http.StatusNotFound,
			func(t *testing.T, got map[string]any) { require.Equal(t, detailOrgNotFound, got["detail"]) }},
		{"another organization_id in the body is 400 (BEHAVIOUR.md: Update)", TokenOrgAdmin, org, target, map[string]any{"organization_id": other}, http.StatusBadRequest, nil},
		{"another user_id in the body is 400", TokenOrgAdmin, org, target, map[string]any{"user_id": m.profile.CandidateUserIDs[1]}, http.StatusBadRequest, nil},
		{"an admin may not grant SYSTEM_ADMIN (BEHAVIOUR.md: SYSTEM_ADMIN memberships)", TokenOrgAdmin, org, target, map[string]any{"role": RoleSystemAdmin}, http.StatusForbidden,
			func(t *testing.T, got map[string]any) { require.Equal(t, detailSystemAdminOnly, got["detail"]) }},
		{"an admin may not touch a SYSTEM_ADMIN membership", TokenOrgAdmin, org, sysAdminMember, map[string]any{"title": "x"}, http.StatusForbidden,
			func(t *testing.T, got map[string]any) { require.Equal(t, detailSystemAdminOnly, got["detail"]) }},
		{"a system admin may", TokenSystemAdmin, org, sysAdminMember, map[string]any{"title": "Root"}, http.StatusOK,
			func(t *testing.T, got map[string]any) {
				require.Equal(t, RoleSystemAdmin, got["role"])
				require.Equal(t, "Root", got["title"])
			}},
		// pydantic/_internal/_std_types_schema.py (enum validation): the
		// Role member of anyOf[Role, null] fails with type enum, the null
		// member with none_required, both reported.
		{"a bad role is 422 with pydantic's entry", TokenOrgAdmin, org, target, map[string]any{"role": "CAPTAIN"}, http.StatusUnprocessableEntity,
			func(t *testing.T, got map[string]any) {
				entry := got["detail"].([]any)[0].(map[string]any)
				require.Equal(t, []any{"body", "role"}, entry["loc"])
				require.Equal(t, "enum", entry["type"])
				require.Equal(t, "CAPTAIN", entry["input"])
			}},
		{"a title too long is 422 with pydantic's entry", TokenOrgAdmin, org, target, map[string]any{"title": strings.Repeat("t", 41)}, http.StatusUnprocessableEntity,
			func(t *testing.T, got map[string]any) {
				entry := got["detail"].([]any)[0].(map[string]any)
				require.Equal(t, []any{"body", "title"}, entry["loc"])
				require.Equal(t, "string_too_long", entry["type"])
			}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := m.do(http.MethodPatch, m.memberPath(row.org, row.member), row.token, row.body)
			require.Equal(t, row.status, r.Status, "%s", r.Body)
			if row.check != nil {
				row.check(t, r.Object(t))
			}
		})
	}

	after := m.memberOf(org, before["user_id"].(string))
	require.True(t, after.UpdatedAt.After(mustTime(t, before["updated_at"].(string))), "updated_at advances though the clock stands still")
	require.Equal(t, before["created_at"], formatTime(after.CreatedAt))
	listed := m.do(http.MethodGet, m.membersPath(org)+"?page_size=100", TokenAnalyst, nil).List(t)
	i := slices.IndexFunc(listed, func(v any) bool { return v.(map[string]any)["id"] == target })
	require.GreaterOrEqual(t, i, 0)
	require.Nil(t, listed[i].(map[string]any)["title"], "the list sees the stored member")
	require.Equal(t, RoleAnalyst, listed[i].(map[string]any)["role"])
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v
}

// TestMemberPatchIsStateAndJournaled: a PATCH is saved with --state (a new
// mock on the file serves it), exported, and journaled.
func TestMemberPatchIsStateAndJournaled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newPatchMock(t, patchSpecs[0], path)
	org, target := first.profile.OrganizationID, first.profile.AnalystMemberID
	r := first.do(http.MethodPatch, first.memberPath(org, target), TokenOrgAdmin, map[string]any{"title": "Kept"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	saved := readStateFile(t, path)
	i := slices.IndexFunc(saved.Memberships, func(row Row) bool { return row.Text("id") == target })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, "Kept", saved.Memberships[i].Text("title"))
	requireSameState(t, first.srv.store.export(), saved, "the file is the state the mock serves")

	second := newPatchMock(t, patchSpecs[0], path)
	listed := second.do(http.MethodGet, second.membersPath(org)+"?page_size=100", TokenAnalyst, nil).List(t)
	require.True(t, slices.ContainsFunc(listed, func(v any) bool {
		return v.(map[string]any)["id"] == target && v.(map[string]any)["title"] == "Kept"
	}), "a new mock on the file serves the patched member")

	journal := first.do(http.MethodGet, "/__mock/requests", "", nil)
	require.Equal(t, http.StatusOK, journal.Status, "%s", journal.Body)
	entries := journal.List(t)
	require.Len(t, entries, 1)
	entry := entries[0].(map[string]any)
	require.Equal(t, "patch_organization_member", entry["operation"])
	require.Equal(t, map[string]any{"title": "Kept"}, entry["request_body"])
	require.Equal(t, "Kept", entry["response_body"].(map[string]any)["title"])
}

// TestMemberPatchAnswersAsItsSchemaDeclares: a PATCH whose success is the
// stored row (OrganizationMember, no user) answers the member without its
// user, its keys in that schema's order, and it is still a merge.
func TestMemberPatchAnswersAsItsSchemaDeclares(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/member-patch-row.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp})
	org, target := m.profile.OrganizationID, m.profile.AnalystMemberID
	r := m.do(http.MethodPatch, m.memberPath(org, target), TokenOrgAdmin, map[string]any{"title": "Scout"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	got := r.Object(t)
	require.NotContains(t, got, "user", "OrganizationMember has no user")
	require.Equal(t, "Scout", got["title"])
	require.Equal(t, RoleAnalyst, got["role"], "the role, not sent, kept")
	require.True(t, strings.HasPrefix(string(r.Body), `{"organization_id":`), "keys in OrganizationMember's order: %s", r.Body)
}
