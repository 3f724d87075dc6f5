package contract

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// canonical parses a document into the form Diff compares, so that two
// documents that say the same to a client compare equal however each is
// written: OpenAPI 3.0 or 3.1, FastAPI's shapes or hand-written ones.
//
//   - null: 3.1's type [X, "null"] and anyOf/oneOf [X, {type: "null"}], and
//     3.1's schema without a type (which accepts null), become 3.0's
//     nullable: true;
//   - a sole allOf/anyOf/oneOf branch (the 3.0 way to put a default or
//     nullable beside a $ref, or what is left of a null union) becomes the
//     branch itself with those keywords, as 3.1's $ref siblings are read;
//   - 3.1's numeric exclusiveMinimum/exclusiveMaximum become 3.0's
//     minimum/maximum with exclusiveMinimum/exclusiveMaximum: true;
//   - titles, descriptions, summaries, example and examples go: they
//     constrain nothing;
//   - $ref names go, so that a component renamed with its shape unchanged
//     is no change (oasdiff pairs anyOf/oneOf branches by $ref name);
//   - path-level parameters and the document's security are copied into
//     each operation (FastAPI writes both per operation), and a path
//     parameter is never null (a path segment is always there);
//   - the version is 3.0.3 on both sides: the forms above are 3.0's.
//
// Key order is already gone once parsed.
func canonical(data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse openapi document: %w", err)
	}
	c := &canonicalizer{jsonSchema2020: doc.IsOpenAPI31OrLater(), done: map[*openapi3.Schema]*openapi3.Schema{}}
	doc.OpenAPI = "3.0.3"
	for _, item := range doc.Paths.Map() {
		item.Summary, item.Description = "", ""
		for _, op := range item.Operations() {
			op.Summary, op.Description = "", ""
			op.ExternalDocs = nil
			op.Parameters = mergeParameters(item.Parameters, op.Parameters)
			if op.Security == nil && doc.Security != nil {
				inherited := slices.Clone(doc.Security)
				op.Security = &inherited
			}
			for _, p := range op.Parameters {
				c.parameter(p)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				op.RequestBody.Ref = ""
				op.RequestBody.Value.Description = ""
				c.content(op.RequestBody.Value.Content)
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					c.response(r)
				}
			}
		}
		item.Parameters = nil
	}
	doc.Security = nil
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			c.schemaRef(s)
		}
		for _, p := range doc.Components.Parameters {
			c.parameter(p)
		}
		for _, r := range doc.Components.Responses {
			c.response(r)
		}
		for _, b := range doc.Components.RequestBodies {
			if b.Value != nil {
				b.Value.Description = ""
				c.content(b.Value.Content)
			}
		}
	}
	return doc, nil
}

// mergeParameters is an operation's parameters with those of its path that
// it does not override (same name and location), as OpenAPI defines them.
func mergeParameters(pathLevel, operation openapi3.Parameters) openapi3.Parameters {
	merged := slices.Clone(operation)
	for _, p := range pathLevel {
		if p.Value == nil || operation.GetByInAndName(p.Value.In, p.Value.Name) == nil {
			merged = append(merged, p)
		}
	}
	return merged
}

type canonicalizer struct {
	// jsonSchema2020: the document is OpenAPI 3.1 or later, whose schemas
	// are JSON Schema 2020-12.
	jsonSchema2020 bool
	// done maps each schema seen to its canonical form; a schema in
	// progress maps to itself, which ends cycles.
	done map[*openapi3.Schema]*openapi3.Schema
}

func (c *canonicalizer) parameter(p *openapi3.ParameterRef) {
	if p == nil || p.Value == nil {
		return
	}
	p.Ref = ""
	v := p.Value
	v.Description, v.Example, v.Examples = "", nil, nil
	c.schemaRef(v.Schema)
	c.content(v.Content)
	if v.In == openapi3.ParameterInPath && v.Schema != nil && v.Schema.Value != nil && v.Schema.Value.Nullable {
		// A copy: the schema may be shared with places where null is allowed.
		notNull := *v.Schema.Value
		notNull.Nullable = false
		v.Schema = &openapi3.SchemaRef{Value: &notNull}
	}
}

func (c *canonicalizer) response(r *openapi3.ResponseRef) {
	if r == nil || r.Value == nil {
		return
	}
	r.Ref = ""
	empty := ""
	r.Value.Description = &empty
	for _, h := range r.Value.Headers {
		if h != nil && h.Value != nil {
			h.Ref = ""
			h.Value.Description, h.Value.Example, h.Value.Examples = "", nil, nil
			c.schemaRef(h.Value.Schema)
			c.content(h.Value.Content)
		}
	}
	c.content(r.Value.Content)
}

func (c *canonicalizer) content(content openapi3.Content) {
	for _, media := range content {
		if media == nil {
			continue
		}
		media.Example, media.Examples = nil, nil
		c.schemaRef(media.Schema)
		c.schemaRef(media.ItemSchema)
	}
}

func (c *canonicalizer) schemaRef(r *openapi3.SchemaRef) {
	if r == nil || r.Value == nil {
		return
	}
	r.Ref = ""
	r.Value = c.schema(r.Value)
}

func (c *canonicalizer) schemaRefs(refs openapi3.SchemaRefs) {
	for _, r := range refs {
		c.schemaRef(r)
	}
}

func (c *canonicalizer) schemas(schemas openapi3.Schemas) {
	for _, r := range schemas {
		c.schemaRef(r)
	}
}

// schema rewrites s in place into its canonical form, or returns another
// schema that is (a sole branch, copied with what s adds to it).
func (c *canonicalizer) schema(s *openapi3.Schema) *openapi3.Schema {
	if out, ok := c.done[s]; ok {
		return out
	}
	c.done[s] = s
	c.schemaRefs(s.AllOf)
	c.schemaRefs(s.AnyOf)
	c.schemaRefs(s.OneOf)
	c.schemaRefs(s.PrefixItems)
	for _, r := range []*openapi3.SchemaRef{s.Not, s.Items, s.AdditionalProperties.Schema, s.Contains, s.PropertyNames,
		s.If, s.Then, s.Else, s.ContentSchema, s.UnevaluatedItems.Schema, s.UnevaluatedProperties.Schema} {
		c.schemaRef(r)
	}
	c.schemas(s.Properties)
	c.schemas(s.PatternProperties)
	c.schemas(s.DependentSchemas)
	c.schemas(s.Defs)

	s.Title, s.Description, s.Comment = "", "", ""
	s.Example, s.Examples = nil, nil
	s.ExternalDocs, s.XML = nil, nil
	s.Min, s.ExclusiveMin = canonicalBound(s.Min, s.ExclusiveMin, func(a, b float64) bool { return a > b })
	s.Max, s.ExclusiveMax = canonicalBound(s.Max, s.ExclusiveMax, func(a, b float64) bool { return a < b })

	if types := s.Type.Slice(); len(types) > 1 && slices.Contains(types, openapi3.TypeNull) {
		rest := openapi3.Types(slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == openapi3.TypeNull }))
		s.Type = &rest
		s.Nullable = true
	}
	for _, union := range []*openapi3.SchemaRefs{&s.AnyOf, &s.OneOf} {
		rest := slices.DeleteFunc(slices.Clone(*union), isBareNull)
		if len(rest) < len(*union) && len(rest) > 0 {
			*union = rest
			s.Nullable = true
		}
	}
	if c.jsonSchema2020 && s.Type == nil && len(s.Enum) == 0 && s.Const == nil &&
		len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil && s.Always == nil {
		// JSON Schema constrains null only through type, enum or const.
		s.Nullable = true
	}
	if branch := soleBranch(s); branch != nil {
		merged := *branch
		merged.Nullable = merged.Nullable || s.Nullable
		merged.ReadOnly = merged.ReadOnly || s.ReadOnly
		merged.WriteOnly = merged.WriteOnly || s.WriteOnly
		merged.Deprecated = merged.Deprecated || s.Deprecated
		if s.Default != nil {
			merged.Default = s.Default
		}
		c.done[s] = &merged
		c.done[&merged] = &merged
		return &merged
	}
	return s
}

// canonicalBound writes an exclusive bound as 3.0 does: the bound, and
// exclusive: true. A 3.1 document may give both an inclusive and a numeric
// exclusive bound: the tighter one holds. stricter(a, b) says that bound a
// excludes more than bound b.
func canonicalBound(inclusive *float64, exclusive openapi3.ExclusiveBound, stricter func(a, b float64) bool) (*float64, openapi3.ExclusiveBound) {
	switch {
	case exclusive.Value != nil:
		if inclusive != nil && stricter(*inclusive, *exclusive.Value) {
			return inclusive, openapi3.ExclusiveBound{}
		}
		v, yes := *exclusive.Value, true
		return &v, openapi3.ExclusiveBound{Bool: &yes}
	case exclusive.Bool != nil && !*exclusive.Bool:
		return inclusive, openapi3.ExclusiveBound{}
	}
	return inclusive, exclusive
}

// isBareNull reports a schema that accepts null alone: {type: "null"}.
func isBareNull(r *openapi3.SchemaRef) bool {
	if r == nil || r.Value == nil || !slices.Equal(r.Value.Type.Slice(), []string{openapi3.TypeNull}) {
		return false
	}
	rest := *r.Value
	rest.Type, rest.Extensions, rest.Origin = nil, nil, nil
	return reflect.DeepEqual(rest, openapi3.Schema{})
}

// soleBranch is the schema s stands for when s is one allOf, anyOf or
// oneOf branch with nothing beside it but nullable, default and the access
// flags; nil otherwise.
func soleBranch(s *openapi3.Schema) *openapi3.Schema {
	var branch *openapi3.SchemaRef
	switch {
	case len(s.AllOf) == 1 && len(s.AnyOf)+len(s.OneOf) == 0:
		branch = s.AllOf[0]
	case len(s.AnyOf) == 1 && len(s.AllOf)+len(s.OneOf) == 0:
		branch = s.AnyOf[0]
	case len(s.OneOf) == 1 && len(s.AllOf)+len(s.AnyOf) == 0:
		branch = s.OneOf[0]
	default:
		return nil
	}
	if branch == nil || branch.Value == nil {
		return nil
	}
	beside := *s
	beside.AllOf, beside.AnyOf, beside.OneOf = nil, nil, nil
	beside.Nullable, beside.Default, beside.ReadOnly, beside.WriteOnly, beside.Deprecated = false, nil, false, false, false
	beside.Extensions, beside.Origin = nil, nil
	if !reflect.DeepEqual(beside, openapi3.Schema{}) {
		return nil
	}
	return branch.Value
}
