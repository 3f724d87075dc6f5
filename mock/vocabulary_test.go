package mock

import (
	"bytes"
	"log/slog"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock/spec"
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
	for _, mm := range st.Memberships {
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
	require.True(t, slices.ContainsFunc(m.srv.store.export().Memberships, func(mm Membership) bool { return mm.ID == victim.ID }), "nothing deleted")
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
		for _, mm := range m.srv.store.export().Memberships {
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
