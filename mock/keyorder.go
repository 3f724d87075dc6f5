package mock

// A success's keys in the order its response model declares them: FastAPI
// serializes a response through the route's response_model (pydantic
// writes a model's fields in declaration order), so the create and the
// delete answer in OrganizationMember's order, the update and the list in
// OrganizationMemberResponse's. The mock renders rows in the order of
// their own shape (the member's is OrganizationMemberResponse), and
// examples as decoded maps: a success whose schema is not a row's is put
// in the order of the spec's declaration here, once it is checked.

import (
	"encoding/json"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// inDeclaredOrder rewrites a success's JSON body with each object's keys
// in its schema's declared order; keys the schema does not declare keep
// their place after those it does.
func (s *Server) inDeclaredOrder(x *exchange, resp *response) *response {
	if x.route == nil || resp.keysAsWritten || resp.Status < 200 || resp.Status > 299 || len(resp.Body) == 0 ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		return resp
	}
	schema := successSchema(x.route.Operation, resp.Status)
	if schema == nil || s.renderedInOrder(schema) {
		return resp
	}
	ordered, ok := reorderJSON(resp.Body, schema, s.spec.PropertyOrder, 0)
	if !ok {
		return resp
	}
	out := *resp
	out.Body = ordered
	return &out
}

// successSchema is the JSON schema an operation documents for a status.
func successSchema(op *openapi3.Operation, status int) *openapi3.Schema {
	if op == nil || op.Responses == nil {
		return nil
	}
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return nil
	}
	for mediaType, media := range ref.Value.Content {
		if (mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")) && media.Schema != nil {
			return media.Schema.Value
		}
	}
	return nil
}

// renderedInOrder: the body of this schema is rows of a shape made from
// it, written in its order already (the list, the update, a resource's
// item), with no nested object a row writes through encoding/json.
func (s *Server) renderedInOrder(schema *openapi3.Schema) bool {
	schema = objectOrArray(schema)
	if schema != nil && schema.Items != nil {
		schema = objectOrArray(schema.Items.Value)
	}
	if schema == nil {
		return true
	}
	if sh := s.shapeOf(schema); sh != nil {
		return s.rowsInOrder(sh)
	}
	return len(schema.Properties) == 0 && schema.Items == nil
}

// rowsInOrder: no property of a row of this shape, nor of the user row
// it joins (a listed member's user), is an object or array that the row
// writes through encoding/json, whose maps sort their keys.
func (s *Server) rowsInOrder(sh *shape) bool {
	for i, prop := range sh.props {
		if i == sh.join {
			if user := s.vocab.user; user != nil && user != sh && !s.rowsInOrder(user) {
				return false
			}
			continue
		}
		if prop == nil {
			continue
		}
		if v := objectOrArray(prop.Value); v != nil && (len(v.Properties) > 0 || v.Items != nil) {
			return false
		}
	}
	return true
}

// objectOrArray is the schema a value takes when it is not null: the
// schema itself, or the branch of an allOf of one, or of an anyOf or oneOf
// that carries properties or items (FastAPI's Optional is anyOf with
// null).
func objectOrArray(schema *openapi3.Schema) *openapi3.Schema {
	for depth := 0; schema != nil && depth < 8; depth++ {
		if len(schema.Properties) > 0 || schema.Items != nil {
			return schema
		}
		var next *openapi3.Schema
		branches := append(append(append(openapi3.SchemaRefs{}, schema.AllOf...), schema.AnyOf...), schema.OneOf...)
		for _, b := range branches {
			if b != nil && b.Value != nil && (len(b.Value.Properties) > 0 || b.Value.Items != nil || len(b.Value.AnyOf)+len(b.Value.OneOf)+len(b.Value.AllOf) > 0) {
				next = b.Value
				break
			}
		}
		schema = next
	}
	return schema
}

// shapeOf is the shape of the rows made from schema, or nil.
func (s *Server) shapeOf(schema *openapi3.Schema) *shape {
	for _, sh := range [...]*shape{s.vocab.member, s.vocab.user} {
		if sh != nil && sh.schema == schema {
			return sh
		}
	}
	for _, r := range s.resources {
		if r.shape != nil && r.shape.schema == schema {
			return r.shape
		}
	}
	return nil
}

// maxOrderDepth bounds the walk over a body nested deeper than any schema.
const maxOrderDepth = 64

// reorderJSON writes the JSON value b with object keys in declared order;
// false when b is not the JSON the mock writes (then it is sent as it is).
func reorderJSON(b []byte, schema *openapi3.Schema, order func(*openapi3.Schema) []string, depth int) ([]byte, bool) {
	schema = objectOrArray(schema)
	if schema == nil || depth > maxOrderDepth || len(b) == 0 {
		return b, true
	}
	switch b[0] {
	case '{':
		members, ok := objectMembers(b)
		if !ok {
			return nil, false
		}
		out := make([]byte, 0, len(b))
		out = append(out, '{')
		write := func(m jsonMember, prop *openapi3.SchemaRef) bool {
			value := m.value
			if prop != nil && prop.Value != nil {
				var ok bool
				if value, ok = reorderJSON(value, prop.Value, order, depth+1); !ok {
					return false
				}
			}
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(append(append(out, m.key...), ':'), value...)
			return true
		}
		done := make([]bool, len(members))
		for _, name := range order(schema) {
			for i, m := range members {
				if !done[i] && m.name == name {
					done[i] = true
					if !write(m, schema.Properties[name]) {
						return nil, false
					}
				}
			}
		}
		for i, m := range members {
			if !done[i] && !write(m, nil) {
				return nil, false
			}
		}
		return append(out, '}'), true
	case '[':
		if schema.Items == nil || schema.Items.Value == nil {
			return b, true
		}
		items, ok := arrayItems(b)
		if !ok {
			return nil, false
		}
		out := make([]byte, 0, len(b))
		out = append(out, '[')
		for i, item := range items {
			ordered, ok := reorderJSON(item, schema.Items.Value, order, depth+1)
			if !ok {
				return nil, false
			}
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, ordered...)
		}
		return append(out, ']'), true
	}
	return b, true
}

// jsonMember is one key and value of an object, both as written.
type jsonMember struct {
	key   []byte // quoted, as written
	name  string // decoded
	value []byte
}

// objectMembers splits a compact JSON object (no whitespace between
// tokens, as the mock writes) into its members.
func objectMembers(b []byte) ([]jsonMember, bool) {
	var out []jsonMember
	i := 1
	if i < len(b) && b[i] == '}' {
		return nil, i+1 == len(b)
	}
	for i < len(b) {
		keyEnd, ok := valueEnd(b, i)
		if !ok || b[i] != '"' || keyEnd >= len(b) || b[keyEnd] != ':' {
			return nil, false
		}
		name, ok := unquote(b[i:keyEnd])
		if !ok {
			return nil, false
		}
		end, ok := valueEnd(b, keyEnd+1)
		if !ok || end >= len(b) {
			return nil, false
		}
		out = append(out, jsonMember{key: b[i:keyEnd], name: name, value: b[keyEnd+1 : end]})
		switch b[end] {
		case ',':
			i = end + 1
		case '}':
			return out, end+1 == len(b)
		default:
			return nil, false
		}
	}
	return nil, false
}

// arrayItems splits a compact JSON array into its items.
func arrayItems(b []byte) ([][]byte, bool) {
	var out [][]byte
	i := 1
	if i < len(b) && b[i] == ']' {
		return nil, i+1 == len(b)
	}
	for i < len(b) {
		end, ok := valueEnd(b, i)
		if !ok || end >= len(b) {
			return nil, false
		}
		out = append(out, b[i:end])
		switch b[end] {
		case ',':
			i = end + 1
		case ']':
			return out, end+1 == len(b)
		default:
			return nil, false
		}
	}
	return nil, false
}

// valueEnd is the index just past the JSON value that starts at i.
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1, true
			}
		}
		return 0, false
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := valueEnd(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	return j, j > i
}

// unquote decodes a JSON string as written.
func unquote(quoted []byte) (string, bool) {
	if !strings.ContainsRune(string(quoted), '\\') {
		return string(quoted[1 : len(quoted)-1]), true
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return "", false
	}
	return s, true
}
