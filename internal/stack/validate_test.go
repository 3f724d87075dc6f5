package stack_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// schemas31 are the shapes FastAPI 0.141 / pydantic 2.13 publish in
// OpenAPI 3.1 (pydantic/json_schema.py: GenerateJsonSchema), each named
// for the Python annotation it comes from, and a type array as a
// hand-written 3.1 document may say it.
const schemas31 = `openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Role: {type: string, title: Role, enum: [SYSTEM_ADMIN, ORGANIZATION_ADMIN, ANALYST]}
    UUIDOrNone: {anyOf: [{type: string, format: uuid}, {type: 'null'}], title: Source Id}
    PageOrNone: {anyOf: [{type: integer, minimum: 1}, {type: 'null'}], default: 1, title: Page}
    Gt0: {type: integer, exclusiveMinimum: 0}
    Lt10: {type: integer, exclusiveMaximum: 10}
    Gt0Lt10: {type: integer, exclusiveMinimum: 0, exclusiveMaximum: 10}
    Ge1Lt10: {type: integer, minimum: 1, exclusiveMaximum: 10}
    Le5Lt10: {type: integer, maximum: 5, exclusiveMaximum: 10}
    Gt0OrNone: {anyOf: [{type: integer, exclusiveMinimum: 0}, {type: 'null'}]}
    LiteralA: {const: a, type: string}
    LiteralItS: {const: "it's", type: string}
    Literal1: {const: 1, type: integer}
    Any: {title: Input}
    Str3OrNone: {anyOf: [{type: string, maxLength: 3}, {type: 'null'}]}
    StrOrNullArray: {type: [string, 'null'], maxLength: 3}
    StrOrInt: {anyOf: [{type: string}, {type: integer}]}
    Body:
      type: object
      title: Body
      properties:
        role: {$ref: '#/components/schemas/Role', default: ANALYST}
        organization_id: {anyOf: [{type: string, format: uuid}, {type: 'null'}], default: null, title: Organization Id}
`

// TestValueAnswersAsPydanticOn31Shapes: every row is pydantic 2.13's own
// answer (pydantic-core 2.46), got by validating the value with a
// TypeAdapter of the annotation the schema is named for, in python mode as
// FastAPI does (fastapi/_compat/v2.py: ModelField.validate), the loc
// prefixed as FastAPI prefixes it (fastapi/dependencies/utils.py:
// request_params_to_args, _validate_value_with_model_field).
func TestValueAnswersAsPydanticOn31Shapes(t *testing.T) {
	sp, err := spec.Load([]byte(schemas31))
	require.NoError(t, err)
	rows := []struct {
		name, schema string
		query        *string // a query value, as sent; else body, JSON
		body         string
		want         string // the canonical value (ok) or the issues, as JSON
		cite         string
	}{
		{name: "Optional takes null", schema: "UUIDOrNone", body: `null`, want: `null`,
			cite: "pydantic-core src/validators/nullable.rs: NullableValidator::validate (None passes)"},
		{name: "Optional: the branch's entry at the same loc", schema: "UUIDOrNone", query: ptr("zz"),
			want: `[{"type":"uuid_parsing","loc":["query","x"],"msg":"Input should be a valid UUID, invalid character: found ` + "`z`" + ` at 1","input":"zz","ctx":{"error":"invalid character: found ` + "`z`" + ` at 1"}}]`,
			cite: "NullableValidator hands any other input to its inner validator; src/validators/uuid.rs"},
		{name: "Optional uuid, a number", schema: "UUIDOrNone", body: `5`,
			want: `[{"type":"uuid_type","loc":["query","x"],"msg":"UUID input should be a string, bytes or UUID object","input":5}]`,
			cite: "src/validators/uuid.rs: UuidValidator::validate"},
		{name: "Optional bounded int, below", schema: "PageOrNone", query: ptr("0"),
			want: `[{"type":"greater_than_equal","loc":["query","x"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]`,
			cite: "src/validators/int.rs: ConstrainedIntValidator::validate (ge)"},
		{name: "Optional bounded int, canonical", schema: "PageOrNone", query: ptr(" 02 "), want: `2`,
			cite: "src/input/shared.rs: str_as_int"},
		{name: "exclusiveMinimum is gt", schema: "Gt0", query: ptr("0"),
			want: `[{"type":"greater_than","loc":["query","x"],"msg":"Input should be greater than 0","input":"0","ctx":{"gt":0}}]`,
			cite: "src/validators/int.rs: ConstrainedIntValidator::validate (gt); pydantic publishes gt as exclusiveMinimum"},
		{name: "exclusiveMaximum is lt", schema: "Lt10", query: ptr("10"),
			want: `[{"type":"less_than","loc":["query","x"],"msg":"Input should be less than 10","input":"10","ctx":{"lt":10}}]`,
			cite: "idem (lt)"},
		{name: "both exclusive, above", schema: "Gt0Lt10", body: `10`,
			want: `[{"type":"less_than","loc":["query","x"],"msg":"Input should be less than 10","input":10,"ctx":{"lt":10}}]`,
			cite: "idem: lt before gt"},
		{name: "ge and lt, below", schema: "Ge1Lt10", body: `0`,
			want: `[{"type":"greater_than_equal","loc":["query","x"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}]`,
			cite: "idem"},
		{name: "le before lt", schema: "Le5Lt10", body: `7`,
			want: `[{"type":"less_than_equal","loc":["query","x"],"msg":"Input should be less than or equal to 5","input":7,"ctx":{"le":5}}]`,
			cite: "idem: multiple_of, le, lt, ge, gt in that order"},
		{name: "Optional exclusive bound", schema: "Gt0OrNone", query: ptr("-3"),
			want: `[{"type":"greater_than","loc":["query","x"],"msg":"Input should be greater than 0","input":"-3","ctx":{"gt":0}}]`,
			cite: "nullable.rs, int.rs"},
		{name: "const is a Literal", schema: "LiteralA", body: `"b"`,
			want: `[{"type":"literal_error","loc":["query","x"],"msg":"Input should be 'a'","input":"b","ctx":{"expected":"'a'"}}]`,
			cite: "src/validators/literal.rs: LiteralValidator; pydantic publishes Literal['a'] as const"},
		{name: "const string, a number", schema: "LiteralA", body: `1`,
			want: `[{"type":"literal_error","loc":["query","x"],"msg":"Input should be 'a'","input":1,"ctx":{"expected":"'a'"}}]`,
			cite: "idem"},
		{name: "const string, its repr", schema: "LiteralItS", body: `"x"`,
			want: `[{"type":"literal_error","loc":["query","x"],"msg":"Input should be \"it's\"","input":"x","ctx":{"expected":"\"it's\""}}]`,
			cite: "literal.rs: expected_repr is Python's repr"},
		{name: "const int, a string", schema: "Literal1", query: ptr("1"),
			want: `[{"type":"literal_error","loc":["query","x"],"msg":"Input should be 1","input":"1","ctx":{"expected":"1"}}]`,
			cite: "literal.rs: LiteralLookup::validate (no str to int in python mode)"},
		{name: "const int, a whole float", schema: "Literal1", body: `1.0`, want: `1`, cite: "idem: expected_int takes 1.0"},
		{name: "const int, true", schema: "Literal1", body: `true`, want: `1`, cite: "idem: True == 1"},
		{name: "empty schema takes null", schema: "Any", body: `null`, want: `null`, cite: "src/validators/any.rs: AnyValidator"},
		{name: "empty schema takes anything", schema: "Any", body: `{"a":[1,"b"]}`, want: `{"a":[1,"b"]}`, cite: "idem"},
		{name: "Optional str, too long", schema: "Str3OrNone", body: `"abcd"`,
			want: `[{"type":"string_too_long","loc":["query","x"],"msg":"String should have at most 3 characters","input":"abcd","ctx":{"max_length":3}}]`,
			cite: "src/validators/string.rs: StrConstrainedValidator"},
		{name: "Optional str, a number", schema: "Str3OrNone", body: `5`,
			want: `[{"type":"string_type","loc":["query","x"],"msg":"Input should be a valid string","input":5}]`,
			cite: "src/input/input_python.rs: validate_str"},
		{name: "type array takes null", schema: "StrOrNullArray", body: `null`, want: `null`, cite: "JSON Schema 2020-12 §6.1.1; read as `str | None`"},
		{name: "type array, too long", schema: "StrOrNullArray", body: `"abcd"`,
			want: `[{"type":"string_too_long","loc":["query","x"],"msg":"String should have at most 3 characters","input":"abcd","ctx":{"max_length":3}}]`,
			cite: "as `Annotated[str | None, Field(max_length=3)]`"},
		{name: "$ref's default applies", schema: "Body", body: `{}`, want: `{"role":"ANALYST"}`,
			cite: "pydantic 2.13 BaseModel `role: Role = Role.ANALYST` (FastAPI publishes {$ref: Role, default: ANALYST})"},
		{name: "$ref's enum applies", schema: "Body", body: `{"role":"boss"}`,
			want: `[{"type":"enum","loc":["query","x","role"],"msg":"Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'","input":"boss","ctx":{"expected":"'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"}}]`,
			cite: "src/validators/enum_.rs"},
		{name: "Optional field takes null", schema: "Body", body: `{"organization_id":null}`, want: `{"organization_id":null,"role":"ANALYST"}`,
			cite: "nullable.rs"},
		{name: "Optional field, the branch's entry", schema: "Body", body: `{"organization_id":"zz"}`,
			want: `[{"type":"uuid_parsing","loc":["query","x","organization_id"],"msg":"Input should be a valid UUID, invalid character: found ` + "`z`" + ` at 1","input":"zz","ctx":{"error":"invalid character: found ` + "`z`" + ` at 1"}}]`,
			cite: "nullable.rs, uuid.rs"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			ref := sp.Doc.Components.Schemas[row.schema]
			require.NotNil(t, ref)
			var value any
			if row.query != nil {
				value = *row.query
			} else {
				value, err = stack.LoadJSON([]byte(row.body))
				require.NoError(t, err)
			}
			canon, issues, ok := stack.Value(sp.PropertyOrder, []any{"query", "x"}, ref, value)
			require.True(t, ok, "modelled: %s", row.cite)
			var got []byte
			if len(issues) > 0 {
				got, err = json.Marshal(issues)
			} else {
				got, err = json.Marshal(canon)
			}
			require.NoError(t, err)
			require.JSONEq(t, row.want, string(got), row.cite)
		})
	}
	// A union of two schemas is pydantic's smart mode (union.go; its rows
	// are in testdata/pydantic_rows.json): a str member takes a str exactly.
	canon, issues, ok := stack.Value(sp.PropertyOrder, []any{"query", "x"}, sp.Doc.Components.Schemas["StrOrInt"], "a")
	require.True(t, ok)
	require.Empty(t, issues)
	require.Equal(t, "a", canon)
}

func ptr(s string) *string { return &s }

// TestNothingFastAPIPublishesIsUnmodeled: every parameter and body of the
// documents in FastAPI's shapes is modelled, so no request of theirs
// falls back to kin-openapi: the hand-written restatement of openapi.yaml,
// the document a FastAPI 0.141.1 / pydantic 2.13.4 app of this API
// publishes (internal/fastapi/openapi-default-ids.json, copied), the
// variant with a construct of each kind, and those with pydantic's
// formats, Decimal, unions and tuples (testdata/specs-formats).
func TestNothingFastAPIPublishesIsUnmodeled(t *testing.T) {
	docs := []string{
		filepath.Join("..", "..", "mock", "testdata", "specs31", "fastapi-shapes.json"),
		filepath.Join("..", "..", "internal", "fastapi", "openapi-default-ids.json"),
		// A field and a parameter of each kind pydantic publishes (lists,
		// sets, floats, dates and times, a nested model, a dict, an
		// IntEnum, a cookie).
		filepath.Join("..", "..", "mock", "testdata", "specs-validation", "pydantic-constructs.yaml"),
		// The document a FastAPI 0.141.1 / pydantic 2.13.4 app publishes for
		// pydantic's formats, Decimal, unions, tuples, timedelta and URLs
		// (testdata/fastapi_formats.py).
		filepath.Join("testdata", "fastapi_formats.json"),
	}
	// pydantic's formats, Decimal, unions and tuples on the member's bodies.
	formats, err := filepath.Glob(filepath.Join("..", "..", "mock", "testdata", "specs-formats", "*"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(formats), 5)
	docs = append(docs, formats...)
	for _, file := range docs {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			sp, err := spec.Load(data)
			require.NoError(t, err)
			checked := 0
			for path, item := range sp.Doc.Paths.Map() {
				for method, op := range item.Operations() {
					route := &routers.Route{Spec: sp.Doc, Path: path, PathItem: item, Method: method, Operation: op}
					// Every parameter sent, as a value that fails, and the body
					// with every property wrong: each schema is read.
					params, query := map[string]string{}, map[string]string{}
					header := http.Header{}
					for _, group := range []openapi3.Parameters{item.Parameters, op.Parameters} {
						for _, p := range group {
							switch p.Value.In {
							case openapi3.ParameterInPath:
								params[p.Value.Name] = "zz"
							case openapi3.ParameterInQuery:
								query[p.Value.Name] = "zz"
							case openapi3.ParameterInHeader:
								header.Set(p.Value.Name, "zz")
							case openapi3.ParameterInCookie:
								header.Add("Cookie", p.Value.Name+"=zz")
							}
						}
					}
					body := stack.Body{}
					if op.RequestBody != nil {
						bodyValue, err := stack.LoadJSON(wrongBody(op))
						require.NoError(t, err)
						body = stack.Body{Sent: true, JSON: true, Value: bodyValue}
					}
					got := stack.ValidateRequest(sp.PropertyOrder, route, params, query, header, body)
					require.False(t, got.Unmodeled, "%s %s", method, path)
					require.NotEmpty(t, got.Issues, "%s %s", method, path)
					checked++
				}
			}
			require.Positive(t, checked)
		})
	}
}

// wrongBody is an object with each property of the body's schema set to a
// value of no type a FastAPI schema takes (a list of one false).
func wrongBody(op *openapi3.Operation) []byte {
	s, _ := spec.Underlying(op.RequestBody.Value.Content.Get("application/json").Schema)
	out := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		out[name] = []any{false}
	}
	b, _ := json.Marshal(out)
	return b
}

// TestFastAPIFormatsAnswers: requests with good and bad values of
// pydantic's formats, Decimal, unions, tuples, timedelta and URLs, in the
// path, the query and the body, get from the stack the answer the FastAPI
// app that published the document gave them itself
// (testdata/fastapi_formats.py answers: FastAPI 0.141.1, pydantic 2.13.4,
// email-validator 2.3.0, called through its ASGI interface): each entry
// of a 422, in order, and for a success the values as the app wrote them.
func TestFastAPIFormatsAnswers(t *testing.T) {
	sp, err := spec.LoadFile(filepath.Join("testdata", "fastapi_formats.json"))
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join("testdata", "fastapi_formats_answers.json"))
	require.NoError(t, err)
	var rows []struct {
		BadgeID string          `json:"path_badge_id"`
		Query   string          `json:"query"`
		Body    json.RawMessage `json:"body"`
		Status  int             `json:"status"`
		Answer  json.RawMessage `json:"answer"`
	}
	require.NoError(t, json.Unmarshal(data, &rows))
	require.NotEmpty(t, rows)
	for i, row := range rows {
		t.Run(fmt.Sprintf("request %d", i), func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/badges/"+row.BadgeID+"?"+row.Query, nil)
			route, params, err := sp.FindRoute(req)
			require.NoError(t, err)
			value, err := stack.LoadJSON(row.Body)
			require.NoError(t, err)
			got := stack.ValidateRequestAll(sp.PropertyOrder, route, params, stack.ParseQueryAll(row.Query), http.Header{},
				stack.Body{Sent: true, JSON: true, Value: value})
			require.False(t, got.Unmodeled)
			if row.Status == http.StatusUnprocessableEntity {
				issues, err := json.Marshal(got.Issues)
				require.NoError(t, err)
				var want struct {
					Detail json.RawMessage `json:"detail"`
				}
				require.NoError(t, json.Unmarshal(row.Answer, &want))
				require.JSONEq(t, string(want.Detail), string(issues))
				return
			}
			require.Equal(t, http.StatusOK, row.Status)
			require.Empty(t, got.Issues)
			// Compared as JSON: the app's answer is what FastAPI wrote.
			encoded, err := json.Marshal(got.Body)
			require.NoError(t, err)
			var canon, answer map[string]any
			require.NoError(t, json.Unmarshal(encoded, &canon))
			require.NoError(t, json.Unmarshal(row.Answer, &answer))
			for name, v := range canon {
				require.Equal(t, answer[name], v, "%s as the app wrote it", name)
			}
		})
	}
}

// TestTheValidatedBodyHoldsCopiesOfTheDefaults: validation writes a
// default into the value it hands over as a copy, so that the caller may
// keep or change it without changing the document.
func TestTheValidatedBodyHoldsCopiesOfTheDefaults(t *testing.T) {
	def := map[string]any{"floor": float64(2), "tags": []any{"a"}}
	model := openapi3.NewObjectSchema().WithProperty("desk", openapi3.NewObjectSchema().WithDefault(def))
	byName := func(s *openapi3.Schema) []string { return slices.Sorted(maps.Keys(s.Properties)) }
	sent, err := stack.LoadJSON([]byte(`{}`))
	require.NoError(t, err)
	canon, issues, ok := stack.Value(byName, []any{"body"}, model.NewRef(), sent)
	require.True(t, ok)
	require.Empty(t, issues)
	desk := canon.(map[string]any)["desk"].(map[string]any)
	require.Equal(t, def, desk, "the default written in")
	desk["floor"], desk["tags"].([]any)[0] = float64(9), "b"
	require.Equal(t, map[string]any{"floor": float64(2), "tags": []any{"a"}}, def, "the document's default unchanged")
}
