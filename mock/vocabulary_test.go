package mock

import (
	"bytes"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestRolesAndStatesWithoutARuleFailClosed starts the mock on a spec that
// adds a role and a membership state the policy has no rule for: both are
// named at start-up, occur in the seed world, are stored when written,
// reach the QA page's filters, and grant nothing.
func TestRolesAndStatesWithoutARuleFailClosed(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/enum-values-added.yaml")
	require.NoError(t, err)
	var logs bytes.Buffer
	m := newTestMock(t, Config{Spec: sp, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.Contains(t, logs.String(), "role AUDITOR: no rule, treated as no membership")
	require.Contains(t, logs.String(), "membership_state invited: no rule, treated as no membership")

	enums := m.do(http.MethodGet, "/__mock/enums", "", nil).Object(t)
	require.Equal(t, []any{"SYSTEM_ADMIN", "ORGANIZATION_ADMIN", "ANALYST", "AUDITOR"}, enums["role"])
	require.Equal(t, []any{"active", "pending", "suspended", "invited"}, enums["membership_state"])

	st := m.srv.store.export()
	var roles, states []string
	for _, mm := range membersOf(t, st.Memberships) {
		roles, states = append(roles, mm.Role), append(states, mm.MembershipState)
	}
	require.Contains(t, roles, "AUDITOR", "every role of the spec occurs in the seed world")
	require.Contains(t, states, "invited", "every state of the spec occurs in the seed world")

	// The org admin becomes an AUDITOR (a write the spec allows) and with it
	// loses every right: no list, no delete.
	org := m.profile.OrganizationID
	self := m.memberOf(org, m.identity(TokenOrgAdmin))
	r := m.do(http.MethodPut, m.memberPath(org, self.ID), TokenSystemAdmin, map[string]any{"role": "AUDITOR"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, "AUDITOR", r.Object(t)["role"])
	require.Equal(t, "AUDITOR", m.memberOf(org, m.identity(TokenOrgAdmin)).Role, "stored")
	victim := m.plainMember()
	require.Equal(t, http.StatusForbidden, m.do(http.MethodDelete, m.memberPath(org, victim.ID), TokenOrgAdmin, nil).Status)
	require.Equal(t, http.StatusForbidden, m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil).Status)
	require.True(t, slices.ContainsFunc(membersOf(t, m.srv.store.export().Memberships), func(mm memberRow) bool { return mm.ID == victim.ID }), "nothing deleted")
}

// TestRolesAndStatesTheRulesNeedAreNamedWhenRemoved: a spec that drops a
// role or the active state the rules are written in cannot run them: New
// refuses it, naming the word, and a state no rule needs may go.
func TestRolesAndStatesTheRulesNeedAreNamedWhenRemoved(t *testing.T) {
	enums := map[string]string{"Role": "enum: [SYSTEM_ADMIN, ORGANIZATION_ADMIN, ANALYST]", "MembershipState": "enum: [active, pending, suspended]"}
	without := func(schema, value string) *spec.Spec {
		src := string(members.OpenAPI)
		require.Equal(t, 1, strings.Count(src, enums[schema]), schema)
		edited := strings.Replace(enums[schema], value+", ", "", 1)
		edited = strings.Replace(edited, ", "+value+"]", "]", 1)
		sp, err := spec.Load([]byte(strings.Replace(src, enums[schema], edited, 1)))
		require.NoError(t, err)
		return sp
	}
	for _, tc := range []struct{ schema, value, want string }{
		{"Role", RoleOrgAdmin, "spec: the rules need the role ORGANIZATION_ADMIN, which the member's role enum does not list (it has SYSTEM_ADMIN, ANALYST)"},
		{"Role", RoleSystemAdmin, "spec: the rules need the role SYSTEM_ADMIN"},
		{"MembershipState", StateActive, "spec: the rules need the membership state active, which the member's membership_state enum does not list (it has pending, suspended)"},
	} {
		_, err := New(Config{Seed: 1, Spec: without(tc.schema, tc.value)})
		require.ErrorContains(t, err, tc.want, tc.value)
	}
	m := newTestMock(t, Config{Spec: without("MembershipState", StatePending)})
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, nil).Status)
}

// TestTheEmbeddedSeedWorldLooksLikeAnOrganization: most members are active
// analysts, admins a few, system admins rare, pending and suspended a
// minority, and every role and state occurs.
func TestTheEmbeddedSeedWorldLooksLikeAnOrganization(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		m := newTestMock(t, Config{Seed: seed, Members: 200})
		org := m.profile.OrganizationID
		roles, states := map[string]int{}, map[string]int{}
		n := 0
		for _, mm := range membersOf(t, m.srv.store.export().Memberships) {
			if mm.OrganizationID == org {
				roles[mm.Role]++
				states[mm.MembershipState]++
				n++
			}
		}
		require.Equal(t, 200, n)
		require.Greater(t, roles[RoleAnalyst], n/2, "seed %d: most members are analysts: %v", seed, roles)
		require.Less(t, roles[RoleSystemAdmin], n/10, "seed %d: system admins are rare: %v", seed, roles)
		require.Positive(t, roles[RoleSystemAdmin], "seed %d: %v", seed, roles)
		require.Greater(t, states[StateActive], n*3/4, "seed %d: most memberships are active: %v", seed, states)
		require.Positive(t, states[StatePending], "seed %d: %v", seed, states)
		require.Positive(t, states[StateSuspended], "seed %d: %v", seed, states)
	}
}

// TestListQueryParametersNamingAPropertyFilter starts the mock on a spec
// whose list takes role, membership_state and user_id (properties of the
// listed members) and sort (no property, no rule): the first three filter,
// exactly, with search and paging on top; sort is validated, ignored and
// named at start-up.
func TestListQueryParametersNamingAPropertyFilter(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/list-filters.yaml")
	require.NoError(t, err)
	var logs bytes.Buffer
	m := newTestMock(t, Config{Spec: sp, Members: 120, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.Contains(t, logs.String(), "query parameter sort of the member list: no rule, validated and ignored")
	require.NotContains(t, logs.String(), "query parameter role")

	org := m.profile.OrganizationID
	all := membersOf(t, m.srv.store.export().Memberships)
	count := func(keep func(memberRow) bool) int {
		n := 0
		for _, mm := range all {
			if mm.OrganizationID == org && keep(mm) {
				n++
			}
		}
		return n
	}
	list := func(query string) []any {
		r := m.do(http.MethodGet, m.membersPath(org)+"?page_size=100&"+query, TokenOrgAdmin, nil)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", query, r.Body)
		return r.List(t)
	}
	for _, tc := range []struct {
		query string
		keep  func(memberRow) bool
	}{
		{"role=ORGANIZATION_ADMIN", func(mm memberRow) bool { return mm.Role == RoleOrgAdmin }},
		{"membership_state=pending", func(mm memberRow) bool { return mm.MembershipState == StatePending }},
		{"role=ANALYST&membership_state=suspended", func(mm memberRow) bool { return mm.Role == RoleAnalyst && mm.MembershipState == StateSuspended }},
		{"user_id=" + strings.ToUpper(m.identity(TokenAnalyst)), func(mm memberRow) bool { return mm.UserID == m.identity(TokenAnalyst) }},
		{"sort=email", func(memberRow) bool { return true }},
	} {
		got := list(tc.query)
		want := min(count(tc.keep), 100)
		require.Equal(t, want, len(got), tc.query)
		require.Positive(t, want, tc.query)
		for _, item := range got {
			mm := item.(map[string]any)
			require.True(t, tc.keep(memberRow{Role: mm["role"].(string), MembershipState: mm["membership_state"].(string), UserID: mm["user_id"].(string)}), "%s: %v", tc.query, mm)
		}
	}
	// Paging tiles the filtered list.
	first, second := list("role=ANALYST&page_size=3&page=1"), list("role=ANALYST&page_size=3&page=2")
	both := list("role=ANALYST&page_size=6")
	require.Equal(t, both, append(first, second...))
	// A value outside the enum is pydantic's 422, as for any parameter.
	r := m.do(http.MethodGet, m.membersPath(org)+"?role=BOSS", TokenOrgAdmin, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	r = m.do(http.MethodGet, m.membersPath(org)+"?sort=name", TokenOrgAdmin, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "sort is validated")
}

// TestEveryOperationIsServed starts the mock on a spec with a GET on the
// member path, a group resource under the organization and an operation
// outside it: each is classified, and answered with the organization's
// rules where it has some.
func TestEveryOperationIsServed(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/more-operations.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp})
	kinds := map[string]string{}
	for _, c := range m.do(http.MethodGet, "/__mock/operations", "", nil).List(t) {
		row := c.(map[string]any)
		kinds[row["operation_id"].(string)] = row["kind"].(string)
	}
	require.Equal(t, map[string]string{
		"get_organization_members": "policy", "create_organization_member": "policy",
		"update_organization_member": "policy", "delete_organization_member": "policy",
		"get_organization_member":   "resource",
		"get_organization_groups":   "examples",
		"create_organization_group": "examples",
		"get_version":               "examples",
	}, kinds)

	org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
	member := m.plainMember()
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"a member reads a member", http.MethodGet, m.memberPath(org, member.ID), TokenAnalyst, nil, http.StatusOK},
		{"a member of another organization is not found", http.MethodGet, m.memberPath(org, m.firstMember(other, func(memberRow) bool { return true }).ID), TokenAnalyst, nil, http.StatusNotFound},
		{"an outsider may not read", http.MethodGet, m.memberPath(org, member.ID), TokenOutsider, nil, http.StatusForbidden},
		{"a suspended member may not read", http.MethodGet, m.memberPath(org, member.ID), TokenSuspended, nil, http.StatusForbidden},
		{"an unknown organization", http.MethodGet, m.memberPath(unknownUUID, member.ID), TokenSystemAdmin, nil, http.StatusNotFound},
		{"groups are read from the example", http.MethodGet, "/api/organization/" + org + "/group", TokenAnalyst, nil, http.StatusOK},
		{"an analyst may not write", http.MethodPost, "/api/organization/" + org + "/group", TokenAnalyst, map[string]any{"name": "x"}, http.StatusForbidden},
		{"an admin writes, answered from the schema", http.MethodPost, "/api/organization/" + org + "/group", TokenOrgAdmin, map[string]any{"name": "x"}, http.StatusCreated},
		{"a write is validated first", http.MethodPost, "/api/organization/" + org + "/group", TokenOrgAdmin, map[string]any{"name": ""}, http.StatusUnprocessableEntity},
		{"groups of an unknown organization", http.MethodGet, "/api/organization/" + unknownUUID + "/group", TokenSystemAdmin, nil, http.StatusNotFound},
		{"outside any organization", http.MethodGet, "/api/version", TokenOutsider, nil, http.StatusOK},
		{"still with a token", http.MethodGet, "/api/version", "", nil, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.method, tc.path, tc.token, tc.body)
			require.Equal(t, tc.status, r.Status, "%s", r.Body)
		})
	}
	got := m.do(http.MethodGet, m.memberPath(org, strings.ToUpper(member.ID)), TokenAnalyst, nil).Object(t)
	require.Equal(t, member.ID, got["id"])
	require.Equal(t, member.Role, got["role"])
	require.Contains(t, got, "user")
	require.Equal(t, map[string]any{"version": "2.3.1"}, m.do(http.MethodGet, "/api/version", TokenAnalyst, nil).Object(t))
}

// TestNewPropertiesFollowTheSpec starts the mock on a spec that adds
// properties the rules know nothing of: optional ones on the user, a
// writable one on the member and a required read-only one in the member's
// response. They are generated for the seed world, stored and returned,
// replaced by a PUT, exported and imported; nothing breaks the spec.
func TestNewPropertiesFollowTheSpec(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/new-properties.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp, Members: 60})
	st := m.srv.store.export()
	withLocale := 0
	for _, u := range usersOf(t, st.Users) {
		if u.Props != nil && u.Props["locale"] != nil {
			withLocale++
		}
	}
	require.Greater(t, withLocale, len(st.Users)*2/3, "most users carry the new optional property")
	for _, mm := range membersOf(t, st.Memberships) {
		require.NotNil(t, mm.Props["department"], "every member has the required department")
		require.NotEmpty(t, mm.Props["department"])
	}

	org := m.profile.OrganizationID
	// Lists and updates stay valid: the required property is there.
	list := m.do(http.MethodGet, m.membersPath(org)+"?page_size=100", TokenAnalyst, nil)
	require.Equal(t, http.StatusOK, list.Status, "%s", list.Body)
	first := list.List(t)[0].(map[string]any)
	require.Contains(t, first, "department")
	require.Contains(t, first["user"], "locale")

	target := m.plainMember()
	r := m.do(http.MethodPut, m.memberPath(org, target.ID), TokenOrgAdmin, map[string]any{"role": RoleOrgAdmin, "title": "Lead"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, "Lead", r.Object(t)["title"])
	require.Equal(t, "Lead", m.memberOf(org, target.UserID).Props["title"], "stored")
	department := m.memberOf(org, target.UserID).Props["department"]
	r = m.do(http.MethodPut, m.memberPath(org, target.ID), TokenOrgAdmin, map[string]any{})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Nil(t, r.Object(t)["title"], "PUT replaces: an absent property without a default is null")
	require.Equal(t, RoleAnalyst, r.Object(t)["role"])
	require.Equal(t, department, r.Object(t)["department"], "a property no body writes is kept")

	cand := m.profile.CandidateUserIDs[0]
	r = m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": cand, "title": "Intern"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, "Intern", r.Object(t)["title"])
	created := m.memberOf(org, cand)
	require.NotEmpty(t, created.Props["department"], "a required property is filled for a new row")
	r = m.do(http.MethodPut, m.memberPath(org, created.ID), TokenOrgAdmin, map[string]any{"title": "Engineer"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)

	// The state carries them out and back in; an unknown field is refused.
	exported := m.do(http.MethodGet, "/__mock/state", "", nil)
	require.Contains(t, string(exported.Body), `"title":"Engineer"`)
	require.Equal(t, http.StatusOK, m.do(http.MethodPut, "/__mock/state", "", string(exported.Body)).Status)
	require.Equal(t, "Engineer", m.memberOf(org, cand).Props["title"])
	typo := strings.Replace(string(exported.Body), `"title":"Engineer"`, `"titel":"Engineer"`, 1)
	r = m.do(http.MethodPut, "/__mock/state", "", typo)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Contains(t, string(r.Body), `unknown field \"titel\"`)
}

// TestAnInferredResourceIsServedStatefully starts the mock on a spec with a
// label resource under the organization: it is classified as a resource,
// seeded per organization, and created, read, replaced, merged and deleted
// under the organization's rules.
func TestAnInferredResourceIsServedStatefully(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/resource-crud.yaml")
	require.NoError(t, err)
	clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	m := newTestMock(t, Config{Spec: sp, Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	for _, c := range m.srv.Operations() {
		if strings.Contains(c.Path, "/label") {
			require.Equal(t, kindResource, c.Kind, c.OperationID)
		}
	}
	org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
	labels := "/api/organization/" + org + "/label"
	seeded := m.do(http.MethodGet, labels, TokenAnalyst, nil).List(t)
	require.Len(t, seeded, seedRowsPerParent)
	for i, row := range seeded {
		require.Equal(t, org, row.(map[string]any)["organization_id"])
		if i > 0 {
			require.LessOrEqual(t, seeded[i-1].(map[string]any)["created_at"], row.(map[string]any)["created_at"], "ordered by created_at")
		}
	}

	r := m.do(http.MethodPost, labels, TokenAnalyst, map[string]any{"name": "urgent"})
	require.Equal(t, http.StatusForbidden, r.Status, "an analyst reads, admins write")
	r = m.do(http.MethodPost, labels, TokenOrgAdmin, map[string]any{"name": "urgent", "color": "red"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	created := r.Object(t)
	id := created["id"].(string)
	require.Regexp(t, uuid4, id)
	require.Equal(t, org, created["organization_id"])
	require.Equal(t, created["created_at"], created["updated_at"])
	one := labels + "/" + id
	require.Equal(t, "urgent", m.do(http.MethodGet, one, TokenAnalyst, nil).Object(t)["name"])
	require.Len(t, m.do(http.MethodGet, labels, TokenAnalyst, nil).List(t), seedRowsPerParent+1)
	require.Len(t, m.do(http.MethodGet, labels+"?page=2&page_size=3", TokenAnalyst, nil).List(t), 1, "paged")

	r = m.do(http.MethodPatch, one, TokenOrgAdmin, map[string]any{"name": "later"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, "later", r.Object(t)["name"])
	require.Equal(t, "red", r.Object(t)["color"], "PATCH merges")
	require.Greater(t, r.Object(t)["updated_at"], created["updated_at"])
	r = m.do(http.MethodPut, one, TokenOrgAdmin, map[string]any{"name": "soon"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Nil(t, r.Object(t)["color"], "PUT replaces")
	require.Equal(t, created["created_at"], r.Object(t)["created_at"])

	r = m.do(http.MethodGet, "/api/organization/"+other+"/label/"+id, TokenSystemAdmin, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "rows belong to their organization")
	require.JSONEq(t, `{"detail":"Label not found"}`, string(r.Body))
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, "/api/organization/"+unknownUUID+"/label", TokenSystemAdmin, nil).Status)
	require.Equal(t, http.StatusForbidden, m.do(http.MethodGet, labels, TokenOutsider, nil).Status)

	require.Equal(t, http.StatusOK, m.do(http.MethodDelete, one, TokenOrgAdmin, nil).Status)
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, one, TokenAnalyst, nil).Status)
	require.Equal(t, http.StatusOK, m.do(http.MethodPost, "/__mock/reset", "", nil).Status)
	require.Len(t, m.do(http.MethodGet, labels, TokenAnalyst, nil).List(t), seedRowsPerParent, "reset seeds again")
}

// TestInferredResourceRowsAreState: an inferred resource's rows are part of
// the world: exported, saved after each change, loaded again by a new mock,
// imported (checked against the schema), and kept in the spec's shape.
func TestInferredResourceRowsAreState(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/resource-crud.yaml")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	first := newTestMock(t, Config{Spec: sp, StatePath: path})
	org := first.profile.OrganizationID
	labels := "/api/organization/" + org + "/label"
	r := first.do(http.MethodPost, labels, TokenOrgAdmin, map[string]any{"name": "kept", "color": "green"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	id := r.Object(t)["id"].(string)

	saved := readStateFile(t, path)
	parent := "organization_id=" + org
	rows := saved.Resources["/api/organization/{organization_id}/label"][parent]
	require.Len(t, rows, seedRowsPerParent+1, "the file holds the seeded rows and the new one")
	require.True(t, slices.ContainsFunc(rows, func(row Row) bool { return row.Text("id") == id && row.Text("color") == "green" }))
	requireSameState(t, first.srv.store.export(), saved, "the file is the state the mock serves")

	second := newTestMock(t, Config{Spec: sp, StatePath: path})
	got := second.do(http.MethodGet, labels+"/"+id, TokenAnalyst, nil)
	require.Equal(t, http.StatusOK, got.Status, "a new mock on the file serves the row: %s", got.Body)
	require.Equal(t, "green", got.Object(t)["color"])

	bad := second.do(http.MethodGet, "/__mock/state", "", nil).Object(t)
	bad["resources"].(map[string]any)["/api/organization/{organization_id}/label"].(map[string]any)[parent].([]any)[0].(map[string]any)["colour"] = "red"
	r = second.do(http.MethodPut, "/__mock/state", "", bad)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Contains(t, string(r.Body), `unknown field \"colour\"`)
	require.Equal(t, http.StatusOK, second.do(http.MethodGet, labels+"/"+id, TokenAnalyst, nil).Status, "a refused import changes nothing")
}
