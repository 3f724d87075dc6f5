package contract

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// specGap is what a case takes from the spec and the spec does not give:
// the case is skipped, not failed.
type specGap struct{ reason string }

func (g *specGap) Error() string { return g.reason }

// wrongMethods are the methods {undeclared_method} tries, in order: the
// first the path does not declare is sent.
var wrongMethods = []string{http.MethodDelete, http.MethodPatch, http.MethodPut, http.MethodPost, http.MethodGet}

// stepSpec reads spec values for one step: its method (as sent, or "" while
// the method is itself being read) and its path (as sent, without query).
type stepSpec struct {
	sp     *spec.Spec
	method string
	path   string
}

// value is a spec value: a string, or a float64 for a bound. A *specGap
// when the spec does not give it.
func (s stepSpec) value(ref fixtures.Ref) (any, error) {
	switch ref.Name {
	case fixtures.SpecUndeclaredMethod:
		return s.undeclaredMethod()
	case fixtures.SpecAllow:
		if _, _, err := s.route(http.MethodGet); err != nil && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return nil, s.gap("the spec has no path %s for a 405's Allow", s.path)
		}
		req, _ := http.NewRequest(http.MethodGet, s.path, nil)
		return s.sp.Allow(req), nil
	}
	route, _, err := s.route(s.method)
	if err != nil {
		return nil, s.gap("the spec has no operation %s %s to read %s from", s.method, s.path, ref)
	}
	where := route.Method + " " + route.Path
	switch ref.Name {
	case fixtures.SpecUndeclaredQuery:
		declared := declaredParameters(route, "query")
		for name := ref.Arg; ; name = "x_" + name {
			if !slices.Contains(declared, name) {
				return name, nil
			}
		}
	case fixtures.SpecEnumExpected:
		schema, err := s.schemaAt(route, ref.Arg)
		if err != nil {
			return nil, err
		}
		if len(schema.Enum) == 0 {
			return nil, s.gap("%s: %s is no enum", where, ref.Arg)
		}
		// pydantic's own wording, from the stack's emulation: the entry for
		// a value that is none of the members.
		_, issues, ok := stack.Value(s.sp.PropertyOrder, locOf(ref.Arg), &openapi3.SchemaRef{Value: schema}, "\x00 none of the members")
		if !ok || len(issues) != 1 || issues[0].Ctx["expected"] == nil {
			return nil, s.gap("%s: pydantic's words for the enum %s are not modelled", where, ref.Arg)
		}
		return issues[0].Ctx["expected"], nil
	case fixtures.SpecNotInEnum:
		loc, value, _ := strings.Cut(ref.Arg, "=")
		schema, err := s.schemaAt(route, loc)
		if err != nil {
			return nil, err
		}
		if len(schema.Enum) == 0 {
			return nil, s.gap("%s: %s is no enum", where, loc)
		}
		for slices.Contains(schema.Enum, any(value)) {
			value += "_X"
		}
		return value, nil
	case fixtures.SpecMinLength, fixtures.SpecMaxLength:
		schema, err := s.schemaAt(route, ref.Arg)
		if err != nil {
			return nil, err
		}
		if ref.Name == fixtures.SpecMinLength {
			if schema.MinLength == 0 {
				return nil, s.gap("%s: %s has no minLength", where, ref.Arg)
			}
			return float64(schema.MinLength), nil
		}
		if schema.MaxLength == nil {
			return nil, s.gap("%s: %s has no maxLength", where, ref.Arg)
		}
		return float64(*schema.MaxLength), nil
	case fixtures.SpecDefault:
		loc, want, _ := strings.Cut(ref.Arg, "=")
		schema, err := s.schemaAt(route, loc)
		if err != nil {
			return nil, err
		}
		if schema.Default == nil {
			return nil, s.gap("%s: the case is written for %s's default %s, the spec gives none", where, loc, want)
		}
		if specText(schema.Default) != want {
			return nil, s.gap("%s: the case is written for %s's default %s, the spec's is %s", where, loc, want, specText(schema.Default))
		}
		return schema.Default, nil
	case fixtures.SpecPathParameter:
		n, _ := strconv.Atoi(ref.Arg)
		params := pathTemplateParameter.FindAllStringSubmatch(route.Path, -1)
		if n > len(params) {
			return nil, s.gap("%s has no path parameter %d", where, n)
		}
		return params[n-1][1], nil
	case fixtures.SpecPydanticMsg:
		loc, input, _ := strings.Cut(ref.Arg, "=")
		schema, _, err := s.schemaRefAt(route, loc)
		if err != nil {
			return nil, err
		}
		_, issues, ok := stack.Value(s.sp.PropertyOrder, locOf(loc), schema, input)
		if !ok || len(issues) == 0 {
			return nil, s.gap("%s: %q is valid at %s, or pydantic's entry is not modelled", where, input, loc)
		}
		return issues[0].Msg, nil
	case fixtures.SpecMinimum, fixtures.SpecMaximum:
		schema, err := s.schemaAt(route, ref.Arg)
		if err != nil {
			return nil, err
		}
		bound, exclusive := schema.Min, schema.ExclusiveMin
		if ref.Name == fixtures.SpecMaximum {
			bound, exclusive = schema.Max, schema.ExclusiveMax
		}
		if bound == nil || exclusive.IsTrue() || exclusive.Value != nil {
			return nil, s.gap("%s: %s has no inclusive %s", where, ref.Arg, ref.Name)
		}
		return *bound, nil
	}
	return nil, fmt.Errorf("%s is no spec value", ref)
}

// pathTemplateParameter is a parameter of a path template, `{member_id}`.
var pathTemplateParameter = regexp.MustCompile(`\{([^{}]+)\}`)

// locOf is FastAPI's loc of a spec value's loc: query.page_size is
// [query, page_size].
func locOf(loc string) []any {
	var out []any
	for _, part := range strings.Split(loc, ".") {
		out = append(out, part)
	}
	return out
}

func (s stepSpec) gap(format string, args ...any) error {
	return &specGap{reason: fmt.Sprintf(format, args...)}
}

func (s stepSpec) route(method string) (*routers.Route, map[string]string, error) {
	req, err := http.NewRequest(method, s.path, nil)
	if err != nil {
		return nil, nil, err
	}
	return s.sp.FindRoute(req)
}

// undeclaredMethod is the first of wrongMethods the step's path does not
// declare.
func (s stepSpec) undeclaredMethod() (any, error) {
	routed := false
	for _, m := range wrongMethods {
		_, _, err := s.route(m)
		switch {
		case errors.Is(err, routers.ErrMethodNotAllowed):
			return m, nil
		case err == nil:
			routed = true
		}
	}
	if !routed {
		return nil, s.gap("the spec has no path %s to send a wrong method to", s.path)
	}
	return nil, s.gap("the spec declares each of %s on %s: no wrong method to send", strings.Join(wrongMethods, ", "), s.path)
}

// schemaAt is the schema of a value at a loc of the route: a parameter's,
// or a property's of the JSON request body (through nested models).
func (s stepSpec) schemaAt(route *routers.Route, loc string) (*openapi3.Schema, error) {
	_, core, err := s.schemaRefAt(route, loc)
	return core, err
}

// schemaRefAt is schemaAt with the schema as declared (nullable, wrapped)
// before its core.
func (s stepSpec) schemaRefAt(route *routers.Route, loc string) (*openapi3.SchemaRef, *openapi3.Schema, error) {
	where := route.Method + " " + route.Path
	place, names, err := fixtures.SplitLoc(loc)
	if err != nil {
		return nil, nil, err
	}
	var ref *openapi3.SchemaRef
	if place == "body" {
		if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
			if media := rb.Value.Content.Get("application/json"); media != nil {
				ref = media.Schema
			}
		}
		for _, name := range names {
			core, _ := spec.Underlying(ref)
			if core == nil || core.Properties[name] == nil {
				return nil, nil, s.gap("%s: the request body declares no %s", where, loc)
			}
			ref = core.Properties[name]
		}
	} else if p := parameter(route, place, names[0]); p != nil {
		ref = p.Schema
	}
	core, _ := spec.Underlying(ref)
	if core == nil {
		return nil, nil, s.gap("%s declares no %s", where, loc)
	}
	return ref, core, nil
}

// parameter is the route's parameter of that place and name, the
// operation's taking precedence over its path's.
func parameter(route *routers.Route, in, name string) *openapi3.Parameter {
	for _, params := range []openapi3.Parameters{route.Operation.Parameters, route.PathItem.Parameters} {
		if p := params.GetByInAndName(in, name); p != nil {
			return p
		}
	}
	return nil
}

// declaredParameters are the names of the route's parameters in a place.
func declaredParameters(route *routers.Route, in string) []string {
	var names []string
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range params {
			if p != nil && p.Value != nil && p.Value.In == in {
				names = append(names, p.Value.Name)
			}
		}
	}
	return names
}

// specText is a spec value as a template inserts it: a bound as a number
// is written, without a fraction when it has none.
func specText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// anyID stands for a captured or leased id while the spec is read before a
// run: any uuid routes as the real one will.
const anyID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

// specLacks names what a case takes from the spec and the spec does not
// give, or "" when the case can run: a spec value of one of its steps, a
// query parameter it sends by name, or a property of a JSON body it
// sends. Each is read for the step's operation, its path filled in with
// the profile's values and any id for the rest; a step no operation takes
// (a 404 or 405 case) sends nothing the spec declares. onDocument carries
// a path written for openapi.yaml over to the document (documentMap.path).
func specLacks(sp *spec.Spec, p *Profile, c fixtures.Case, onDocument func(string) string) string {
	lookup := func(ref fixtures.Ref) (string, error) {
		switch ref.Name {
		case fixtures.OrganizationID:
			return p.OrganizationID, nil
		case fixtures.OtherOrganizationID:
			return p.OtherOrganizationID, nil
		}
		return anyID, nil
	}
	for _, s := range slices.Concat(c.Steps, c.Cleanup) {
		path, err := s.Path.Expand(lookup)
		if err != nil {
			continue
		}
		st := stepSpec{sp: sp, path: onDocument(path), method: s.Method}
		reason := ""
		if ref, ok := s.MethodTemplate.Whole(); ok {
			m, err := st.value(ref)
			if err != nil {
				reason = err.Error()
			} else {
				st.method = m.(string)
			}
		}
		for _, ref := range s.SpecRefs() {
			if _, err := st.value(ref); err != nil && reason == "" {
				reason = err.Error()
			}
		}
		if reason == "" {
			reason = st.undeclaredNames(s)
		}
		if reason != "" {
			return fmt.Sprintf("the spec lacks what step %q takes from it: %s", s.Name, reason)
		}
	}
	return ""
}

// undeclaredNames names a query parameter or a property of a JSON object
// body that the step sends by its literal name and its operation does not
// declare, or a literal string the body sends for an enum that lacks it,
// or "". A name meant to be unknown is written as {undeclared_query:...}
// and a value meant to be invalid as {not_in_enum:...} or in a step that
// expects a 422; any other is meant to be declared, and a spec without it
// would make the step prove nothing.
func (s stepSpec) undeclaredNames(step fixtures.Step) string {
	route, _, err := s.route(s.method)
	if err != nil {
		return ""
	}
	where := route.Method + " " + route.Path
	declared := declaredParameters(route, "query")
	for _, q := range step.Query {
		if len(q.Name.Refs()) == 0 && !slices.Contains(declared, q.Name.Source) {
			return fmt.Sprintf("%s declares no query parameter %s", where, q.Name.Source)
		}
	}
	body, isObject := step.Body.JSON.(map[string]any)
	if !isObject {
		return ""
	}
	var schema *openapi3.SchemaRef
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
		if media := rb.Value.Content.Get("application/json"); media != nil {
			schema = media.Schema
		}
	}
	core, _ := spec.Underlying(schema)
	if core == nil || len(core.Properties) == 0 {
		return ""
	}
	names := make([]string, 0, len(body))
	for name := range body {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if core.Properties[name] == nil {
			return fmt.Sprintf("the request body of %s declares no property %s", where, name)
		}
	}
	if slices.Contains(step.Expect.Status, http.StatusUnprocessableEntity) {
		return ""
	}
	for _, name := range names {
		value, isTemplate := body[name].(fixtures.Template)
		property, _ := spec.Underlying(core.Properties[name])
		if !isTemplate || len(value.Refs()) > 0 || property == nil || len(property.Enum) == 0 {
			continue
		}
		if !slices.Contains(property.Enum, any(value.Source)) {
			return fmt.Sprintf("the request body of %s: %s has no member %s", where, name, value.Source)
		}
	}
	return ""
}

// declarationOrder says how validation entries break the order of their
// locs as the spec declares them for the step's operation, or "": each
// place's parameters in the order the stack reads them (the path's, then
// the operation's), the body's properties in the model's order.
func (s stepSpec) declarationOrder(entries []any) string {
	route, _, err := s.route(s.method)
	if err != nil {
		return fmt.Sprintf("cannot read the declaration order: the spec has no operation %s %s", s.method, s.path)
	}
	var bodyOrder []string
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
		if media := rb.Value.Content.Get("application/json"); media != nil {
			if core, _ := spec.Underlying(media.Schema); core != nil {
				bodyOrder = s.sp.PropertyOrder(core)
			}
		}
	}
	rank := func(entry any) (place, index int, loc any) {
		obj, _ := entry.(map[string]any)
		parts, _ := obj["loc"].([]any)
		if len(parts) == 0 {
			return -1, -1, obj["loc"]
		}
		where, _ := parts[0].(string)
		place = slices.Index(fixtures.LocPlaces, where)
		index = -1
		if len(parts) > 1 {
			name, _ := parts[1].(string)
			if where == "body" {
				index = slices.Index(bodyOrder, name)
			} else {
				index = slices.Index(declaredParameters(route, where), name)
			}
		}
		return place, index, obj["loc"]
	}
	for i := 1; i < len(entries); i++ {
		p1, i1, loc1 := rank(entries[i-1])
		p2, i2, loc2 := rank(entries[i])
		if p1 > p2 || p1 == p2 && i1 > i2 {
			return fmt.Sprintf("expected entries in the order the spec declares their locs, got %s (entry %d) before %s (entry %d)", show(loc1), i-1, show(loc2), i)
		}
	}
	return ""
}
