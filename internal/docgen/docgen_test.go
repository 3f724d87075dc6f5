package docgen_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/docgen"
)

const root = "../.."

func embedded(t *testing.T) *fixtures.Suite {
	t.Helper()
	suite, err := fixtures.Embedded()
	require.NoError(t, err)
	return suite
}

// TestTheDocsAreWhatMakeDocsWrites: a generated part edited by hand, or a
// way of rules.yaml added, changed or removed without `make docs`, fails
// here.
func TestTheDocsAreWhatMakeDocsWrites(t *testing.T) {
	docs, err := docgen.Generate(root, embedded(t))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	for file, want := range docs {
		got, err := os.ReadFile(filepath.Join(root, file))
		require.NoError(t, err)
		if line, have, writes, differ := firstDifference(string(got), string(want)); differ {
			t.Errorf("%s differs from what internal/docgen writes from the code: run make docs\n"+
				"line %d is   %q\nmake docs writes %q", file, line, have, writes)
		}
	}
}

// firstDifference is the first line where two texts differ, numbered from
// 1, and each text's line there ("" past its end).
func firstDifference(a, b string) (line int, lineA, lineB string, differ bool) {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		if x != y || (i >= len(as)) != (i >= len(bs)) {
			return i + 1, x, y, true
		}
	}
	return 0, "", "", false
}

// TestTheDefectsTableHasEveryWayOnce: one row per way of rules.yaml, with
// its rule, kind, description and case.
func TestTheDefectsTableHasEveryWayOnce(t *testing.T) {
	suite := embedded(t)
	table := docgen.DefectsTable(suite)
	rows := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	ways := 0
	for _, r := range suite.Rules {
		for _, w := range r.Ways {
			ways++
			row := "| `" + w.Defect + "` | [`" + r.ID + "`](../BEHAVIOUR.md#" + r.Section + ") | " + w.Kind + " | " +
				docgen.Cell(w.Way) + " | `" + w.Case + "`, step `" + w.Step + "` |"
			require.Contains(t, rows, row)
		}
	}
	require.Len(t, rows, 2+ways, "a header, its rule, and a row per way")
}

// TestATableCellKeepsItsPipes: a '|' in a way (SQL's ||) would split its
// cell, even in a code span.
func TestATableCellKeepsItsPipes(t *testing.T) {
	require.Equal(t, `ILIKE '%' \|\| q`, docgen.Cell(`ILIKE '%' || q`))
}

func TestFillReplacesOnlyBetweenTheMarkers(t *testing.T) {
	p := docgen.Part{File: "doc.md", Name: "part"}
	doc := "prose\n" + p.Begin() + "\nold row\nold row\n" + p.End() + "\nmore prose\n"
	got, err := p.Fill([]byte(doc), "new row\n")
	require.NoError(t, err)
	require.Equal(t, "prose\n"+p.Begin()+"\nnew row\n"+p.End()+"\nmore prose\n", string(got))

	empty := "prose\n" + p.Begin() + "\n" + p.End() + "\n"
	got, err = p.Fill([]byte(empty), "row")
	require.NoError(t, err)
	require.Equal(t, "prose\n"+p.Begin()+"\nrow\n"+p.End()+"\n", string(got), "markers with nothing between them")

	again, err := p.Fill(got, "row")
	require.NoError(t, err)
	require.Equal(t, string(got), string(again), "writing twice changes nothing")
}

func TestFillNamesAMissingOrRepeatedMarker(t *testing.T) {
	p := docgen.Part{File: "doc.md", Name: "part"}
	for _, tc := range []struct{ doc, err string }{
		{"prose\n", "doc.md: no line"},
		{p.Begin() + "\nrow\n", "doc.md: no line \"" + p.End() + "\""},
		{p.Begin() + "\n" + p.End() + "\n" + p.Begin() + "\n" + p.End() + "\n", "is there twice"},
	} {
		_, err := p.Fill([]byte(tc.doc), "row")
		require.ErrorContains(t, err, tc.err)
	}
}

// TestAnchorIsGitHubs: the anchors GitHub gives BEHAVIOUR.md's headings,
// which the docs link to.
func TestAnchorIsGitHubs(t *testing.T) {
	for title, want := range map[string]string{
		"SYSTEM_ADMIN memberships": "system_admin-memberships",
		"The HTTP server: Go's net/http where the service has uvicorn and h11": "the-http-server-gos-nethttp-where-the-service-has-uvicorn-and-h11",
		"The spec: OpenAPI 3.1 in FastAPI's shapes":                            "the-spec-openapi-31-in-fastapis-shapes",
		"Per-request overrides (`Prefer`, Prism's syntax)":                     "per-request-overrides-prefer-prisms-syntax",
	} {
		require.Equal(t, want, docgen.Anchor(title), title)
	}
}

func TestSectionsSkipCodeBlocks(t *testing.T) {
	got := docgen.Sections("# Title\nintro\n```sh\n# a comment\n```\n## Next\ntext\n")
	require.Equal(t, []docgen.Section{
		{Level: 1, Anchor: "title", Text: "intro\n```sh\n# a comment\n```\n"},
		{Level: 2, Anchor: "next", Text: "text\n"},
	}, got)
}
