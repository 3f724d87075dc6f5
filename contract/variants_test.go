package contract_test

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// specVariants are the project's own changes of openapi.yaml, the kind an
// API team makes week by week, each a whole document (mock/testdata/specs*).
func specVariants(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "mock", "testdata", "specs*", "*"))
	require.NoError(t, err)
	return files
}

// TestEverySpecVariantPassesRunGenerated is what a team does after a
// change of the document: start the mock on it and run the hand-written
// suite with gen's cases (`humm-contract run --generated --spec FILE`)
// against it. On every variant nothing fails and nothing is skipped that
// openapi.yaml's own run does not skip.
func TestEverySpecVariantPassesRunGenerated(t *testing.T) {
	baseline, _ := run(t, embeddedSuite(t), serveMockWith(t, mock.Config{Seed: 1}), func(c *contract.Config) { c.Parallel = 8; c.Progress = nil })
	baselineSkips := map[string]bool{}
	for _, c := range baseline.Cases {
		if c.Skipped != "" {
			baselineSkips[c.Name] = true
		}
	}
	variants := specVariants(t)
	require.GreaterOrEqual(t, len(variants), 25, "issue 20 point 6 asks for at least 25 variants")
	for _, file := range variants {
		t.Run(filepath.Base(file), func(t *testing.T) {
			sp, err := spec.LoadFile(file)
			require.NoError(t, err)
			suite := withGenerated(t, sp)
			profile := serveMockWith(t, mock.Config{Seed: 1, Spec: sp})
			report, out := run(t, suite, profile, func(c *contract.Config) { c.Parallel = 8; c.Spec = sp })
			require.Empty(t, failedCases(report), out)
			require.Equal(t, len(suite.Cases)-report.Skipped, report.Passed, out)
			// A skip openapi.yaml's run does not have is the document's doing
			// (an operation, a parameter or a value it does not have), and
			// says so: never a lack of data in the mock's world.
			for _, c := range report.Cases {
				if c.Skipped != "" && !baselineSkips[c.Name] {
					require.Regexp(t, `^(not in the document|the spec lacks what step "[^"]+" takes from it): `, c.Skipped, "%s", c.Name)
				}
			}
		})
	}
}

// TestSpecVariantsCoverEveryKind: the variants together hold every kind of
// schema and operation issue 20 names, on the side where it matters: in
// what the mock answers (it must make valid values) and in what clients
// send (the stack's entries, gen's cases).
func TestSpecVariantsCoverEveryKind(t *testing.T) {
	want := []string{
		"openapi 3.0", "openapi 3.1",
		"member PATCH",
		"required header parameter", "required cookie parameter", "required query parameter",
	}
	for _, side := range []string{"response", "request"} {
		for _, kind := range []string{
			"pattern", "minimum", "maximum", "exclusive bound (3.0)", "exclusive bound (3.1)", "multipleOf",
			"minLength", "maxLength", "enum", "const", "minItems", "maxItems", "uniqueItems",
			"array of objects", "nested object with required properties", "nullable", "anyOf", "boolean",
			"additionalProperties",
			"format date", "format date-time", "format time", "format email", "format uri", "format uuid",
		} {
			want = append(want, side+": "+kind)
		}
	}
	want = append(want, "response: oneOf", "response: format ipv4", "response: format ipv6", "response: format hostname")
	found := map[string][]string{}
	for _, file := range specVariants(t) {
		sp, err := spec.LoadFile(file)
		require.NoError(t, err, file)
		for _, kind := range kindsIn(sp) {
			found[kind] = append(found[kind], filepath.Base(file))
		}
	}
	var missing []string
	for _, kind := range want {
		if len(found[kind]) == 0 {
			missing = append(missing, kind)
		}
	}
	require.Empty(t, missing, "no variant has these kinds")
}

// kindsIn lists what the document holds, each kind once.
func kindsIn(sp *spec.Spec) []string {
	kinds := map[string]bool{}
	if strings.HasPrefix(sp.Doc.OpenAPI, "3.1") {
		kinds["openapi 3.1"] = true
	} else {
		kinds["openapi 3.0"] = true
	}
	if sp.Members().ID(spec.MemberPatch) != "" {
		kinds["member PATCH"] = true
	}
	for _, item := range sp.Doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value == nil {
					continue
				}
				if p.Value.Required && p.Value.In != openapi3.ParameterInPath {
					kinds["required "+p.Value.In+" parameter"] = true
				}
				schemaKinds(p.Value.Schema, "request", kinds, map[*openapi3.Schema]bool{})
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					schemaKinds(mt.Schema, "request", kinds, map[*openapi3.Schema]bool{})
				}
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					schemaKinds(mt.Schema, "response", kinds, map[*openapi3.Schema]bool{})
				}
			}
		}
	}
	var list []string
	for k := range kinds {
		list = append(list, k)
	}
	sort.Strings(list)
	return list
}

func schemaKinds(ref *openapi3.SchemaRef, side string, kinds map[string]bool, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	add := func(kind string, holds bool) {
		if holds {
			kinds[side+": "+kind] = true
		}
	}
	add("pattern", s.Pattern != "")
	add("minimum", s.Min != nil)
	add("maximum", s.Max != nil)
	add("exclusive bound (3.0)", s.ExclusiveMin.Bool != nil || s.ExclusiveMax.Bool != nil)
	add("exclusive bound (3.1)", s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil)
	add("multipleOf", s.MultipleOf != nil)
	add("minLength", s.MinLength > 0)
	add("maxLength", s.MaxLength != nil)
	add("enum", len(s.Enum) > 0)
	add("const", s.Const != nil)
	add("minItems", s.MinItems > 0)
	add("maxItems", s.MaxItems != nil)
	add("uniqueItems", s.UniqueItems)
	add("nullable", s.Nullable || s.Type.Includes("null") || slices.ContainsFunc(s.AnyOf, func(r *openapi3.SchemaRef) bool {
		return r.Value != nil && r.Value.Type.Is("null")
	}))
	add("anyOf", len(s.AnyOf) > 0)
	add("oneOf", len(s.OneOf) > 0)
	add("boolean", s.Type.Includes("boolean"))
	add("additionalProperties", s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has && s.Type.Includes("object")))
	add("format "+s.Format, s.Format != "")
	if s.Items != nil && s.Items.Value != nil {
		add("array of objects", len(s.Items.Value.Properties) > 0)
	}
	for _, p := range s.Properties {
		if p.Value != nil {
			add("nested object with required properties", len(p.Value.Required) > 0)
			for _, sub := range p.Value.AnyOf {
				add("nested object with required properties", sub.Value != nil && len(sub.Value.Required) > 0)
			}
		}
	}
	for _, group := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf, s.AllOf, s.PrefixItems} {
		for _, sub := range group {
			schemaKinds(sub, side, kinds, seen)
		}
	}
	schemaKinds(s.Items, side, kinds, seen)
	schemaKinds(s.AdditionalProperties.Schema, side, kinds, seen)
	for _, p := range s.Properties {
		schemaKinds(p, side, kinds, seen)
	}
}
