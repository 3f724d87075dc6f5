package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// decodeBody reads the body of an operation that takes one, as FastAPI
// does before it looks at anything else of the request (fastapi/routing.py:
// get_request_handler): a JSON content type is decoded by Python's
// json.loads, a body that does not parse is a 422 json_invalid at
// ["body", POS] and one that cannot be decoded a 400; any other content
// type, or none (strict_content_type, FastAPI 0.132 and later), leaves the
// bytes as they are. Past maxBodyBytes it is a 413 (mock/policy.go).
func decodeBody(r *http.Request, route *routers.Route) (requestBody, *apiError) {
	if route.Operation.RequestBody == nil {
		return requestBody{}, nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return requestBody{}, errorf(http.StatusRequestEntityTooLarge, "Request body is larger than %d bytes", maxBodyBytes)
	case err != nil:
		return requestBody{}, errorf(http.StatusBadRequest, detailBodyParseError)
	}
	if len(data) == 0 {
		return requestBody{}, nil
	}
	body := requestBody{sent: true, raw: data}
	if !isJSONContentType(r.Header.Get("Content-Type")) {
		return body, nil
	}
	value, err := pyJSONLoads(data)
	var decodeErr *pyJSONError
	switch {
	case errors.As(err, &decodeErr):
		return requestBody{}, validationFailed(validationIssue{Type: "json_invalid", Loc: []any{"body", decodeErr.pos},
			Msg: "JSON decode error", Input: json.RawMessage("{}"), Ctx: map[string]any{"error": decodeErr.msg}})
	case err != nil:
		return requestBody{}, errorf(http.StatusBadRequest, detailBodyParseError)
	}
	body.json, body.value = true, value
	return body, nil
}

// detailBodyParseError is FastAPI's 400 for a body json.loads cannot
// decode (fastapi/routing.py: get_request_handler).
const detailBodyParseError = "There was an error parsing the body"

// isJSONContentType reads the header as Python's email.message does
// (get_content_maintype, get_content_subtype): application/json or any
// application/*+json, parameters ignored.
func isJSONContentType(value string) bool {
	if value == "" {
		return false
	}
	mediaType, _, _ := strings.Cut(value, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if strings.Count(mediaType, "/") != 1 {
		return false // email.message reads it as text/plain
	}
	main, sub, _ := strings.Cut(mediaType, "/")
	return main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// pyQuery parses a query string as Starlette does (urllib.parse.parse_qsl
// with keep_blank_values): split on '&' only, '+' is a space, a bad
// percent escape is kept as written; the last of a repeated name wins.
func pyQuery(raw string) map[string]string {
	out := map[string]string{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		out[pyUnquotePlus(name)] = pyUnquotePlus(value)
	}
	return out
}

// pyUnquotePlus is urllib.parse.unquote_plus with errors='replace'.
func pyUnquotePlus(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1:i+3]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

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
		return "Input should be " + joinOr(quoted), "enum"
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

func joinOr(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
