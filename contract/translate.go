package contract

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// documentMap carries fixtures written against openapi.yaml over to the
// document a run checks: the member collection and item paths are found by
// what they are (spec.Members), and their path parameters by position. A
// team that moves the API under /api/v2/... or renames {organization_id}
// keeps its suite: the hand-written steps call the target's paths, and a
// 422's loc names the target's parameters. What does not match a member
// path (an unknown path on purpose) is left as written.
type documentMap struct {
	reference, target *spec.Spec
	paths             []pathPair
	// pieces are the collection path's literal text around its parameters,
	// reference and target, for the paths a header's regexp spells out.
	pieces *[2][]string
	// lacks are openapi.yaml's member operations the target does not have.
	lacks []spec.MemberOp
	// params maps a reference path parameter to the target's, where they
	// differ.
	params map[string]string
}

type pathPair struct{ from, to []string }

// newDocumentMap maps reference to target; nil when target is reference.
func newDocumentMap(reference, target *spec.Spec) *documentMap {
	if reference == nil || target == nil {
		return nil
	}
	from, to := reference.Members(), target.Members()
	m := &documentMap{reference: reference, target: target, params: map[string]string{}}
	for _, pair := range [][2]string{{from.Item, to.Item}, {from.Collection, to.Collection}} {
		if pair[0] == "" || pair[1] == "" {
			continue
		}
		a, b := strings.Split(pair[0], "/"), strings.Split(pair[1], "/")
		var fromParams, toParams []string
		for _, s := range a {
			if isParam(s) {
				fromParams = append(fromParams, s[1:len(s)-1])
			}
		}
		for _, s := range b {
			if isParam(s) {
				toParams = append(toParams, s[1:len(s)-1])
			}
		}
		if len(fromParams) != len(toParams) {
			continue // not the same shape: leave the fixtures as written
		}
		for i, name := range fromParams {
			if name != toParams[i] {
				m.params[name] = toParams[i]
			}
		}
		if pair[0] != pair[1] {
			m.paths = append(m.paths, pathPair{a, b})
			if pair[0] == from.Collection {
				m.pieces = &[2][]string{literalPieces(pair[0]), literalPieces(pair[1])}
			}
		}
	}
	for _, op := range append(slices.Clone(spec.MemberOps), spec.MemberPatch) {
		if from.Route(op) != nil && to.Route(op) == nil {
			m.lacks = append(m.lacks, op)
		}
	}
	if bytes.Equal(reference.Raw, target.Raw) {
		return nil
	}
	return m
}

// missing says which member operation of openapi.yaml a case calls (a
// step or a cleanup) that the target's document does not have, or "": the
// case cannot be sent there (a create whose cleanup is a delete it lacks
// would leave its row behind), and is skipped.
func (m *documentMap) missing(c fixtures.Case) string {
	if m == nil || len(m.lacks) == 0 {
		return ""
	}
	for _, s := range slices.Concat(c.Steps, c.Cleanup) {
		path := placeholder.ReplaceAllString(s.Path.Source, "x")
		req, err := http.NewRequest(s.Method, path, nil)
		if err != nil {
			continue
		}
		route, _, err := m.reference.FindRoute(req)
		if err != nil {
			continue
		}
		if op := m.reference.Members().Of(route.Operation); slices.Contains(m.lacks, op) {
			return fmt.Sprintf("the document has no member %s (openapi.yaml's %s %s), which step %q calls", op, route.Method, route.Path, s.Name)
		}
	}
	return ""
}

// placeholder is a fixture template's placeholder, a path segment's value.
var placeholder = regexp.MustCompile(`\{[^}]*\}`)

// literalPieces is a path template's text between its parameters.
func literalPieces(template string) []string {
	var pieces []string
	for {
		open := strings.Index(template, "{")
		end := strings.Index(template, "}")
		if open < 0 || end < open {
			return append(pieces, template)
		}
		pieces = append(pieces, template[:open])
		template = template[end+1:]
	}
}

// source is the document the fixtures are written against (openapi.yaml),
// nil when the run checks that one.
func (m *documentMap) source() *spec.Spec {
	if m == nil {
		return nil
	}
	return m.reference
}

func isParam(segment string) bool {
	return strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}")
}

// path is a step's path (expanded) on the target: a reference member path,
// with or without a trailing slash, becomes the target's with the same
// parameter values; anything else is returned as it is.
func (m *documentMap) path(p string) string {
	if m == nil {
		return p
	}
	segments := strings.Split(p, "/")
	trailing := ""
	if len(segments) > 1 && segments[len(segments)-1] == "" {
		segments, trailing = segments[:len(segments)-1], "/"
	}
	for _, pair := range m.paths {
		if len(pair.from) != len(segments) {
			continue
		}
		var values []string
		matched := true
		for i, s := range pair.from {
			switch {
			case isParam(s):
				values = append(values, segments[i])
			case s != segments[i]:
				matched = false
			}
			if !matched {
				break
			}
		}
		if !matched {
			continue
		}
		out := make([]string, len(pair.to))
		for i, s := range pair.to {
			if isParam(s) && len(values) > 0 {
				out[i], values = values[0], values[1:]
				continue
			}
			out[i] = s
		}
		return strings.Join(out, "/") + trailing
	}
	return p
}

// expect is a step's expectation on the target: a loc naming a reference
// path parameter names the target's.
func (m *documentMap) expect(e fixtures.Expect) fixtures.Expect {
	if m == nil {
		return e
	}
	if len(m.params) > 0 && e.Body != nil {
		e.Body = m.pattern(e.Body)
	}
	if m.pieces != nil && len(e.Headers) > 0 {
		headers := make([]fixtures.HeaderExpect, len(e.Headers))
		for i, h := range e.Headers {
			headers[i] = fixtures.HeaderExpect{Name: h.Name, Pattern: m.regexp(h.Pattern)}
		}
		e.Headers = headers
	}
	return e
}

// regexp carries a header's regexp that spells out the reference member
// collection's path (a Location) over to the target's: the collection's
// literal pieces, found in order, are replaced by the target's.
func (m *documentMap) regexp(p *fixtures.Pattern) *fixtures.Pattern {
	if p == nil || p.Kind != fixtures.Match || p.Matcher.Name != fixtures.MatchRegexp || p.Matcher.Regexp == nil {
		return p
	}
	source := p.Matcher.Regexp.String()
	from, to := m.pieces[0], m.pieces[1]
	if len(from) != len(to) {
		return p
	}
	var out strings.Builder
	rest := source
	for i, piece := range from {
		if piece == "" {
			out.WriteString(regexp.QuoteMeta(to[i]))
			continue
		}
		at := strings.Index(rest, regexp.QuoteMeta(piece))
		if at < 0 || (i > 0 && from[i-1] == "" && at != 0) {
			return p
		}
		out.WriteString(rest[:at])
		out.WriteString(regexp.QuoteMeta(to[i]))
		rest = rest[at+len(regexp.QuoteMeta(piece)):]
	}
	out.WriteString(rest)
	re, err := regexp.Compile(out.String())
	if err != nil {
		return p
	}
	translated := *p
	translated.Matcher.Regexp = re
	return &translated
}

func (m *documentMap) pattern(p *fixtures.Pattern) *fixtures.Pattern {
	if p == nil {
		return nil
	}
	out := *p
	if len(p.Fields) > 0 {
		out.Fields = make([]fixtures.Field, len(p.Fields))
		for i, f := range p.Fields {
			out.Fields[i] = fixtures.Field{Key: f.Key, Pattern: m.pattern(f.Pattern)}
			if f.Key == "loc" {
				out.Fields[i].Pattern = m.loc(f.Pattern)
			}
		}
	}
	if len(p.Items) > 0 {
		out.Items = make([]*fixtures.Pattern, len(p.Items))
		for i, item := range p.Items {
			out.Items[i] = m.pattern(item)
		}
	}
	return &out
}

// loc renames the parameter of a ["path", NAME] loc.
func (m *documentMap) loc(p *fixtures.Pattern) *fixtures.Pattern {
	if p == nil || len(p.Items) != 2 || p.Items[0] == nil || p.Items[1] == nil {
		return p
	}
	where, _ := p.Items[0].Value.(fixtures.Template)
	name, ok := p.Items[1].Value.(fixtures.Template)
	renamed, mapped := m.params[name.Source]
	if where.Source != "path" || !ok || !mapped || len(name.Refs()) > 0 {
		return p
	}
	out := *p
	second := *p.Items[1]
	second.Value, _ = fixtures.ParseTemplate(renamed) // a parameter name: no placeholder
	out.Items = []*fixtures.Pattern{p.Items[0], &second}
	return &out
}

// onSuccess carries a step's expected 200 (openapi.yaml's success for
// every member operation) over to an operation whose document answers its
// success with another status and never with 200 (FastAPI's status_code:
// a create's 201, a delete's 204). When that success has no body and the
// step reads one (its expectations or its captures), the step cannot be
// sent as written: why, else "". readable says the step reads a member the
// answer does not carry, which the runner may read another way (readBack).
func onSuccess(sp, reference *spec.Spec, route *routers.Route, s fixtures.Step, e fixtures.Expect) (_ fixtures.Expect, why string, readable bool) {
	reads := e.Body != nil || e.List != nil || len(s.Capture) > 0
	if route != nil && reference != nil && reads && slices.ContainsFunc(e.Status, func(code int) bool { return code >= 200 && code < 300 }) {
		// openapi.yaml's member operations answer a member (or a list of
		// them); one that answers something else cannot be read as one.
		if op := sp.Members().Of(route.Operation); op != "" {
			if was, is := reference.Members().ResponseSchema(op), sp.Members().ResponseSchema(op); was != nil && is != nil && spec.IsMember(was) && !spec.IsMember(is) {
				return e, fmt.Sprintf("the document's %s %s answers %s, not the member step %q reads", route.Method, route.Path, schemaName(is), s.Name), true
			}
		}
	}
	if route == nil || !slices.Contains(e.Status, http.StatusOK) || route.Operation.Responses.Status(http.StatusOK) != nil {
		return e, "", false
	}
	success := 0
	for code := 200; code < 300 && success == 0; code++ {
		if route.Operation.Responses.Status(code) != nil {
			success = code
		}
	}
	if success == 0 {
		return e, "", false
	}
	statuses := slices.Clone(e.Status)
	statuses[slices.Index(statuses, http.StatusOK)] = success
	e.Status = statuses
	ref := route.Operation.Responses.Status(success)
	noBody := success == http.StatusNoContent || ref.Value == nil || len(ref.Value.Content) == 0
	if noBody && reads {
		return e, fmt.Sprintf("the document's %s %s answers %d without a body, which step %q reads", route.Method, route.Path, success, s.Name), true
	}
	return e, "", false
}

// schemaName is how a failure names a schema: its title, else "another
// object".
func schemaName(s *openapi3.Schema) string {
	if s.Title != "" {
		return s.Title
	}
	return "another object"
}
