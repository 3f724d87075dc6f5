package contract

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// The wrong-type value gen sends for each kind is one pydantic 2 refuses
// in python lax mode, as FastAPI validates (fastapi/_compat/v2.py:
// ModelField.validate, validate_python(value, from_attributes=True)):
// pydantic 2.13.4 takes 42 for a datetime (unix time) and a time
// (seconds), and 0 for a date, but refuses a boolean; it takes True for an
// int and a float, so those get a string. Each row is that refusal's type
// (TypeAdapter(T).validate_python(value, from_attributes=True)), and the
// stack emulation agrees.
func TestWrongTypeIsRefusedByPydantic(t *testing.T) {
	tests := []struct {
		schema string
		typ    string // pydantic 2.13.4's error type for gen's value
	}{
		{`{"type": "string"}`, "string_type"},
		{`{"type": "string", "format": "uuid"}`, "uuid_type"},
		{`{"type": "string", "format": "date"}`, "date_type"},
		{`{"type": "string", "format": "date-time"}`, "datetime_type"},
		{`{"type": "string", "format": "time"}`, "time_type"},
		{`{"type": "string", "pattern": "^[a-z]+$"}`, "string_type"},
		{`{"type": "integer"}`, "int_parsing"},
		{`{"type": "number"}`, "float_parsing"},
		{`{"type": "boolean"}`, "bool_parsing"},
		{`{"type": "object", "properties": {"a": {"type": "string"}}}`, "model_attributes_type"},
		{`{"type": "object", "additionalProperties": {"type": "integer"}}`, "dict_type"},
		{`{"type": "array", "items": {"type": "string"}}`, "list_type"},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			var s openapi3.Schema
			require.NoError(t, json.Unmarshal([]byte(tt.schema), &s))
			value, note := wrongType(flatten(&s))
			require.NotEmpty(t, note)
			_, issues, ok := stack.Value(func(s *openapi3.Schema) []string { return nil }, []any{"body", "x"}, &openapi3.SchemaRef{Value: &s}, value)
			require.True(t, ok)
			require.Len(t, issues, 1)
			require.Equal(t, tt.typ, issues[0].Type)
		})
	}
}

// Every value gen builds as valid is valid for its schema, whatever the
// schema says: formats, patterns, exclusive bounds as written (3.0's
// boolean and 3.1's number), a step, array bounds with unique items,
// nested objects with their required properties.
func TestValidValuesPassTheStack(t *testing.T) {
	schemas := []string{
		`{"type": "string", "format": "date"}`,
		`{"type": "string", "format": "date-time"}`,
		`{"type": "string", "format": "time"}`,
		`{"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}`,
		`{"type": "string", "pattern": "^[a-z]+$", "minLength": 5, "maxLength": 6}`,
		`{"type": "string", "minLength": 3, "maxLength": 3}`,
		`{"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7}`,
		`{"type": "integer", "maximum": -5}`,
		`{"type": "integer", "exclusiveMinimum": 4}`,
		`{"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1}`,
		`{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5}`,
		`{"type": "number", "exclusiveMaximum": 0}`,
		`{"type": "number", "minimum": 0.1, "multipleOf": 0.25}`,
		`{"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": "string"}}`,
		`{"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "integer", "minimum": 1}}`,
		`{"type": "array", "minItems": 2, "items": {"type": "string", "enum": ["a", "b"]}}`,
		`{"type": "object", "required": ["seat"], "properties": {"seat": {"type": "object", "required": ["row", "col"], "properties": {"row": {"type": "integer", "minimum": 1}, "col": {"type": "string", "pattern": "^[A-H]$"}}}}}`,
		`{"type": "object", "required": ["tags"], "properties": {"tags": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["k"], "properties": {"k": {"type": "string", "minLength": 2}}}}}}`,
	}
	op := &genOp{}
	for _, raw := range schemas {
		t.Run(raw, func(t *testing.T) {
			var s openapi3.Schema
			require.NoError(t, json.Unmarshal([]byte(raw), &s))
			value := op.validValue("x", flatten(&s), false)
			data, err := json.Marshal(value)
			require.NoError(t, err)
			decoded, err := stack.LoadJSON(data)
			require.NoError(t, err)
			_, issues, ok := stack.Value(func(s *openapi3.Schema) []string { return nil }, []any{"body", "x"}, &openapi3.SchemaRef{Value: &s}, decoded)
			require.True(t, ok)
			require.Empty(t, issues, "%s: %v", data, issues)
		})
	}
}
