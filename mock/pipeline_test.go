package mock

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

const unknownUUID = "00000000-0000-4000-8000-000000000000"

// firstMember is a member of orgID matching keep, in list order.
func (m *testMock) firstMember(orgID string, keep func(memberRow) bool) memberRow {
	m.t.Helper()
	var found *memberRow
	m.srv.store.read(func(w *world) {
		for _, mm := range w.byOrg[orgID] {
			if c := readRow[memberRow](m.t, mm.Row); keep(c) {
				found = &c
				return
			}
		}
	})
	require.NotNil(m.t, found, "no such member in %s", orgID)
	return *found
}

// plainMember is an ANALYST member who holds no token.
func (m *testMock) plainMember() memberRow {
	holders := map[string]bool{}
	for _, tok := range m.profile.Tokens {
		holders[m.identity(tok)] = true
	}
	return m.firstMember(m.profile.OrganizationID, func(mm memberRow) bool {
		return mm.Role == RoleAnalyst && !holders[mm.UserID]
	})
}

func TestUnroutedRequestsUseTheAPIErrorFormat(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	for _, tc := range []struct {
		name, method, path string
		status             int
		detail, allow      string
	}{
		{"unknown path", http.MethodGet, "/api/nothing", 404, "Not Found", ""},
		{"unknown nested path", http.MethodGet, m.membersPath(org) + "/x/y", 404, "Not Found", ""},
		{"wrong method on the collection", http.MethodDelete, m.membersPath(org), 405, "Method Not Allowed", "GET"},
		{"wrong method on a member", http.MethodGet, m.memberPath(org, unknownUUID), 405, "Method Not Allowed", "PUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.method, tc.path, TokenOrgAdmin, nil)
			require.Equal(t, tc.status, r.Status)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			require.Equal(t, tc.detail, r.Object(t)["detail"])
			require.Equal(t, tc.allow, r.Header.Get("Allow"))
		})
	}
}

func TestIdentityIsCheckedFirstAnd401CarriesWWWAuthenticate(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID) + "?page_size=1000"
	for _, tc := range []struct {
		name, authorization, detail string
	}{
		{"no header", "", detailNotAuthenticated},
		{"not bearer", "Basic dXNlcjpwYXNz", detailNotAuthenticated},
		{"empty bearer", "Bearer ", detailNotAuthenticated},
		{"unknown token", "Bearer nobody", detailInvalidCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The request is also invalid (page_size): 401 comes first.
			r := m.do(http.MethodGet, path, "", nil, "Authorization", tc.authorization)
			require.Equal(t, http.StatusUnauthorized, r.Status)
			require.Equal(t, "Bearer", r.Header.Get("WWW-Authenticate"))
			require.Equal(t, tc.detail, r.Object(t)["detail"])
		})
	}
}

func TestValidationProblemsBecomeFastAPIDetailEntries(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	list, one := m.membersPath(org), m.memberPath(org, m.plainMember().ID)
	type issue struct{ loc, typ string }
	for _, tc := range []struct {
		name        string
		method      string
		path        string
		body        any
		contentType string
		want        []issue
	}{
		{"member_id not a uuid", http.MethodPut, m.memberPath(org, "42"), map[string]any{}, "", []issue{{"path.member_id", "uuid_parsing"}}},
		{"organization_id not a uuid", http.MethodGet, m.membersPath("acme"), nil, "", []issue{{"path.organization_id", "uuid_parsing"}}},
		{"page_size above its maximum", http.MethodGet, list + "?page_size=101", nil, "", []issue{{"query.page_size", "less_than_equal"}}},
		{"page_size below its minimum", http.MethodGet, list + "?page_size=0", nil, "", []issue{{"query.page_size", "greater_than_equal"}}},
		{"page below its minimum", http.MethodGet, list + "?page=0", nil, "", []issue{{"query.page", "greater_than_equal"}}},
		{"page not an integer", http.MethodGet, list + "?page=two", nil, "", []issue{{"query.page", "int_parsing"}}},
		{"empty query value", http.MethodGet, list + "?page=", nil, "", []issue{{"query.page", "int_parsing"}}},
		{"query too long", http.MethodGet, list + "?query=" + strings.Repeat("a", 201), nil, "", []issue{{"query.query", "string_too_long"}}},
		{"access-context parameter not a uuid", http.MethodGet, list + "?job_id=7", nil, "", []issue{{"query.job_id", "uuid_parsing"}}},
		{"last repeated value is the one checked", http.MethodGet, list + "?page_size=10&page_size=500", nil, "", []issue{{"query.page_size", "less_than_equal"}}},
		{"several problems at once", http.MethodGet, list + "?page=0&page_size=101", nil, "", []issue{{"query.page", "greater_than_equal"}, {"query.page_size", "less_than_equal"}}},
		{"role outside the enum", http.MethodPut, one, map[string]any{"role": "boss"}, "", []issue{{"body.role", "enum"}}},
		{"role in the wrong case", http.MethodPut, one, map[string]any{"role": "analyst"}, "", []issue{{"body.role", "enum"}}},
		{"required field missing", http.MethodPost, list, map[string]any{"role": "ANALYST"}, "", []issue{{"body.user_id", "missing"}}},
		{"field of the wrong type", http.MethodPost, list, map[string]any{"user_id": 7}, "", []issue{{"body.user_id", "uuid_type"}}},
		{"null where not nullable", http.MethodPost, list, map[string]any{"user_id": nil}, "", []issue{{"body.user_id", "uuid_type"}}},
		{"null role, which has a default", http.MethodPut, one, map[string]any{"role": nil}, "", []issue{{"body.role", "enum"}}},
		{"null role on create", http.MethodPost, list, map[string]any{"user_id": unknownUUID, "role": nil}, "", []issue{{"body.role", "enum"}}},
		{"uuid field not a uuid", http.MethodPost, list, map[string]any{"user_id": "bob"}, "", []issue{{"body.user_id", "uuid_parsing"}}},
		{"body not an object", http.MethodPost, list, []string{"x"}, "", []issue{{"body", "model_attributes_type"}}},
		{"body that does not parse", http.MethodPost, list, `{"user_id":`, "", []issue{{"body.11", "json_invalid"}}},
		{"empty body", http.MethodPut, one, "", "", []issue{{"body", "missing"}}},
		{"body that is not JSON by content type", http.MethodPut, one, `role=ANALYST`, "application/x-www-form-urlencoded", []issue{{"body", "model_attributes_type"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var headers []string
			if tc.contentType != "" {
				headers = []string{"Content-Type", tc.contentType}
			}
			r := m.do(tc.method, tc.path, TokenOrgAdmin, tc.body, headers...)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, "body: %s", r.Body)
			detail, ok := r.Object(t)["detail"].([]any)
			require.True(t, ok, "detail is not a list: %s", r.Body)
			var got []issue
			for _, d := range detail {
				entry := d.(map[string]any)
				var loc []string
				for _, part := range entry["loc"].([]any) {
					loc = append(loc, fmt.Sprint(part))
				}
				require.NotEmpty(t, entry["msg"])
				got = append(got, issue{strings.Join(loc, "."), entry["type"].(string)})
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestUnknownQueryParametersAreIgnoredAndUppercaseUUIDsAccepted(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	r := m.do(http.MethodGet, m.membersPath(strings.ToUpper(org))+"?page_size=2&colour=blue&job_id="+strings.ToUpper(unknownUUID), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	require.Len(t, r.List(t), 2)
	require.Equal(t, org, r.List(t)[0].(map[string]any)["organization_id"])
}

func TestChecksRunInBehaviourOrder(t *testing.T) {
	m := newTestMock(t, Config{})
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
		detail                    string
	}{
		{"validation before organization", http.MethodGet, m.membersPath(unknownUUID) + "?page_size=0", TokenOrgAdmin, nil, 422, ""},
		{"organization before authorization", http.MethodGet, m.membersPath(unknownUUID), TokenOutsider, nil, 404, detailOrgNotFound},
		{"authorization before the member lookup", http.MethodDelete, m.memberPath(m.profile.OrganizationID, unknownUUID), TokenAnalyst, nil, 403, detailForbidden},
		{"authorization before the user lookup", http.MethodPost, m.membersPath(m.profile.OrganizationID), TokenOutsider, map[string]any{"user_id": unknownUUID}, 403, detailForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.method, tc.path, tc.token, tc.body)
			require.Equal(t, tc.status, r.Status, "body: %s", r.Body)
			if tc.detail != "" {
				require.Equal(t, tc.detail, r.Object(t)["detail"])
			}
		})
	}
}

// TestAuthorizationTable pins BEHAVIOUR.md's table, one row per cell.
func TestAuthorizationTable(t *testing.T) {
	ops := []string{"list", "create", "update", "delete"}
	table := map[string][]int{
		TokenSystemAdmin: {200, 200, 200, 200},
		TokenOrgAdmin:    {200, 200, 200, 200},
		TokenAnalyst:     {200, 403, 403, 403},
		TokenSuspended:   {403, 403, 403, 403},
		TokenOutsider:    {403, 403, 403, 403},
	}
	for token, statuses := range table {
		for i, op := range ops {
			t.Run(token+" "+op, func(t *testing.T) {
				m := newTestMock(t, Config{})
				org := m.profile.OrganizationID
				target := m.plainMember()
				var r result
				switch op {
				case "list":
					r = m.do(http.MethodGet, m.membersPath(org), token, nil)
				case "create":
					r = m.do(http.MethodPost, m.membersPath(org), token, map[string]any{"user_id": m.profile.CandidateUserIDs[0]})
				case "update":
					r = m.do(http.MethodPut, m.memberPath(org, target.ID), token, map[string]any{"role": RoleOrgAdmin})
				case "delete":
					r = m.do(http.MethodDelete, m.memberPath(org, target.ID), token, nil)
				}
				require.Equal(t, statuses[i], r.Status, "body: %s", r.Body)
				if r.Status == http.StatusForbidden {
					require.Equal(t, detailForbidden, r.Object(t)["detail"])
					require.Equal(t, target, m.memberOf(org, target.UserID), "a refused write changed the member")
				}
			})
		}
	}
}

func TestOnlySystemAdminsManageSystemAdminMemberships(t *testing.T) {
	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"org admin refused", TokenOrgAdmin, 403},
		{"system admin allowed", TokenSystemAdmin, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMock(t, Config{})
			org := m.profile.OrganizationID
			sysRole := m.firstMember(org, func(mm memberRow) bool { return mm.Role == RoleSystemAdmin })
			plain := m.plainMember()
			for _, step := range []struct {
				what   string
				method string
				path   string
				body   any
			}{
				{"create a SYSTEM_ADMIN membership", http.MethodPost, m.membersPath(org), map[string]any{"user_id": m.profile.CandidateUserIDs[0], "role": RoleSystemAdmin}},
				{"promote to SYSTEM_ADMIN", http.MethodPut, m.memberPath(org, plain.ID), map[string]any{"role": RoleSystemAdmin}},
				{"change a SYSTEM_ADMIN membership", http.MethodPut, m.memberPath(org, sysRole.ID), map[string]any{"role": RoleSystemAdmin}},
				{"delete a SYSTEM_ADMIN membership", http.MethodDelete, m.memberPath(org, sysRole.ID), nil},
			} {
				r := m.do(step.method, step.path, tc.token, step.body)
				require.Equal(t, tc.status, r.Status, "%s: %s", step.what, r.Body)
			}
		})
	}
}

func TestCreateRules(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	m := newTestMock(t, Config{Now: func() time.Time { return now }})
	org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
	candidate := m.profile.CandidateUserIDs[0]
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		detail string
	}{
		{"organization_id must match the path", map[string]any{"user_id": candidate, "organization_id": other}, 400, ""},
		{"unknown user", map[string]any{"user_id": unknownUUID}, 404, detailUserNotFound},
		{"already a member", map[string]any{"user_id": m.identity(TokenAnalyst)}, 409, detailAlreadyMember},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, tc.body)
			require.Equal(t, tc.status, r.Status, "body: %s", r.Body)
			if tc.detail != "" {
				require.Equal(t, tc.detail, r.Object(t)["detail"])
			}
		})
	}
	t.Run("defaults and server-set fields", func(t *testing.T) {
		r := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": strings.ToUpper(candidate), "organization_id": strings.ToUpper(org)})
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		got := r.Object(t)
		require.Equal(t, RoleAnalyst, got["role"])
		require.Equal(t, StateActive, got["membership_state"])
		require.Equal(t, candidate, got["user_id"], "uuids are stored in lower case")
		require.Equal(t, "2026-03-01T12:00:00.123456Z", got["created_at"])
		require.Equal(t, got["created_at"], got["updated_at"])
		require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, got["id"])
		require.Contains(t, ids(m.allMembers(org, TokenOrgAdmin, "")), got["id"])
	})
}

func ids(list []any) []any {
	out := make([]any, len(list))
	for i, item := range list {
		out[i] = item.(map[string]any)["id"]
	}
	return out
}

func TestUpdateRules(t *testing.T) {
	frozen := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) // a clock that does not move
	m := newTestMock(t, Config{Now: func() time.Time { return frozen }})
	org, other := m.profile.OrganizationID, m.profile.OtherOrganizationID
	target := m.plainMember()
	foreign := m.firstMember(other, func(memberRow) bool { return true })
	for _, tc := range []struct {
		name   string
		path   string
		body   map[string]any
		status int
	}{
		{"member of another organization", m.memberPath(org, foreign.ID), map[string]any{}, 404},
		{"unknown member", m.memberPath(org, unknownUUID), map[string]any{}, 404},
		{"user_id must match the member", m.memberPath(org, target.ID), map[string]any{"user_id": unknownUUID}, 400},
		{"organization_id must match the member", m.memberPath(org, target.ID), map[string]any{"organization_id": other}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(http.MethodPut, tc.path, TokenOrgAdmin, tc.body)
			require.Equal(t, tc.status, r.Status, "body: %s", r.Body)
			if tc.status == 404 {
				require.Equal(t, detailMemberNotFound, r.Object(t)["detail"])
			}
		})
	}
	t.Run("role set, updated_at strictly later, id and created_at kept", func(t *testing.T) {
		prev := target.UpdatedAt
		for _, step := range []struct {
			body map[string]any
			role string
		}{
			{map[string]any{"role": RoleOrgAdmin, "user_id": strings.ToUpper(target.UserID)}, RoleOrgAdmin},
			{map[string]any{}, RoleAnalyst}, // {} demotes to the default
			{map[string]any{}, RoleAnalyst}, // same instant on the clock: still later
		} {
			r := m.do(http.MethodPut, m.memberPath(org, strings.ToUpper(target.ID)), TokenOrgAdmin, step.body)
			require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
			got := r.Object(t)
			require.Equal(t, step.role, got["role"])
			require.Equal(t, target.ID, got["id"])
			require.Equal(t, target.CreatedAt.Format(timeLayout), got["created_at"])
			updated, err := time.Parse(time.RFC3339Nano, got["updated_at"].(string))
			require.NoError(t, err)
			require.True(t, updated.After(prev), "updated_at %s not after %s", updated, prev)
			prev = updated
			user := got["user"].(map[string]any)
			require.Equal(t, target.UserID, user["id"])
		}
	})
}

func TestDeleteRules(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	target := m.plainMember()
	r := m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	got := r.Object(t)
	require.Equal(t, target.ID, got["id"])
	require.Equal(t, target.Role, got["role"])
	require.Equal(t, target.CreatedAt.Format(timeLayout), got["created_at"])
	list := m.do(http.MethodGet, m.membersPath(org)+"?page_size=100", TokenOrgAdmin, nil).List(t)
	require.NotContains(t, ids(list), target.ID)
	again := m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusNotFound, again.Status)
	require.Equal(t, detailMemberNotFound, again.Object(t)["detail"])
	foreign := m.firstMember(m.profile.OtherOrganizationID, func(memberRow) bool { return true })
	require.Equal(t, http.StatusNotFound, m.do(http.MethodDelete, m.memberPath(org, foreign.ID), TokenSystemAdmin, nil).Status)
	require.Equal(t, foreign, m.memberOf(foreign.OrganizationID, foreign.UserID))
}

func TestListRules(t *testing.T) {
	m := newTestMock(t, Config{Members: 130})
	org := m.profile.OrganizationID
	get := func(query string) []any {
		r := m.do(http.MethodGet, m.membersPath(org)+query, TokenAnalyst, nil)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		return r.List(t)
	}
	all := append(get("?page_size=100"), get("?page=2&page_size=100")...)
	require.Len(t, all, 130)
	t.Run("ordered by created_at then id, only this organization, each with its user", func(t *testing.T) {
		for i, item := range all {
			cur := item.(map[string]any)
			require.Equal(t, org, cur["organization_id"])
			require.Equal(t, cur["user_id"], cur["user"].(map[string]any)["id"])
			if i == 0 {
				continue
			}
			prev := all[i-1].(map[string]any)
			pc, cc := prev["created_at"].(string), cur["created_at"].(string)
			require.True(t, pc < cc || pc == cc && prev["id"].(string) < cur["id"].(string), "item %d out of order", i)
		}
	})
	for _, tc := range []struct {
		name  string
		query string
		want  []any
	}{
		{"default page is 1 and page_size 50", "", all[:50]},
		{"page_size 1", "?page_size=1", all[:1]},
		{"page_size 100", "?page_size=100", all[:100]},
		{"second page", "?page=2&page_size=50", all[50:100]},
		{"last partial page", "?page=3&page_size=50", all[100:]},
		{"page past the end", "?page=4&page_size=50", []any{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, ids(tc.want), ids(get(tc.query)))
		})
	}
	t.Run("search is a case-insensitive substring of email and names", func(t *testing.T) {
		user := all[7].(map[string]any)["user"].(map[string]any)
		family := user["family_name"].(string)
		for _, q := range []string{family, strings.ToUpper(family), strings.ToLower(family[1:])} {
			found := get("?page_size=100&query=" + q)
			require.Contains(t, ids(found), all[7].(map[string]any)["id"], "query %q", q)
			for _, item := range found {
				u := item.(map[string]any)["user"].(map[string]any)
				var text []string
				for _, f := range []string{"email", "name", "given_name", "family_name", "nickname"} {
					if s, ok := u[f].(string); ok {
						text = append(text, strings.ToLower(s))
					}
				}
				require.Contains(t, strings.Join(text, " "), strings.ToLower(q))
			}
		}
		require.Empty(t, get("?query=zzzz-nobody-zzzz"))
	})
}

// editedSpec is a fresh copy of the embedded spec, edited after loading, to
// make the mock's own responses break it.
func editedSpec(t *testing.T, edit func(doc *openapi3.T)) *spec.Spec {
	t.Helper()
	sp, err := spec.Load(members.OpenAPI)
	require.NoError(t, err)
	edit(sp.Doc)
	return sp
}

func TestResponsesThatBreakTheSpecAreNeverSentUnlessLenient(t *testing.T) {
	requireMore := editedSpec(t, func(doc *openapi3.T) {
		s := doc.Components.Schemas["OrganizationMemberResponse"].Value
		s.Required = append(s.Required, "tenant")
	})
	no409 := editedSpec(t, func(doc *openapi3.T) {
		doc.Paths.Find("/api/organization/{organization_id}/member").Post.Responses.Delete("409")
	})
	// A delete that documents no success at all: the mock answers the
	// rulebook's 200, which the document does not have.
	no200 := editedSpec(t, func(doc *openapi3.T) {
		doc.Paths.Find("/api/organization/{organization_id}/member/{member_id}").Delete.Responses.Delete("200")
	})
	for _, tc := range []struct {
		name      string
		sp        *spec.Spec
		lenient   bool
		request   func(m *testMock) result
		status    int
		violation string
	}{
		{"missing required field", requireMore, false, func(m *testMock) result {
			return m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, nil)
		}, 500, "tenant"},
		{"missing required field, lenient", requireMore, true, func(m *testMock) result {
			return m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, nil)
		}, 200, "tenant"},
		{"undocumented status the stack raises (FastAPI documents 200 and 422 only): sent, journaled", no409, false, func(m *testMock) result {
			return m.do(http.MethodPost, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, map[string]any{"user_id": m.identity(TokenAnalyst)})
		}, 409, "not in the spec: create_organization_member answered 409"},
		{"undocumented status the stack never raises", no200, false, func(m *testMock) result {
			return m.do(http.MethodDelete, m.memberPath(m.profile.OrganizationID, m.profile.AnalystMemberID), TokenOrgAdmin, nil)
		}, 500, "status is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			m := newTestMock(t, Config{Spec: tc.sp, Lenient: tc.lenient, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			r := tc.request(m)
			require.Equal(t, tc.status, r.Status, "body: %s", r.Body)
			if tc.status == 500 {
				detail := r.Object(t)["detail"].(string)
				require.Contains(t, detail, "breaks openapi.yaml")
				require.Contains(t, detail, tc.violation)
			}
			require.Contains(t, logs.String(), tc.violation, "the violation is logged")
			entries := m.srv.journal.entries()
			require.NotEmpty(t, entries[len(entries)-1].Problems)
		})
	}
}

func TestBodiesOverOneMebibyteAre413(t *testing.T) {
	m := newTestMock(t, Config{})
	big := `{"user_id":"` + m.profile.CandidateUserIDs[0] + `","pad":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	r := m.do(http.MethodPost, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, big)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	require.Contains(t, r.Object(t)["detail"], "larger than")
	require.Len(t, m.allMembers(m.profile.OrganizationID, TokenOrgAdmin, ""), seedPrimaryMembers, "nothing was created")
}

func TestCORS(t *testing.T) {
	t.Run("any origin by default, preflight answered", func(t *testing.T) {
		m := newTestMock(t, Config{})
		r := m.do(http.MethodOptions, m.membersPath(m.profile.OrganizationID), "", nil,
			"Origin", "http://localhost:5173", "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "authorization,content-type,prefer")
		require.Equal(t, http.StatusNoContent, r.Status)
		require.Equal(t, "http://localhost:5173", r.Header.Get("Access-Control-Allow-Origin"))
		for _, h := range []string{"Authorization", "Content-Type", "Prefer"} {
			require.Contains(t, r.Header.Get("Access-Control-Allow-Headers"), h)
		}
		require.Contains(t, r.Header.Get("Access-Control-Allow-Methods"), "PUT")
		get := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil, "Origin", "http://localhost:5173")
		require.Equal(t, http.StatusOK, get.Status)
		require.Equal(t, "http://localhost:5173", get.Header.Get("Access-Control-Allow-Origin"))
		require.Contains(t, get.Header.Get("Access-Control-Expose-Headers"), "WWW-Authenticate")
	})
	t.Run("configured origins only", func(t *testing.T) {
		m := newTestMock(t, Config{AllowedOrigins: []string{"https://app.example.com"}})
		ok := m.do(http.MethodOptions, m.membersPath(m.profile.OrganizationID), "", nil, "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET")
		require.Equal(t, "https://app.example.com", ok.Header.Get("Access-Control-Allow-Origin"))
		refused := m.do(http.MethodOptions, m.membersPath(m.profile.OrganizationID), "", nil, "Origin", "https://evil.example.com", "Access-Control-Request-Method", "GET")
		require.Empty(t, refused.Header.Get("Access-Control-Allow-Origin"))
		require.Empty(t, refused.Header.Get("Access-Control-Allow-Headers"))
	})
}

func TestPreferOverrides(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	list := m.membersPath(org)
	for _, tc := range []struct {
		name, method, path, prefer string
		status                     int
		check                      func(t *testing.T, r result)
	}{
		{"code picks a documented error", http.MethodGet, list, "code=404", 404, func(t *testing.T, r result) {
			require.IsType(t, "", r.Object(t)["detail"])
		}},
		{"code 401 carries its header", http.MethodDelete, m.memberPath(org, unknownUUID), "code=401", 401, func(t *testing.T, r result) {
			require.Equal(t, "Bearer", r.Header.Get("WWW-Authenticate"))
		}},
		{"named example", http.MethodGet, list, "example=empty", 200, func(t *testing.T, r result) {
			require.Empty(t, r.List(t))
		}},
		{"named example with its code", http.MethodGet, list, "code=404, example=member", 404, func(t *testing.T, r result) {
			require.Equal(t, detailMemberNotFound, r.Object(t)["detail"])
		}},
		{"dynamic body", http.MethodPut, m.memberPath(org, unknownUUID), "dynamic=true", 200, func(t *testing.T, r result) {
			require.Regexp(t, `^[0-9a-f-]{36}$`, r.Object(t)["id"])
		}},
		{"undefined code lists the defined ones", http.MethodGet, list, "code=409", 422, func(t *testing.T, r result) {
			entry := r.Object(t)["detail"].([]any)[0].(map[string]any)
			require.Equal(t, []any{"header", "Prefer"}, entry["loc"])
			require.Contains(t, entry["msg"], "200, 401, 403, 404, 422")
		}},
		{"unknown example", http.MethodGet, list, "example=nope", 422, nil},
		{"code that is not a number", http.MethodGet, list, "code=abc", 422, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.method, tc.path, TokenOrgAdmin, nil, "Prefer", tc.prefer)
			require.Equal(t, tc.status, r.Status, "body: %s", r.Body)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
	t.Run("a forced response changes nothing", func(t *testing.T) {
		target := m.plainMember()
		r := m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil, "Prefer", "code=200")
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, target, m.memberOf(org, target.UserID))
	})
	t.Run("delay holds the response", func(t *testing.T) {
		start := time.Now()
		r := m.do(http.MethodGet, list, TokenOrgAdmin, nil, "Prefer", "delay=80")
		require.Equal(t, http.StatusOK, r.Status)
		require.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
	})
}

func TestControlAPI(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	require.Equal(t, "ok", m.do(http.MethodGet, "/__mock/health", "", nil).Object(t)["status"])

	t.Run("profile names the tokens, organizations and free users", func(t *testing.T) {
		p := m.do(http.MethodGet, "/__mock/profile", "", nil).Object(t)
		require.Equal(t, m.url, p["base_url"])
		require.Equal(t, map[string]any{"system_admin": TokenSystemAdmin, "org_admin": TokenOrgAdmin,
			"analyst": TokenAnalyst, "suspended": TokenSuspended, "outsider": TokenOutsider}, p["tokens"])
		require.Equal(t, org, p["organization_id"])
		require.GreaterOrEqual(t, len(p["candidate_user_ids"].([]any)), 3)
	})

	t.Run("state export, refused import keeps state, import, reset", func(t *testing.T) {
		before := m.do(http.MethodGet, "/__mock/state", "", nil)
		require.Equal(t, http.StatusOK, before.Status)
		bad := m.do(http.MethodPut, "/__mock/state", "", `{"memberships":[{"id":"x"}]}`)
		require.Equal(t, http.StatusBadRequest, bad.Status)
		require.Contains(t, bad.Object(t)["detail"], "current state kept")
		require.Equal(t, before.Body, m.do(http.MethodGet, "/__mock/state", "", nil).Body)

		target := m.plainMember()
		require.Equal(t, http.StatusOK, m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil).Status)
		changed := m.do(http.MethodGet, "/__mock/state", "", nil)
		require.NotEqual(t, before.Body, changed.Body)

		require.Equal(t, http.StatusOK, m.do(http.MethodPut, "/__mock/state", "", string(before.Body)).Status)
		require.Equal(t, before.Body, m.do(http.MethodGet, "/__mock/state", "", nil).Body, "import restores the exported state")

		require.Equal(t, http.StatusOK, m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil).Status)
		require.Equal(t, http.StatusOK, m.do(http.MethodPost, "/__mock/reset", "", nil).Status)
		require.Equal(t, before.Body, m.do(http.MethodGet, "/__mock/state", "", nil).Body, "reset is back to the seed")
	})

	t.Run("journal records exchanges without tokens", func(t *testing.T) {
		m.do(http.MethodGet, m.membersPath(org)+"?page_size=500", TokenOrgAdmin, nil)
		r := m.do(http.MethodGet, "/__mock/requests", "", nil)
		require.NotContains(t, string(r.Body), TokenOrgAdmin)
		entries := r.List(t)
		last := entries[len(entries)-1].(map[string]any)
		require.Equal(t, "GET", last["method"])
		require.Equal(t, float64(422), last["status"])
		require.Contains(t, last, "duration_ms")
	})

	t.Run("journal is bounded", func(t *testing.T) {
		for i := 0; i < journalSize+20; i++ {
			m.do(http.MethodGet, "/api/nowhere", "", nil)
		}
		require.Len(t, m.do(http.MethodGet, "/__mock/requests", "", nil).List(t), journalSize)
	})

	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, "/__mock/nothing", "", nil).Status)
}

func TestLogLinePerRequestWithoutTokens(t *testing.T) {
	var logs bytes.Buffer
	m := newTestMock(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, nil)
	m.do(http.MethodGet, "/api/nowhere", TokenAnalyst, nil)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], `"method":"GET"`)
	require.Contains(t, lines[0], `"status":200`)
	require.Contains(t, lines[0], `"duration_ms"`)
	require.Contains(t, lines[1], `"status":404`)
	require.NotContains(t, logs.String(), TokenOrgAdmin)
	require.NotContains(t, logs.String(), TokenAnalyst)
}

func TestConcurrentWritesKeepTheStoreConsistent(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	var wg sync.WaitGroup
	statuses := make([][]int, len(m.profile.CandidateUserIDs))
	for i, user := range m.profile.CandidateUserIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two racing creates of the same user: one 200, one 409.
			for j := 0; j < 2; j++ {
				r := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user})
				statuses[i] = append(statuses[i], r.Status)
			}
			m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil)
		}()
	}
	wg.Wait()
	for _, s := range statuses {
		require.ElementsMatch(t, []int{200, 409}, s)
	}
	require.Len(t, m.allMembers(org, TokenOrgAdmin, ""), seedPrimaryMembers+len(m.profile.CandidateUserIDs))
}

// TestEveryRoleAndStateOfTheSpecHasARule: the embedded spec's enums are
// the ones the policy has rules for, in the spec's order.
func TestEveryRoleAndStateOfTheSpecHasARule(t *testing.T) {
	sp, err := spec.Embedded()
	require.NoError(t, err)
	vocab, err := vocabularyOf(sp)
	require.NoError(t, err)
	require.Equal(t, []string{RoleSystemAdmin, RoleOrgAdmin, RoleAnalyst}, vocab.Roles)
	require.Equal(t, []string{StateActive, StatePending, StateSuspended}, vocab.States)
	require.Empty(t, vocab.unruled())
}

func TestResponseFormatsAreEnforced(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	target := m.plainMember()
	req, err := http.NewRequest(http.MethodDelete, "http://mock"+m.memberPath(org, target.ID), nil)
	require.NoError(t, err)
	route, params, err := m.srv.spec.FindRoute(req)
	require.NoError(t, err)
	valid := `{"id":"` + target.ID + `","organization_id":"` + org + `","user_id":"` + target.UserID +
		`","role":"ANALYST","membership_state":"active","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00.5Z"}`
	header := http.Header{"Content-Type": {"application/json"}}
	require.NoError(t, m.srv.spec.ValidateResponse(req.Context(), req, route, params, 200, header, []byte(valid)))
	for _, bad := range []struct{ from, to string }{
		{`"created_at":"2024-01-01T00:00:00Z"`, `"created_at":"yesterday"`},
		{`"created_at":"2024-01-01T00:00:00Z"`, `"created_at":"2024-01-01 00:00:00"`},
		{`"id":"` + target.ID + `"`, `"id":"member-1"`},
	} {
		body := strings.Replace(valid, bad.from, bad.to, 1)
		require.Error(t, m.srv.spec.ValidateResponse(req.Context(), req, route, params, 200, header, []byte(body)), bad.to)
	}
}

// TestThePipelineLeavesTheRequestAsSent: the request is read once into a
// value and every stage reads that; the *http.Request the server was
// handed keeps its query, path, headers and body reader, whatever the
// answer.
func TestThePipelineLeavesTheRequestAsSent(t *testing.T) {
	m := newTestMock(t, Config{})
	org := strings.ToUpper(m.profile.OrganizationID)
	member := m.plainMember()
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
	}{
		{"list, defaults written in", http.MethodGet, m.membersPath(org) + "?page=01&query=%61", "", http.StatusOK},
		{"list refused", http.MethodGet, m.membersPath(org) + "?page=0", "", http.StatusUnprocessableEntity},
		{"update", http.MethodPut, m.memberPath(org, strings.ToUpper(member.ID)), `{"role":"ANALYST"}`, http.StatusOK},
		{"update refused", http.MethodPut, m.memberPath(org, member.ID), `{"role":1}`, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			r.Header.Set("Authorization", "Bearer "+TokenSystemAdmin)
			r.Header.Set("Content-Type", "application/json")
			body, url, header := r.Body, *r.URL, r.Header.Clone()
			rec := httptest.NewRecorder()
			m.srv.ServeHTTP(rec, r)
			require.Equal(t, tc.status, rec.Code, "%s", rec.Body)
			require.Equal(t, url, *r.URL, "the URL as sent")
			require.Equal(t, header, r.Header, "the headers as sent")
			require.True(t, body == r.Body, "the body reader as given")
		})
	}
}

// TestTheValidatedBodyReachesTheStoreAsValidated: the body is decoded once
// and validation hands over the value the model holds, so what the store
// keeps is pydantic's coercion of what was sent ("7" is 7) and, for what
// was not sent, the spec's default: a copy, sharing nothing with the
// document, numbers as float64 as a state file reads them back.
func TestTheValidatedBodyReachesTheStoreAsValidated(t *testing.T) {
	deskDefault := map[string]any{"floor": float64(2)}
	sp := editedSpec(t, func(doc *openapi3.T) {
		integer := func() *openapi3.SchemaRef { return openapi3.NewIntegerSchema().NewRef() }
		desk := func() *openapi3.Schema {
			return openapi3.NewObjectSchema().WithProperty("floor", openapi3.NewIntegerSchema())
		}
		member := doc.Components.Schemas["OrganizationMemberResponse"].Value
		member.Properties["seniority"] = integer()
		member.Properties["desk"] = desk().NewRef()
		update := doc.Components.Schemas["OrganizationMemberUpdate"].Value
		seniority := integer()
		seniority.Value.Default = float64(3)
		update.Properties["seniority"] = seniority
		update.Properties["desk"] = desk().WithDefault(deskDefault).NewRef()
	})
	m := newTestMock(t, Config{Spec: sp})
	org, target := m.profile.OrganizationID, m.plainMember()
	stored := func(name string) any {
		t.Helper()
		var v any
		m.srv.store.read(func(w *world) { v, _ = w.members[target.ID].Get(name) })
		return v
	}

	r := m.do(http.MethodPut, m.memberPath(org, target.ID), TokenOrgAdmin, `{"seniority":"7"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, float64(7), r.Object(t)["seniority"], "answered as coerced")
	require.Equal(t, float64(7), stored("seniority"), "stored as pydantic coerced it, a float64 as a state file reads it")
	desk := stored("desk")
	require.Equal(t, deskDefault, desk, "the spec's default, written in by validation")
	require.NotEqual(t, reflect.ValueOf(deskDefault).UnsafePointer(), reflect.ValueOf(desk).UnsafePointer(),
		"a copy of the default: the stored member shares nothing with the document")

	r = m.do(http.MethodPut, m.memberPath(org, target.ID), TokenOrgAdmin, `{}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, float64(3), stored("seniority"), "the default of what was not sent")
}

// TestNoStageDecodesTheRequestBodyAgain reads the mock's source. The body
// as sent is decoded in one place (decodeBody); what validation makes of
// it (exchange.body) is a value that no stage encodes or decodes again;
// the few defects that ask how the body was sent read rawBody, each named
// here. A stage that called json.Unmarshal on the body, or encoded the
// validated value to decode it, would be found.
func TestNoStageDecodesTheRequestBodyAgain(t *testing.T) {
	codecs := map[string]bool{"json.Unmarshal": true, "json.NewDecoder": true, "json.Marshal": true,
		"stack.DecodeBody": true, "stack.LoadJSON": true, "mustJSON": true, "bytes.NewReader": true, "io.ReadAll": true}
	allowed := map[string]bool{
		"validation.go: decodeBody: stack.DecodeBody(req.rawBody)":                          true, // the one decode
		"defects_operations.go: update-keeps-role-on-empty-body: json.Unmarshal(x.rawBody)": true,
		// kin-openapi reads its copy of the request, and hands the body
		// back only as bytes, its defaults written in.
		"pipeline.go: validateWithSpec: bytes.NewReader(body.Raw)": true,
		"pipeline.go: validateWithSpec: io.ReadAll(probe.Body)":    true,
	}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var found []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			where := declName(decl)
			ast.Inspect(decl, func(n ast.Node) bool {
				if lit, ok := n.(*ast.CompositeLit); ok {
					if defect := defectName(lit); defect != "" {
						where = defect // the defects' catalogue: one literal per defect
					}
				}
				call, ok := n.(*ast.CallExpr)
				if !ok || !codecs[exprText(call.Fun)] {
					return true
				}
				for _, arg := range call.Args {
					if body := requestBodyIn(arg); body != "" {
						found = append(found, fmt.Sprintf("%s: %s: %s(%s)", name, where, exprText(call.Fun), body))
					}
				}
				return true
			})
		}
	}
	for _, f := range found {
		require.True(t, allowed[f], "%s: the request body decoded or encoded again", f)
	}
	require.Len(t, found, len(allowed), "each allowed decode still exists: %q", found)
}

// requestBodyIn is the request body an expression reads (x.rawBody,
// x.body, body.Raw, probe.Body: the request's, by the names the pipeline
// gives them), or "".
func requestBodyIn(e ast.Expr) string {
	var found string
	ast.Inspect(e, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if ok && found == "" {
			switch text := exprText(sel); {
			case sel.Sel.Name == "rawBody", text == "x.body", text == "y.body", text == "body.Raw", text == "body.Value", text == "probe.Body":
				found = text
			}
		}
		return found == ""
	})
	return found
}

// declName is a top-level declaration's name: a function's, or a var's.
func declName(decl ast.Decl) string {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		return d.Name.Name
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			if v, ok := spec.(*ast.ValueSpec); ok && len(v.Names) > 0 {
				return v.Names[0].Name
			}
		}
	}
	return ""
}

// defectName is the name a defect's literal gives ({name: "..."}), or "".
func defectName(lit *ast.CompositeLit) string {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "name" {
			if s, ok := kv.Value.(*ast.BasicLit); ok && s.Kind == token.STRING {
				return strings.Trim(s.Value, `"`)
			}
		}
	}
	return ""
}

func exprText(e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, token.NewFileSet(), e)
	return b.String()
}

// TestUpdatedAtIsStrictlyLaterThanTheLast: an update's updated_at is the
// clock, or a microsecond past the last when the clock has not moved past
// it (laterThan reads a stored time as text when both are in timeLayout).
func TestUpdatedAtIsStrictlyLaterThanTheLast(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 123456789, time.UTC)
	for _, row := range []struct{ prev, want string }{
		{"2026-12-06T09:59:59.999999Z", "2026-12-06T10:00:00.123456Z"}, // the clock moved on
		{"2026-12-06T10:00:00.123456Z", "2026-12-06T10:00:00.123457Z"}, // the same microsecond
		{"2027-01-01T00:00:00.000000Z", "2027-01-01T00:00:00.000001Z"}, // a time ahead of the clock
		{"2026-12-06T10:00:00Z", "2026-12-06T10:00:00.123456Z"},        // another layout, earlier
		{"2027-12-06T10:00:00Z", "2026-12-06T10:00:00.123456Z"},        // another layout: not read
		{"2027-12-06 10:00:00.000000Z", "2026-12-06T10:00:00.123456Z"}, // as long as the layout, not it
		{"", "2026-12-06T10:00:00.123456Z"},
	} {
		require.Equal(t, row.want, laterThan(row.prev, now), "after %q", row.prev)
	}
}

// TestABodyKinOpenAPIValidatesReachesTheStore: a body with a construct
// internal/stack does not model goes to kin-openapi, which hands it back
// as bytes with its defaults written in; that path ends with the same
// decoded value, which the operation reads.
func TestABodyKinOpenAPIValidatesReachesTheStore(t *testing.T) {
	sp := editedSpec(t, func(doc *openapi3.T) {
		update := doc.Components.Schemas["OrganizationMemberUpdate"].Value
		update.Properties["badge"] = openapi3.NewOneOfSchema(openapi3.NewStringSchema(), openapi3.NewIntegerSchema()).NewRef()
	})
	m := newTestMock(t, Config{Spec: sp})
	org, target := m.profile.OrganizationID, m.plainMember()

	r := m.do(http.MethodPut, m.memberPath(org, target.ID), TokenSystemAdmin, `{"role":"ORGANIZATION_ADMIN","badge":"x"}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, RoleOrgAdmin, m.memberOf(org, target.UserID).Role, "the role sent, read from kin-openapi's body")

	r = m.do(http.MethodPut, m.memberPath(org, target.ID), TokenSystemAdmin, `{"badge":7}`)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, RoleAnalyst, m.memberOf(org, target.UserID).Role, "the default kin-openapi wrote in")
}
