package spec_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// rawDoc parses a document without validating it, and registers the uuid
// format on it as spec.Load does: what the example check sees of a document
// that spec.Load might refuse before the check could run.
func rawDoc(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	require.NoError(t, err)
	doc.SetStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
		if !spec.IsUUID(s) {
			return errors.New("not a valid uuid")
		}
		return nil
	}))
	return doc
}

func embedded(t *testing.T) *spec.Spec {
	t.Helper()
	sp, err := spec.Embedded()
	require.NoError(t, err)
	require.NotNil(t, sp)
	return sp
}

func TestEmbeddedSpecLoadsAndValidates(t *testing.T) {
	sp := embedded(t)
	require.Equal(t, members.OpenAPI, sp.Raw, "the spec is loaded from the embedded openapi.yaml")
	require.Equal(t, "3.1.0", sp.Doc.OpenAPI)
	require.NoError(t, sp.Doc.Validate(context.Background()))
	again, err := spec.Embedded()
	require.NoError(t, err)
	require.Same(t, sp, again, "the embedded spec is loaded once")
}

func TestServersAreRelativeSoAnyHostAndPortRoute(t *testing.T) {
	sp := embedded(t)
	require.Len(t, sp.Doc.Servers, 1)
	require.Equal(t, "/", sp.Doc.Servers[0].URL)
	for _, base := range []string{"http://127.0.0.1:4010", "http://localhost:54321", "https://config.heyhumm.ai"} {
		req, err := http.NewRequest(http.MethodGet, base+"/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member", nil)
		require.NoError(t, err)
		route, params, err := sp.FindRoute(req)
		require.NoError(t, err, base)
		require.Equal(t, "get_organization_members", route.Operation.OperationID)
		require.Equal(t, "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c", params["organization_id"])
	}
}

func TestEveryExampleValidatesAgainstItsOwnSchema(t *testing.T) {
	sp := embedded(t)
	problems, checked := spec.ExampleProblems(sp.Doc)
	require.Empty(t, problems)
	// Every operation has request and response examples, every component
	// schema one: far more than this, so a walk that found nothing fails.
	require.GreaterOrEqual(t, checked, 30, "examples checked")

	wheres := map[string]bool{}
	for _, ex := range spec.Examples(sp.Doc) {
		wheres[ex.Where] = true
	}
	for _, want := range []string{
		"POST /api/organization/{organization_id}/member request application/json examples.admin",
		"PUT /api/organization/{organization_id}/member/{member_id} request application/json examples.demote",
		"GET /api/organization/{organization_id}/member response 200 application/json examples.members",
		"DELETE /api/organization/{organization_id}/member/{member_id} response 200 application/json examples.removed",
		"POST /api/organization/{organization_id}/member response 409 application/json examples.alreadyMember",
		"components.schemas.UserResponse examples[0]",
		"components.schemas.HTTPValidationError examples[0]",
	} {
		require.True(t, wheres[want], "example not visited: %s", want)
	}
}

func TestExampleCheckReportsABrokenExample(t *testing.T) {
	cases := []struct {
		name      string
		old, new  string
		wantWhere string
		wantWhy   string
	}{
		{
			name:      "role outside the enum in a request body example",
			old:       "summary: Promote to organization admin\n                value:\n                  role: ORGANIZATION_ADMIN",
			new:       "summary: Promote to organization admin\n                value:\n                  role: boss",
			wantWhere: "PUT /api/organization/{organization_id}/member/{member_id} request application/json examples.promote",
			wantWhy:   "boss",
		},
		{
			name:      "bad uuid in a response example",
			old:       "summary: The removed membership\n                  value:\n                    id: 3c90c3cc-0d44-4b50-8888-8dd25736052a",
			new:       "summary: The removed membership\n                  value:\n                    id: 3c90c3cc-0d44-4b50-8888-8dd25736052",
			wantWhere: "DELETE /api/organization/{organization_id}/member/{member_id} response 200 application/json examples.removed",
			wantWhy:   "uuid",
		},
		{
			name:      "bad uuid in a nested user of a response example",
			old:       "user:\n                        id: 0f1e2d3c-4b5a-4968-8776-655443322110",
			new:       "user:\n                        id: grace",
			wantWhere: "GET /api/organization/{organization_id}/member response 200 application/json examples.members",
			wantWhy:   "uuid",
		},
		{
			name:      "bad uuid in a component schema example",
			old:       "      examples:\n        - id: 5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b\n          email: ada.lovelace@example.com\n          given_name: Ada",
			new:       "      examples:\n        - id: ada\n          email: ada.lovelace@example.com\n          given_name: Ada",
			wantWhere: "components.schemas.UserResponse examples[0]",
			wantWhy:   "uuid",
		},
		{
			name:      "required property missing from a single example",
			old:       "      examples:\n        - detail: Member not found",
			new:       "      examples:\n        - message: Member not found",
			wantWhere: "components.schemas.HTTPError examples[0]",
			wantWhy:   "detail",
		},
		{
			name:      "wrong type in a named response example",
			old:       "              value:\n                detail: Not authenticated",
			new:       "              value:\n                detail: [Not authenticated]",
			wantWhere: "components.responses.Unauthorized application/json examples.notAuthenticated",
			wantWhy:   "string",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := string(members.OpenAPI)
			require.Equal(t, 1, strings.Count(src, tc.old), "the edit must hit exactly one place in openapi.yaml")
			broken := []byte(strings.Replace(src, tc.old, tc.new, 1))

			problems, _ := spec.ExampleProblems(rawDoc(t, broken))
			var hit []string
			for _, p := range problems {
				if strings.HasPrefix(p, tc.wantWhere+": ") {
					hit = append(hit, p)
				}
			}
			require.NotEmpty(t, hit, "the broken example is not reported; reported: %v", problems)
			require.Contains(t, strings.Join(hit, "\n"), tc.wantWhy)
		})
	}
}

// TestLoadNamesAnExampleOutsideItsEnum: an example that breaks its schema
// does not stop a document FastAPI would publish (OpenAPI: an example
// SHOULD match); it is named, and a request example stays (nothing serves it).
func TestLoadNamesAnExampleOutsideItsEnum(t *testing.T) {
	broken := strings.Replace(string(members.OpenAPI),
		"summary: Promote to organization admin\n                value:\n                  role: ORGANIZATION_ADMIN",
		"summary: Promote to organization admin\n                value:\n                  role: boss", 1)
	require.NotEqual(t, string(members.OpenAPI), broken)
	sp, err := spec.Load([]byte(broken))
	require.NoError(t, err)
	require.Len(t, sp.BrokenExamples, 1)
	require.Contains(t, sp.BrokenExamples[0], "request application/json examples.")
	require.Contains(t, sp.BrokenExamples[0], "boss")
	require.Empty(t, embedded(t).BrokenExamples, "openapi.yaml's examples all hold")
}

func TestOperationsAndTheirDocumentedStatuses(t *testing.T) {
	const (
		list   = "/api/organization/{organization_id}/member"
		member = "/api/organization/{organization_id}/member/{member_id}"
	)
	cases := []struct {
		operationID  string
		method, path string
		statuses     []string
		requestBody  string
	}{
		{"get_organization_members", http.MethodGet, list, []string{"200", "401", "403", "404", "422"}, ""},
		{"create_organization_member", http.MethodPost, list, []string{"200", "400", "401", "403", "404", "409", "413", "422"}, "OrganizationMemberCreate"},
		{"update_organization_member", http.MethodPut, member, []string{"200", "400", "401", "403", "404", "413", "422"}, "OrganizationMemberUpdate"},
		{"delete_organization_member", http.MethodDelete, member, []string{"200", "401", "403", "404", "422"}, ""},
	}
	sp := embedded(t)
	byID := map[string]*openapi3.Operation{}
	for _, item := range sp.Doc.Paths.Map() {
		for _, op := range item.Operations() {
			require.NotContains(t, byID, op.OperationID, "duplicate operationId")
			byID[op.OperationID] = op
		}
	}
	require.Len(t, byID, len(cases), "the document has exactly the four operations")

	for _, tc := range cases {
		t.Run(tc.operationID, func(t *testing.T) {
			item := sp.Doc.Paths.Value(tc.path)
			require.NotNil(t, item, tc.path)
			op := item.GetOperation(tc.method)
			require.NotNil(t, op, "%s %s", tc.method, tc.path)
			require.Equal(t, tc.operationID, op.OperationID)
			require.Equal(t, []string{"Organization Members"}, op.Tags)

			got := op.Responses.Keys()
			sort.Strings(got)
			require.Equal(t, tc.statuses, got, "documented statuses")
			for _, status := range got {
				ref := op.Responses.Value(status)
				require.NotNil(t, ref.Value, status)
				media := ref.Value.Content.Get("application/json")
				require.NotNil(t, media, "%s has an application/json body", status)
				want := "#/components/schemas/HTTPError"
				switch status {
				case "200":
					require.True(t, len(media.Examples) > 0 || media.Example != nil, "200 has an example")
					continue
				case "422":
					want = "#/components/schemas/HTTPValidationError"
				case "401":
					h := ref.Value.Headers["WWW-Authenticate"]
					require.NotNil(t, h, "401 documents WWW-Authenticate")
					require.True(t, h.Value.Required)
				}
				require.Equal(t, want, media.Schema.Ref, "schema of %s", status)
			}
			if tc.requestBody == "" {
				require.Nil(t, op.RequestBody)
				return
			}
			require.NotNil(t, op.RequestBody)
			require.True(t, op.RequestBody.Value.Required)
			body := op.RequestBody.Value.Content.Get("application/json")
			require.Equal(t, "#/components/schemas/"+tc.requestBody, body.Schema.Ref)
			require.NotEmpty(t, body.Examples)
		})
	}
}

func TestFromFlag(t *testing.T) {
	t.Run("empty is the embedded spec", func(t *testing.T) {
		sp, err := spec.FromFlag("")
		require.NoError(t, err)
		require.Same(t, embedded(t), sp)
	})
	t.Run("a path loads that file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "openapi.yaml")
		other := strings.Replace(string(members.OpenAPI), "  version: 1.0.0\n", "  version: 9.9.9-test\n", 1)
		require.NotEqual(t, string(members.OpenAPI), other)
		require.NoError(t, os.WriteFile(path, []byte(other), 0o644))
		sp, err := spec.FromFlag(path)
		require.NoError(t, err)
		require.NotSame(t, embedded(t), sp)
		require.Equal(t, "9.9.9-test", sp.Doc.Info.Version)
		require.Equal(t, []byte(other), sp.Raw)
		require.Equal(t, "/", sp.Doc.Servers[0].URL, "a file is made relative too")
		require.False(t, sp.Doc.Components.Schemas["UserResponse"].Value.VisitJSON(
			map[string]any{"id": "nope", "email": "a@example.com"}, sp.Doc.GetSchemaValidationOptions()...) == nil,
			"a file gets the uuid format too")
	})

	broken := []struct {
		name    string
		content string
		want    string
	}{
		{"not yaml", "openapi: [3.0.3\n  info: {", "parse openapi document"},
		{"not an openapi document", "openapi: 3.0.3\ninfo:\n  title: x\npaths: {}\n", "invalid openapi document"},
	}
	for _, tc := range broken {
		t.Run("broken file: "+tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "broken.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			sp, err := spec.FromFlag(path)
			require.Error(t, err)
			require.Nil(t, sp)
			require.Contains(t, err.Error(), path, "the error names the file")
			require.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "missing.yaml")
		_, err := spec.FromFlag(path)
		require.Error(t, err)
		require.ErrorIs(t, err, os.ErrNotExist)
		require.Contains(t, err.Error(), path)
	})
}

func TestUUIDFormat(t *testing.T) {
	cases := []struct {
		name  string
		value string
		ok    bool
	}{
		{"lower case v4", "3c90c3cc-0d44-4b50-8888-8dd25736052a", true},
		{"upper case", "3C90C3CC-0D44-4B50-8888-8DD25736052A", true},
		{"mixed case", "3c90C3cc-0d44-4B50-8888-8dd25736052A", true},
		{"any version", "00000000-0000-0000-0000-000000000000", true},
		{"empty", "", false},
		{"word", "boss", false},
		{"no hyphens", "3c90c3cc0d444b5088888dd25736052a", false},
		{"braces", "{3c90c3cc-0d44-4b50-8888-8dd25736052a}", false},
		{"urn", "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a", false},
		{"one digit short", "3c90c3cc-0d44-4b50-8888-8dd25736052", false},
		{"one digit long", "3c90c3cc-0d44-4b50-8888-8dd25736052aa", false},
		{"not hex", "3c90c3cc-0d44-4b50-8888-8dd25736052g", false},
		{"trailing newline", "3c90c3cc-0d44-4b50-8888-8dd25736052a\n", false},
		{"surrounding space", " 3c90c3cc-0d44-4b50-8888-8dd25736052a", false},
	}
	sp := embedded(t)
	idSchema := sp.Doc.Components.Schemas["UserResponse"].Value.Properties["id"].Value
	require.Equal(t, "uuid", idSchema.Format)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.ok, spec.IsUUID(tc.value))
			// Canonical: a uuid as pydantic writes it, lower case only.
			require.Equal(t, tc.ok && tc.value == strings.ToLower(tc.value), spec.IsCanonicalUUID(tc.value))
			err := idSchema.VisitJSON(tc.value, sp.Doc.GetSchemaValidationOptions()...)
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				require.Contains(t, err.Error(), "uuid")
			}
		})
	}
}

func TestUUIDFormatIsRegisteredOnTheDocumentOnly(t *testing.T) {
	embedded(t) // loading the spec must not switch on a process-wide format
	_, global := openapi3.SchemaStringFormats["uuid"]
	require.False(t, global, "uuid must not be registered globally")
	doc, err := openapi3.NewLoader().LoadFromData(members.OpenAPI)
	require.NoError(t, err)
	id := doc.Components.Schemas["UserResponse"].Value.Properties["id"].Value
	require.NoError(t, id.VisitJSON("boss", doc.GetSchemaValidationOptions()...),
		"another document, loaded without spec, does not enforce uuid")
}

func TestRequestAndResponseOptionsEnforceUUIDs(t *testing.T) {
	sp := embedded(t)
	ctx := context.Background()
	req, err := http.NewRequest(http.MethodDelete, "http://127.0.0.1:1/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member/3c90c3cc-0d44-4b50-8888-8dd25736052a", nil)
	require.NoError(t, err)
	route, params, err := sp.FindRoute(req)
	require.NoError(t, err)
	header := http.Header{"Content-Type": {"application/json"}}

	good := `{"id":"3C90C3CC-0D44-4B50-8888-8DD25736052A","organization_id":"9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c","user_id":"5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b"}`
	require.NoError(t, sp.ValidateResponse(ctx, req, route, params, 200, header, []byte(good)))
	bad := strings.Replace(good, "5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "ada", 1)
	err = sp.ValidateResponse(ctx, req, route, params, 200, header, []byte(bad))
	require.Error(t, err)
	require.Contains(t, err.Error(), "uuid")
	err = sp.ValidateResponse(ctx, req, route, params, 204, http.Header{}, nil)
	require.Error(t, err, "an undocumented status is a violation")

	req.URL.Path = "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member/nope"
	route, params, err = sp.FindRoute(req)
	require.NoError(t, err)
	err = openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: sp.RequestOptions()})
	require.Error(t, err, "a path uuid is checked")
	require.Contains(t, err.Error(), "uuid")
	req.URL.Path = "/api/organization/9A1F6C2E-5B7D-4E3A-8C1F-2D4E6F8A0B1C/member/3c90c3cc-0d44-4b50-8888-8dd25736052a"
	route, params, err = sp.FindRoute(req)
	require.NoError(t, err)
	require.NoError(t, openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: sp.RequestOptions()}), "upper case path uuids pass")
}

// TestFindRouteAndAllow: Starlette's 405 names the first route declared for
// the path, one method (starlette/routing.py: Router.app, Route.handle).
func TestFindRouteAndAllow(t *testing.T) {
	sp := embedded(t)
	cases := []struct {
		method, path string
		wantErr      error
		allow        string
	}{
		{http.MethodGet, "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member", nil, "GET"},
		{http.MethodPatch, "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member", routers.ErrMethodNotAllowed, "GET"},
		{http.MethodGet, "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member/3c90c3cc-0d44-4b50-8888-8dd25736052a", routers.ErrMethodNotAllowed, "PUT"},
		{http.MethodGet, "/api/organization", routers.ErrPathNotFound, ""},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, "http://127.0.0.1:4010"+tc.path, nil)
			require.NoError(t, err)
			_, _, err = sp.FindRoute(req)
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
			}
			require.Equal(t, tc.allow, sp.Allow(req))
		})
	}
}

// TestAResponseExampleThatBreaksItsSchemaIsNeverServed: named, and removed
// from the document the mock answers from (the served /openapi.json is the
// source as loaded).
func TestAResponseExampleThatBreaksItsSchemaIsNeverServed(t *testing.T) {
	broken := strings.Replace(string(members.OpenAPI),
		"summary: The removed membership\n                  value:\n                    id: 3c90c3cc-0d44-4b50-8888-8dd25736052a",
		"summary: The removed membership\n                  value:\n                    id: member-1", 1)
	require.NotEqual(t, string(members.OpenAPI), broken)
	sp, err := spec.Load([]byte(broken))
	require.NoError(t, err)
	require.Len(t, sp.BrokenExamples, 1)
	require.Contains(t, sp.BrokenExamples[0], "examples.removed")
	require.Contains(t, sp.BrokenExamples[0], "uuid")
	media := sp.OperationByID("delete_organization_member").Operation.Responses.Status(200).Value.Content.Get("application/json")
	require.NotContains(t, media.Examples, "removed")
	require.Equal(t, []byte(broken), sp.Raw)
	require.Contains(t, embedded(t).OperationByID("delete_organization_member").Operation.Responses.Status(200).Value.Content.Get("application/json").Examples, "removed")
}

// TestDeclarationOrderFollowsTheDocument: the properties of a request body
// in the order openapi.yaml declares them, and a path's methods likewise,
// even when the document declares them in another order than usual.
func TestDeclarationOrderFollowsTheDocument(t *testing.T) {
	sp := embedded(t)
	schemas := sp.Doc.Components.Schemas
	require.Equal(t, []string{"user_id", "organization_id", "role"}, sp.PropertyOrder(schemas["OrganizationMemberCreate"].Value))
	require.Equal(t, []string{"organization_id", "user_id", "role"}, sp.PropertyOrder(schemas["OrganizationMemberUpdate"].Value))

	swapped := strings.Replace(string(members.OpenAPI), "        user_id:\n          type: string\n          format: uuid\n          title: User Id\n        organization_id:\n          anyOf:\n            - type: string\n              format: uuid\n            - type: 'null'\n          title: Organization Id\n        role:",
		"        organization_id:\n          anyOf:\n            - type: string\n              format: uuid\n            - type: 'null'\n          title: Organization Id\n        user_id:\n          type: string\n          format: uuid\n          title: User Id\n        role:", 1)
	require.NotEqual(t, string(members.OpenAPI), swapped)
	other, err := spec.Load([]byte(swapped))
	require.NoError(t, err)
	require.Equal(t, []string{"organization_id", "user_id", "role"}, other.PropertyOrder(other.Doc.Components.Schemas["OrganizationMemberCreate"].Value))
	require.Equal(t, "PUT", other.FirstMethod("/api/organization/{organization_id}/member/{member_id}"))
}
