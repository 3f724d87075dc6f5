package mock

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/spec"
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

// sessionClock is the clock of memberSession's mocks: their answers are
// compared byte for byte.
func sessionClock() time.Time { return time.Date(2026, 12, 6, 10, 0, 0, 123456000, time.UTC) }

// memberSession exercises every member operation and the answers of the
// rules and the stack (list, search, create, update, delete, 401, 403,
// 404, 409, 422s), and returns each answer's status and body. collection
// is the member collection's path, {org} standing for the organization.
func memberSession(t *testing.T, m *testMock, collection string) []string {
	t.Helper()
	org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
	list := strings.ReplaceAll(collection, "{org}", org)
	candidate := m.profile.CandidateUserIDs[0]
	var out []string
	record := func(r result) result {
		out = append(out, strconv.Itoa(r.Status)+" "+string(r.Body))
		return r
	}
	record(m.do(http.MethodGet, list+"?page_size=5", TokenAnalyst, nil))
	record(m.do(http.MethodGet, list+"?page=2&page_size=3&resource_id="+unknownUUID, TokenAnalyst, nil))
	created := record(m.do(http.MethodPost, list, TokenOrgAdmin, map[string]any{"user_id": candidate})).Object(t)
	id, _ := created["id"].(string)
	require.NotEmpty(t, id, "the create is the policy's: %v", created)
	record(m.do(http.MethodPut, list+"/"+id, TokenOrgAdmin, map[string]any{"role": RoleOrgAdmin}))
	record(m.do(http.MethodPut, list+"/"+id, TokenOrgAdmin, map[string]any{}))
	record(m.do(http.MethodPut, list+"/"+id, TokenAnalyst, map[string]any{"role": RoleAnalyst}))
	record(m.do(http.MethodPut, list+"/"+id, TokenOrgAdmin, map[string]any{"user_id": unknownUUID}))
	record(m.do(http.MethodPost, list, TokenOrgAdmin, map[string]any{"user_id": candidate}))
	record(m.do(http.MethodDelete, list+"/"+id, TokenOrgAdmin, nil))
	record(m.do(http.MethodDelete, list+"/"+id, TokenOrgAdmin, nil))
	record(m.do(http.MethodGet, list+"?query="+candidate[:4], TokenAnalyst, nil))
	record(m.do(http.MethodGet, strings.ReplaceAll(collection, "{org}", unknownUUID), TokenSystemAdmin, nil))
	record(m.do(http.MethodGet, strings.ReplaceAll(collection, "{org}", other), TokenAnalyst, nil))
	record(m.do(http.MethodGet, list, "", nil))
	record(m.do(http.MethodGet, list, "nobody", nil))
	// The stack's 422s: query bounds and types, the access context, body
	// fields, a missing body, an enum.
	record(m.do(http.MethodGet, list+"?page=0&page_size=500&query=", TokenAnalyst, nil))
	record(m.do(http.MethodGet, list+"?page=x&source_id=zz", TokenAnalyst, nil))
	record(m.do(http.MethodPost, list, TokenOrgAdmin, map[string]any{"user_id": "nope", "role": "boss", "organization_id": 5}))
	record(m.do(http.MethodPost, list, TokenOrgAdmin, map[string]any{"user_id": nil}))
	record(m.do(http.MethodPost, list, TokenOrgAdmin, "{}"))
	record(m.do(http.MethodPut, list+"/"+id, TokenOrgAdmin, "null"))
	record(m.do(http.MethodPut, list+"/"+id, TokenOrgAdmin, map[string]any{"role": nil, "user_id": nil, "organization_id": nil}))
	return out
}

// TestMemberRulesAttachByShapeNotByID runs one session against a mock on
// openapi.yaml and against mocks on documents whose operationIds, paths or
// path parameters differ (FastAPI's default ids, a renamed route function,
// no ids, other paths): every answer is the same, byte for byte, so the
// rules, not examples, answer each of them.
func TestMemberRulesAttachByShapeNotByID(t *testing.T) {
	reference := newTestMock(t, Config{Now: sessionClock})
	want := memberSession(t, reference, "/api/organization/{org}/member")
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
		{"only 200 and 422 documented, as FastAPI publishes", []string{
			"        '400':\n          $ref: '#/components/responses/BadRequest'\n", "",
			"        '401':\n          $ref: '#/components/responses/Unauthorized'\n", "",
			"        '403':\n          $ref: '#/components/responses/Forbidden'\n", "",
			"        '404':\n          $ref: '#/components/responses/NotFound'\n", "",
			"        '409':\n          $ref: '#/components/responses/Conflict'\n", "",
			"        '413':\n          $ref: '#/components/responses/PayloadTooLarge'\n", "",
		}, "/api/organization/{org}/member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			m := newTestMock(t, Config{Spec: specVariant(t, tc.oldNew...), Now: sessionClock, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			require.Equal(t, want, memberSession(t, m, tc.collection))
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
// PUT starts, says so at start-up, and the PATCH that stands in its place
// gets the update's rules as a merge (mock/policy.go: opPatch), the table
// saying why.
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
	require.Equal(t, kindPolicy, reasons[http.MethodPatch].Kind)
	require.Contains(t, reasons[http.MethodPatch].Reason, "member patch: PATCH on the item path of the member collection")
	require.Equal(t, kindPolicy, reasons[http.MethodDelete].Kind)
	org := m.profile.OrganizationID
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil).Status)
}

// TestUndocumentedStackAnswersAndPublicOperations: an operation FastAPI
// publishes with 200 and 422 only still answers the 401, 403 and 404 its
// stack raises (journaled "not in the spec", never a 500), and `security:
// []` on an operation, or an empty requirement among its alternatives,
// needs no token (fastapi/security/http.py: HTTPBearer.__call__ raises the
// 401, and a route without that dependency never calls it).
func TestUndocumentedStackAnswersAndPublicOperations(t *testing.T) {
	extra := `  /api/organization/{organization_id}/settings:
    get:
      operationId: read_settings_api_organization__organization_id__settings_get
      parameters:
        - $ref: '#/components/parameters/organization_id'
      responses:
        '200':
          description: Successful Response
          content:
            application/json:
              schema: {type: object, required: [theme], properties: {theme: {type: string}}}
              example: {theme: dark}
        '422':
          $ref: '#/components/responses/ValidationFailed'
  /api/organization/{organization_id}/badge:
    get:
      operationId: read_badge
      security: []
      parameters:
        - $ref: '#/components/parameters/organization_id'
      responses:
        '200':
          description: Successful Response
          content:
            application/json:
              schema: {type: object, required: [name], properties: {name: {type: string}}}
              example: {name: Humm}
  /api/health:
    get:
      operationId: health
      security: [{}, {HTTPBearer: []}]
      responses:
        '200':
          description: Successful Response
          content:
            application/json:
              schema: {type: object, required: [status], properties: {status: {type: string}}}
              example: {status: ok}
# A requirement for the whole document (FastAPI puts it on each operation,
# as openapi.yaml does): settings inherits it, badge and health override it.
security:
  - HTTPBearer: []
components:
`
	m := newTestMock(t, Config{Spec: specVariant(t, "\ncomponents:\n", "\n"+extra)})
	org := m.profile.OrganizationID
	settings, badge := "/api/organization/"+org+"/settings", "/api/organization/"+org+"/badge"
	for _, tc := range []struct {
		name, path, token string
		status            int
		body              string
	}{
		{"a member reads", settings, TokenAnalyst, 200, `{"theme":"dark"}`},
		{"no token: HTTPBearer's 401", settings, "", 401, `{"detail":"Not authenticated"}`},
		{"an unknown token: 401", settings, "nobody", 401, `{"detail":"Invalid authentication credentials"}`},
		{"an outsider: 403", settings, TokenOutsider, 403, `{"detail":"Not enough permissions for this organization"}`},
		{"a suspended member: 403", settings, TokenSuspended, 403, `{"detail":"Not enough permissions for this organization"}`},
		{"an unknown organization: 404", "/api/organization/" + unknownUUID + "/settings", TokenSystemAdmin, 404, `{"detail":"Organization not found"}`},
		{"a bad organization id: the documented 422", "/api/organization/nope/settings", TokenAnalyst, 422, ""},
		{"security: [] needs no token", badge, "", 200, `{"name":"Humm"}`},
		{"security: [] reads no token, not even an unknown one", badge, "nobody", 200, `{"name":"Humm"}`},
		{"security: [] still 404s an unknown organization", "/api/organization/" + unknownUUID + "/badge", "", 404, `{"detail":"Organization not found"}`},
		{"an empty requirement makes the token optional", "/api/health", "", 200, `{"status":"ok"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(http.MethodGet, tc.path, tc.token, nil)
			require.Equal(t, tc.status, r.Status, "%s", r.Body)
			if tc.body != "" {
				require.JSONEq(t, tc.body, string(r.Body))
			}
			entries := m.srv.journal.entries()
			last := entries[len(entries)-1]
			documented := tc.status == 200 || tc.status == 422
			if documented {
				require.Empty(t, last.Problems)
			} else {
				require.Equal(t, []string{"not in the spec: " + last.Operation + " answered " +
					strconv.Itoa(tc.status) + ", which the service's stack raises without documenting it"}, last.Problems)
			}
		})
	}
}
