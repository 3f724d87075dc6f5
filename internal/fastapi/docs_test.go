package fastapi_test

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/fastapi"
)

const (
	collection = "/api/organization/{organization_id}/member"
	member     = "/api/organization/{organization_id}/member/{member_id}"
)

// memberOperations are the four operations, by method and path, with the
// operationId each document gives them: FastAPI's generate_unique_id
// (fastapi/utils.py: the function's name, the path with every non-word
// character as "_", the method) or openapi.yaml's.
var memberOperations = []struct {
	method, path, defaultID, explicitID string
}{
	{http.MethodGet, collection, "get_organization_members_api_organization__organization_id__member_get", "get_organization_members"},
	{http.MethodPost, collection, "create_organization_member_api_organization__organization_id__member_post", "create_organization_member"},
	{http.MethodPut, member, "update_organization_member_api_organization__organization_id__member__member_id__put", "update_organization_member"},
	{http.MethodDelete, member, "delete_organization_member_api_organization__organization_id__member__member_id__delete", "delete_organization_member"},
}

func load(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

func TestDocumentsAreValidOpenAPI31WithTheFourMemberOperations(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     []byte
		explicit bool
	}{
		{"default ids", fastapi.DefaultIDs, false},
		{"explicit ids", fastapi.ExplicitIDs, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := load(t, tc.data)
			assert.Equal(t, "3.1.0", doc.OpenAPI)
			assert.True(t, doc.IsOpenAPI31OrLater())
			assert.Equal(t, 2, doc.Paths.Len(), "the two member paths, nothing else")
			for _, op := range memberOperations {
				item := doc.Paths.Value(op.path)
				require.NotNil(t, item, op.path)
				got := item.GetOperation(op.method)
				require.NotNil(t, got, "%s %s", op.method, op.path)
				want := op.defaultID
				if tc.explicit {
					want = op.explicitID
				}
				assert.Equal(t, want, got.OperationID, "%s %s", op.method, op.path)
				// FastAPI documents 200 and 422 only: 401/403/404 come from HTTPException.
				assert.ElementsMatch(t, []string{"200", "422"}, slices.Sorted(maps.Keys(got.Responses.Map())), "%s %s", op.method, op.path)
				assert.Equal(t, openapi3.SecurityRequirements{{"HTTPBearer": {}}}, *got.Security, "%s %s", op.method, op.path)
			}
		})
	}
}

// The explicit document names its operations as openapi.yaml does, so the
// two documents differ from openapi.yaml in shapes only, never in ids.
func TestExplicitIDsAreOpenAPIYAMLs(t *testing.T) {
	ours, err := openapi3.NewLoader().LoadFromData(members.OpenAPI)
	require.NoError(t, err)
	for _, op := range memberOperations {
		assert.Equal(t, op.explicitID, ours.Paths.Value(op.path).GetOperation(op.method).OperationID)
	}
}

// The shapes of FastAPI's output the Go side must read as OpenAPI 3.1 does
// (issue 19): these pin that the files are FastAPI's, not a normalized copy.
func TestDocumentsHaveFastAPIsShapes(t *testing.T) {
	for name, data := range map[string][]byte{"default ids": fastapi.DefaultIDs, "explicit ids": fastapi.ExplicitIDs} {
		t.Run(name, func(t *testing.T) {
			doc := load(t, data)

			// The path's organization_id is "uuid | null", as the public reference shows.
			orgID := doc.Paths.Value(member).GetOperation(http.MethodPut).Parameters.GetByInAndName("path", "organization_id")
			require.NotNil(t, orgID)
			assert.True(t, orgID.Required)
			assertUUIDOrNull(t, orgID.Schema.Value)

			// ValidationError.input is an empty schema but for its title: any value.
			input := doc.Components.Schemas["ValidationError"].Value.Properties["input"].Value
			assert.Equal(t, "Input", input.Title)
			assert.Nil(t, input.Type)
			assert.Empty(t, input.AnyOf)

			// Optional body fields are anyOf with null.
			update := doc.Components.Schemas["OrganizationMemberUpdate"].Value
			assertUUIDOrNull(t, update.Properties["user_id"].Value)
		})
	}
}

func assertUUIDOrNull(t *testing.T, s *openapi3.Schema) {
	t.Helper()
	require.Len(t, s.AnyOf, 2)
	assert.True(t, s.AnyOf[0].Value.Type.Is("string"))
	assert.Equal(t, "uuid", s.AnyOf[0].Value.Format)
	assert.True(t, s.AnyOf[1].Value.Type.Is("null"))
}
