package stack_test

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock/spec"
	"github.com/heyhumm/humm-members-mock/mock/stack"
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
