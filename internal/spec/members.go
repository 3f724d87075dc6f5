package spec

// The four member operations are found by what they are, not by their
// operationIds: FastAPI names an operation after its route function, its
// path and its method (fastapi/utils.py: generate_unique_id) unless the
// team sets one, and a refactor renames it. What stays is the shape: a
// collection path under the organization whose GET answers an array of
// members, a POST there that answers a member, and an item path one
// parameter below it with PUT and DELETE.

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// MemberOp is one of the four member operations the rulebook governs.
type MemberOp string

const (
	MemberList   MemberOp = "list"
	MemberCreate MemberOp = "create"
	MemberUpdate MemberOp = "update"
	MemberDelete MemberOp = "delete"
	// MemberPatch is a PATCH on the member item path whose success is a
	// member: not one of the rulebook's four, it gets the update's rules
	// with merge semantics (mock/policy.go: patchMember). A document
	// without one misses nothing.
	MemberPatch MemberOp = "patch"
)

// MemberOps are the four, in the rulebook's order.
var MemberOps = []MemberOp{MemberList, MemberCreate, MemberUpdate, MemberDelete}

// MemberSignature are the properties that make a schema a member: the
// membership's identity and the two values the rules read. The rules read
// more (mock/policy.go: memberRuled), and a spec that lacks those is refused
// there, by name; these are what tell a member from any other row.
var MemberSignature = []string{"organization_id", "user_id", "role", "membership_state"}

// MemberOperations are the member operations of a document, how each was
// recognised, and what could not be found.
type MemberOperations struct {
	// Collection and Item are the path templates ("" when not found);
	// OrganizationParam and MemberParam their path parameters.
	Collection, Item               string
	OrganizationParam, MemberParam string
	routes                         map[MemberOp]*routers.Route
	byOperation                    map[*openapi3.Operation]MemberOp
	// Reasons say, per operation found, why it got the member rules.
	Reasons map[*openapi3.Operation]string
	// ListProperty is the property of the list's answer that holds the
	// members when the answer is an object around them (a page envelope,
	// such as {items, total}); "" when the answer is the array itself.
	ListProperty string
	// Missing lists, for the start-up log, each member operation the
	// document lacks and what was looked for; Others the member-shaped
	// operations left to other rules, and why.
	Missing, Others []string
}

// Route is the route of a member operation, nil when the document has none.
func (m *MemberOperations) Route(op MemberOp) *routers.Route { return m.routes[op] }

// Of says which member operation an operation is ("" for none).
func (m *MemberOperations) Of(op *openapi3.Operation) MemberOp { return m.byOperation[op] }

// ID is the operationId of a member operation, "" when there is none.
func (m *MemberOperations) ID(op MemberOp) string {
	if r := m.routes[op]; r != nil {
		return r.Operation.OperationID
	}
	return ""
}

// OfID says which member operation an operationId names ("" for none).
func (m *MemberOperations) OfID(id string) MemberOp {
	for op, r := range m.routes {
		if id != "" && r.Operation.OperationID == id {
			return op
		}
	}
	return ""
}

// ResponseSchema is a member operation's success body schema, nil when it
// has none; for the list, the array of members, inside its envelope when
// it has one (ListEnvelope).
func (m *MemberOperations) ResponseSchema(op MemberOp) *openapi3.Schema {
	r := m.routes[op]
	if r == nil {
		return nil
	}
	body := jsonSchema(successResponse(r.Operation))
	if op == MemberList && m.ListProperty != "" {
		return unwrap(body.Properties[m.ListProperty])
	}
	return body
}

// ListEnvelope is the object the list's answer puts the members in, nil
// when the answer is the array itself.
func (m *MemberOperations) ListEnvelope() *openapi3.Schema {
	if r := m.routes[MemberList]; r != nil && m.ListProperty != "" {
		return jsonSchema(successResponse(r.Operation))
	}
	return nil
}

// memberArrayIn is where a list's answer holds its members: "" for an
// array of members, the property's name for an object with exactly one
// property that is (a page envelope); ok is false for anything else.
func memberArrayIn(body *openapi3.Schema) (property string, ok bool) {
	if isArrayOf(body, IsMember) {
		return "", true
	}
	found := 0
	for name, ref := range body.Properties {
		if items := unwrap(ref); items != nil && isArrayOf(items, IsMember) {
			property = name
			found++
		}
	}
	return property, found == 1
}

// Members finds the document's member operations, once.
func (s *Spec) Members() *MemberOperations {
	s.membersOnce.Do(func() { s.members = findMembers(s) })
	return s.members
}

type memberCandidate struct {
	op     MemberOp
	route  *routers.Route
	reason string
}

func findMembers(s *Spec) *MemberOperations {
	byCollection := map[string][]memberCandidate{}
	for _, path := range sortedPaths(s.Doc) {
		item := s.Doc.Paths.Value(path)
		for _, method := range s.methodsOf(path, item) {
			op := item.GetOperation(method)
			route := &routers.Route{Spec: s.routed, Path: path, PathItem: item, Method: method, Operation: op}
			body := jsonSchema(successResponse(op))
			parent, idParam := splitItemPath(path)
			switch {
			case method == http.MethodGet && body != nil && isArrayOf(body, IsMember):
				byCollection[path] = append(byCollection[path], memberCandidate{MemberList, route,
					"GET on the member collection %s, its success an array of members"})
			case method == http.MethodGet && body != nil && isEnvelope(body):
				byCollection[path] = append(byCollection[path], memberCandidate{MemberList, route,
					"GET on the member collection %s, its success an object whose one array of members is the page"})
			case method == http.MethodPost && body != nil && IsMember(body) && op.RequestBody != nil:
				byCollection[path] = append(byCollection[path], memberCandidate{MemberCreate, route,
					"POST with a body on the member collection %s, its success a member"})
			case method == http.MethodPut && idParam != "" && body != nil && IsMember(body):
				byCollection[parent] = append(byCollection[parent], memberCandidate{MemberUpdate, route,
					"PUT on the item path of the member collection %s, its success a member"})
			case method == http.MethodPatch && idParam != "" && body != nil && IsMember(body):
				byCollection[parent] = append(byCollection[parent], memberCandidate{MemberPatch, route,
					"PATCH on the item path of the member collection %s, its success a member: the update's rules, merging only the properties sent (FastAPI's PATCH with exclude_unset)"})
			case method == http.MethodDelete && idParam != "":
				// A DELETE tells nothing by its body (it may answer 204, the
				// removed row or a message): it is a member delete when its
				// collection is the members'.
				byCollection[parent] = append(byCollection[parent], memberCandidate{MemberDelete, route,
					"DELETE on the item path of the member collection %s"})
			}
		}
	}
	m := &MemberOperations{routes: map[MemberOp]*routers.Route{}, byOperation: map[*openapi3.Operation]MemberOp{},
		Reasons: map[*openapi3.Operation]string{}}
	// The member collection is the one with the most member operations
	// that is under a path parameter (the organization); a DELETE alone
	// says nothing.
	var best string
	score := func(c string) int {
		n := 0
		for _, cand := range byCollection[c] {
			if cand.op != MemberDelete {
				n++
			}
		}
		if n == 0 || lastParam(c) == "" {
			return 0
		}
		return n
	}
	for _, c := range sortedKeys(byCollection) {
		if score(c) > score(best) || (best == "" && score(c) > 0) {
			best = c
		}
	}
	for _, c := range sortedKeys(byCollection) {
		for _, cand := range byCollection[c] {
			if c == best && m.routes[cand.op] == nil {
				m.routes[cand.op] = cand.route
				m.byOperation[cand.route.Operation] = cand.op
				m.Reasons[cand.route.Operation] = "member " + string(cand.op) + ": " + fmt.Sprintf(cand.reason, best)
				if cand.op == MemberList {
					m.ListProperty, _ = memberArrayIn(jsonSchema(successResponse(cand.route.Operation)))
				}
				if cand.op == MemberUpdate || cand.op == MemberDelete || cand.op == MemberPatch {
					m.Item = cand.route.Path
					_, m.MemberParam = splitItemPath(cand.route.Path)
				}
				continue
			}
			if cand.op == MemberDelete && c != best {
				continue // any DELETE of an item looks like this
			}
			m.Others = append(m.Others, fmt.Sprintf("%s %s looks like a member %s, but %s is the member collection: served by other rules",
				cand.route.Method, cand.route.Path, cand.op, orNone(best)))
		}
	}
	if best != "" {
		m.Collection, m.OrganizationParam = best, lastParam(best)
	}
	looked := map[MemberOp]string{
		MemberList:   "a GET on a collection under a path parameter whose success is an array of members (or an object with one such array)",
		MemberCreate: "a POST with a body on the member collection whose success is a member",
		MemberUpdate: "a PUT on the member collection's item path whose success is a member",
		MemberDelete: "a DELETE on the member collection's item path",
	}
	for _, op := range MemberOps {
		if m.routes[op] == nil {
			m.Missing = append(m.Missing, fmt.Sprintf("no member %s: looked for %s (a member has %s)", op, looked[op],
				strings.Join(MemberSignature, ", ")))
		}
	}
	return m
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// IsMember: an object schema with the member's signature properties.
func IsMember(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	for _, name := range MemberSignature {
		if s.Properties[name] == nil {
			return false
		}
	}
	return true
}

// isEnvelope: an object around the one array of members it holds.
func isEnvelope(s *openapi3.Schema) bool {
	property, ok := memberArrayIn(s)
	return ok && property != ""
}

func isArrayOf(s *openapi3.Schema, is func(*openapi3.Schema) bool) bool {
	return s.Items != nil && is(unwrap(s.Items))
}

// unwrap is the schema behind a reference and the single-branch wrappers
// (allOf of one, anyOf or oneOf with a null branch) that OpenAPI 3.0 and
// 3.1 documents put around a component.
func unwrap(ref *openapi3.SchemaRef) *openapi3.Schema {
	for depth := 0; ref != nil && ref.Value != nil && depth < 8; depth++ {
		s := ref.Value
		if len(s.Properties) > 0 || s.Items != nil {
			return s
		}
		var next *openapi3.SchemaRef
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, branch := range group {
				if branch.Value != nil && !branch.Value.Type.Is("null") {
					next = branch
					break
				}
			}
			if next != nil {
				break
			}
		}
		if next == nil {
			return s
		}
		ref = next
	}
	if ref == nil {
		return nil
	}
	return ref.Value
}

// successResponse is an operation's first documented 2xx response.
func successResponse(op *openapi3.Operation) *openapi3.Response {
	if op == nil || op.Responses == nil {
		return nil
	}
	var codes []int
	for k := range op.Responses.Map() {
		if c, err := strconv.Atoi(k); err == nil && c/100 == 2 {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	slices.Sort(codes)
	ref := op.Responses.Status(codes[0])
	if ref == nil {
		return nil
	}
	return ref.Value
}

// jsonSchema is a response's JSON body schema, unwrapped; nil for none.
func jsonSchema(r *openapi3.Response) *openapi3.Schema {
	if r == nil {
		return nil
	}
	media := r.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	return unwrap(media.Schema)
}

// splitItemPath splits ".../{id}" into the collection and the parameter;
// idParam is "" when the last segment is not one parameter.
func splitItemPath(path string) (collection, idParam string) {
	i := strings.LastIndex(path, "/")
	last := path[i+1:]
	if i <= 0 || len(last) < 3 || last[0] != '{' || last[len(last)-1] != '}' || strings.ContainsAny(last[1:len(last)-1], "{}") {
		return "", ""
	}
	return path[:i], last[1 : len(last)-1]
}

// lastParam is the last whole-segment parameter of a path ("" for none):
// the organization of a collection such as /api/organization/{id}/member.
func lastParam(path string) string {
	segments := strings.Split(path, "/")
	for i := len(segments) - 1; i >= 0; i-- {
		if s := segments[i]; len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' {
			return s[1 : len(s)-1]
		}
	}
	return ""
}

func sortedPaths(doc *openapi3.T) []string {
	var out []string
	for path := range doc.Paths.Map() {
		out = append(out, path)
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// methodsOf are a path's methods in declaration order, the rest after.
func (s *Spec) methodsOf(path string, item *openapi3.PathItem) []string {
	out := slices.Clone(s.order.methods[path])
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions, http.MethodTrace} {
		if item.GetOperation(m) != nil && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// Routes are the document's operations, by path, each path's methods in
// declaration order.
func (s *Spec) Routes() []*routers.Route {
	var out []*routers.Route
	for _, path := range sortedPaths(s.Doc) {
		item := s.Doc.Paths.Value(path)
		for _, method := range s.methodsOf(path, item) {
			out = append(out, &routers.Route{Spec: s.routed, Path: path, PathItem: item, Method: method, Operation: item.GetOperation(method)})
		}
	}
	return out
}
