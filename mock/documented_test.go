package mock

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestMemberOperationsAnswerAsDocumented: a member operation's success
// has the status its operation documents (FastAPI's status_code), no body
// where that success has none, and the response headers it declares; an
// example left stale by a change of its schema is named at start and never
// served. testdata/specs/documented-statuses-31.yaml: create 201, delete 204,
// a required X-Page-Count header on the list, a new required member
// property that the response examples lack.
func TestMemberOperationsAnswerAsDocumented(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/documented-statuses-31.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp})
	org := m.profile.OrganizationID

	list := m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, list.Status, "%s", list.Body)
	count, err := strconv.Atoi(list.Header.Get("X-Page-Count"))
	require.NoError(t, err, "the declared header, an integer: %q", list.Header.Get("X-Page-Count"))
	require.GreaterOrEqual(t, count, 0)

	created := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": m.profile.CandidateUserIDs[0]})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Body)
	member := created.Object(t)
	listed := m.allMembers(org, TokenOrgAdmin, "")
	found := false
	for _, item := range listed {
		if item := item.(map[string]any); item["id"] == member["id"] {
			found = true
			require.Regexp(t, `^[0-9]{4}-Q[1-4]$`, item["onboarding_cohort"], "a required property no rule sets is generated")
		}
	}
	require.True(t, found, "the new member is listed")

	gone := m.do(http.MethodDelete, m.memberPath(org, member["id"].(string)), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusNoContent, gone.Status, "%s", gone.Body)
	require.Empty(t, gone.Body)
	require.Empty(t, gone.Header.Get("Content-Type"))
	again := m.do(http.MethodDelete, m.memberPath(org, member["id"].(string)), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusNotFound, again.Status, "the delete happened")

	// The list's example lacks the new property: named at start, not served.
	named := slices.ContainsFunc(m.srv.Learned(), func(line string) bool {
		return strings.HasPrefix(line, "example that breaks its schema, never served: "+
			`GET /api/organization/{organization_id}/member response 200 application/json examples.members: at "/0/onboarding_cohort": property "onboarding_cohort" is missing (got {`)
	})
	require.True(t, named, "the stale example is named at start: %q", m.srv.Learned())
	forced := m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil, "Prefer", "example=members")
	require.Equal(t, http.StatusUnprocessableEntity, forced.Status, "%s", forced.Body)
	require.Contains(t, string(forced.Body), `has an example named \"members\"`)
}

// TestADeleteThatAnswersAMessageStillDeletes: a DELETE on the member item
// path is the member delete whatever it answers (testdata/specs/
// delete-confirmation.yaml: {detail, removed_at}): the member is gone,
// and the answer is the success schema's, from its example.
func TestADeleteThatAnswersAMessageStillDeletes(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/delete-confirmation.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp})
	org := m.profile.OrganizationID
	victim := m.plainMember()
	gone := m.do(http.MethodDelete, m.memberPath(org, victim.ID), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, gone.Status, "%s", gone.Body)
	require.Equal(t, map[string]any{"detail": "Membership removed", "removed_at": "2024-05-01T10:00:00Z"}, gone.Object(t))
	require.Equal(t, http.StatusNotFound, m.do(http.MethodDelete, m.memberPath(org, victim.ID), TokenOrgAdmin, nil).Status, "the member is gone")
}

// TestABodyThatDeclaresTheStateSetsIt: a spec whose update body declares
// membership_state (testdata/specs/update-sets-state-31.yaml) suspends and
// reinstates a member with it, and the suspended member loses its rights;
// openapi.yaml's update, which does not declare it, ignores it.
func TestABodyThatDeclaresTheStateSetsIt(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/update-sets-state-31.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp})
	org := m.profile.OrganizationID
	admin := m.memberOf(org, m.identity(TokenOrgAdmin))
	r := m.do(http.MethodPut, m.memberPath(org, admin.ID), TokenSystemAdmin, map[string]any{"role": RoleOrgAdmin, "membership_state": StateSuspended})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, StateSuspended, r.Object(t)["membership_state"])
	require.Equal(t, http.StatusForbidden, m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil).Status, "suspended: no rights")
	r = m.do(http.MethodPut, m.memberPath(org, admin.ID), TokenSystemAdmin, map[string]any{"role": RoleOrgAdmin, "membership_state": nil})
	require.Equal(t, StateSuspended, r.Object(t)["membership_state"], "null changes nothing")
	r = m.do(http.MethodPut, m.memberPath(org, admin.ID), TokenSystemAdmin, map[string]any{"role": RoleOrgAdmin, "membership_state": StateActive})
	require.Equal(t, StateActive, r.Object(t)["membership_state"])
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil).Status, "reinstated")

	plain := newTestMock(t, Config{})
	admin = plain.memberOf(org, plain.identity(TokenOrgAdmin))
	r = plain.do(http.MethodPut, plain.memberPath(org, admin.ID), TokenSystemAdmin, map[string]any{"role": RoleOrgAdmin, "membership_state": StateSuspended})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, StateActive, r.Object(t)["membership_state"], "an extra property on openapi.yaml's update: ignored")
}
