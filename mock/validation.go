package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// readBody reads a request body up to the limit: 413 past it, and 422 at
// ["body"] when it is not JSON, empty, or does not parse. kin-openapi sees
// only a body that passed these checks.
func readBody(r *http.Request, route *routers.Route) ([]byte, *apiError) {
	if route.Operation.RequestBody == nil {
		return nil, nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, errorf(http.StatusRequestEntityTooLarge, "Request body is larger than %d bytes", maxBodyBytes)
	case err != nil:
		return nil, validationFailed(validationIssue{Loc: []any{"body"}, Msg: "Request body could not be read", Type: "json_invalid"})
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, validationFailed(validationIssue{Loc: []any{"body"}, Msg: "Field required", Type: "missing"})
	case !isJSON:
		// FastAPI does not parse a body it was not told is JSON; the model
		// then sees no valid object.
		return nil, validationFailed(validationIssue{Loc: []any{"body"},
			Msg: fmt.Sprintf("Input should be a JSON object; Content-Type %q is not application/json", r.Header.Get("Content-Type")), Type: "model_attributes_type"})
	case !json.Valid(data):
		return nil, validationFailed(validationIssue{Loc: []any{"body"}, Msg: "JSON decode error", Type: "json_invalid"})
	case jsonDepth(data) > maxJSONDepth:
		// Schema validation of deep nesting costs time quadratic in the
		// depth (seconds for 20 KB); the API's bodies are flat objects.
		return nil, validationFailed(validationIssue{Loc: []any{"body"},
			Msg: fmt.Sprintf("JSON decode error: nested deeper than %d levels", maxJSONDepth), Type: "json_invalid"})
	}
	// kin-openapi matches the content type exactly; the body is JSON.
	r.Header.Set("Content-Type", "application/json")
	return data, nil
}

// jsonDepth is the deepest nesting of arrays and objects in valid JSON.
func jsonDepth(data []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// lastQueryValueWins rewrites the query so each parameter keeps only its
// last value, as FastAPI does for a scalar parameter.
func lastQueryValueWins(r *http.Request) {
	if !strings.Contains(r.URL.RawQuery, "&") {
		return // one parameter at most: nothing repeated
	}
	q := r.URL.Query()
	for k, v := range q {
		if len(v) > 1 {
			q[k] = v[len(v)-1:]
		}
	}
	r.URL.RawQuery = q.Encode()
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

// nullIssues finds nulls where the spec does not allow them. kin-openapi
// lets a null through a property that is only `allOf: [$ref]` (FastAPI's
// way of giving a referenced enum a default) and then writes the default
// over it; pydantic answers 422.
func nullIssues(loc []any, schema *openapi3.Schema, value any) []validationIssue {
	if schema == nil {
		return nil
	}
	switch v := value.(type) {
	case nil:
		if !allowsNull(schema) {
			return []validationIssue{{Loc: loc, Msg: "Input should not be null", Type: "none_forbidden"}}
		}
	case map[string]any:
		var out []validationIssue
		for _, name := range sortedKeys(v) {
			if prop := schema.Properties[name]; prop != nil {
				out = append(out, nullIssues(append(append([]any(nil), loc...), name), prop.Value, v[name])...)
			}
		}
		return out
	case []any:
		if schema.Items == nil {
			return nil
		}
		var out []validationIssue
		for i, item := range v {
			out = append(out, nullIssues(append(append([]any(nil), loc...), i), schema.Items.Value, item)...)
		}
		return out
	}
	return nil
}

func allowsNull(s *openapi3.Schema) bool {
	if s.Nullable {
		return true
	}
	for _, group := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf} {
		for _, branch := range group {
			if branch.Value != nil && allowsNull(branch.Value) {
				return true
			}
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
