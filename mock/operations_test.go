package mock

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/mock/spec"
)

// specVariant is openapi.yaml with each old string replaced by its new one.
func specVariant(t *testing.T, oldNew ...string) *spec.Spec {
	t.Helper()
	doc := string(members.OpenAPI)
	for i := 0; i+1 < len(oldNew); i += 2 {
		require.Contains(t, doc, oldNew[i], "the variant must change something")
		doc = strings.ReplaceAll(doc, oldNew[i], oldNew[i+1])
	}
	sp, err := spec.Load([]byte(doc))
	require.NoError(t, err)
	return sp
}

// TestMemberRulesAttachByShapeNotByID runs one session against a mock on
// openapi.yaml and against mocks on documents whose operationIds, paths or
// path parameters differ (FastAPI's default ids, a renamed route function,
// no ids, other paths): every answer is the same, byte for byte, so the
// rules, not examples, answer each of them.
func TestMemberRulesAttachByShapeNotByID(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 12, 6, 10, 0, 0, 123456000, time.UTC) }
	reference := newTestMock(t, Config{Now: clock})
	session := func(m *testMock, collection string) []string {
		org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
		list := strings.ReplaceAll(collection, "{org}", org)
		candidate := m.profile.CandidateUserIDs[0]
		var out []string
		record := func(r result) result {
			out = append(out, http.StatusText(r.Status)+" "+string(r.Body))
			return r
		}
		record(m.do(http.MethodGet, list+"?page_size=5", TokenAnalyst, nil))
		created := record(m.do(http.MethodPost, list, TokenOrgAdmin, map[string]any{"user_id": candidate})).Object(t)
		id, _ := created["id"].(string)
		require.NotEmpty(t, id, "the create is the policy's: %v", created)
		record(m.do(http.MethodPut, list+"/"+id, TokenOrgAdmin, map[string]any{"role": RoleOrgAdmin}))
		record(m.do(http.MethodPut, list+"/"+id, TokenAnalyst, map[string]any{"role": RoleAnalyst}))
		record(m.do(http.MethodPost, list, TokenOrgAdmin, map[string]any{"user_id": candidate}))
		record(m.do(http.MethodDelete, list+"/"+id, TokenOrgAdmin, nil))
		record(m.do(http.MethodDelete, list+"/"+id, TokenOrgAdmin, nil))
		record(m.do(http.MethodGet, list+"?query="+candidate[:4], TokenAnalyst, nil))
		record(m.do(http.MethodGet, list+"?page=0", TokenAnalyst, nil))
		record(m.do(http.MethodGet, strings.ReplaceAll(collection, "{org}", unknownUUID), TokenSystemAdmin, nil))
		record(m.do(http.MethodGet, strings.ReplaceAll(collection, "{org}", other), TokenAnalyst, nil))
		record(m.do(http.MethodGet, list, "", nil))
		return out
	}
	want := session(reference, "/api/organization/{org}/member")
	renamedPaths := []string{
		"/api/organization/{organization_id}/member/{member_id}", "/v2/orgs/{org}/members/{membership}",
		"/api/organization/{organization_id}/member:", "/v2/orgs/{org}/members:",
		"name: organization_id\n      in: path", "name: org\n      in: path",
		"name: member_id\n        in: path", "name: membership\n        in: path"}
	for _, tc := range []struct {
		name       string
		oldNew     []string
		collection string
	}{
		{"FastAPI's default operationIds", []string{
			"operationId: get_organization_members", "operationId: get_organization_members_api_organization__organization_id__member_get",
			"operationId: create_organization_member", "operationId: create_organization_member_api_organization__organization_id__member_post",
			"operationId: update_organization_member", "operationId: update_organization_member_api_organization__organization_id__member__member_id__put",
			"operationId: delete_organization_member", "operationId: delete_organization_member_api_organization__organization_id__member__member_id__delete",
		}, "/api/organization/{org}/member"},
		{"the list's id renamed alone", []string{"operationId: get_organization_members", "operationId: list_members"}, "/api/organization/{org}/member"},
		{"a member operation renamed alone", []string{"operationId: delete_organization_member", "operationId: remove_member"}, "/api/organization/{org}/member"},
		{"paths and path parameters renamed", renamedPaths, "/v2/orgs/{org}/members"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			m := newTestMock(t, Config{Spec: specVariant(t, tc.oldNew...), Now: clock, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			require.Equal(t, want, session(m, tc.collection))
			for _, c := range m.srv.Operations() {
				if c.Method != http.MethodGet || strings.HasSuffix(c.Path, "s") || strings.HasSuffix(c.Path, "member") {
					require.Equal(t, kindPolicy, c.Kind, "%s %s (%s)", c.Method, c.Path, c.OperationID)
					require.Contains(t, c.Reason, "member ")
				}
			}
			require.NotContains(t, log.String(), "no member", "every member operation was found")
		})
	}
}

// TestMissingMemberOperationsAreNamedAtStart: a document without a member
// PUT starts, says so at start-up, and the table says why the PATCH that
// stands in its place is answered from examples.
func TestMissingMemberOperationsAreNamedAtStart(t *testing.T) {
	var log bytes.Buffer
	sp := specVariant(t, "    put:\n      tags: [Organization Members]\n      summary: Update Organization Member",
		"    patch:\n      tags: [Organization Members]\n      summary: Update Organization Member")
	m := newTestMock(t, Config{Spec: sp, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.Contains(t, log.String(), "no member update: looked for a PUT on the member collection's item path")
	reasons := map[string]OperationClass{}
	for _, c := range m.srv.Operations() {
		reasons[c.Method] = c
	}
	require.Equal(t, kindExamples, reasons[http.MethodPatch].Kind)
	require.Contains(t, reasons[http.MethodPatch].Reason, "no rule for it: under {organization_id}, the organization's rules first")
	require.Equal(t, kindPolicy, reasons[http.MethodDelete].Kind)
	org := m.profile.OrganizationID
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil).Status)
}
