package stack_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// TestHeaderParametersAreReadAsLatin1: a declared header parameter is
// validated on the value as Starlette hands it over, each byte one
// character (starlette/datastructures.py: Headers.get,
// value.decode("latin-1")): "é" sent as UTF-8 (C3 A9) is two characters,
// "Ã©", too long for maxLength 1 (pydantic's string_too_long, on the
// decoded text); the byte E9 alone is "é", one character.
func TestHeaderParametersAreReadAsLatin1(t *testing.T) {
	sp, err := spec.Load([]byte(`openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      parameters:
        - {name: X-Tag, in: header, required: true, schema: {type: string, maxLength: 1, title: X-Tag}}
      responses: {'200': {description: ok}}
`))
	require.NoError(t, err)
	item := sp.Doc.Paths.Value("/x")
	route := &routers.Route{Spec: sp.Doc, Path: "/x", PathItem: item, Method: http.MethodGet, Operation: item.Get}
	validate := func(value string) stack.Request {
		return stack.ValidateRequest(sp.PropertyOrder, route, nil, nil, http.Header{"X-Tag": {value}}, stack.Body{})
	}
	require.Empty(t, validate("\xe9").Issues, "the byte E9 is one character")
	got := validate("\xc3\xa9")
	require.False(t, got.Unmodeled)
	require.Len(t, got.Issues, 1)
	require.Equal(t, "string_too_long", got.Issues[0].Type)
	require.Equal(t, []any{"header", "X-Tag"}, got.Issues[0].Loc, "the declared name: FastAPI publishes the alias it reports")
	require.Equal(t, `"Ã©"`, string(got.Issues[0].Input))
}

// TestListParametersTakeEveryValue: a query or header parameter of an
// array schema gets every value of its name, in order, and a cookie one
// the string (FastAPI's _get_multidict_value: getlist on QueryParams and
// Headers, get on the cookies' dict); none sent is the default. Each
// expected entry is pydantic 2.13.4's, loc prefixed as
// request_params_to_args does:
//
//	TypeAdapter(list[int]).validate_python(['1', 'x'])                               # header x-tag
//	TypeAdapter(Optional[list[str]]).validate_python('a')                           # cookie prefs
//	TypeAdapter(Annotated[list[int], Field(max_length=3)]).validate_python(['1', '2', '3', '4'])  # query ids
func TestListParametersTakeEveryValue(t *testing.T) {
	sp, err := spec.Load([]byte(`openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      parameters:
        - {name: ids, in: query, schema: {type: array, items: {type: integer}, maxItems: 3, default: [1, 2]}}
        - {name: x-tag, in: header, schema: {type: array, items: {type: integer}}}
        - {name: prefs, in: cookie, schema: {anyOf: [{type: array, items: {type: string}}, {type: 'null'}]}}
      responses: {'200': {description: ok}}
`))
	require.NoError(t, err)
	item := sp.Doc.Paths.Value("/x")
	route := &routers.Route{Spec: sp.Doc, Path: "/x", PathItem: item, Method: http.MethodGet, Operation: item.Get}
	validate := func(query string, header http.Header) stack.Request {
		return stack.ValidateRequestAll(sp.PropertyOrder, route, nil, stack.ParseQueryAll(query), header, stack.Body{})
	}

	got := validate("", http.Header{})
	require.False(t, got.Unmodeled)
	require.Empty(t, got.Issues)
	require.Equal(t, map[string][]string{"ids": {"1", "2"}}, got.QueryLists, "the default, when none is sent")

	got = validate("ids=3&ids=+04", http.Header{"X-Tag": {"7", "8"}})
	require.Empty(t, got.Issues)
	require.Equal(t, map[string][]string{"ids": {"3", "4"}}, got.QueryLists, "every value, in order, canonical")

	got = validate("ids=1&ids=2&ids=3&ids=4", http.Header{"X-Tag": {"1", "x"}, "Cookie": {"prefs=a"}})
	issues, err := json.Marshal(got.Issues)
	require.NoError(t, err)
	require.JSONEq(t, `[
		{"type":"too_long","loc":["query","ids"],"msg":"List should have at most 3 items after validation, not 4","input":["1","2","3","4"],"ctx":{"field_type":"List","max_length":3,"actual_length":4}},
		{"type":"int_parsing","loc":["header","x-tag",1],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},
		{"type":"list_type","loc":["cookie","prefs"],"msg":"Input should be a valid list","input":"a"}]`, string(issues))
}
