package stack_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// pydanticRows is testdata/pydantic_rows.json: pydantic 2.13.4's own
// answers, written by testdata/pydantic_rows.py (which says how each was
// got), with the schema pydantic publishes for each annotation.
type pydanticRows struct {
	Pydantic string                     `json:"pydantic"`
	Schemas  map[string]json.RawMessage `json:"schemas"`
	Rows     []struct {
		Name   string          `json:"name"`
		Schema string          `json:"schema"`
		Query  json.RawMessage `json:"query"` // a str, or a list of str for a list parameter
		Body   *string         `json:"body"`
		Loc    []any           `json:"loc"`
		Want   json.RawMessage `json:"want"`  // the entries, or null: valid
		Canon  json.RawMessage `json:"canon"` // a valid value as pydantic serializes it, or null
		Cite   string          `json:"cite"`
	} `json:"rows"`
}

// TestValueAnswersAsPydantic: for every construct FastAPI publishes for a
// parameter or a body (floats, lists, sets, booleans, dates and times,
// strings, nested models, dicts, enums, literals, nullable), each value
// gets pydantic's entries exactly (type, loc with int indexes, msg,
// input, ctx), in pydantic's order, and a valid value none, with the
// value as the service would serialize it; no row falls back to
// kin-openapi.
func TestValueAnswersAsPydantic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "pydantic_rows.json"))
	require.NoError(t, err)
	var file pydanticRows
	require.NoError(t, json.Unmarshal(data, &file))
	require.Equal(t, "2.13.4", file.Pydantic)
	doc, err := json.Marshal(map[string]any{
		"openapi": "3.1.0", "info": map[string]any{"title": "rows", "version": "1"}, "paths": map[string]any{},
		"components": map[string]any{"schemas": file.Schemas},
	})
	require.NoError(t, err)
	sp, err := spec.Load(doc)
	require.NoError(t, err)
	require.NotEmpty(t, file.Rows)
	for _, row := range file.Rows {
		t.Run(row.Name, func(t *testing.T) {
			ref := sp.Doc.Components.Schemas[row.Schema]
			require.NotNil(t, ref)
			var value any
			if row.Body != nil {
				value, err = stack.LoadJSON([]byte(*row.Body))
				require.NoError(t, err)
			} else {
				var query any
				require.NoError(t, json.Unmarshal(row.Query, &query))
				value = query // a string, or []any of strings
			}
			canon, issues, ok := stack.Value(sp.PropertyOrder, row.Loc, ref, value)
			require.True(t, ok, "modelled: %s", row.Cite)
			if string(row.Want) == "null" {
				require.Empty(t, issues, row.Cite)
				if len(row.Canon) > 0 && string(row.Canon) != "null" {
					got, err := json.Marshal(canon)
					require.NoError(t, err)
					require.JSONEq(t, string(row.Canon), string(got), "the canonical value is pydantic's JSON of it")
				}
				return
			}
			got, err := json.Marshal(issues)
			require.NoError(t, err)
			require.JSONEq(t, string(row.Want), string(got), row.Cite)
		})
	}
}

// TestCtxKeepsPydanticsKeyOrder: FastAPI renders a ctx as pydantic-core
// builds it (src/errors/types.rs: TooLong { field_type, max_length,
// actual_length }), not sorted; pydantic 2.13.4:
// TypeAdapter(Annotated[list[int], Field(max_length=1)]).validate_python([1, 2])
// gives ctx {'field_type': 'List', 'max_length': 1, 'actual_length': 2}.
func TestCtxKeepsPydanticsKeyOrder(t *testing.T) {
	sp, err := spec.Load([]byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},
		"components":{"schemas":{"L":{"type":"array","items":{"type":"integer"},"maxItems":1}}}}`))
	require.NoError(t, err)
	value, err := stack.LoadJSON([]byte(`[1,2]`))
	require.NoError(t, err)
	_, issues, ok := stack.Value(sp.PropertyOrder, []any{"body", "x"}, sp.Doc.Components.Schemas["L"], value)
	require.True(t, ok)
	got, err := json.Marshal(issues)
	require.NoError(t, err)
	require.Equal(t, `[{"type":"too_long","loc":["body","x"],"msg":"List should have at most 1 item after validation, not 2","input":[1,2],"ctx":{"field_type":"List","max_length":1,"actual_length":2}}]`, string(got))
}

// FuzzValue: whatever the value, every schema of the rows is answered
// without a panic, modelled (but for the values a partly modelled format
// leaves to kin-openapi: partlyModelled), and with entries whose loc
// starts where the value was; a valid value's canonical form encodes as
// JSON.
func FuzzValue(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "pydantic_rows.json"))
	require.NoError(f, err)
	var file pydanticRows
	require.NoError(f, json.Unmarshal(data, &file))
	doc, err := json.Marshal(map[string]any{
		"openapi": "3.1.0", "info": map[string]any{"title": "rows", "version": "1"}, "paths": map[string]any{},
		"components": map[string]any{"schemas": file.Schemas},
	})
	require.NoError(f, err)
	sp, err := spec.Load(doc)
	require.NoError(f, err)
	// One pick per schema (a row's index would leave the rows past 255
	// out of reach of a uint8).
	var names []string
	index := map[string]int{}
	anyURL := -1
	for _, row := range file.Rows {
		if _, ok := index[row.Schema]; !ok {
			index[row.Schema] = len(names)
			names = append(names, row.Schema)
		}
		pick := uint8(index[row.Schema])
		if anyURL < 0 && strings.HasPrefix(row.Name, "AnyUrl,") {
			anyURL = index[row.Schema]
		}
		if row.Body != nil {
			f.Add(pick, *row.Body)
		} else if s, ok := unquote(row.Query); ok {
			f.Add(pick, s)
		}
	}
	require.LessOrEqual(f, len(names), 256, "every schema within a uint8's reach")
	require.GreaterOrEqual(f, anyURL, 0)
	f.Add(uint8(anyURL), `"mailto:a@b.co"`) // left to kin-openapi: partlyModelled
	f.Fuzz(func(t *testing.T, pick uint8, text string) {
		ref := sp.Doc.Components.Schemas[names[int(pick)%len(names)]]
		var value any = text // as a query value
		if decoded, err := stack.LoadJSON([]byte(text)); err == nil {
			value = decoded // and as a body
		}
		canon, issues, ok := stack.Value(sp.PropertyOrder, []any{"body"}, ref, value)
		require.True(t, ok || partlyModelled(ref), "%q", text)
		for _, is := range issues {
			require.Equal(t, "body", is.Loc[0])
			_, err := json.Marshal(is)
			require.NoError(t, err)
		}
		if len(issues) == 0 {
			_, err := json.Marshal(canon)
			require.NoError(t, err)
		}
	})
}

func unquote(raw json.RawMessage) (string, bool) {
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// partlyModelled tells whether a schema holds a construct the stack
// models for some values only, leaving the others to kin-openapi (see
// BEHAVIOUR.md): an email with a display name or non-ASCII, a URL of
// another scheme, a duration of an unseen form, an IP with a zone or a
// netmask, a Decimal of Unicode digits, a UUID1..8 sent as bytes.
func partlyModelled(ref *openapi3.SchemaRef) bool {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef) bool
	walk = func(ref *openapi3.SchemaRef) bool {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return false
		}
		s := ref.Value
		seen[s] = true
		switch s.Format {
		case "email", "uri", "duration", "ipv4", "ipv6", "ipvanyaddress", "ipvanyinterface", "ipvanynetwork",
			"ipv4interface", "ipv6interface", "ipv4network", "ipv6network":
			return true
		}
		if _, _, ok := spec.DecimalLimits(s); ok {
			return true
		}
		for _, group := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf, s.AllOf, s.PrefixItems} {
			for _, m := range group {
				if walk(m) {
					return true
				}
			}
		}
		for _, p := range s.Properties {
			if walk(p) {
				return true
			}
		}
		return walk(s.Items) || walk(s.AdditionalProperties.Schema)
	}
	return walk(ref)
}
