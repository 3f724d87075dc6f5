package mock

import (
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// decodeBody reads the body of an operation that takes one, as FastAPI
// does before it looks at anything else of the request (fastapi/routing.py:
// get_request_handler): a JSON content type is decoded by Python's
// json.loads, a body that does not parse is a 422 json_invalid at
// ["body", POS] and one that cannot be decoded a 400; any other content
// type, or none (strict_content_type, FastAPI 0.132 and later), leaves the
// bytes as they are. Past maxBodyBytes it is a 413 (mock/policy.go).
func decodeBody(req *request) (stack.Body, *apiError) {
	if req.route.Operation.RequestBody == nil {
		return stack.Body{}, nil
	}
	switch {
	case req.bodyTooLarge:
		return stack.Body{}, errorf(http.StatusRequestEntityTooLarge, "Request body is larger than %d bytes", maxBodyBytes)
	case req.bodyErr != nil:
		return stack.Body{}, errorf(http.StatusBadRequest, detailBodyParseError)
	}
	body, invalid, err := stack.DecodeBody(req.header.Get("Content-Type"), req.rawBody)
	switch {
	case invalid != nil:
		return stack.Body{}, validationFailed(*invalid)
	case err != nil:
		return stack.Body{}, errorf(http.StatusBadRequest, detailBodyParseError)
	}
	return body, nil
}

// detailBodyParseError is FastAPI's 400 for a body json.loads cannot
// decode (fastapi/routing.py: get_request_handler).
const detailBodyParseError = "There was an error parsing the body"

// validationIssues translates kin-openapi's request errors into FastAPI's
// HTTPValidationError entries: the one place this is done.
func validationIssues(err error) []validationIssue {
	var out []validationIssue
	var walk func(error)
	walk = func(err error) {
		// A RequestError wraps the schema errors of one parameter or of the
		// body, so it is matched before unwrapping.
		if reqErr, ok := err.(*openapi3filter.RequestError); ok {
			loc := []any{"body"}
			if p := reqErr.Parameter; p != nil {
				loc = []any{p.In, p.Name}
			}
			out = append(out, issuesFrom(loc, reqErr.Err)...)
			return
		}
		if multi, ok := err.(openapi3.MultiError); ok {
			for _, e := range multi {
				walk(e)
			}
			return
		}
		out = append(out, validationIssue{Loc: []any{"body"}, Msg: err.Error(), Type: "value_error"})
	}
	walk(err)
	// FastAPI reports path, query, header, then body problems.
	rank := map[any]int{"path": 0, "query": 1, "header": 2, "body": 3}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Loc, out[j].Loc
		if rank[a[0]] != rank[b[0]] {
			return rank[a[0]] < rank[b[0]]
		}
		return fmt.Sprint(a[1:]) < fmt.Sprint(b[1:])
	})
	return out
}

func issuesFrom(loc []any, err error) []validationIssue {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []validationIssue
		for _, e := range multi {
			out = append(out, issuesFrom(loc, e)...)
		}
		return out
	}
	var schemaErr *openapi3.SchemaError
	var parseErr *openapi3filter.ParseError
	switch {
	case errors.Is(err, openapi3filter.ErrInvalidRequired):
		return []validationIssue{{Loc: loc, Msg: "Field required", Type: "missing"}}
	case errors.Is(err, openapi3filter.ErrInvalidEmptyValue):
		return []validationIssue{{Loc: loc, Msg: "Input should not be empty", Type: "value_error"}}
	case errors.As(err, &schemaErr):
		// A oneOf/anyOf/allOf error carries the sub-schema errors.
		var inner openapi3.MultiError
		if errors.As(schemaErr.Origin, &inner) {
			return issuesFrom(loc, inner)
		}
		full := append([]any(nil), loc...)
		for _, key := range schemaErr.JSONPointer() {
			full = append(full, key)
		}
		msg, typ := describeSchemaError(schemaErr)
		return []validationIssue{{Loc: full, Msg: msg, Type: typ}}
	case errors.As(err, &parseErr):
		return []validationIssue{{Loc: loc, Msg: "Input should be a valid integer, unable to parse string as an integer", Type: "int_parsing"}}
	case err == nil:
		return []validationIssue{{Loc: loc, Msg: "Invalid value", Type: "value_error"}}
	default:
		return []validationIssue{{Loc: loc, Msg: err.Error(), Type: "value_error"}}
	}
}

// describeSchemaError words a schema violation as pydantic does.
func describeSchemaError(e *openapi3.SchemaError) (msg, typ string) {
	s := e.Schema
	switch e.SchemaField {
	case "required":
		return "Field required", "missing"
	case "enum":
		quoted := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			quoted[i] = fmt.Sprintf("'%v'", v)
		}
		return "Input should be " + stack.JoinOr(quoted), "enum"
	case "minimum":
		return fmt.Sprintf("Input should be greater than or equal to %v", *s.Min), "greater_than_equal"
	case "maximum":
		return fmt.Sprintf("Input should be less than or equal to %v", *s.Max), "less_than_equal"
	case "minLength":
		return fmt.Sprintf("String should have at least %d character(s)", s.MinLength), "string_too_short"
	case "maxLength":
		return fmt.Sprintf("String should have at most %d character(s)", *s.MaxLength), "string_too_long"
	case "format":
		if s.Format == "uuid" {
			return "Input should be a valid UUID", "uuid_parsing"
		}
		return fmt.Sprintf("Input should be a valid %s", s.Format), s.Format + "_parsing"
	case "nullable":
		return "Input should not be null", "none_forbidden"
	case "type":
		switch {
		case s.Type.Is("integer"):
			return "Input should be a valid integer", "int_type"
		case s.Type.Is("string"):
			return "Input should be a valid string", "string_type"
		case s.Type.Is("object"):
			return "Input should be a valid dictionary or object", "model_attributes_type"
		case s.Type.Is("boolean"):
			return "Input should be a valid boolean", "bool_type"
		}
	}
	return e.Reason, "value_error"
}
