package spec

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// patternCodepoint is how kin-openapi rewrites a pattern's \uXXXX for Go's
// regexp (openapi3/schema_pattern.go: patRewriteCodepoints, intoGoRegexp).
var patternCodepoint = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

// GoPattern is a schema's pattern as kin-openapi hands it to Go's regexp.
func GoPattern(p string) string { return patternCodepoint.ReplaceAllString(p, `\x{${code}}`) }

// unreadablePattern names the first pattern of the document, by where it
// is (components.schemas.Member.properties.code), that Go's regexp cannot
// compile: RE2 has no lookaround and no backreferences. kin-openapi's
// own check refuses the document too, but names only the component.
func unreadablePattern(doc *openapi3.T) error {
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, ref *openapi3.SchemaRef) error
	walk = func(where string, ref *openapi3.SchemaRef) error {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return nil
		}
		s := ref.Value
		seen[s] = true
		if s.Pattern != "" {
			if _, err := regexp.Compile(GoPattern(s.Pattern)); err != nil {
				return fmt.Errorf("the pattern of %s, %q, is no regular expression Go's regexp (RE2) reads, which has no lookaround and no backreferences: %v", where, s.Pattern, err)
			}
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
