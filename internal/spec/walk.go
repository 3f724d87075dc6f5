package spec

import (
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// walkSchemas calls visit on every schema of the document once, in a
// stable order, with where it is (components.schemas.Member.properties.code,
// "POST /items request body application/json.items"), and stops at the
// first error visit returns.
func walkSchemas(doc *openapi3.T, visit func(where string, s *openapi3.Schema) error) error {
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, ref *openapi3.SchemaRef) error
	walk = func(where string, ref *openapi3.SchemaRef) error {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return nil
		}
		s := ref.Value
		seen[s] = true
		if err := visit(where, s); err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			if err := walk(where+".properties."+name, s.Properties[name]); err != nil {
				return err
			}
		}
		if err := walk(where+".items", s.Items); err != nil {
			return err
		}
		if err := walk(where+".additionalProperties", s.AdditionalProperties.Schema); err != nil {
			return err
		}
		if err := walk(where+".not", s.Not); err != nil {
			return err
		}
		for _, group := range []struct {
			key  string
			refs openapi3.SchemaRefs
		}{{"allOf", s.AllOf}, {"anyOf", s.AnyOf}, {"oneOf", s.OneOf}, {"prefixItems", s.PrefixItems}} {
			for i, sub := range group.refs {
				if err := walk(fmt.Sprintf("%s.%s[%d]", where, group.key, i), sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	content := func(where string, c openapi3.Content) error {
		for _, mt := range slices.Sorted(maps.Keys(c)) {
			if c[mt] != nil {
				if err := walk(where+" "+mt, c[mt].Schema); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if doc.Components != nil {
		for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
			if err := walk("components.schemas."+name, doc.Components.Schemas[name]); err != nil {
				return err
			}
		}
	}
	if doc.Paths == nil {
		return nil
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			where := method + " " + path
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.Value != nil {
					if err := walk(where+" parameter "+p.Value.Name, p.Value.Schema); err != nil {
						return err
					}
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if err := content(where+" request body", op.RequestBody.Value.Content); err != nil {
					return err
				}
			}
			for _, code := range slices.Sorted(maps.Keys(op.Responses.Map())) {
				if r := op.Responses.Value(code); r.Value != nil {
					if err := content(where+" response "+code, r.Value.Content); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
