package spec

import (
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// orNull is a schema as FastAPI writes an Optional parameter: anyOf the
// type and null, the default beside it (fastapi/_compat: the JSON schema
// pydantic 2 makes of `int | None = 1`).
func orNull(s *openapi3.Schema, dflt any) *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Value: &openapi3.Schema{
		AnyOf:   openapi3.SchemaRefs{s.NewRef(), openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"null"}})},
		Default: dflt,
	}}
}

func queryParam(name string, schema *openapi3.SchemaRef) *openapi3.Parameter {
	p := openapi3.NewQueryParameter(name)
	p.Schema = schema
	return p
}

func integer() *openapi3.Schema { return openapi3.NewIntegerSchema() }

// TestListParametersAreKnownByTheirShape: whatever a document calls them,
// the page size is the integer with a maximum, the page number the integer
// from 1 with no maximum, the offset the integer from 0, the search the
// free string; a parameter named as a property of the items is a filter;
// the reference's spelling plays its role when its type fits, whatever its
// bounds; two of one shape leave the role to neither, and say why.
func TestListParametersAreKnownByTheirShape(t *testing.T) {
	page := queryParam("page", orNull(integer().WithMin(1), 1.0))
	pageSize := queryParam("page_size", orNull(integer().WithMin(1).WithMax(100), 50.0))
	query := queryParam("query", orNull(openapi3.NewStringSchema().WithMinLength(1).WithMaxLength(200), nil))
	uuid := queryParam("resource_id", orNull(openapi3.NewUUIDSchema(), nil))
	items := openapi3.NewObjectSchema().WithProperty("role", openapi3.NewStringSchema()).WithProperty("level", integer().WithMin(1).WithMax(9))
	for _, tc := range []struct {
		name   string
		params []*openapi3.Parameter
		want   ListParameters
	}{
		{"the reference", []*openapi3.Parameter{page, pageSize, query, uuid},
			ListParameters{Page: "page", Size: "page_size", Search: "query", SizeDefault: 50}},
		{"offset and limit", []*openapi3.Parameter{
			queryParam("offset", orNull(integer().WithMin(0), 0.0)),
			queryParam("limit", orNull(integer().WithMin(1).WithMax(100), 50.0)),
			queryParam("search", orNull(openapi3.NewStringSchema(), nil))},
			ListParameters{Offset: "offset", Size: "limit", Search: "search", SizeDefault: 50}},
		{"per_page, plain types (3.0), no defaults", []*openapi3.Parameter{
			queryParam("p", integer().WithMin(1).NewRef()),
			queryParam("per_page", integer().WithMax(250).NewRef()),
			queryParam("q", openapi3.NewStringSchema().NewRef())},
			ListParameters{Page: "p", Size: "per_page", Search: "q"}},
		{"a property's name is a filter, not a role", []*openapi3.Parameter{
			queryParam("role", openapi3.NewStringSchema().NewRef()),
			queryParam("level", integer().WithMin(1).WithMax(9).NewRef()), page, pageSize},
			ListParameters{Page: "page", Size: "page_size", SizeDefault: 50}},
		{"an enum, a format, a bare integer play no role", []*openapi3.Parameter{
			queryParam("sort", openapi3.NewStringSchema().WithEnum("created_at", "email").NewRef()),
			queryParam("since", openapi3.NewDateTimeSchema().NewRef()),
			queryParam("depth", integer().NewRef()), uuid},
			ListParameters{}},
		{"two of a shape, one spelled as the reference", []*openapi3.Parameter{
			query, queryParam("text", openapi3.NewStringSchema().NewRef()),
			pageSize, queryParam("max_items", integer().WithMax(10).NewRef())},
			ListParameters{Size: "page_size", Search: "query", SizeDefault: 50}},
		{"two of a shape, neither spelled as the reference", []*openapi3.Parameter{
			queryParam("search", openapi3.NewStringSchema().NewRef()), queryParam("text", openapi3.NewStringSchema().NewRef()), page},
			ListParameters{Page: "page", Unclear: map[string]string{
				"search": "has the shape of the search, as 2 parameters do ([search text]), none named query",
				"text":   "has the shape of the search, as 2 parameters do ([search text]), none named query",
			}}},
		{"the reference's spelling plays its role whatever its bounds", []*openapi3.Parameter{
			page, queryParam("page_size", integer().WithMin(1).WithDefault(50).NewRef()), queryParam("start", integer().WithMin(1).NewRef())},
			ListParameters{Page: "page", Size: "page_size", SizeDefault: 50}},
		{"the reference's spelling of another type plays no role", []*openapi3.Parameter{
			queryParam("page", openapi3.NewStringSchema().NewRef()), queryParam("query", openapi3.NewUUIDSchema().NewRef())},
			ListParameters{Search: "page"}},
		{"a default that is no page size", []*openapi3.Parameter{
			queryParam("limit", orNull(integer().WithMax(100), 0.0))},
			ListParameters{Size: "limit"}},
		{"none", nil, ListParameters{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ListParametersOf(tc.params, items))
		})
	}
}

// TestListParametersOfTheDocuments: the member list's paging and search in
// openapi.yaml and in the variants that rename them, found on the route.
func TestListParametersOfTheDocuments(t *testing.T) {
	for _, tc := range []struct {
		file string
		want ListParameters
	}{
		{"openapi.yaml", ListParameters{Page: "page", Size: "page_size", Search: "query", SizeDefault: 50}},
		{"mock/testdata/specs/list-offset-limit-31.yaml", ListParameters{Offset: "offset", Size: "limit", Search: "search", SizeDefault: 50}},
		{"mock/testdata/specs/list-per-page-31.yaml", ListParameters{Page: "page", Size: "per_page", Search: "q", SizeDefault: 25}},
		{"mock/testdata/specs/list-size-without-default-31.yaml", ListParameters{Page: "page", Size: "page_size", Search: "query"}},
		{"mock/testdata/specs/list-unpaged-31.yaml", ListParameters{Search: "term"}},
		{"mock/testdata/specs/list-two-searches-31.yaml", ListParameters{Page: "page", Size: "limit", SizeDefault: 50, Unclear: map[string]string{
			"search": "has the shape of the search, as 2 parameters do ([search text]), none named query",
			"text":   "has the shape of the search, as 2 parameters do ([search text]), none named query",
		}}},
		// page_size without a maximum is the page size by its name.
		{"mock/testdata/specs-wording/suite-needs-removed-31.yaml", ListParameters{Page: "page", Size: "page_size", Search: "query", SizeDefault: 50}},
		// A filter named as a property of the members is no search.
		{"mock/testdata/specs/list-filters.yaml", ListParameters{Page: "page", Size: "page_size", Search: "query", SizeDefault: 50}},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			sp, err := LoadFile(filepath.Join("..", "..", tc.file))
			require.NoError(t, err)
			route := sp.Members().Route(MemberList)
			require.NotNil(t, route)
			require.Equal(t, tc.want, sp.ListParameters(route))
			require.Equal(t, tc.want, sp.ListParameters(route), "found once, the same again")
		})
	}
	require.Equal(t, ListParameters{}, (&Spec{}).ListParameters(nil), "no route, no list")
}
