package mock

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestSpecValueVariants starts the mock on each document of
// testdata/specs-values, each openapi.yaml (or FastAPI's 3.1 shapes of it)
// with properties of one kind added to the member and the user (patterns,
// bounds in 3.0's and 3.1's forms, multipleOf, formats, lengths, enums
// and const, arrays, nested objects, nullable and unions, booleans,
// dicts), and of testdata/specs-formats (pydantic's formats, Decimal,
// unions and tuples): for two seeds, every list page and every dynamic answer is the
// one asked, checked whole against the document. In the seeded world
// each added property has values, and a boolean takes both.
func TestSpecValueVariants(t *testing.T) {
	paths, err := filepath.Glob("testdata/specs-values/*")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 10)
	// pydantic's formats, Decimal, unions and tuples (the member's bodies
	// too: stack's tests read them).
	formats, err := filepath.Glob("testdata/specs-formats/*")
	require.NoError(t, err)
	paths = append(paths, formats...)
	base30, err := spec.LoadFile("testdata/openapi-3.0.yaml")
	require.NoError(t, err)
	shapes31 := loadFastAPIShapes(t)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			sp, err := spec.LoadFile(path)
			require.NoError(t, err)
			base := base30
			if sp.Doc.IsOpenAPI31OrLater() {
				base = shapes31
			}
			for _, seed := range []int64{1, 2} {
				requireServesValidValues(t, sp, seed, fmt.Sprintf("%s seed %d", path, seed))
			}

			st := newTestMock(t, Config{Spec: sp, Seed: 1}).srv.store.export()
			added := 0
			for _, kind := range []struct {
				schema string
				rows   []Row
			}{{"OrganizationMemberResponse", st.Memberships}, {"UserResponse", st.Users}} {
				props := sp.Doc.Components.Schemas[kind.schema].Value.Properties
				known := base.Doc.Components.Schemas[kind.schema].Value.Properties
				for _, name := range slices.Sorted(maps.Keys(props)) {
					if known[name] != nil {
						continue
					}
					added++
					values := map[string]bool{}
					for _, row := range kind.rows {
						if v, ok := row.Get(name); ok && v != nil {
							values[asText(v)] = true
						}
					}
					require.NotEmpty(t, values, "%s.%s has values in the seeded world", kind.schema, name)
					if s, _ := spec.Underlying(props[name]); s.Type.Is("boolean") {
						require.Len(t, values, 2, "%s.%s takes both values: %v", kind.schema, name, values)
					}
				}
			}
			require.Positive(t, added, "the variant adds properties")
		})
	}
}
