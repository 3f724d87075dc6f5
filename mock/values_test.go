package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// schemaDocument is a document of the given OpenAPI version that holds the
// schemas (JSON text, by name) as components and nothing else.
func schemaDocument(t testing.TB, version string, schemas map[string]string) *spec.Spec {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "openapi: %s\ninfo: {title: values, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n", version)
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		fmt.Fprintf(&b, "    %s: %s\n", name, schemas[name])
	}
	sp, err := spec.Load([]byte(b.String()))
	require.NoError(t, err, "%s", b.String())
	return sp
}

// requireValid checks a generated value against a component schema of the
// document as the mock's response check does (the document's formats,
// as a response), and the string formats as their definitions say
// (formatHolds), which kin-openapi checks only for uuid, date and
// date-time.
func requireValid(t testing.TB, sp *spec.Spec, ref *openapi3.SchemaRef, v any, what string) {
	t.Helper()
	doc := jsonValue(v)
	opts := append(sp.SchemaOptions(), openapi3.VisitAsResponse(), openapi3.MultiErrors())
	require.NoError(t, ref.Value.VisitJSON(doc, opts...), "%s: %s", what, asText(doc))
	requireFormatsHold(t, ref, doc, what)
}

func asText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// requireFormatsHold walks the value with its schema and checks each
// string of a schema with a format against the format's definition.
func requireFormatsHold(t testing.TB, ref *openapi3.SchemaRef, v any, what string) {
	t.Helper()
	s, _ := spec.Underlying(ref)
	if s == nil || v == nil {
		return
	}
	switch v := v.(type) {
	case string:
		if s.Format != "" {
			require.True(t, spec.FormatHolds(s.Format, v), "%s: %q is no %s", what, v, s.Format)
		}
	case []any:
		for i, item := range v {
			if i < len(s.PrefixItems) {
				requireFormatsHold(t, s.PrefixItems[i], item, what)
			} else {
				requireFormatsHold(t, s.Items, item, what)
			}
		}
	case map[string]any:
		for name, item := range v {
			if p := s.Properties[name]; p != nil {
				requireFormatsHold(t, p, item, what+"."+name)
			} else if s.AdditionalProperties.Schema != nil {
				requireFormatsHold(t, s.AdditionalProperties.Schema, item, what+"."+name)
			}
		}
	}
}

// valueRows are schemas of every kind the generator meets, each written
// for OpenAPI 3.0 and for 3.1 ("" where the 3.0 text is the same in 3.1,
// "-" where the form has no counterpart).
var valueRows = []struct {
	name     string
	v30, v31 string
}{
	{"pattern_code", `{type: string, pattern: '^[A-Z]{3}-[0-9]{4}$'}`, ""},
	{"pattern_digits_optional", `{type: string, pattern: '^\d{5}(-\d{4})?$'}`, ""},
	{"pattern_alternation", `{type: string, pattern: '^(red|green|blue)-[a-f0-9]{6}$'}`, ""},
	{"pattern_unanchored", `{type: string, pattern: '[a-z]+'}`, ""},
	{"pattern_negated_class", `{type: string, pattern: '^[^@\s]+$'}`, ""},
	{"pattern_word_lengths", `{type: string, pattern: '^\w+$', minLength: 20, maxLength: 24}`, ""},
	{"pattern_unicode_class", `{type: string, pattern: '^\p{Lu}\p{Ll}+$'}`, ""},
	{"pattern_codepoint", `{type: string, pattern: '^\u00C9[a-z]{2}$'}`, ""},
	{"pattern_case_insensitive", `{type: string, pattern: '(?i)^abc[xyz]?$'}`, ""},
	{"pattern_any_char", `{type: string, pattern: '^.{3,6}$'}`, ""},
	{"pattern_phone", `{type: string, pattern: '^\+[1-9]\d{6,14}$'}`, ""},
	{"pattern_boundary", `{type: string, pattern: '\bok\b'}`, ""},
	{"pattern_with_format", `{type: string, format: email, pattern: '@example\.org$'}`, ""},
	{"pattern_untyped", `{pattern: '^[0-9]{2}$'}`, ""},
	{"string_lengths", `{type: string, minLength: 40, maxLength: 45}`, ""},
	{"string_exact_length", `{type: string, minLength: 7, maxLength: 7}`, ""},
	{"string_short_name", `{type: string, maxLength: 2}`, ""},
	{"email_short", `{type: string, format: email, maxLength: 20}`, ""},
	{"email_long", `{type: string, format: email, minLength: 60}`, ""},
	{"picture_short", `{type: string, format: uri, maxLength: 30}`, ""},
	{"format_date", `{type: string, format: date}`, ""},
	{"format_date_time", `{type: string, format: date-time}`, ""},
	{"format_time", `{type: string, format: time}`, ""},
	{"format_duration", `{type: string, format: duration}`, ""},
	{"format_json_pointer", `{type: string, format: json-pointer}`, ""},
	{"format_relative_json_pointer", `{type: string, format: relative-json-pointer}`, ""},
	{"format_uri_template", `{type: string, format: uri-template}`, ""},
	// pydantic's formats (spec.stringFormats), printed by pydantic 2.13.4's
	// TypeAdapter(UUID4, Path, IPvAnyNetwork, Color, PostgresDsn, ...).json_schema().
	{"pydantic_uuid1", `{type: string, format: uuid1}`, ""},
	{"pydantic_uuid3", `{type: string, format: uuid3}`, ""},
	{"pydantic_uuid4", `{type: string, format: uuid4}`, ""},
	{"pydantic_uuid5", `{type: string, format: uuid5}`, ""},
	{"pydantic_uuid6", `{type: string, format: uuid6}`, ""},
	{"pydantic_uuid7", `{type: string, format: uuid7}`, ""},
	{"pydantic_uuid8", `{type: string, format: uuid8}`, ""},
	{"pydantic_path", `{type: string, format: path}`, ""},
	{"pydantic_file_path", `{type: string, format: file-path}`, ""},
	{"pydantic_directory_path", `{type: string, format: directory-path}`, ""},
	{"pydantic_ipvanyaddress", `{type: string, format: ipvanyaddress}`, ""},
	{"pydantic_ipv4interface", `{type: string, format: ipv4interface}`, ""},
	{"pydantic_ipv6interface", `{type: string, format: ipv6interface}`, ""},
	{"pydantic_ipvanyinterface", `{type: string, format: ipvanyinterface}`, ""},
	{"pydantic_ipv4network", `{type: string, format: ipv4network}`, ""},
	{"pydantic_ipv6network", `{type: string, format: ipv6network}`, ""},
	{"pydantic_ipvanynetwork", `{type: string, format: ipvanynetwork}`, ""},
	{"pydantic_color", `{type: string, format: color}`, ""},
	{"pydantic_multi_host_uri", `{type: string, format: multi-host-uri}`, ""},
	{"pydantic_name_email", `{type: string, format: name-email}`, ""},
	{"pydantic_base64", `{type: string, format: base64}`, ""},
	{"pydantic_base64url", `{type: string, format: base64url}`, ""},
	{"pydantic_binary", `{type: string, format: binary}`, ""},
	{"pydantic_password", `{type: string, format: password}`, ""},
	{"pydantic_json_string", `{type: string, format: json-string}`, ""},
	{"pydantic_payment_card_number", `{type: string, format: payment-card-number}`, ""},
	{"pydantic_uuid4_short", `{type: string, format: uuid4, maxLength: 36}`, ""},
	// Decimal, as pydantic 2.13.4 publishes it (plain; max_digits=5,
	// decimal_places=2, ge=0; the output schema's string alone).
	{"pydantic_decimal", `{anyOf: [{type: number}, {type: string, pattern: '^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$'}]}`, ""},
	{"pydantic_decimal_limits", `{anyOf: [{type: number, minimum: 0}, {type: string, pattern: '^(?!^[-+.]*$)[+-]?0*(?:\d{0,3}|(?=[\d.]{1,6}0*$)\d{0,3}\.\d{0,2}0*$)'}]}`, ""},
	{"pydantic_decimal_output", `{type: string, pattern: '^(?!^[-+.]*$)[+-]?0*\d*\.?\d{0,2}0*$'}`, ""},
	{"format_regex", `{type: string, format: regex}`, ""},
	{"email_tiny", `{type: string, format: email, maxLength: 9}`, ""},
	{"uri_tiny", `{type: string, format: uri, maxLength: 17}`, ""},
	{"format_email", `{type: string, format: email}`, ""},
	{"format_uri", `{type: string, format: uri}`, ""},
	{"format_uri_reference", `{type: string, format: uri-reference}`, ""},
	{"format_uuid", `{type: string, format: uuid}`, ""},
	{"format_ipv4", `{type: string, format: ipv4}`, ""},
	{"format_ipv6", `{type: string, format: ipv6}`, ""},
	{"format_hostname", `{type: string, format: hostname}`, ""},
	{"format_byte", `{type: string, format: byte, maxLength: 16}`, ""},
	{"format_binary", `{type: string, format: binary}`, ""},
	{"format_password", `{type: string, format: password, minLength: 12}`, ""},
	{"integer_bounds", `{type: integer, minimum: -3, maximum: 3}`, ""},
	{"integer_exclusive", `{type: integer, minimum: 0, maximum: 2, exclusiveMinimum: true, exclusiveMaximum: true}`,
		`{type: integer, exclusiveMinimum: 0, exclusiveMaximum: 2}`},
	{"integer_min_only", `{type: integer, minimum: 5000}`, ""},
	{"integer_max_only", `{type: integer, maximum: -5000}`, ""},
	{"integer_multiple", `{type: integer, minimum: 1, maximum: 100, multipleOf: 7}`, ""},
	{"integer_multiple_fraction", `{type: integer, multipleOf: 0.5, maximum: 10}`, ""},
	{"integer_int32", `{type: integer, format: int32, minimum: -9e12}`, ""},
	{"number_unit", `{type: number, minimum: 0, maximum: 1}`, ""},
	{"number_exclusive", `{type: number, minimum: 0, maximum: 0.001, exclusiveMinimum: true, exclusiveMaximum: true}`,
		`{type: number, exclusiveMinimum: 0, exclusiveMaximum: 0.001}`},
	{"number_point", `{type: number, minimum: 2.5, maximum: 2.5}`, ""},
	{"number_multiple", `{type: number, minimum: 0, maximum: 1, multipleOf: 0.1}`, ""},
	{"number_multiple_exclusive", `{type: number, minimum: 0, maximum: 0.5, multipleOf: 0.25, exclusiveMinimum: true, exclusiveMaximum: true}`,
		`{type: number, exclusiveMinimum: 0, exclusiveMaximum: 0.5, multipleOf: 0.25}`},
	{"number_negative", `{type: number, maximum: -1000.5}`, ""},
	{"boolean_default", `{type: boolean, default: true}`, ""},
	{"enum_strings", `{type: string, enum: [bronze, silver, gold]}`, ""},
	{"enum_integers", `{type: integer, enum: [1, 2, 3]}`, ""},
	{"const_string", "-", `{const: fixed}`},
	{"const_typed", "-", `{type: integer, const: 42}`},
	{"array_bounds", `{type: array, items: {type: string, pattern: '^[a-z]{2}$'}, minItems: 4, maxItems: 6}`, ""},
	{"array_unique", `{type: array, items: {type: integer, minimum: 1, maximum: 5}, minItems: 5, maxItems: 5, uniqueItems: true}`, ""},
	{"array_unique_enum", `{type: array, items: {type: string, enum: [a, b, c]}, minItems: 3, uniqueItems: true}`, ""},
	{"array_of_objects", `{type: array, items: {type: object, required: [code], properties: {code: {type: string, pattern: '^X\d$'}, weight: {type: number, exclusiveMinimum: true, minimum: 0}}}}`,
		`{type: array, items: {type: object, required: [code], properties: {code: {type: string, pattern: '^X\d$'}, weight: {type: number, exclusiveMinimum: 0}}}}`},
	{"array_of_arrays", `{type: array, items: {type: array, items: {type: number, multipleOf: 0.5}, maxItems: 2}, minItems: 1}`, ""},
	{"array_empty", `{type: array, items: {type: string}, maxItems: 0}`, ""},
	{"array_untyped_items", "-", `{type: array, minItems: 2}`},
	{"tuple", "-", `{type: array, prefixItems: [{type: integer, minimum: 1, maximum: 9}, {type: string, format: date}], minItems: 2, maxItems: 2}`},
	{"tuple_then_items", "-", `{type: array, prefixItems: [{type: boolean}], items: {type: string, pattern: '^t\d$'}, minItems: 3}`},
	{"object_min_properties", `{type: object, minProperties: 3, properties: {a: {type: string}}}`, ""},
	{"object_nested", `{type: object, required: [street, geo], properties: {street: {type: string, maxLength: 5}, geo: {type: object, required: [lat, lon], properties: {lat: {type: number, minimum: -90, maximum: 90}, lon: {type: number, minimum: -180, maximum: 180}}}}}`, ""},
	{"object_closed", `{type: object, additionalProperties: false, required: [a], properties: {a: {type: integer, minimum: 1}, b: {type: boolean}}}`, ""},
	{"object_max_properties", `{type: object, maxProperties: 1, required: [a], properties: {a: {type: string}, b: {type: string}, c: {type: string}}}`, ""},
	{"dict_of_integers", `{type: object, additionalProperties: {type: integer, minimum: 10, maximum: 20}}`, ""},
	{"dict_required_key", `{type: object, required: [main], additionalProperties: {type: string, format: ipv4}}`, ""},
	{"nullable_pattern", `{type: string, nullable: true, pattern: '^N-\d+$'}`, `{anyOf: [{type: string, pattern: '^N-\d+$'}, {type: 'null'}]}`},
	{"nullable_type_array", "-", `{type: [integer, 'null'], minimum: 10, maximum: 12}`},
	{"nullable_object", `{type: object, nullable: true, required: [n], properties: {n: {type: integer, multipleOf: 3}}}`,
		`{anyOf: [{type: object, required: [n], properties: {n: {type: integer, multipleOf: 3}}}, {type: 'null'}]}`},
	{"any_of_types", `{anyOf: [{type: string, pattern: '^s-[a-z]{3}$'}, {type: integer, minimum: 100, maximum: 200}]}`, ""},
	{"one_of_types", `{oneOf: [{type: string, format: date}, {type: number, minimum: 0, maximum: 1}]}`, ""},
	{"one_of_overlapping", `{oneOf: [{type: integer, minimum: 0, maximum: 10}, {type: integer, minimum: 5, maximum: 20}]}`, ""},
	{"nested_unions", `{anyOf: [{oneOf: [{type: string, enum: [low, high]}, {type: integer, minimum: 1, maximum: 3}]}, {type: boolean}]}`, ""},
	{"all_of_with_union", `{allOf: [{type: object, required: [id], properties: {id: {type: integer, minimum: 1}}}], anyOf: [{required: [a], properties: {a: {type: string}}}, {required: [b], properties: {b: {type: integer}}}]}`, ""},
	{"one_of_nullable", "-", `{oneOf: [{type: string, maxLength: 3}, {type: integer, exclusiveMaximum: 0}, {type: 'null'}]}`},
	{"all_of_merge", `{allOf: [{type: object, required: [a], properties: {a: {type: string, pattern: '^a+$'}}}, {type: object, required: [b], properties: {b: {type: integer, minimum: 3, maximum: 3}}}]}`, ""},
	{"all_of_bounds", `{allOf: [{type: integer, minimum: 10}, {type: integer, maximum: 12}]}`, ""},
	{"not_a_value", `{type: string, enum: [x, y, z], not: {enum: [x]}}`, ""},
	{"multi_type", "-", `{type: [integer, string], minimum: 1, maximum: 1, pattern: '^t$'}`},
	{"write_only_inside", `{type: object, required: [visible], properties: {visible: {type: string}, secret: {type: string, writeOnly: true}}}`, ""},
	{"empty_schema", `{}`, ""},
}

// TestGeneratedValuesMeetTheirSchema generates a value for each schema of
// valueRows, in 3.0 and 3.1, with 150 seeds each, as an optional property
// (null where allowed), and checks it as the mock's response check does,
// formats as their definitions say.
func TestGeneratedValuesMeetTheirSchema(t *testing.T) {
	for _, version := range []string{"3.0.3", "3.1.0"} {
		schemas := map[string]string{}
		for _, row := range valueRows {
			text := row.v30
			if version == "3.1.0" && row.v31 != "" {
				text = row.v31
			}
			if text != "-" {
				schemas[row.name] = text
			}
		}
		sp := schemaDocument(t, version, schemas)
		t.Run(version, func(t *testing.T) {
			for _, name := range slices.Sorted(maps.Keys(schemas)) {
				ref := sp.Doc.Components.Schemas[name]
				for seed := int64(1); seed <= 150; seed++ {
					g := newFaker(seed)
					v := g.value(name, ref, false)
					require.NoError(t, g.problem, "%s seed %d", name, seed)
					requireValid(t, sp, ref, v, fmt.Sprintf("%s %s seed %d", version, name, seed))
				}
			}
		})
	}
}

// TestGeneratedValuesVary: a schema with room gets more than one value, a
// boolean both, default or not (the side source), a nullable one null at
// times.
func TestGeneratedValuesVary(t *testing.T) {
	sp := schemaDocument(t, "3.0.3", map[string]string{
		"flag":       `{type: boolean}`,
		"flag_true":  `{type: boolean, default: true}`,
		"flag_false": `{type: boolean, default: false}`,
		"code":       `{type: string, pattern: '^[A-Z]{3}-[0-9]{4}$'}`,
		"ratio":      `{type: number, minimum: 0, maximum: 1}`,
		"maybe":      `{type: string, nullable: true, pattern: '^m\d$'}`,
	})
	for name, ref := range sp.Doc.Components.Schemas {
		seen := map[string]int{}
		for seed := int64(1); seed <= 200; seed++ {
			seen[asText(newFaker(seed).value(name, ref, false))]++
		}
		require.Greater(t, len(seen), 1, "%s: %v", name, seen)
		if strings.HasPrefix(name, "flag") {
			require.Equal(t, 2, len(seen), name)
			if d, ok := ref.Value.Default.(bool); ok {
				require.Greater(t, seen[fmt.Sprint(d)], seen[fmt.Sprint(!d)], "%s: the default is the usual value", name)
			}
		}
		if name == "maybe" {
			require.Positive(t, seen["null"], "a nullable property is null at times")
		}
	}
}

// TestUnmeetableSchemaFailsAtStartUp: a property whose schema no value
// meets refuses the spec when the mock starts, naming the property,
// rather than answering 500 on the first list. A pattern Go's regexp
// cannot read (a lookahead) is refused by spec.Load already.
func TestUnmeetableSchemaFailsAtStartUp(t *testing.T) {
	for _, tc := range []struct {
		name, schema, want string
	}{
		{"shift_hours", `{type: integer, minimum: 5, maximum: 2}`, "no integer is at least 5 and at most 2"},
		{"ratio", `{type: number, minimum: 1, maximum: 1, exclusiveMaximum: true}`, "no number lies between 1 and 1"},
		{"badge", `{type: string, pattern: '^[a-z]{3}$', minLength: 5}`, `no string found in 64 draws that meets pattern "^[a-z]{3}$", minLength 5`},
		{"astronomic", `{type: integer, minimum: 1e300}`, "beyond ±2^52"},
		{"step", `{type: integer, minimum: 1, maximum: 6, multipleOf: 7}`, "no multiple of 7 lies between 1 and 6"},
		{"pair", `{type: array, items: {type: boolean}, minItems: 3, uniqueItems: true}`, "2 distinct items found for minItems 3"},
		{"never", `{type: string, pattern: '^a$', not: {pattern: '^a$'}}`, "meets the whole schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := withExtraProperties(t, baseSpec(t, "3.0"), map[string]string{tc.name: tc.schema}, nil, nil, nil)
			sp, err := spec.Load(raw)
			require.NoError(t, err)
			_, err = New(Config{Spec: sp, Seed: 1})
			require.ErrorContains(t, err, fmt.Sprintf("the member's property %q", tc.name))
			require.ErrorContains(t, err, tc.want)
		})
	}
	raw := withExtraProperties(t, baseSpec(t, "3.0"), map[string]string{"code": `{type: string, pattern: '^(?=A)[A-Z]+$'}`}, nil, nil, nil)
	_, err := spec.Load(raw)
	require.ErrorContains(t, err, `the pattern of components.schemas.OrganizationMemberResponse.properties.code, "^(?=A)[A-Z]+$", is no regular expression Go's regexp (RE2) reads`)
}

// baseSpec is the document the extra properties go into: openapi.yaml in
// 3.0 (a copy, kept in 3.0's forms whatever version openapi.yaml moves
// to), FastAPI's 3.1 shapes of it for 3.1.
func baseSpec(t testing.TB, version string) []byte {
	t.Helper()
	path := "testdata/openapi-3.0.yaml"
	if version == "3.1" {
		path = fastAPIShapes
	}
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return raw
}

// withExtraProperties adds properties (JSON or YAML flow text, by name) to
// the member the list returns (OrganizationMemberResponse) and to the user
// (UserResponse), the named ones required, as
// testdata/specs/new-properties.yaml does by hand. The document's own text
// and order are kept.
func withExtraProperties(t testing.TB, raw []byte, member map[string]string, memberRequired []string, user map[string]string, userRequired []string) []byte {
	t.Helper()
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(raw, &root))
	schemas := mappingValue(t, mappingValue(t, root.Content[0], "components"), "schemas")
	add := func(schema string, props map[string]string, required []string) {
		s := mappingValue(t, schemas, schema)
		properties := mappingValue(t, s, "properties")
		properties.Style = 0
		for _, name := range slices.Sorted(maps.Keys(props)) {
			var value yaml.Node
			require.NoError(t, yaml.Unmarshal([]byte(props[name]), &value), "%s: %s", name, props[name])
			properties.Content = append(properties.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, value.Content[0])
		}
		if len(required) > 0 {
			req := mappingValue(t, s, "required")
			req.Style = 0
			for _, name := range required {
				req.Content = append(req.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name})
			}
		}
	}
	add("OrganizationMemberResponse", member, memberRequired)
	add("UserResponse", user, userRequired)
	if len(memberRequired)+len(userRequired) > 0 {
		// The document's examples lack the required properties.
		dropExamples(&root)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	require.NoError(t, enc.Encode(&root))
	return out.Bytes()
}

// dropExamples removes every example and examples key of a document.
func dropExamples(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; k != "example" && k != "examples" {
				kept = append(kept, n.Content[i], n.Content[i+1])
			}
		}
		n.Content = kept
	}
	for _, c := range n.Content {
		dropExamples(c)
	}
}

// mappingValue is the value of key in a YAML mapping node.
func mappingValue(t testing.TB, n *yaml.Node, key string) *yaml.Node {
	t.Helper()
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	require.FailNow(t, "no key "+key)
	return nil
}

// schemaMaker draws random schemas of every kind the generator must meet,
// in OpenAPI 3.0's or 3.1's form, each one satisfiable by construction.
type schemaMaker struct {
	r   *rand.Rand
	v31 bool
}

// patternsWithLengths are patterns, with lengths that some of their
// matches have (-1: no length constraint goes with it).
var patternsWithLengths = []struct {
	pattern  string
	min, max int
}{
	{`^[A-Z]{3}-[0-9]{4}$`, -1, -1},
	{`^\d{5}(-\d{4})?$`, 5, 10},
	{`^(red|green|blue)-[a-f0-9]{6}$`, -1, -1},
	{`[a-z]+`, 8, 20},
	{`^[^@\s]+$`, 3, 9},
	{`^\w{2,8}$`, 2, 8},
	{`^[A-Z][a-z]*( [A-Z][a-z]*)*$`, 10, 40},
	{`^v\d+\.\d+\.\d+$`, -1, -1},
	{`^\+[1-9]\d{6,14}$`, 8, 16},
	{`^.{3,6}$`, 3, 6},
	{`^[a-z0-9]+(-[a-z0-9]+)*$`, 1, 63},
}

var formatsWithLength = []struct {
	format string
	min    int // a maxLength below this would be unmeetable
}{
	{"date", 10}, {"date-time", 27}, {"time", 9}, {"email", 16}, {"uri", 22}, {"uuid", 36},
	{"ipv4", 15}, {"ipv6", 39}, {"hostname", 40}, {"byte", 8}, {"duration", 12}, {"password", 1},
	// pydantic's own (spec.stringFormats).
	{"uuid1", 36}, {"uuid3", 36}, {"uuid4", 36}, {"uuid5", 36}, {"uuid6", 36}, {"uuid7", 36}, {"uuid8", 36},
	{"path", 45}, {"file-path", 45}, {"directory-path", 25}, {"ipvanyaddress", 39}, {"ipv4interface", 18},
	{"ipv6interface", 43}, {"ipvanyinterface", 43}, {"ipv4network", 18}, {"ipv6network", 43}, {"ipvanynetwork", 43},
	{"color", 20}, {"multi-host-uri", 75}, {"name-email", 60}, {"base64", 8}, {"base64url", 8}, {"binary", 1},
	{"json-string", 25}, {"payment-card-number", 16},
}

func (m schemaMaker) pick(n int) int { return m.r.IntN(n) }

// schema is a random schema as a JSON-ready value, at most depth levels of
// arrays and objects deep.
func (m schemaMaker) schema(depth int) map[string]any {
	kinds := []string{"string", "pattern", "format", "integer", "number", "boolean", "enum", "const", "multi", "array", "object", "dict", "union", "nullable", "allOf", "tuple"}
	if depth <= 0 {
		kinds = kinds[:9]
	}
	var s map[string]any
	switch kinds[m.pick(len(kinds))] {
	case "string":
		lo := m.pick(30)
		s = map[string]any{"type": "string", "minLength": lo, "maxLength": lo + m.pick(10)}
	case "pattern":
		p := patternsWithLengths[m.pick(len(patternsWithLengths))]
		s = map[string]any{"type": "string", "pattern": p.pattern}
		if p.min >= 0 && m.pick(2) == 0 {
			s["minLength"], s["maxLength"] = p.min, p.max
		}
	case "format":
		f := formatsWithLength[m.pick(len(formatsWithLength))]
		s = map[string]any{"type": "string", "format": f.format}
		if m.pick(2) == 0 {
			s["maxLength"] = f.min + m.pick(20)
		}
	case "integer":
		s = m.numeric("integer")
	case "number":
		s = m.numeric("number")
	case "boolean":
		s = map[string]any{"type": "boolean"}
		if m.pick(2) == 0 {
			s["default"] = m.pick(2) == 0
		}
	case "enum":
		if m.pick(2) == 0 {
			s = map[string]any{"type": "string", "enum": []any{"alpha", "beta", "gamma"}[:1+m.pick(3)]}
		} else {
			s = map[string]any{"type": "integer", "enum": []any{10, 20, 30}[:1+m.pick(3)]}
		}
	case "const":
		if !m.v31 {
			return m.schema(depth)
		}
		s = map[string]any{"const": []any{"fixed", 7, true}[m.pick(3)]}
	case "multi":
		if !m.v31 {
			return m.schema(depth)
		}
		// 3.1's type array: each type's keywords apply to its values.
		s = m.numeric("integer")
		delete(s, "format") // int32 is no string format
		s["type"] = []any{"integer", "string"}
		s["maxLength"] = 5
	case "allOf":
		// Two objects whose properties and required names add up.
		first, second := m.schema(0), m.schema(0)
		s = map[string]any{"allOf": []any{
			map[string]any{"type": "object", "required": []any{"left"}, "properties": map[string]any{"left": first}},
			map[string]any{"type": "object", "properties": map[string]any{"right": second}},
		}}
	case "tuple":
		if !m.v31 {
			return m.schema(depth)
		}
		s = map[string]any{"type": "array", "prefixItems": []any{m.schema(0), m.schema(0)}, "minItems": 2}
		if m.pick(2) == 0 {
			s["maxItems"] = 2
		} else {
			s["items"] = m.schema(0)
		}
	case "array":
		items := m.schema(depth - 1)
		lo := m.pick(3)
		s = map[string]any{"type": "array", "items": items, "minItems": lo, "maxItems": lo + m.pick(4)}
		// Unique items where the items have room for them: strings
		// without an enum (a pattern, a format, lengths of a few
		// characters at least).
		if _, enum := items["enum"]; !enum && items["type"] == "string" && m.pick(2) == 0 {
			s["uniqueItems"] = true
		}
	case "object":
		props := map[string]any{}
		var required []any
		for i := range 1 + m.pick(3) {
			name := fmt.Sprintf("part_%d", i)
			props[name] = m.schema(depth - 1)
			if m.pick(2) == 0 {
				required = append(required, name)
			}
		}
		s = map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		if m.pick(3) == 0 {
			s["additionalProperties"] = false
		}
	case "dict":
		s = map[string]any{"type": "object", "additionalProperties": m.schema(0)}
	case "union":
		group := []string{"anyOf", "oneOf"}[m.pick(2)]
		// Branches of different types: one value meets one branch.
		s = map[string]any{group: []any{
			map[string]any{"type": "string", "pattern": `^u-[a-z]{2,4}$`},
			m.numeric("integer"),
		}}
	case "nullable":
		inner := m.schema(depth - 1)
		if !m.v31 {
			if _, ok := inner["type"]; !ok {
				return inner
			}
			inner["nullable"] = true
			return inner
		}
		if t, ok := inner["type"].(string); ok && m.pick(2) == 0 && t != "object" && t != "array" {
			inner["type"] = []any{t, "null"}
			return inner
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}
	}
	return s
}

// numeric is an integer or number schema with random bounds, inclusive
// or exclusive in the version's form, and at times a multipleOf that has
// multiples in the range.
func (m schemaMaker) numeric(typ string) map[string]any {
	s := map[string]any{"type": typ}
	lo := float64(m.pick(200) - 100)
	if typ == "number" && m.pick(2) == 0 {
		lo = float64(m.pick(10)) / 10
	}
	span := float64(3 + m.pick(200))
	if typ == "number" && m.pick(2) == 0 {
		span = 1
	}
	hi := lo + span
	exclusive := m.pick(3) == 0
	switch side := m.pick(4); {
	case side == 0: // open both sides
	case exclusive && m.v31:
		if side != 2 {
			s["exclusiveMinimum"] = lo
		}
		if side != 3 {
			s["exclusiveMaximum"] = hi
		}
	default:
		if side != 2 {
			s["minimum"] = lo
			if exclusive {
				s["exclusiveMinimum"] = true
			}
		}
		if side != 3 {
			s["maximum"] = hi
			if exclusive {
				s["exclusiveMaximum"] = true
			}
		}
	}
	if m.pick(3) == 0 {
		if typ == "integer" {
			s["multipleOf"] = []any{1, 2, 3}[m.pick(3)]
		} else {
			s["multipleOf"] = []any{0.5, 0.25, 0.1}[m.pick(3)]
		}
	}
	if typ == "integer" && m.pick(4) == 0 {
		s["format"] = "int32"
	}
	return s
}

// randomProperties are count random properties named prefix_N, as JSON
// text, with the names of those made required.
func (m schemaMaker) randomProperties(prefix string, count int) (map[string]string, []string) {
	props := map[string]string{}
	var required []string
	for i := range count {
		name := fmt.Sprintf("%s_%d", prefix, i)
		b, err := json.Marshal(m.schema(2))
		if err != nil {
			panic(err)
		}
		props[name] = string(b)
		if m.pick(2) == 0 {
			required = append(required, name)
		}
	}
	return props, required
}

// FuzzGeneratedValues draws a random schema (schemaMaker) from the input,
// in 3.0's or 3.1's forms, and checks the values of eight fakers against
// it. make fuzz runs it for a count of inputs.
func FuzzGeneratedValues(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed, seed%2 == 0)
	}
	f.Fuzz(func(t *testing.T, seed uint64, v31 bool) {
		maker := schemaMaker{r: rand.New(rand.NewPCG(seed, 0xf022)), v31: v31}
		text, err := json.Marshal(maker.schema(3))
		require.NoError(t, err)
		version := "3.0.3"
		if v31 {
			version = "3.1.0"
		}
		sp := schemaDocument(t, version, map[string]string{"drawn": string(text)})
		ref := sp.Doc.Components.Schemas["drawn"]
		for fakerSeed := int64(1); fakerSeed <= 8; fakerSeed++ {
			g := newFaker(fakerSeed)
			v := g.value("drawn", ref, false)
			require.NoError(t, g.problem, "%s %s", version, text)
			requireValid(t, sp, ref, v, fmt.Sprintf("%s %s faker seed %d", version, text, fakerSeed))
		}
	})
}
