package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// inEnvelope puts a list page into the object the spec's list answers
// with (spec.MemberOperations.ListProperty: a page envelope such as
// {items, total, page, page_size}), as BEHAVIOUR.md#list says (*choice*:
// what a frontend paging through it expects). A value its property's
// schema refuses is generated instead.
func (s *Server) inEnvelope(x *exchange, page *response, total func() int) *response {
	envelope := s.members.ListEnvelope()
	query := x.query
	params := map[string]bool{}
	for _, group := range []openapi3.Parameters{x.route.PathItem.Parameters, x.route.Operation.Parameters} {
		for _, ref := range group {
			if ref.Value != nil && ref.Value.In == openapi3.ParameterInQuery {
				params[ref.Value.Name] = true
			}
		}
	}
	var counted string
	for _, name := range s.spec.PropertyOrder(envelope) {
		if name == s.members.ListProperty || params[name] {
			continue
		}
		if core := resolved(envelope.Properties[name]); core != nil && core.Type.Is(openapi3.TypeInteger) {
			if counted != "" {
				counted = ""
				break
			}
			counted = name
		}
	}
	options := s.check.views.options
	var body bytes.Buffer
	body.WriteByte('{')
	for i, name := range s.spec.PropertyOrder(envelope) {
		if i > 0 {
			body.WriteByte(',')
		}
		key, _ := json.Marshal(name) // a string
		body.Write(key)
		body.WriteByte(':')
		if name == s.members.ListProperty {
			body.Write(page.Body)
			continue
		}
		ref := envelope.Properties[name]
		var v any
		known := false
		switch {
		case params[name] && query.Has(name):
			v, known = queryValue(query.Get(name), resolved(ref)), true
		case params[name]:
			v, known = nil, true
		case name == counted:
			v, known = total(), true
		}
		if known && ref != nil && ref.Value != nil && ref.Value.VisitJSON(v, options...) != nil {
			known = false
		}
		if !known {
			v = s.generate(name, ref)
		}
		encoded, err := json.Marshal(v)
		if err != nil {
			return errorResponse(errorf(http.StatusInternalServerError, "encode the list's %s: %v", name, err))
		}
		body.Write(encoded)
	}
	body.WriteByte('}')
	return &response{Status: page.Status, Header: page.Header, Body: body.Bytes()}
}

// queryValue is a query parameter's text as its envelope property holds it.
func queryValue(text string, schema *openapi3.Schema) any {
	if schema == nil {
		return text
	}
	switch {
	case schema.Type.Is(openapi3.TypeInteger):
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n
		}
	case schema.Type.Is(openapi3.TypeNumber):
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
	case schema.Type.Is(openapi3.TypeBoolean):
		if b, err := strconv.ParseBool(text); err == nil {
			return b
		}
	}
	return fmt.Sprint(text)
}
