package spec

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Underlying is the schema a value of ref must match, with whether null is
// also accepted: every part of the project that reads a schema's shape
// (its type, enum, properties, required, default) reads it here, so that
// each way a document can say "this, or null" reads alike:
//
//   - OpenAPI 3.0: nullable: true; allOf with one branch (FastAPI's way,
//     before 3.1, of giving a referenced schema a default or nullable);
//   - OpenAPI 3.1 (JSON Schema 2020-12): anyOf or oneOf of one schema and
//     {type: 'null'} (pydantic 2's Optional: `X | None`); a type array with
//     'null' (type: [string, 'null']);
//   - a $ref's siblings (default, title, description): kin-openapi's loader
//     has applied them to the reference's value already (loader.go:
//     applyRefSiblings).
//
// A wrapper's default applies when it is nearer the use than the core's
// own, as a $ref's siblings do (title and description are not carried:
// nothing reads them through a wrapper).
// An empty schema ({} or {title: Input}) accepts any value: it is its own
// core, and nullable. core is the document's own schema when nothing had
// to be carried onto it (the spec knows a schema's declaration order by
// its address); a copy otherwise. nil for a nil ref.
func Underlying(ref *openapi3.SchemaRef) (core *openapi3.Schema, nullable bool) {
	var dflt any // the nearest default
	for ref != nil && ref.Value != nil {
		s := ref.Value
		if dflt == nil {
			dflt = s.Default
		}
		if s.Nullable || s.Type.IncludesNull() {
			nullable = true
		}
		if AcceptsAnything(s) {
			return withDefault(s, dflt), true
		}
		next, orNull := wrapped(s)
		nullable = nullable || orNull
		if next == nil {
			if s.Type.IsMultiple() && s.Type.IncludesNull() {
				// type: [X, 'null'] is X, or null.
				c := *s
				types := s.Type.Clone()
				types.Without(openapi3.TypeNull)
				c.Type = &types
				s = &c
			}
			return withDefault(s, dflt), nullable
		}
		ref = next
	}
	return nil, false
}

// AcceptsAnything tells whether a schema says nothing about its values:
// JSON Schema's true or {} (annotations aside), or OpenAPI 3.0's
// {nullable: true}. FastAPI publishes `Any` so (ValidationError.input).
func AcceptsAnything(s *openapi3.Schema) bool {
	if s.Always != nil {
		return *s.Always
	}
	return s.Type == nil && len(s.Properties) == 0 && s.Items == nil && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 &&
		s.Not == nil && len(s.Enum) == 0 && s.Const == nil && s.Format == "" && s.AdditionalProperties.Schema == nil &&
		s.AdditionalProperties.Has == nil && len(s.Required) == 0 && s.Min == nil && s.Max == nil &&
		!s.ExclusiveMin.IsSet() && !s.ExclusiveMax.IsSet() && s.MinLength == 0 && s.MaxLength == nil && s.Pattern == ""
}

// wrapped is the one schema s only wraps, or nil: s has no constraint of
// its own besides an allOf of one, or an anyOf/oneOf of one schema and
// null branches. orNull: an anyOf/oneOf of s has a null branch (a union of
// two schemas or null is nullable too, and no wrapper).
func wrapped(s *openapi3.Schema) (next *openapi3.SchemaRef, orNull bool) {
	if !s.Type.IsEmpty() || len(s.Properties) > 0 || len(s.Enum) > 0 || s.Const != nil || s.Not != nil || s.Items != nil {
		return nil, false
	}
	switch {
	case len(s.AllOf) == 1 && len(s.AnyOf)+len(s.OneOf) == 0:
		return s.AllOf[0], false
	case len(s.AllOf) > 0 || len(s.AnyOf) > 0 && len(s.OneOf) > 0:
		return nil, false
	}
	group := s.AnyOf
	if len(group) == 0 {
		group = s.OneOf
	}
	union := false
	for _, branch := range group {
		switch {
		case isNullSchema(branch):
			orNull = true
		case next != nil:
			union = true // of two or more schemas
		default:
			next = branch
		}
	}
	if union {
		return nil, orNull
	}
	return next, orNull
}

// isNullSchema is {type: 'null'}, annotations aside.
func isNullSchema(ref *openapi3.SchemaRef) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	s := ref.Value
	return s.Type.Is(openapi3.TypeNull) && len(s.Enum) == 0 && s.Const == nil && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil
}

func equalDefault(a, b any) bool {
	switch a.(type) {
	case string, bool, float64, int, int64:
		return a == b
	}
	if x, ok := a.([]any); ok {
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, equalDefault)
	}
	return false
}

// withDefault is s with the default dflt, copied only when it differs.
func withDefault(s *openapi3.Schema, dflt any) *openapi3.Schema {
	if dflt == nil || equalDefault(dflt, s.Default) {
		return s
	}
	c := *s
	c.Default = dflt
	return &c
}

// readAs202012 prepares a 3.1 document's schemas for validation as JSON
// Schema 2020-12 by kin-openapi's schema visitor, which applies 3.1's type
// arrays, type null and numeric exclusive bounds (schema_3point0_validator.go:
// Permits, permitsNull, visitJSONNumber) and is what kin-openapi itself runs
// on a 3.1 schema that refers to components (schema_jsonschema_validator.go:
// useJSONSchema2020 falls back to visitJSON when the schema has internal
// refs and no 2020-only keyword), after compiling it, on every call, with
// the schema's whole closure and the metaschema check: a member took half a
// millisecond. The three things the visitor reads otherwise than 2020-12
// are set right here, on the loaded document (Raw keeps its source):
//
//   - an empty schema ({} or {title: Input}) accepts any value, null
//     included: it becomes JSON Schema's true (the visitor answers null on
//     an empty schema with "Value is not nullable");
//   - nullable is no keyword in 2020-12: it is dropped;
//   - const is enum of one value (JSON Schema 2020-12 §6.1.3), which the
//     visitor applies; Const stays, for the readers of a schema's shape.
//
// It reports whether a schema uses a keyword only the 2020-12 validator
// applies (kin-openapi's own list: schemaHasJSONSchema2020FallbackGuardKeyword);
// the document is then validated with it (schemaOptionsOf). Run after the
// document is validated: its checks refuse a boolean schema that keeps a
// title.
func readAs202012(doc *openapi3.T) (needsCompiler bool) {
	yes := true
	eachSchema(doc, func(s *openapi3.Schema) {
		s.Nullable = false
		if s.Always == nil && AcceptsAnything(s) {
			s.Always = &yes
		}
		if s.Const != nil && len(s.Enum) == 0 {
			s.Enum = []any{s.Const}
		} else if s.Const != nil {
			needsCompiler = true
		}
		if onlyJSONSchema2020Applies(s) {
			needsCompiler = true
		}
	})
	return needsCompiler
}

// onlyJSONSchema2020Applies tells whether a schema uses a keyword that
// kin-openapi's schema visitor does not apply.
func onlyJSONSchema2020Applies(s *openapi3.Schema) bool {
	return len(s.PrefixItems) != 0 || s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		len(s.PatternProperties) != 0 || len(s.DependentSchemas) != 0 || s.PropertyNames != nil ||
		s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
		s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil ||
		s.If != nil || s.Then != nil || s.Else != nil || len(s.DependentRequired) != 0 || len(s.Defs) != 0 ||
		s.ContentSchema != nil
}

// eachSchema visits every schema of doc once: those of parameters, headers,
// request and response bodies, the components', and all they hold.
func eachSchema(doc *openapi3.T, visit func(*openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		visit(s)
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			walk(s.Properties[name])
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			for _, sub := range group {
				walk(sub)
			}
		}
	}
	content := func(c openapi3.Content) {
		for _, m := range c {
			if m != nil {
				walk(m.Schema)
			}
		}
	}
	parameter := func(p *openapi3.Parameter) {
		if p != nil {
			walk(p.Schema)
			content(p.Content)
		}
	}
	response := func(r *openapi3.Response) {
		if r == nil {
			return
		}
		for _, h := range r.Headers {
			if h != nil && h.Value != nil {
				parameter(&h.Value.Parameter)
			}
		}
		content(r.Content)
	}
	for _, item := range doc.Paths.Map() {
		for _, p := range item.Parameters {
			parameter(p.Value)
		}
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				parameter(p.Value)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content)
			}
			for _, r := range op.Responses.Map() {
				response(r.Value)
			}
		}
	}
	if c := doc.Components; c != nil {
		for _, ref := range c.Schemas {
			walk(ref)
		}
		for _, p := range c.Parameters {
			parameter(p.Value)
		}
		for _, rb := range c.RequestBodies {
			if rb.Value != nil {
				content(rb.Value.Content)
			}
		}
		for _, r := range c.Responses {
			response(r.Value)
		}
		for _, h := range c.Headers {
			if h.Value != nil {
				parameter(&h.Value.Parameter)
			}
		}
	}
}

// schemaOptionsOf are the options a value of doc is validated with: its
// formats (uuid, date-time), and for a 3.1 document whose schemas use a
// keyword only kin-openapi's JSON Schema 2020-12 validator applies, that
// validator. A 3.1 document is read as 2020-12 either way (readAs202012);
// a 3.0 document keeps 3.0's rules.
func schemaOptionsOf(doc *openapi3.T, needsCompiler bool) []openapi3.SchemaValidationOption {
	opts := doc.GetSchemaValidationOptions()
	if needsCompiler {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return opts
}
