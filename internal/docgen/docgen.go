// Package docgen writes the parts of docs/ that are read from the code, so
// that they are written once: the table of defects in docs/contract.md,
// from the ways under each rule of fixtures/rules.yaml. Each part sits
// between two markers in its document; everything outside them is prose
// people edit. `make docs` runs it (cmd/docgen), and its test fails when a
// document differs from what it writes.
package docgen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/heyhumm/humm-members-mock/fixtures"
)

// A Part is a generated part of a document: the file (relative to the
// repository's root), its name in the markers, and what it holds.
type Part struct {
	File   string
	Name   string
	Render func(*fixtures.Suite) string
}

// Parts are every generated part of the repository's documents.
var Parts = []Part{
	{File: "docs/contract.md", Name: "defects", Render: DefectsTable},
}

// Begin and End are a part's markers. Their wording is kept stable: other
// branches edit the lines between them by hand, and `make docs` at the
// merge writes them again.
func (p Part) Begin() string {
	return "<!-- BEGIN " + p.Name + ": written by `make docs` (internal/docgen); edit fixtures/rules.yaml, not these lines -->"
}

func (p Part) End() string { return "<!-- END " + p.Name + " -->" }

// Fill returns doc with the lines between p's markers replaced by body.
func (p Part) Fill(doc []byte, body string) ([]byte, error) {
	begin, end := []byte(p.Begin()+"\n"), []byte("\n"+p.End())
	i := bytes.Index(doc, begin)
	if i < 0 {
		return nil, fmt.Errorf("%s: no line %q", p.File, p.Begin())
	}
	if bytes.Count(doc, begin) > 1 {
		return nil, fmt.Errorf("%s: the line %q is there twice", p.File, p.Begin())
	}
	from := i + len(begin)
	j := bytes.Index(doc[from-1:], end)
	if j < 0 {
		return nil, fmt.Errorf("%s: no line %q after %q", p.File, p.End(), p.Begin())
	}
	to := from - 1 + j
	var out bytes.Buffer
	out.Write(doc[:from])
	out.WriteString(strings.TrimSuffix(body, "\n"))
	out.Write(doc[to:])
	return out.Bytes(), nil
}

// Generate returns every document that holds a part, as `make docs` writes
// it, by its path relative to root.
func Generate(root string, suite *fixtures.Suite) (map[string][]byte, error) {
	docs := map[string][]byte{}
	for _, p := range Parts {
		doc, ok := docs[p.File]
		if !ok {
			var err error
			if doc, err = os.ReadFile(filepath.Join(root, p.File)); err != nil {
				return nil, err
			}
		}
		doc, err := p.Fill(doc, p.Render(suite))
		if err != nil {
			return nil, err
		}
		docs[p.File] = doc
	}
	return docs, nil
}

// DefectsTable is the table of the mock's defects, one row per way of
// rules.yaml, in the order of their names (`--defect NAME`): the rule it
// breaks (a link to its section of BEHAVIOUR.md), the kind of mistake, what
// the backend does, and the case and step that catch it.
func DefectsTable(suite *fixtures.Suite) string {
	type row struct {
		rule fixtures.Rule
		way  fixtures.Way
	}
	var rows []row
	for _, r := range suite.Rules {
		for _, w := range r.Ways {
			rows = append(rows, row{r, w})
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.way.Defect, b.way.Defect) })
	var b strings.Builder
	b.WriteString("| defect | breaks | kind | the bug | caught by |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | [`%s`](../BEHAVIOUR.md#%s) | %s | %s | `%s`, step `%s` |\n",
			r.way.Defect, r.rule.ID, r.rule.Section, r.way.Kind, Cell(r.way.Way), r.way.Case, r.way.Step)
	}
	return b.String()
}

// Cell is text as a table cell: a '|' would end the cell, even in a code
// span, so it is escaped (GitHub Flavored Markdown, tables).
func Cell(text string) string { return strings.ReplaceAll(text, "|", `\|`) }

// A Section is a heading of a Markdown text and the text under it, up to
// the next heading of any level.
type Section struct {
	Level  int    // 1 for "#", 2 for "##", ...
	Anchor string // the heading's anchor, as GitHub makes it
	Text   string
}

var heading = regexp.MustCompile(`^(#{1,6}) (.+)$`)

// Sections are a Markdown text's sections, in order; a "#" inside a fenced
// code block is no heading.
func Sections(markdown string) []Section {
	var out []Section
	fenced := false
	for _, line := range strings.Split(strings.TrimSuffix(markdown, "\n"), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if m := heading.FindStringSubmatch(line); m != nil && !fenced {
			out = append(out, Section{Level: len(m[1]), Anchor: Anchor(m[2])})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].Text += line + "\n"
		}
	}
	return out
}

var notInAnchors = regexp.MustCompile(`[^\p{L}\p{N}_\- ]`)

// Anchor is a heading's anchor as GitHub makes it: lower case, every
// character but letters, digits, '-', '_' and spaces dropped, spaces as
// '-' (a second heading of the same title gets "-1" after it).
func Anchor(title string) string {
	return strings.ReplaceAll(notInAnchors.ReplaceAllString(strings.ToLower(title), ""), " ", "-")
}
