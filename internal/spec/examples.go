package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Example is one example of the document with the schema it illustrates.
type Example struct {
	Where   string
	Schema  *openapi3.Schema
	Value   any
	Request bool // a request example: readOnly properties must be absent
	// drop removes a response example from the document, so that nothing
	// serves it; nil for the others, which are never served.
	drop func()
}

// Examples lists every example in doc: the media types of request bodies
// and responses (named `examples` and single `example`), parameters and
// headers, and the `example` (or 3.1's `examples`) of every schema reachable
// from the components.
func Examples(doc *openapi3.T) []Example {
	var out []Example
	media := func(where string, content openapi3.Content, request bool) {
		for _, mime := range slices.Sorted(maps.Keys(content)) {
			m := content[mime]
			if m == nil || m.Schema == nil || m.Schema.Value == nil {
				continue
			}
			at := where + " " + mime
			if m.Example != nil {
				out = append(out, Example{at + " example", m.Schema.Value, m.Example, request, func() { m.Example = nil }})
			}
			for _, name := range slices.Sorted(maps.Keys(m.Examples)) {
				if ex := m.Examples[name]; ex != nil && ex.Value != nil {
					out = append(out, Example{at + " examples." + name, m.Schema.Value, ex.Value.Value, request, func() { delete(m.Examples, name) }})
				}
			}
		}
	}
	parameter := func(where string, p *openapi3.Parameter, request bool) {
		if p == nil {
			return
		}
		if p.Schema != nil && p.Schema.Value != nil {
			if p.Example != nil {
				out = append(out, Example{where + " example", p.Schema.Value, p.Example, request, nil})
			}
			for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
				if ex := p.Examples[name]; ex != nil && ex.Value != nil {
					out = append(out, Example{where + " examples." + name, p.Schema.Value, ex.Value.Value, request, nil})
				}
			}
		}
		media(where, p.Content, request)
	}
	response := func(where string, r *openapi3.Response) {
		if r == nil {
			return
		}
		for _, h := range slices.Sorted(maps.Keys(r.Headers)) {
			if ref := r.Headers[h]; ref != nil && ref.Value != nil {
				parameter(where+" header "+h, &ref.Value.Parameter, false)
			}
		}
		media(where, r.Content, false)
	}

	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item := paths[path]
		for _, p := range item.Parameters {
			if p.Value != nil {
				parameter(path+" parameter "+p.Value.Name, p.Value, true)
			}
		}
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			at := method + " " + path
			for _, p := range op.Parameters {
				if p.Value != nil {
					parameter(at+" parameter "+p.Value.Name, p.Value, true)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				media(at+" request", op.RequestBody.Value.Content, true)
			}
			responses := op.Responses.Map()
			for _, status := range slices.Sorted(maps.Keys(responses)) {
				response(at+" response "+status, responses[status].Value)
			}
		}
	}
	if c := doc.Components; c != nil {
		for _, name := range slices.Sorted(maps.Keys(c.Parameters)) {
			parameter("components.parameters."+name, c.Parameters[name].Value, true)
		}
		for _, name := range slices.Sorted(maps.Keys(c.RequestBodies)) {
			if rb := c.RequestBodies[name].Value; rb != nil {
				media("components.requestBodies."+name, rb.Content, true)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(c.Responses)) {
			response("components.responses."+name, c.Responses[name].Value)
		}
		// A component schema is named as such wherever the walk meets it.
		named := map[*openapi3.Schema]string{}
		for name, ref := range c.Schemas {
			if ref.Value != nil {
				named[ref.Value] = "components.schemas." + name
			}
		}
		seen := map[*openapi3.Schema]bool{}
		var walk func(where string, ref *openapi3.SchemaRef)
		walk = func(where string, ref *openapi3.SchemaRef) {
			if ref == nil || ref.Value == nil || seen[ref.Value] {
				return
			}
			s := ref.Value
			seen[s] = true
			if name, ok := named[s]; ok {
				where = name
			}
			if s.Example != nil {
				out = append(out, Example{where + " example", s, s.Example, false, nil})
			}
			for i, ex := range s.Examples { // JSON Schema 2020-12's, OpenAPI 3.1
				out = append(out, Example{fmt.Sprintf("%s examples[%d]", where, i), s, ex, false, nil})
			}
			for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
				walk(where+"."+name, s.Properties[name])
			}
			walk(where+"[]", s.Items)
			for i, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
				for j, sub := range group {
					walk(fmt.Sprintf("%s.%s[%d]", where, [...]string{"allOf", "anyOf", "oneOf"}[i], j), sub)
				}
			}
			if s.AdditionalProperties.Schema != nil {
				walk(where+".additionalProperties", s.AdditionalProperties.Schema)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(c.Schemas)) {
			walk("components.schemas."+name, c.Schemas[name])
		}
	}
	return out
}

// ExampleProblems validates every example against its own schema with the
// document's format validators (so the uuid format is enforced) and returns
// one line per example that breaks it. (Load checks a document's examples
// with the options its values are then validated with.)
func ExampleProblems(doc *openapi3.T) (problems []string, checked int) {
	return exampleProblems(doc, schemaOptionsOf(doc, doc.IsOpenAPI31OrLater()), false)
}

// exampleProblems lists the examples that break their schemas; with drop,
// it also removes each such response example from doc.
func exampleProblems(doc *openapi3.T, schemaOptions []openapi3.SchemaValidationOption, drop bool) (problems []string, checked int) {
	for _, ex := range Examples(doc) {
		opts := append(schemaOptions[:len(schemaOptions):len(schemaOptions)], openapi3.MultiErrors())
		if ex.Request {
			opts = append(opts, openapi3.VisitAsRequest())
		} else {
			opts = append(opts, openapi3.VisitAsResponse())
		}
		if err := ex.Schema.VisitJSON(ex.Value, opts...); err != nil {
			problems = append(problems, ex.Where+": "+briefly(err)+whyNoBranch(err, opts))
			if drop && ex.drop != nil {
				ex.drop()
			}
		}
		checked++
	}
	return problems, checked
}

// each is a validation error's errors: a MultiError's, or itself.
func each(err error) []error {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		return multi
	}
	return []error{err}
}

// briefly is a validation error on one line: where, and what is wrong,
// without the schema and value dumps kin-openapi's messages carry.
func briefly(err error) string {
	var parts []string
	for _, e := range each(err) {
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			got, _ := json.Marshal(se.Value) // a decoded JSON value
			if len(got) > 60 {
				got = append(got[:57:57], "..."...)
			}
			parts = append(parts, fmt.Sprintf("at %q: %s (got %s)", "/"+strings.Join(se.JSONPointer(), "/"), se.Reason, got))
		} else {
			parts = append(parts, e.Error())
		}
	}
	return strings.Join(parts, "; ")
}

// whyNoBranch says why a value matched no branch of an anyOf or oneOf.
// kin-openapi reports only that none matched, and a 3.1 document wraps
// every Optional in anyOf with null: without this an example whose nested
// object breaks a rule would not say which rule.
func whyNoBranch(err error, opts []openapi3.SchemaValidationOption) string {
	var why strings.Builder
	for _, e := range each(err) {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) || se.Schema == nil {
			continue
		}
		branches := map[string]openapi3.SchemaRefs{"anyOf": se.Schema.AnyOf, "oneOf": se.Schema.OneOf}[se.SchemaField]
		for i, branch := range branches {
			if branch == nil || branch.Value == nil || branch.Value.Type.Is("null") {
				continue
			}
			if berr := branch.Value.VisitJSON(se.Value, opts...); berr != nil {
				fmt.Fprintf(&why, "; %s[%d] at %q (relative to it): %s", se.SchemaField, i, "/"+strings.Join(se.JSONPointer(), "/"), briefly(berr))
			}
		}
	}
	return why.String()
}
