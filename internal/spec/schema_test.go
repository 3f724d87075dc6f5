package spec_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// schemaDoc is a document of the given OpenAPI version whose components
// hold Role, UserResponse and a schema T with the given properties (YAML,
// indented for T's properties).
func schemaDoc(t *testing.T, version, properties string) *spec.Spec {
	t.Helper()
	doc := `openapi: ` + version + `
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Role: {type: string, title: Role, enum: [SYSTEM_ADMIN, ORGANIZATION_ADMIN, ANALYST]}
    UserResponse:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
    T:
      type: object
      properties:
` + properties
	sp, err := spec.Load([]byte(doc))
	require.NoError(t, err, doc)
	return sp
}

// TestUnderlyingReadsEveryWayOfSayingOrNull: one reading of a schema's
// shape for OpenAPI 3.0's forms and 3.1's (JSON Schema 2020-12), as
// FastAPI and pydantic publish them.
func TestUnderlyingReadsEveryWayOfSayingOrNull(t *testing.T) {
	type want struct {
		types     []string
		format    string
		enum      int // how many values
		dflt      any
		nullable  bool
		component string // the core is this component's own schema, by address
		any       bool   // the core accepts anything
	}
	rows := []struct {
		name, cite, version, property string
		want                          want
	}{
		{"3.0 nullable", "testdata/specs/openapi-3.0.yaml (openapi.yaml in 3.0) UserResponse.given_name (OpenAPI 3.0.3 §4.7.24.1 nullable)", "3.0.3",
			`x: {type: string, nullable: true, maxLength: 255}`, want{types: []string{"string"}, nullable: true}},
		{"3.0 allOf of a $ref with a default", "testdata/specs/openapi-3.0.yaml OrganizationMemberCreate.role: FastAPI on OpenAPI 3.0 wraps a defaulted reference in allOf", "3.0.3",
			`x: {allOf: [{$ref: '#/components/schemas/Role'}], default: ANALYST}`, want{types: []string{"string"}, enum: 3, dflt: "ANALYST"}},
		{"3.0 allOf of a $ref, nullable", "testdata/specs/openapi-3.0.yaml OrganizationMemberResponse.user", "3.0.3",
			`x: {allOf: [{$ref: '#/components/schemas/UserResponse'}], nullable: true}`, want{types: []string{"object"}, nullable: true, component: "UserResponse"}},
		{"3.0 empty, nullable", "testdata/specs/openapi-3.0.yaml ValidationError.input (3.0 needs nullable said)", "3.0.3",
			`x: {title: Input, nullable: true}`, want{nullable: true, any: true}},
		{"3.0 required uuid", "testdata/specs/openapi-3.0.yaml OrganizationMemberCreate.user_id", "3.0.3",
			`x: {type: string, format: uuid}`, want{types: []string{"string"}, format: "uuid"}},
		{"3.1 anyOf uuid or null", "pydantic 2.13 model_json_schema of `organization_id: UUID | None = None` (pydantic/json_schema.py: nullable_schema)", "3.1.0",
			`x: {anyOf: [{type: string, format: uuid}, {type: 'null'}], default: null, title: Organization Id}`, want{types: []string{"string"}, format: "uuid", nullable: true}},
		{"3.1 anyOf bounded integer or null, default outside", "pydantic 2.13: `page: Annotated[int | None, Field(ge=1)] = 1` gives {anyOf: [{minimum: 1, type: integer}, {type: null}], default: 1}", "3.1.0",
			`x: {anyOf: [{type: integer, minimum: 1}, {type: 'null'}], default: 1, title: Page}`, want{types: []string{"integer"}, dflt: 1.0, nullable: true}},
		{"3.1 $ref with a default", "pydantic 2.13: `role: Role = Role.ANALYST` gives {$ref: Role, default: ANALYST}; kin-openapi loader.go: applyRefSiblings", "3.1.0",
			`x: {$ref: '#/components/schemas/Role', default: ANALYST}`, want{types: []string{"string"}, enum: 3, dflt: "ANALYST"}},
		{"3.1 anyOf $ref or null", "pydantic 2.13: `user: UserResponse | None`", "3.1.0",
			`x: {anyOf: [{$ref: '#/components/schemas/UserResponse'}, {type: 'null'}], title: User}`, want{types: []string{"object"}, nullable: true, component: "UserResponse"}},
		{"3.1 oneOf with null", "JSON Schema 2020-12 §10.2.1.3 oneOf: one branch and null read alike", "3.1.0",
			`x: {oneOf: [{type: string}, {type: 'null'}]}`, want{types: []string{"string"}, nullable: true}},
		{"3.1 type array with null", "JSON Schema 2020-12 §6.1.1: type as an array", "3.1.0",
			`x: {type: [string, 'null'], maxLength: 255}`, want{types: []string{"string"}, nullable: true}},
		{"3.1 empty schema", "FastAPI 0.141 fastapi/openapi/utils.py: validation_error_definition's input: {title: Input}; JSON Schema 2020-12 §4.3.2: {} accepts anything", "3.1.0",
			`x: {title: Input}`, want{nullable: true, any: true}},
		{"3.1 union of two kept", "pydantic 2.13: `str | int` is a union, not an Optional", "3.1.0",
			`x: {anyOf: [{type: string}, {type: integer}]}`, want{}},
		{"3.1 union of two or null", "pydantic 2.13: `str | int | None`", "3.1.0",
			`x: {anyOf: [{type: string}, {type: integer}, {type: 'null'}]}`, want{nullable: true}},
		{"3.1 const", "pydantic 2.13: `Literal['a']` gives {const: a, type: string}", "3.1.0",
			`x: {const: a, type: string}`, want{types: []string{"string"}, enum: 1}},
		{"3.1 nullable is no keyword", "OpenAPI 3.1.0 §4.8.24: nullable removed; JSON Schema ignores unknown keywords", "3.1.0",
			`x: {type: string, nullable: true}`, want{types: []string{"string"}}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			sp := schemaDoc(t, row.version, "        "+row.property+"\n")
			ref := sp.Doc.Components.Schemas["T"].Value.Properties["x"]
			core, nullable := spec.Underlying(ref)
			require.NotNil(t, core, row.cite)
			require.Equal(t, row.want.nullable, nullable, row.cite)
			require.Equal(t, row.want.any, spec.AcceptsAnything(core), row.cite)
			if row.want.types != nil || !row.want.any {
				require.Equal(t, row.want.types, core.Type.Slice(), row.cite)
			}
			require.Equal(t, row.want.format, core.Format, row.cite)
			require.Len(t, core.Enum, row.want.enum, row.cite)
			require.Equal(t, row.want.dflt, core.Default, row.cite)
			if row.want.component != "" {
				require.Same(t, sp.Doc.Components.Schemas[row.want.component].Value, core,
					"the component's own schema: its declaration order is known by its address")
			}
		})
	}
	core, nullable := spec.Underlying(nil)
	require.Nil(t, core)
	require.False(t, nullable)
}

// fastAPIShapes is openapi.yaml as OpenAPI 3.1.0 in FastAPI's shapes.
var fastAPIShapes = filepath.Join("..", "..", "mock", "testdata", "specs31", "fastapi-shapes.json")

// TestA31DocumentIsValidatedAsJSONSchema202012: values of a 3.1 document
// meet 2020-12's rules, formats included; a 3.0 document keeps 3.0's.
func TestA31DocumentIsValidatedAsJSONSchema202012(t *testing.T) {
	sp, err := spec.LoadFile(fastAPIShapes)
	require.NoError(t, err)
	schemas := sp.Doc.Components.Schemas
	opts := append(sp.SchemaOptions(), openapi3.VisitAsResponse(), openapi3.MultiErrors())
	entry := func(input any, loc ...any) map[string]any {
		return map[string]any{"detail": []any{map[string]any{"type": "t", "loc": loc, "msg": "m", "input": input}}}
	}
	user := func(key string, value any) map[string]any {
		return map[string]any{"id": "5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "email": "a@example.com", key: value}
	}
	rows := []struct {
		name, cite string
		schema     string
		value      any
		ok         bool
	}{
		{"empty schema takes null", "JSON Schema 2020-12 §4.3.2: {} is true; FastAPI's ValidationError.input", "HTTPValidationError", entry(nil, "query", "page"), true},
		{"empty schema takes an object", "idem", "HTTPValidationError", entry(map[string]any{"role": "boss"}, "body"), true},
		{"numeric exclusiveMinimum -1 takes 0", "JSON Schema 2020-12 §6.2.5", "HTTPValidationError", entry("x", "body", 0.0), true},
		{"numeric exclusiveMinimum -1 refuses -1", "JSON Schema 2020-12 §6.2.5", "HTTPValidationError", entry("x", "body", -1.0), false},
		{"anyOf with null takes null", "JSON Schema 2020-12 §10.2.1.2", "UserResponse", user("given_name", nil), true},
		{"anyOf with null applies the branch's maxLength", "idem", "UserResponse", user("given_name", strings.Repeat("x", 256)), false},
		{"type array takes null", "JSON Schema 2020-12 §6.1.1", "UserResponse", user("nickname", nil), true},
		{"type array refuses another type", "idem", "UserResponse", user("nickname", 5.0), false},
		{"not nullable refuses null", "JSON Schema 2020-12 §6.1.1: type string", "UserResponse", user("email", nil), false},
		{"the uuid format still applies", "internal/spec: IsUUID, registered on the document", "UserResponse", user("id", "zz"), false},
		{"the date-time format still applies", "internal/spec: dateTimeValidator", "OrganizationMember", map[string]any{
			"organization_id": "5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "user_id": "5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "created_at": "2023-02-30T05:31:56Z"}, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			err := schemas[row.schema].Value.VisitJSON(row.value, opts...)
			if row.ok {
				require.NoError(t, err, row.cite)
			} else {
				require.Error(t, err, row.cite)
			}
		})
	}
	header := sp.Doc.Components.Responses["Unauthorized"].Value.Headers["WWW-Authenticate"].Value.Schema.Value
	require.NoError(t, header.VisitJSON("Bearer", opts...))
	require.Error(t, header.VisitJSON("Basic", opts...), "const (JSON Schema 2020-12 §6.1.3)")

	// The response check of the issue: a 422 whose entry's input is null
	// (a missing field) is no violation of a 3.1 document, here or in the
	// one a FastAPI 0.141.1 app of this API publishes.
	for _, file := range []string{fastAPIShapes, filepath.Join("..", "..", "internal", "fastapi", "openapi-default-ids.json")} {
		sp, err := spec.LoadFile(file)
		require.NoError(t, err)
		req := httptest.NewRequest(http.MethodGet, "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member", nil)
		route, params, err := sp.FindRoute(req)
		require.NoError(t, err)
		body := `{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`
		require.NoError(t, sp.ValidateResponse(context.Background(), req, route, params, http.StatusUnprocessableEntity,
			http.Header{"Content-Type": {"application/json"}}, []byte(body)), file)
	}

	// 3.0 keeps 3.0: an empty schema refuses null unless nullable says so.
	sp30 := schemaDoc(t, "3.0.3", "        x: {title: Input}\n        y: {title: Input, nullable: true}\n")
	t30 := sp30.Doc.Components.Schemas["T"].Value
	opts30 := append(sp30.SchemaOptions(), openapi3.VisitAsResponse())
	require.Error(t, t30.VisitJSON(map[string]any{"x": nil}, opts30...), "OpenAPI 3.0.3: null only where nullable")
	require.NoError(t, t30.VisitJSON(map[string]any{"y": nil}, opts30...))
	// 3.1 drops nullable: it is no keyword there.
	sp31 := schemaDoc(t, "3.1.0", "        x: {type: string, nullable: true}\n")
	opts31 := append(sp31.SchemaOptions(), openapi3.VisitAsResponse())
	require.Error(t, sp31.Doc.Components.Schemas["T"].Value.VisitJSON(map[string]any{"x": nil}, opts31...), "OpenAPI 3.1.0: nullable is gone")
}

// TestA31DocumentWithA2020OnlyKeywordUsesTheCompiler: a keyword only
// kin-openapi's 2020-12 validator applies (if/then) is applied, and the
// document's formats still apply there (schema_jsonschema_validator.go:
// registerFormatValidators asserts the formats of the validation's
// settings; kin-openapi issue 1243).
func TestA31DocumentWithA2020OnlyKeywordUsesTheCompiler(t *testing.T) {
	sp := schemaDoc(t, "3.1.0", `        x: {type: string, if: {const: a}, then: {minLength: 2}}
        id: {anyOf: [{type: string, format: uuid}, {type: 'null'}]}
        at: {type: string, format: date-time}
        input: {title: Input}
`)
	s := sp.Doc.Components.Schemas["T"].Value
	opts := append(sp.SchemaOptions(), openapi3.VisitAsResponse())
	require.Error(t, s.VisitJSON(map[string]any{"x": "a"}, opts...), "if a then at least 2 characters")
	require.NoError(t, s.VisitJSON(map[string]any{"x": "b", "id": nil, "input": nil, "at": "2023-11-07T05:31:56Z"}, opts...))
	require.NoError(t, s.VisitJSON(map[string]any{"id": "5E2B8F1A-7C3D-4A9E-B6F0-1D2C3E4F5A6B"}, opts...), "either case: spec.IsUUID")
	require.Error(t, s.VisitJSON(map[string]any{"id": "zz"}, opts...), "uuid")
	require.Error(t, s.VisitJSON(map[string]any{"at": "2023-02-30T05:31:56Z"}, opts...), "date-time: the day must exist")
}

// TestDeclarationOrderReachesARefWithSiblings: pydantic 2 publishes a
// model field with a description as {$ref: Model, description: ...};
// kin-openapi's loader applies the siblings to a copy of Model, whose
// properties keep the document's order (FastAPI reports a model's errors
// in that order).
func TestDeclarationOrderReachesARefWithSiblings(t *testing.T) {
	sp := schemaDoc(t, "3.1.0", `        inner: {$ref: '#/components/schemas/Inner', description: The inner model}
        orNull: {anyOf: [{$ref: '#/components/schemas/Inner'}, {type: 'null'}], description: Or none}
    Inner:
      type: object
      properties:
        zeta: {type: string}
        alpha: {type: string}
        mu: {type: string}
`)
	props := sp.Doc.Components.Schemas["T"].Value.Properties
	for _, name := range []string{"inner", "orNull"} {
		core, _ := spec.Underlying(props[name])
		require.Equal(t, []string{"zeta", "alpha", "mu"}, sp.PropertyOrder(core), name)
	}
	inner, _ := spec.Underlying(props["inner"])
	require.NotSame(t, sp.Doc.Components.Schemas["Inner"].Value, inner, "the loader's copy, with the description")
	require.Equal(t, "The inner model", inner.Description)
}

// TestRoutesOfA31DocumentKeepOpenAPI3filterOffTheCompiler: openapi3filter
// switches to kin-openapi's 2020-12 compiler (a compile of the schema's
// closure per request and per response) when a route's document says 3.1;
// a 3.1 document read as 2020-12 by the schema visitor (readAs202012) gives
// its routes a copy that says 3.0.3, unless a schema needs the compiler.
func TestRoutesOfA31DocumentKeepOpenAPI3filterOffTheCompiler(t *testing.T) {
	sp, err := spec.LoadFile(fastAPIShapes)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member", nil)
	route, _, err := sp.FindRoute(req)
	require.NoError(t, err)
	require.True(t, sp.Doc.IsOpenAPI31OrLater(), "the document keeps its version")
	require.False(t, route.Spec.IsOpenAPI31OrLater())
	require.Same(t, sp.Doc.Paths, route.Spec.Paths, "the document's own paths and operations")
	require.Same(t, route.Spec, sp.OperationByID("get_organization_members").Spec)

	withIf := `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: x
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: string, if: {const: a}, then: {minLength: 2}}
`
	sp, err = spec.Load([]byte(withIf))
	require.NoError(t, err)
	route, params, err := sp.FindRoute(httptest.NewRequest(http.MethodGet, "/x", nil))
	require.NoError(t, err)
	require.True(t, route.Spec.IsOpenAPI31OrLater(), "if/then needs the compiler")
	require.Error(t, sp.ValidateResponse(context.Background(), httptest.NewRequest(http.MethodGet, "/x", nil), route, params,
		http.StatusOK, http.Header{"Content-Type": {"application/json"}}, []byte(`"a"`)))
}

// TestLoadRefusesA31SchemaExampleWithABadUUID: JSON Schema 2020-12's
// examples array of a schema is checked with the document's formats, as
// 3.0's example is.
func TestLoadNamesA31SchemaExampleWithABadUUID(t *testing.T) {
	load := func(second string) []string {
		sp, err := spec.Load([]byte(`openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    T:
      type: object
      examples: [{id: 5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b}, {id: ` + second + `}]
      properties:
        id: {type: string, format: uuid}
`))
		require.NoError(t, err, "an example that breaks its schema is named, not refused")
		return sp.BrokenExamples
	}
	require.Empty(t, load("0f1e2d3c-4b5a-4968-8776-655443322110"))
	broken := load("member-1")
	require.Len(t, broken, 1)
	require.Contains(t, broken[0], "components.schemas.T examples[1]")
	require.Contains(t, broken[0], "uuid")
}
