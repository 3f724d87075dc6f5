package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// A fixture written against one version of the document calls an
// operation as its clients must under the document the run checks: what
// that document requires and the step leaves unsaid is sent, valid, as
// gen sends it.

// supplyRequired are the required query, header and cookie parameters of
// the operation the step calls that the step does not name, each with the
// valid value gen sends (query pairs, encoded, and headers; cookies as
// one Cookie header, unless the step names Cookie). A step names a
// parameter by sending it or by writing it null (not sent): so a case
// written before the spec required a parameter still calls the operation
// as a client of that spec must, and a case about the parameter's absence
// says so.
func supplyRequired(route *routers.Route, s fixtures.Step) (query []string, header http.Header) {
	if route == nil {
		return nil, nil
	}
	namedQuery := func(name string) bool {
		return slices.ContainsFunc(s.Query, func(q fixtures.QueryParam) bool { return q.Name.Source == name })
	}
	namedHeader := func(name string) bool {
		return slices.ContainsFunc(s.Headers, func(h fixtures.Header) bool { return strings.EqualFold(h.Name, name) })
	}
	op := &genOp{params: mergeParams(route.PathItem.Parameters, route.Operation.Parameters)}
	header = http.Header{}
	var cookies []string
	for _, p := range op.params {
		if !p.Required || p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		value := op.validParameter(p)
		switch {
		case p.In == openapi3.ParameterInQuery && !namedQuery(p.Name):
			values, ok := value.([]any)
			if !ok {
				values = []any{value}
			}
			for _, v := range values {
				query = append(query, url.QueryEscape(p.Name)+"="+url.QueryEscape(fmt.Sprint(v)))
			}
		case p.In == openapi3.ParameterInHeader && !namedHeader(p.Name):
			header.Set(p.Name, fmt.Sprint(value))
		case p.In == openapi3.ParameterInCookie && !namedHeader("Cookie"):
			cookies = append(cookies, p.Name+"="+fmt.Sprint(value))
		}
	}
	if len(cookies) > 0 {
		header.Set("Cookie", strings.Join(cookies, "; "))
	}
	return query, header
}

// supplyRequiredBody adds to a step's JSON object body the properties the
// operation's body schema requires that the body leaves out and the step's
// expectation does not mention (a case about a missing property names it
// in its loc): a case written before the document required a property
// still sends a body its clients must. The value is the default the
// fixture relied on, openapi.yaml's for the same operation (its role
// ANALYST), when the document takes it; else the valid value gen sends.
func supplyRequiredBody(sp, reference *spec.Spec, route *routers.Route, s fixtures.Step, written string, body any) any {
	object, ok := body.(map[string]any)
	if !ok || route == nil || route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
		return body
	}
	media := route.Operation.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return body
	}
	f := flatten(media.Schema.Value)
	op := &genOp{params: mergeParams(route.PathItem.Parameters, route.Operation.Parameters)}
	var completed map[string]any
	for _, name := range f.required {
		ref := f.properties[name]
		if _, sent := object[name]; sent || ref == nil || ref.Value == nil || expectsAbout(s.Expect, name) {
			continue
		}
		if completed == nil {
			completed = make(map[string]any, len(object)+1)
			for k, v := range object {
				completed[k] = v
			}
		}
		value := op.validValue(name, flatten(ref.Value), false)
		if v, ok := referenceDefault(reference, s.Method, written, name); ok && ref.Value.VisitJSON(v, sp.SchemaOptions()...) == nil {
			value = v
		}
		completed[name] = value
	}
	if completed == nil {
		return body
	}
	return completed
}

// referenceDefault is the default openapi.yaml gives a body property of
// the operation a fixture's step calls.
func referenceDefault(reference *spec.Spec, method, path, name string) (any, bool) {
	if reference == nil {
		return nil, false
	}
	r, err := http.NewRequest(method, path, nil)
	if err != nil {
		return nil, false
	}
	route, _, err := reference.FindRoute(r)
	if err != nil || route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
		return nil, false
	}
	media := route.Operation.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, false
	}
	prop := flatten(media.Schema.Value).properties[name]
	if prop == nil || prop.Value == nil {
		return nil, false
	}
	core, _ := spec.Underlying(prop)
	for _, s := range []*openapi3.Schema{prop.Value, core} {
		if s != nil && s.Default != nil {
			return s.Default, true
		}
	}
	return nil, false
}

// expectsAbout says whether an expectation names a property (in the body,
// or in a list's items: a 422's entries).
func expectsAbout(e fixtures.Expect, name string) bool {
	if mentions(e.Body, name) {
		return true
	}
	if l := e.List; l != nil {
		for _, p := range slices.Concat(l.StartsWith, l.Contains, l.Excludes, []*fixtures.Pattern{l.Each}) {
			if mentions(p, name) {
				return true
			}
		}
	}
	return false
}

// mentions says whether a pattern holds name as a literal string anywhere
// (a loc's last element, a message).
func mentions(p *fixtures.Pattern, name string) bool {
	if p == nil {
		return false
	}
	if t, ok := p.Value.(fixtures.Template); ok && p.Kind == fixtures.Literal && t.Source == name {
		return true
	}
	for _, f := range p.Fields {
		if mentions(f.Pattern, name) {
			return true
		}
	}
	return slices.ContainsFunc(p.Items, func(item *fixtures.Pattern) bool { return mentions(item, name) })
}

// routeOf is the document's route of a method and path, nil for none (an
// unknown path or method on purpose): a step is routed once, and what
// completes it, carries its token and reads its answer uses that route.
func routeOf(sp *spec.Spec, method, path string) *routers.Route {
	r, err := http.NewRequest(method, path, nil)
	if err != nil || sp == nil {
		return nil
	}
	route, _, err := sp.FindRoute(r)
	if err != nil {
		return nil
	}
	return route
}
