package spec

import (
	"net/http"
	"reflect"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// declarationOrder is what kin-openapi's maps forget and FastAPI keeps:
// the order in which the document declares each path's methods and each
// schema's properties. FastAPI reports validation errors in declaration
// order, and Starlette's 405 names the method of the first route declared
// for a path.
type declarationOrder struct {
	methods    map[string][]string           // path template -> methods, upper case
	properties map[*openapi3.Schema][]string // object schema -> property names
	// byProperties is the same by the schema's properties map, which a
	// copy of the schema shares: kin-openapi's loader copies a 3.1 $ref's
	// target to apply its siblings ({$ref: Model, description: ...},
	// loader.go: applyRefSiblings).
	byProperties map[uintptr][]string
}

// readDeclarationOrder reads the order from the document's source (YAML or
// JSON, which YAML reads too).
func readDeclarationOrder(data []byte, doc *openapi3.T) declarationOrder {
	order := declarationOrder{methods: map[string][]string{}, properties: map[*openapi3.Schema][]string{}, byProperties: map[uintptr][]string{}}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return order
	}
	top := root.Content[0]
	if schemas := child(child(top, "components"), "schemas"); schemas != nil && doc.Components != nil {
		for i := 0; i+1 < len(schemas.Content); i += 2 {
			if ref := doc.Components.Schemas[schemas.Content[i].Value]; ref != nil && ref.Value != nil {
				order.addProperties(ref.Value, schemas.Content[i+1])
			}
		}
	}
	paths := child(top, "paths")
	if paths == nil {
		return order
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i].Value, paths.Content[i+1]
		loaded := doc.Paths.Value(path)
		for j := 0; j+1 < len(item.Content); j += 2 {
			method := strings.ToUpper(item.Content[j].Value)
			if loaded == nil || loaded.GetOperation(method) == nil {
				continue // parameters, summary, ...
			}
			order.methods[path] = append(order.methods[path], method)
			// An inline request body schema has its own properties.
			op := loaded.GetOperation(method)
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			content := child(child(item.Content[j+1], "requestBody"), "content")
			for k := 0; content != nil && k+1 < len(content.Content); k += 2 {
				media := op.RequestBody.Value.Content.Get(content.Content[k].Value)
				if media != nil && media.Schema != nil && media.Schema.Ref == "" && media.Schema.Value != nil {
					order.addProperties(media.Schema.Value, child(content.Content[k+1], "schema"))
				}
			}
		}
	}
	return order
}

// addProperties records the order of a schema's properties, and of the
// inline object schemas among them.
func (o declarationOrder) addProperties(schema *openapi3.Schema, node *yaml.Node) {
	props := child(node, "properties")
	if props == nil {
		return
	}
	var names []string
	for i := 0; i+1 < len(props.Content); i += 2 {
		name := props.Content[i].Value
		names = append(names, name)
		if ref := schema.Properties[name]; ref != nil && ref.Ref == "" && ref.Value != nil {
			o.addProperties(ref.Value, props.Content[i+1])
		}
	}
	o.properties[schema] = names
	if len(schema.Properties) > 0 {
		o.byProperties[reflect.ValueOf(schema.Properties).Pointer()] = names
	}
}

// child is the value of key in a YAML mapping, or nil.
func child(node *yaml.Node, key string) *yaml.Node {
	if node == nil || node.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			return node.Content[i+1]
		}
	}
	return nil
}

// PropertyOrder lists an object schema's properties in the order the
// document declares them; properties it could not place come last, sorted.
func (s *Spec) PropertyOrder(schema *openapi3.Schema) []string {
	declared, ok := s.order.properties[schema]
	if !ok && len(schema.Properties) > 0 {
		declared = s.order.byProperties[reflect.ValueOf(schema.Properties).Pointer()]
	}
	if len(declared) == len(schema.Properties) {
		return declared
	}
	seen := map[string]bool{}
	out := append([]string(nil), declared...)
	for _, name := range declared {
		seen[name] = true
	}
	var rest []string
	for name := range schema.Properties {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// FirstMethod is the method of the first operation the document declares
// for the path of a route: Starlette answers a 405 from that route, so its
// Allow names that method alone (starlette/routing.py: Router.app keeps the
// first partial match; Route.handle sets Allow from its methods).
func (s *Spec) FirstMethod(pathTemplate string) string {
	if methods := s.order.methods[pathTemplate]; len(methods) > 0 {
		return methods[0]
	}
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if item := s.Doc.Paths.Value(pathTemplate); item != nil && item.GetOperation(m) != nil {
			return m
		}
	}
	return ""
}
