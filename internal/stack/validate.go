package stack

// Request validation as a FastAPI service on pydantic 2 does it: every
// parameter and the body checked in python lax mode, every problem
// reported at once in declaration order (path, query, header, then the body
// field by field; fastapi/dependencies/utils.py: solve_dependencies,
// request_params_to_args, request_body_to_args), each entry with pydantic's
// type, loc, msg, input and ctx (pydantic-core: src/errors/types.rs).
//
// Only what the document's schemas say is modelled here, in OpenAPI 3.0 or
// 3.1 (spec.Underlying): what FastAPI publishes for str (lengths, pattern,
// uuid, date, date-time, time, duration, uri, email and the formats of
// pydantic's own types: formats.go), int, float, bool, Decimal, list, set
// and tuple (array parameters take every value of their name), dict,
// nested models, Enum classes, Literals, Optional and unions (smart mode),
// in path, query, header and cookie parameters and the body. A construct
// it does not model (a discriminated oneOf, an intersection, a format
// such as color or base64, ...) makes the whole request go to kin-openapi
// alone, so that nothing unmodelled is let through; its entries are not
// pydantic's.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// Body is the body as FastAPI hands it to validation
// (fastapi/routing.py: get_request_handler): nothing, a decoded JSON
// value, or raw bytes when the content type was not JSON.
type Body struct {
	Sent  bool // a non-empty body came with a route that takes one
	JSON  bool // decoded as JSON; else raw bytes
	Value any  // the decoded value (nil for JSON null)
	Raw   []byte
}

// Issue is one entry of FastAPI's HTTPValidationError, its keys in
// pydantic's order: type, loc, msg, input (always there; null when
// unknown) and ctx (where pydantic gives one).
type Issue struct {
	Type  string          `json:"type"`
	Loc   []any           `json:"loc"`
	Msg   string          `json:"msg"`
	Input json.RawMessage `json:"input"`
	Ctx   Ctx             `json:"ctx,omitempty"`
}

// Ctx is an entry's ctx, rendered with its keys in pydantic-core's order
// (src/errors/types.rs: too_short and too_long give field_type, the
// bound, then actual_length); a ctx of one key has no order to keep.
type Ctx map[string]any

// ctxKeyRank orders the keys of a ctx with more than one.
var ctxKeyRank = map[string]int{"field_type": 1, "min_length": 2, "max_length": 2, "actual_length": 3,
	"discriminator": 1, "tag": 2, "expected_tags": 3}

// MarshalJSON writes the keys in pydantic's order, others after them by
// name.
func (c Ctx) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := ctxKeyRank[keys[i]], ctxKeyRank[keys[j]]
		if ri == 0 {
			ri = len(ctxKeyRank) + 1
		}
		if rj == 0 {
			rj = len(ctxKeyRank) + 1
		}
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(c[k])
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, key...), ':'), val...)
	}
	return append(b, '}'), nil
}

// Request is the outcome of validating a request: the problems,
// or the request's parameters and body in canonical form (uuids lower case
// with dashes, integers in decimal) with the spec's defaults written in;
// unmodeled when the operation holds a construct not modelled here.
//
// The body is handed over decoded, as the value pydantic's model holds
// once validated: what comes after reads it, and never decodes the body
// again.
type Request struct {
	Issues []Issue
	Params map[string]string
	Query  map[string]string // declared query parameters, sent or defaulted
	// QueryLists are the declared query parameters of an array schema, each
	// value of a repeated name in order (FastAPI's getlist), sent or
	// defaulted; they are not in Query.
	QueryLists map[string][]string
	// Body is the validated body in the types encoding/json writes:
	// objects map[string]any, arrays []any, numbers json.Number (pydantic's
	// int exact, its float as repr writes it), strings, bools and nil; the
	// spec's defaults are copies, sharing nothing with the document. nil
	// without a body, for JSON null, and when there are issues.
	Body      any
	Unmodeled bool
}

// ValidateRequest validates a routed request's parameters and body; query
// is the query string as ParseQuery reads it (the last value of each
// name, so an array parameter sees one item at most).
func ValidateRequest(order PropertyOrder, route *routers.Route, params map[string]string, query map[string]string, header http.Header, body Body) Request {
	all := make(map[string][]string, len(query))
	for name, value := range query {
		all[name] = []string{value}
	}
	return ValidateRequestAll(order, route, params, all, header, body)
}

// ValidateRequestAll is ValidateRequest with every value of each query
// name, as ParseQueryAll reads them: a parameter of an array schema
// (`list[X] = Query()`) takes them all, any other the last
// (fastapi/dependencies/utils.py: _get_multidict_value).
func ValidateRequestAll(order PropertyOrder, route *routers.Route, params map[string]string, query map[string][]string, header http.Header, body Body) Request {
	out := Request{Params: map[string]string{}, Query: map[string]string{}}
	var cookies map[string]string // read when a cookie parameter is declared
	for k, v := range params {
		out.Params[k] = v
	}
	for _, in := range []string{openapi3.ParameterInPath, openapi3.ParameterInQuery, openapi3.ParameterInHeader, openapi3.ParameterInCookie} {
		for _, d := range declaredParameters(route, in) {
			p := d.param
			if d.list && (in == openapi3.ParameterInQuery || in == openapi3.ParameterInHeader) {
				if !validateListParameter(order, &out, d, in, query, header) {
					out.Unmodeled = true
					return out
				}
				continue
			}
			var raw string
			var sent bool
			switch in {
			case openapi3.ParameterInPath:
				raw, sent = params[p.Name]
			case openapi3.ParameterInQuery:
				if values := query[p.Name]; len(values) > 0 {
					raw, sent = values[len(values)-1], true
				}
			case openapi3.ParameterInHeader:
				// As Starlette reads every header: latin-1 (HeaderText).
				raw = HeaderText(header.Get(p.Name))
				sent = len(header.Values(p.Name)) > 0
			case openapi3.ParameterInCookie:
				// A plain dict to FastAPI: a list parameter gets the string.
				if cookies == nil {
					cookies = ParseCookies(header)
				}
				raw, sent = cookies[p.Name]
			default:
				out.Unmodeled = true
				return out
			}
			loc := d.loc
			if !sent {
				if p.Required {
					out.Issues = append(out.Issues, issue("missing", loc, "Field required", nil, nil))
				} else if d.core != nil && d.core.Default != nil && in == openapi3.ParameterInQuery {
					out.Query[p.Name] = formatDefault(d.core.Default)
				}
				continue
			}
			canon, issues, ok := valueOf(order, loc, p.Schema, d.core, d.nullable, raw)
			if !ok {
				out.Unmodeled = true
				return out
			}
			out.Issues = append(out.Issues, issues...)
			if len(issues) == 0 {
				text := paramText(canon)
				switch in {
				case openapi3.ParameterInPath:
					out.Params[p.Name] = text
				case openapi3.ParameterInQuery:
					out.Query[p.Name] = text
				}
			}
		}
	}
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return out
	}
	media := rb.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		out.Unmodeled = true
		return out
	}
	loc := []any{"body"}
	var value any
	switch {
	case !body.Sent || (body.JSON && body.Value == nil):
		// No body, or JSON null: FastAPI sees None (dependencies/utils.py:
		// _validate_value_with_model_field).
		if rb.Value.Required {
			out.Issues = append(out.Issues, issue("missing", loc, "Field required", nil, nil))
		}
		return out
	case body.JSON:
		value = body.Value
	default:
		// Bytes reach the model as they are; jsonable_encoder renders them
		// as text (invalid UTF-8 is replaced: mock/policy.go).
		value = rawBytesInput(body.Raw)
	}
	canon, issues, ok := Value(order, loc, media.Schema, value)
	if !ok {
		out.Unmodeled = true
		return out
	}
	out.Issues = append(out.Issues, issues...)
	if len(issues) == 0 {
		out.Body = canon
	}
	return out
}

// paramText is a validated parameter's value as text.
func paramText(canon any) string {
	switch v := canon.(type) {
	case string:
		return v
	case json.Number:
		return string(v)
	}
	return fmt.Sprint(canon)
}

// schemaDefault is a schema's default, through the wrappers spec.Underlying
// reads (FastAPI's allOf or $ref with a default, 3.1's anyOf with null).
func schemaDefault(ref *openapi3.SchemaRef) any {
	if s, _ := spec.Underlying(ref); s != nil {
		return s.Default
	}
	return nil
}

// formatDefault writes a default as a query value: whole numbers without
// a fraction (YAML's 50 is a float64 to kin-openapi).
func formatDefault(v any) string {
	if f, ok := v.(float64); ok && f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// rawBytes is a body that was not decoded, as the model sees it.
type rawBytes string

func rawBytesInput(b []byte) rawBytes {
	return rawBytes(strings.ToValidUTF8(string(b), "\uFFFD"))
}

// declaredParameters lists an operation's parameters of one location in
// declaration order: the path's, then the operation's (which override a
// path parameter of the same name).
func declaredParameters(route *routers.Route, in string) []declaredParameter {
	key := declaredKey{route.Operation, in}
	if cached, ok := declared.Load(key); ok {
		return cached.([]declaredParameter)
	}
	var out []declaredParameter
	for _, p := range declareParameters(route, in) {
		core, nullable := spec.Underlying(p.Schema)
		list := core != nil && core.Type != nil && core.Type.Is(openapi3.TypeArray)
		out = append(out, declaredParameter{param: p, loc: []any{in, p.Name}, list: list, core: core, nullable: nullable})
	}
	declared.Store(key, out)
	return out
}

// declaredParameter is a parameter with the loc of its problems (shared:
// issue copies it).
type declaredParameter struct {
	param *openapi3.Parameter
	loc   []any
	list  bool // an array schema: every value of the name
	// core and nullable are spec.Underlying's reading of its schema, read
	// once: FastAPI's `X | None = default` is a copy of X with the default
	// on every reading.
	core     *openapi3.Schema
	nullable bool
}

// validateListParameter validates a query or header parameter of an
// array schema on every value sent for its name, as FastAPI hands them to
// pydantic (fastapi/dependencies/utils.py: _get_multidict_value: getlist;
// none sent is missing, or the default). ok is false for a construct not
// modelled.
func validateListParameter(order PropertyOrder, out *Request, d declaredParameter, in string, query map[string][]string, header http.Header) bool {
	p := d.param
	var values []string
	if in == openapi3.ParameterInQuery {
		values = query[p.Name]
	} else {
		for _, v := range header.Values(p.Name) {
			values = append(values, HeaderText(v))
		}
	}
	if len(values) == 0 {
		if p.Required {
			out.Issues = append(out.Issues, issue("missing", d.loc, "Field required", nil, nil))
		} else if def, ok := schemaDefault(p.Schema).([]any); ok && in == openapi3.ParameterInQuery {
			texts := make([]string, len(def))
			for i, item := range def {
				texts[i] = formatDefault(item)
			}
			out.setQueryList(p.Name, texts)
		}
		return true
	}
	items := make([]any, len(values))
	for i, v := range values {
		items[i] = v
	}
	canon, issues, ok := Value(order, d.loc, p.Schema, items)
	if !ok {
		return false
	}
	out.Issues = append(out.Issues, issues...)
	if list, isList := canon.([]any); isList && len(issues) == 0 && in == openapi3.ParameterInQuery {
		texts := make([]string, len(list))
		for i, item := range list {
			texts[i] = fmt.Sprint(item)
		}
		out.setQueryList(p.Name, texts)
	}
	return true
}

// setQueryList records an array parameter's values; QueryLists stays nil
// for an operation without one.
func (r *Request) setQueryList(name string, values []string) {
	if r.QueryLists == nil {
		r.QueryLists = map[string][]string{}
	}
	r.QueryLists[name] = values
}

// declared remembers each operation's parameters by location: a loaded
// spec does not change, and reading them is a sixth of a validation.
var declared sync.Map

type declaredKey struct {
	op *openapi3.Operation
	in string
}

func declareParameters(route *routers.Route, in string) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]int{}
	for _, group := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, ref := range group {
			p := ref.Value
			if p == nil || p.In != in {
				continue
			}
			if i, dup := seen[p.Name]; dup {
				out[i] = p
				continue
			}
			seen[p.Name] = len(out)
			out = append(out, p)
		}
	}
	return out
}

func issue(typ string, loc []any, msg string, input any, ctx map[string]any) Issue {
	return Issue{Type: typ, Loc: append([]any(nil), loc...), Msg: msg, Input: pyInput(input), Ctx: ctx}
}

// JoinOr words a list as pydantic does: "'A', 'B' or 'C'".
func JoinOr(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// pyInput renders an offending value as FastAPI's jsonable_encoder and
// Starlette's JSONResponse would.
func pyInput(v any) json.RawMessage {
	if b, ok := v.(rawBytes); ok {
		v = string(b)
	}
	return DumpJSON(v)
}

// PropertyOrder gives an object schema's properties in declaration
// order (spec.Spec.PropertyOrder).
type PropertyOrder func(*openapi3.Schema) []string

// Value validates one value against a schema as pydantic 2 does in
// python lax mode: a query or path value is a string, a body value what
// LoadJSON gives. It returns the value in canonical form, the problems
// found, and ok=false when the schema holds a construct not modelled here.
//
// The schema is read through spec.Underlying, so that OpenAPI 3.0's
// nullable and allOf wrapper and 3.1's anyOf with null (FastAPI's
// `X | None`), type arrays and $ref siblings read alike: null passes an
// Optional, and any other value meets the schema it wraps with that
// schema's entries at the same loc, as pydantic-core's nullable validator
// answers (src/validators/nullable.rs: NullableValidator::validate hands
// every input but None to its inner validator).
func Value(order PropertyOrder, loc []any, ref *openapi3.SchemaRef, value any) (any, []Issue, bool) {
	if ref == nil || ref.Value == nil {
		return pyCanonical(value), nil, true // an array's or a dict's items of any kind
	}
	s, nullable := spec.Underlying(ref)
	return valueOf(order, loc, ref, s, nullable, value)
}

// valueOf is Value with ref read already: s and nullable are
// spec.Underlying(ref).
func valueOf(order PropertyOrder, loc []any, ref *openapi3.SchemaRef, s *openapi3.Schema, nullable bool, value any) (any, []Issue, bool) {
	if ref == nil || ref.Value == nil {
		return pyCanonical(value), nil, true
	}
	if value == nil && nullable {
		return nil, nil, true
	}
	if spec.AcceptsAnything(s) {
		return pyCanonical(value), nil, true // Any (an empty schema, 3.1's {title: Input})
	}
	if number, text, ok := decimalSchema(s); ok {
		return pydanticDecimal(loc, number, text, value)
	}
	if len(s.AnyOf) > 0 && len(s.OneOf) == 0 && len(s.AllOf) == 0 && s.Not == nil && s.Type.IsEmpty() {
		return pydanticUnion(order, loc, s.AnyOf, value)
	}
	if len(s.OneOf) > 0 && s.Discriminator != nil && len(s.AnyOf)+len(s.AllOf) == 0 && s.Not == nil {
		return pydanticTagged(order, loc, s, value)
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 || s.Not != nil {
		return nil, nil, false // an untagged oneOf or an intersection
	}
	if s.Const != nil {
		return pydanticLiteral(loc, s.Const, value)
	}
	if len(s.Enum) > 0 {
		return pydanticEnum(loc, s, value, ref)
	}
	switch {
	case s.Type == nil || len(s.Type.Slice()) == 0:
		if len(s.Properties) > 0 {
			return pydanticModel(order, loc, s, value)
		}
		return pyCanonical(value), nil, true // any value
	case s.Type.Is(openapi3.TypeString):
		return pydanticString(loc, s, value)
	case s.Type.Is(openapi3.TypeInteger):
		return pydanticInt(loc, s, value)
	case s.Type.Is(openapi3.TypeNumber):
		return pydanticFloat(loc, s, value)
	case s.Type.Is(openapi3.TypeBoolean):
		return pydanticBool(loc, value)
	case s.Type.Is(openapi3.TypeArray):
		if len(s.PrefixItems) > 0 {
			return pydanticTuple(order, loc, s, value)
		}
		return pydanticList(order, loc, s, value)
	case s.Type.Is(openapi3.TypeObject):
		if len(s.Properties) == 0 && (s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
			return pydanticDict(order, loc, s, value)
		}
		return pydanticModel(order, loc, s, value)
	}
	return nil, nil, false
}

// pydanticLiteral is a Literal of one value, which pydantic 2 publishes as
// const (pydantic-core src/validators/literal.rs: LiteralLookup::validate;
// python lax mode takes neither a number for a string nor a string for a
// number, but True and 1.0 for 1). Literals of other kinds are not
// modelled.
func pydanticLiteral(loc []any, want any, value any) (any, []Issue, bool) {
	var expected string
	switch w := want.(type) {
	case string:
		if value == w {
			return w, nil, true
		}
		expected = pyStrRepr(w)
	case float64:
		if w != math.Trunc(w) || math.Abs(w) > 1<<53 {
			return nil, nil, false
		}
		want := big.NewInt(int64(w))
		switch v := value.(type) {
		case *big.Int:
			if v.Cmp(want) == 0 {
				return json.Number(want.String()), nil, true
			}
		case float64:
			if v == w {
				return json.Number(want.String()), nil, true
			}
		case bool:
			if (v && w == 1) || (!v && w == 0) {
				return json.Number(want.String()), nil, true
			}
		}
		expected = want.String()
	default:
		return nil, nil, false
	}
	return nil, []Issue{issue("literal_error", loc, "Input should be "+expected, value, map[string]any{"expected": expected})}, true
}

// pyStrRepr is Python's repr of a str without escapes to make: single
// quotes, or double quotes around a single quote.
func pyStrRepr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + strings.ReplaceAll(s, `\`, `\\`) + `"`
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// pydanticModel is a model in python mode with from_attributes, as FastAPI
// validates a body (fastapi/_compat/v2.py: ModelField.validate): a dict,
// its fields in declaration order, extra keys ignored unless the schema
// forbids them.
func pydanticModel(order PropertyOrder, loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	dict, ok := value.(*Dict)
	if !ok {
		return nil, []Issue{issue("model_attributes_type", loc,
			"Input should be a valid dictionary or object to extract fields from", value, nil)}, true
	}
	canon := map[string]any{}
	var issues []Issue
	// One loc for every field: issue copies it, and nested values extend a
	// copy of their own.
	fieldLoc := append(append(make([]any, 0, len(loc)+1), loc...), nil)
	for _, name := range order(s) {
		fieldLoc[len(loc)] = name
		v, sent := dict.get(name)
		if !sent {
			if slices.Contains(s.Required, name) {
				issues = append(issues, issue("missing", fieldLoc, "Field required", dict, nil))
			} else if def := schemaDefault(s.Properties[name]); def != nil {
				canon[name] = detached(def)
			}
			continue
		}
		c, fieldIssues, ok := Value(order, fieldLoc, s.Properties[name], v)
		if !ok {
			return nil, nil, false
		}
		issues = append(issues, fieldIssues...)
		canon[name] = c
	}
	if forbidsExtra(s) {
		for _, key := range dict.keys {
			if s.Properties[key] == nil {
				issues = append(issues, issue("extra_forbidden", append(append([]any(nil), loc...), key),
					"Extra inputs are not permitted", dict.vals[key], nil))
			}
		}
	}
	return canon, issues, true
}

func forbidsExtra(s *openapi3.Schema) bool {
	ap := s.AdditionalProperties
	return ap.Has != nil && !*ap.Has
}

// pydanticEnum is an Enum class (pydantic-core src/validators/enum_.rs) or
// a Literal of several values (literal.rs), referenced telling which:
// string members match a string; int members (an IntEnum, or a plain
// Enum with int values) match an int, a whole float or a bool of the same
// value, and for an IntEnum (type: integer) a string as int() reads it.
// The expected values are worded with Python's repr, only for an entry
// (a value that matches costs no wording). Members of other kinds are not
// modelled.
func pydanticEnum(loc []any, s *openapi3.Schema, value any, ref *openapi3.SchemaRef) (any, []Issue, bool) {
	typ := func() string {
		if referenced(ref) {
			return "enum"
		}
		return "literal_error"
	}
	// An IntEnum reads a str as int() would; a Literal takes no str for an int.
	intEnum := s.Type != nil && s.Type.Is(openapi3.TypeInteger) && typ() == "enum"
	hasInt := false
	for _, e := range s.Enum {
		switch member := e.(type) {
		case string:
			if value == member {
				return member, nil, true
			}
		case float64:
			if member != math.Trunc(member) || math.Abs(member) > 1<<53 {
				return nil, nil, false
			}
			hasInt = true
			want := big.NewInt(int64(member))
			if enumIntMatches(want, value, intEnum) {
				return json.Number(want.String()), nil, true
			}
		default:
			return nil, nil, false
		}
	}
	if n, isInt := value.(*big.Int); isInt && hasInt && !n.IsInt64() {
		// An int is looked up through i64 (literal.rs: LiteralLookup).
		return nil, []Issue{issue("int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size", value, nil)}, true
	}
	quoted := make([]string, len(s.Enum))
	for i, e := range s.Enum {
		if member, ok := e.(string); ok {
			quoted[i] = pyStrRepr(member)
		} else {
			quoted[i] = big.NewInt(int64(e.(float64))).String()
		}
	}
	expected := JoinOr(quoted)
	return nil, []Issue{issue(typ(), loc, "Input should be "+expected, value, map[string]any{"expected": expected})}, true
}

// referenced tells an Enum class from a Literal of several values, which
// pydantic publishes alike ({enum: [...], type: ...}): an Enum class is a
// schema of its own, which FastAPI's document references ($ref, in 3.0
// through allOf), a Literal is written where it is used. Their entries
// differ only in type: enum or literal_error (pydantic-core
// src/validators/enum_.rs, literal.rs), with the same msg and ctx.
func referenced(ref *openapi3.SchemaRef) bool {
	for ref != nil && ref.Value != nil {
		if ref.Ref != "" {
			return true
		}
		s := ref.Value
		var next *openapi3.SchemaRef
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, branch := range group {
				if b := branch.Value; b != nil && !(b.Type != nil && b.Type.Is(openapi3.TypeNull) && len(b.Type.Slice()) == 1) {
					next = branch
				}
			}
		}
		ref = next
	}
	return false
}

func enumIntMatches(want *big.Int, value any, parseStrings bool) bool {
	switch v := value.(type) {
	case *big.Int:
		return v.Cmp(want) == 0
	case float64:
		return v == math.Trunc(v) && big.NewFloat(v).Cmp(new(big.Float).SetInt(want)) == 0
	case bool:
		return (v && want.Int64() == 1) || (!v && want.Sign() == 0)
	case string:
		n, _ := pyStrAsInt(v)
		return parseStrings && n != nil && n.Cmp(want) == 0
	}
	return false
}

func pydanticString(loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	switch s.Format {
	case "date":
		return pydanticDate(loc, value)
	case "date-time":
		return pydanticDateTime(loc, value)
	case "time":
		return pydanticTime(loc, value)
	case "duration":
		return pydanticDuration(loc, value)
	case "uri":
		return pydanticURL(loc, s, value)
	}
	if canon, issues, handled, ok := pydanticFormat(loc, s, value); handled {
		return canon, issues, ok
	}
	var text string
	switch v := value.(type) {
	case string:
		text = v
	case rawBytes:
		text = string(v) // lax mode takes bytes as text
	default:
		if s.Format == "uuid" {
			return nil, []Issue{issue("uuid_type", loc, "UUID input should be a string, bytes or UUID object", value, nil)}, true
		}
		return nil, []Issue{issue("string_type", loc, "Input should be a valid string", value, nil)}, true
	}
	switch s.Format {
	case "uuid":
		canon, problem := ParseUUID(text)
		if problem != "" {
			return nil, []Issue{issue("uuid_parsing", loc, "Input should be a valid UUID, "+problem, value, map[string]any{"error": problem})}, true
		}
		return canon, nil, true
	case "password":
		return secretStr(loc, s, value, text)
	case "":
	default:
		return nil, nil, false // email, uri, duration, ...: left to kin-openapi
	}
	n := uint64(utf8.RuneCountInString(text))
	switch {
	case n < s.MinLength:
		return nil, []Issue{issue("string_too_short", loc,
			fmt.Sprintf("String should have at least %d character%s", s.MinLength, plural(s.MinLength)), value,
			map[string]any{"min_length": s.MinLength})}, true
	case s.MaxLength != nil && n > *s.MaxLength:
		return nil, []Issue{issue("string_too_long", loc,
			fmt.Sprintf("String should have at most %d character%s", *s.MaxLength, plural(*s.MaxLength)), value,
			map[string]any{"max_length": *s.MaxLength})}, true
	case s.Pattern != "":
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, nil, false
		}
		if !re.MatchString(text) {
			return nil, []Issue{issue("string_pattern_mismatch", loc, "String should match pattern '"+s.Pattern+"'", value,
				map[string]any{"pattern": s.Pattern})}, true
		}
	}
	return text, nil, true
}

// secretStr is pydantic's SecretStr (format password): a str, its lengths
// checked as a Secret's (pydantic/types.py: _SecretBase: too_short and
// too_long of a "Value", not string_too_short); a pattern is not modelled.
func secretStr(loc []any, s *openapi3.Schema, value any, text string) (any, []Issue, bool) {
	if s.Pattern != "" {
		return nil, nil, false
	}
	n := uint64(utf8.RuneCountInString(text))
	switch {
	case n < s.MinLength:
		return nil, []Issue{issue("too_short", loc,
			fmt.Sprintf("Value should have at least %d item%s after validation, not %d", s.MinLength, plural(s.MinLength), n), value,
			map[string]any{"field_type": "Value", "min_length": s.MinLength, "actual_length": n})}, true
	case s.MaxLength != nil && n > *s.MaxLength:
		return nil, []Issue{issue("too_long", loc,
			fmt.Sprintf("Value should have at most %d item%s after validation, not %d", *s.MaxLength, plural(*s.MaxLength), n), value,
			map[string]any{"field_type": "Value", "max_length": *s.MaxLength, "actual_length": n})}, true
	}
	return text, nil, true
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pydanticInt: a str is parsed as pydantic-core's str_as_int does, a float
// must be whole; then the bounds (pydantic-core src/validators/int.rs:
// multiple_of, le, lt, ge, gt, in that order).
func pydanticInt(loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	if text, ok := value.(string); ok {
		if n, ok := plainDecimal(text); ok && s.MultipleOf == nil && withinBounds(s, n) {
			return json.Number(text), nil, true // as the long way reads it, without big.Int
		}
	}
	return pydanticBigInt(loc, s, value)
}

// plainDecimal reads the integers nearly every query and path carries: up
// to 15 digits (exact in a float64), no sign, no leading zero. pyStrAsInt
// reads them in its strict form as the same number, whose canonical text
// is the string itself.
func plainDecimal(text string) (int64, bool) {
	if len(text) == 0 || len(text) > 15 || (text[0] == '0' && len(text) > 1) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// withinBounds tells whether n meets the schema's whole bounds; false for
// a bound that is not whole (the long way decides what that means).
func withinBounds(s *openapi3.Schema, n int64) bool {
	le, lt, ge, gt := exclusiveBounds(s)
	whole := func(l *float64) bool { return l == nil || *l == math.Trunc(*l) }
	if !whole(le) || !whole(lt) || !whole(ge) || !whole(gt) {
		return false
	}
	f := float64(n)
	return (le == nil || f <= *le) && (lt == nil || f < *lt) && (ge == nil || f >= *ge) && (gt == nil || f > *gt)
}

// pydanticBigInt is pydanticInt on any input, through big.Int.
func pydanticBigInt(loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	var n *big.Int
	fail := func(typ, msg string) (any, []Issue, bool) {
		return nil, []Issue{issue(typ, loc, msg, value, nil)}, true
	}
	switch v := value.(type) {
	case string:
		var typ string
		if n, typ = pyStrAsInt(v); n == nil {
			if typ == "int_parsing_size" {
				return fail(typ, "Unable to parse input string as an integer, exceeded maximum size")
			}
			return fail(typ, "Input should be a valid integer, unable to parse string as an integer")
		}
	case *big.Int:
		n = v
	case float64:
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fail("finite_number", "Input should be a finite number")
		case v != math.Trunc(v):
			return fail("int_from_float", "Input should be a valid integer, got a number with a fractional part")
		case math.Abs(v) >= 1<<63:
			// pydantic-core's float_as_int goes through i64.
			return fail("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size")
		}
		n, _ = big.NewFloat(v).Int(nil)
	case bool:
		// Python's bool is an int: lax mode takes it (input_python.rs:
		// validate_int).
		n = big.NewInt(0)
		if v {
			n = big.NewInt(1)
		}
	default:
		return fail("int_type", "Input should be a valid integer")
	}
	bound := func(f float64) (*big.Int, bool) {
		if f != math.Trunc(f) {
			return nil, false
		}
		b, _ := big.NewFloat(f).Int(nil)
		return b, true
	}
	if s.MultipleOf != nil {
		m, ok := bound(*s.MultipleOf)
		if !ok || m.Sign() == 0 {
			return nil, nil, false
		}
		if new(big.Int).Rem(n, m).Sign() != 0 {
			return nil, []Issue{issue("multiple_of", loc, "Input should be a multiple of "+m.String(), value, map[string]any{"multiple_of": m})}, true
		}
	}
	for _, c := range boundChecks(s) {
		if c.limit == nil {
			continue
		}
		m, ok := bound(*c.limit)
		if !ok {
			return nil, nil, false
		}
		if c.fails(n.Cmp(m)) {
			return nil, []Issue{issue(c.typ, loc, "Input should be "+c.phrase+" "+m.String(), value, map[string]any{c.key: m})}, true
		}
	}
	return json.Number(n.String()), nil, true
}

// maxIntStringDigits is where pydantic-core gives up on an integer string
// (jiter's NumberOutOfRange: Python's 4,300-digit limit).
const maxIntStringDigits = 4300

// pyStrAsInt is pydantic-core's str_as_int (src/input/shared.rs): the
// strict JSON form first, then the lax one (whitespace, '+', leading
// zeros, '_' between digits, a ".0" fraction). typ names the failure.
func pyStrAsInt(s string) (*big.Int, string) {
	if n, tooLong := jsonInt(s); n != nil || tooLong {
		if tooLong {
			return nil, "int_parsing_size"
		}
		return n, ""
	}
	if cleaned, ok := cleanIntStr(s); ok {
		if n, _ := jsonInt(cleaned); n != nil {
			return n, ""
		}
	}
	return nil, "int_parsing"
}

// jsonInt parses -?(0|[1-9][0-9]*), as jiter's NumberInt does.
func jsonInt(s string) (n *big.Int, tooLong bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || digits[0] == '0' && len(digits) > 1 {
		return nil, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	if len(digits) > maxIntStringDigits {
		return nil, true
	}
	n, _ = new(big.Int).SetString(s, 10)
	return n, false
}

// cleanIntStr is pydantic-core's clean_int_str.
func cleanIntStr(s string) (string, bool) {
	before := len(s)
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		if strings.HasPrefix(rest, "-") {
			return "", false
		}
		s = rest
	}
	negative := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return "", false
		}
		negative, s = true, rest
	}
	s, ok := stripLeadingZeros(s)
	if !ok {
		return "", false
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if frac := s[i+1:]; frac != "" && strings.Trim(frac, "0") == "" {
			s = s[:i]
		}
	}
	sign := ""
	if negative {
		sign = "-"
	}
	if strings.Contains(s, "_") && !strings.HasPrefix(s, "_") && !strings.HasSuffix(s, "_") && !strings.Contains(s, "__") {
		return sign + strings.ReplaceAll(s, "_", ""), true
	}
	if before == len(s) {
		return "", false
	}
	return sign + s, true
}

// stripLeadingZeros is pydantic-core's strip_leading_zeros.
func stripLeadingZeros(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	switch c := s[0]; {
	case c == '0':
	case c >= '1' && c <= '9' || c == '-':
		return s, true
	default:
		return "", false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '0' || c == '_':
		case c >= '1' && c <= '9' || c == '-':
			return s[i:], true
		case c == '.':
			return s[i-1:], true
		default:
			return "", false
		}
	}
	return s[len(s)-1:], true
}

// pydanticBool is lax bool parsing (pydantic-core src/input/shared.rs:
// str_as_bool).
func pydanticBool(loc []any, value any) (any, []Issue, bool) {
	switch v := value.(type) {
	case bool:
		return v, nil, true
	case string:
		switch strings.ToLower(v) {
		case "0", "off", "f", "false", "n", "no":
			return false, nil, true
		case "1", "on", "t", "true", "y", "yes":
			return true, nil, true
		}
		return nil, []Issue{issue("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", value, nil)}, true
	case *big.Int:
		if v.IsInt64() && (v.Int64() == 0 || v.Int64() == 1) {
			return v.Int64() == 1, nil, true
		}
		if v.IsInt64() { // an int past i64 is no bool at all
			return nil, []Issue{issue("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", value, nil)}, true
		}
	case float64:
		if v == 0 || v == 1 { // lax mode takes 0.0 and 1.0 (src/input/input_python.rs: validate_bool)
			return v == 1, nil, true
		}
	}
	return nil, []Issue{issue("bool_type", loc, "Input should be a valid boolean", value, nil)}, true
}

// detached is a copy of a value of the document (a default) that shares
// none of its maps or slices: the validated body is the caller's to keep.
func detached(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			out[k] = detached(item)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = detached(item)
		}
		return out
	}
	return v
}

// pyCanonical turns a decoded value into one encoding/json writes.
func pyCanonical(v any) any {
	switch v := v.(type) {
	case *big.Int:
		return json.Number(v.String())
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = pyCanonical(item)
		}
		return out
	case *Dict:
		out := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			out[k] = pyCanonical(v.vals[k])
		}
		return out
	case rawBytes:
		return string(v)
	}
	return v
}

// ParseUUID parses as the uuid crate's Uuid::parse_str, which
// pydantic-core uses (src/validators/uuid.rs): 32 hex digits, or 8-4-4-4-12
// bare, in braces or after "urn:uuid:", either case. The canonical form is
// lower case with dashes; problem is the crate's error text otherwise
// (uuid 1.x src/error.rs: InvalidUuid::into_err, Display).
func ParseUUID(s string) (canon, problem string) {
	if spec.IsCanonicalUUID(s) {
		return s, "" // as nearly every client sends it: nothing to build
	}
	body := s
	switch {
	case len(s) == 38 && s[0] == '{' && s[37] == '}':
		body = s[1:37]
	case len(s) == 45 && strings.HasPrefix(s, "urn:uuid:"):
		body = s[9:]
	}
	hex := ""
	switch {
	case len(s) == 32:
		hex = s
	case len(body) == 36 && body[8] == '-' && body[13] == '-' && body[18] == '-' && body[23] == '-':
		hex = body[:8] + body[9:13] + body[14:18] + body[19:23] + body[24:]
	}
	if len(hex) == 32 && isHex(hex) {
		h := strings.ToLower(hex)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], ""
	}
	return "", uuidProblem(s)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// uuidProblem is the uuid crate's InvalidUuid::into_err, worded by its
// Display, as pydantic 2.13 (pydantic-core 2.46) reports it: the character
// error is the short "invalid character: found `x` at N" of uuid 1.19 and
// later.
func uuidProblem(input string) string {
	str, offset, simple := input, 0, true
	switch {
	case len(input) >= 2 && input[0] == '{' && input[len(input)-1] == '}':
		str, offset, simple = input[1:len(input)-1], 1, false
	case strings.HasPrefix(input, "urn:uuid:"):
		str, offset, simple = input[9:], 9, false
	}
	hyphens := 0
	var bounds [4]int
	for i, c := range str {
		switch {
		case c >= utf8.RuneSelf || !(c == '-' || isHex(string(c))):
			return fmt.Sprintf("invalid character: found `%c` at %d", c, i+offset+1)
		case c == '-':
			if hyphens < 4 {
				bounds[hyphens] = i
			}
			hyphens++
		}
	}
	if hyphens == 0 && simple {
		return "invalid length: expected length 32 for simple format, found " + strconv.Itoa(len(input))
	}
	if hyphens != 4 {
		return "invalid group count: expected 5, found " + strconv.Itoa(hyphens+1)
	}
	starts, lengths := [5]int{0, 9, 14, 19, 24}, [5]int{8, 4, 4, 4, 12}
	for i := 0; i < 4; i++ {
		if bounds[i] != starts[i+1]-1 {
			return fmt.Sprintf("invalid group length in group %d: expected %d, found %d", i, lengths[i], bounds[i]-starts[i])
		}
	}
	return fmt.Sprintf("invalid group length in group 4: expected 12, found %d", len(input)-starts[4])
}
