package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	members "github.com/heyhumm/humm-members-mock"
)

// variant is openapi.yaml with each old string replaced by its new one.
func variant(t *testing.T, oldNew ...string) *Spec {
	t.Helper()
	doc := string(members.OpenAPI)
	for i := 0; i+1 < len(oldNew); i += 2 {
		require.Contains(t, doc, oldNew[i], "the variant must change something")
		doc = strings.ReplaceAll(doc, oldNew[i], oldNew[i+1])
	}
	sp, err := Load([]byte(doc))
	require.NoError(t, err)
	return sp
}

// FastAPI's default operationIds: fastapi/utils.py generate_unique_id,
// the route function's name + the path with non-word characters as "_" +
// "_" + the method.
var fastAPIDefaultIDs = []string{
	"operationId: get_organization_members", "operationId: get_organization_members_api_organization__organization_id__member_get",
	"operationId: create_organization_member", "operationId: create_organization_member_api_organization__organization_id__member_post",
	"operationId: update_organization_member", "operationId: update_organization_member_api_organization__organization_id__member__member_id__put",
	"operationId: delete_organization_member", "operationId: delete_organization_member_api_organization__organization_id__member__member_id__delete",
}

// TestMemberOperationsAreKnownByWhatTheyAre: whatever the ids, the four
// member operations are found by method, path shape and schemas; what the
// document lacks is named.
func TestMemberOperationsAreKnownByWhatTheyAre(t *testing.T) {
	for _, tc := range []struct {
		name       string
		oldNew     []string
		collection string
		org        string
		member     string
		ids        map[MemberOp]string
		missing    []string
	}{
		{name: "openapi.yaml as committed",
			collection: "/api/organization/{organization_id}/member", org: "organization_id", member: "member_id",
			ids: map[MemberOp]string{MemberList: "get_organization_members", MemberCreate: "create_organization_member",
				MemberUpdate: "update_organization_member", MemberDelete: "delete_organization_member"}},
		{name: "FastAPI's default operationIds", oldNew: fastAPIDefaultIDs,
			collection: "/api/organization/{organization_id}/member", org: "organization_id", member: "member_id",
			ids: map[MemberOp]string{MemberList: "get_organization_members_api_organization__organization_id__member_get",
				MemberCreate: "create_organization_member_api_organization__organization_id__member_post",
				MemberUpdate: "update_organization_member_api_organization__organization_id__member__member_id__put",
				MemberDelete: "delete_organization_member_api_organization__organization_id__member__member_id__delete"}},
		{name: "the list renamed alone (a route-function refactor)", oldNew: []string{"operationId: get_organization_members", "operationId: list_members"},
			collection: "/api/organization/{organization_id}/member", org: "organization_id", member: "member_id",
			ids: map[MemberOp]string{MemberList: "list_members", MemberCreate: "create_organization_member",
				MemberUpdate: "update_organization_member", MemberDelete: "delete_organization_member"}},
		{name: "no operationIds at all (they are optional)", oldNew: []string{
			"operationId: get_organization_members", "x-was: a", "operationId: create_organization_member", "x-was: b",
			"operationId: update_organization_member", "x-was: c", "operationId: delete_organization_member", "x-was: d"},
			collection: "/api/organization/{organization_id}/member", org: "organization_id", member: "member_id",
			ids: map[MemberOp]string{MemberList: "", MemberCreate: "", MemberUpdate: "", MemberDelete: ""}},
		{name: "the paths and their parameters renamed", oldNew: []string{
			"/api/organization/{organization_id}/member/{member_id}", "/v2/orgs/{org}/members/{membership}",
			"/api/organization/{organization_id}/member:", "/v2/orgs/{org}/members:",
			"name: organization_id\n      in: path", "name: org\n      in: path",
			"name: member_id\n        in: path", "name: membership\n        in: path"},
			collection: "/v2/orgs/{org}/members", org: "org", member: "membership",
			ids: map[MemberOp]string{MemberList: "get_organization_members", MemberCreate: "create_organization_member",
				MemberUpdate: "update_organization_member", MemberDelete: "delete_organization_member"}},
		{name: "no PUT: the update is named missing", oldNew: []string{"    put:\n      tags: [Organization Members]\n      summary: Update Organization Member", "    patch:\n      tags: [Organization Members]\n      summary: Update Organization Member"},
			collection: "/api/organization/{organization_id}/member", org: "organization_id", member: "member_id",
			ids: map[MemberOp]string{MemberList: "get_organization_members", MemberCreate: "create_organization_member",
				MemberDelete: "delete_organization_member"},
			missing: []string{"no member update: looked for a PUT on the member collection's item path whose success is a member"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := variant(t, tc.oldNew...).Members()
			require.Equal(t, tc.collection, m.Collection)
			require.Equal(t, tc.org, m.OrganizationParam)
			require.Equal(t, tc.member, m.MemberParam)
			for _, op := range MemberOps {
				id, want := tc.ids[op]
				if !want {
					require.Nil(t, m.Route(op), "%s", op)
					continue
				}
				require.NotNil(t, m.Route(op), "%s not found: %v", op, m.Missing)
				require.Equal(t, id, m.ID(op))
				require.Equal(t, op, m.Of(m.Route(op).Operation))
				require.NotEmpty(t, m.Reasons[m.Route(op).Operation])
			}
			require.Len(t, m.Missing, len(tc.missing))
			for i, want := range tc.missing {
				require.Contains(t, m.Missing[i], want)
			}
		})
	}
}
