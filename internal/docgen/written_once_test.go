package docgen_test

// Each choice and each rule written once (issue 21 point 6): stated in
// BEHAVIOUR.md, linked from everywhere else.

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/docgen"
)

func read(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	require.NoError(t, err)
	return string(data)
}

// theDocs are the repository's documents people read, README.md first.
func theDocs(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	files := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		require.NoError(t, err)
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// anchors are every anchor a Markdown text's headings give, with GitHub's
// -1, -2 for a title seen before.
func anchors(markdown string) map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, s := range docgen.Sections(markdown) {
		a := s.Anchor
		if n := seen[s.Anchor]; n > 0 {
			a += "-" + strconv.Itoa(n)
		}
		seen[s.Anchor]++
		out[a] = true
	}
	return out
}

var choiceMark = regexp.MustCompile(`\*[Cc]hoices?\*`)

// sectionsWithAChoice are the anchors of BEHAVIOUR.md's sections that state
// a choice, marked *choice* (the title's preamble, which explains the mark,
// aside).
func sectionsWithAChoice(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, s := range docgen.Sections(read(t, "BEHAVIOUR.md")) {
		if s.Level > 1 && choiceMark.MatchString(s.Text) {
			out = append(out, s.Anchor)
		}
	}
	require.NotEmpty(t, out)
	return out
}

var rulebookLink = regexp.MustCompile(`BEHAVIOUR\.md#([\p{L}\p{N}_-]+)`)

func linkedSections(text string) []string {
	var out []string
	for _, m := range rulebookLink.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// TestEveryChoiceIsListedAndCited: a choice is stated in BEHAVIOUR.md
// only; docs/mock.md's list of choices links to each section that states
// one, and mock/policy.go's list cites it, and neither names a section that
// states none.
func TestEveryChoiceIsListedAndCited(t *testing.T) {
	want := sectionsWithAChoice(t)
	slices.Sort(want)

	var list string
	for _, s := range docgen.Sections(read(t, "docs/mock.md")) {
		if s.Anchor == "its-own-choices" {
			list = firstList(s.Text)
		}
	}
	require.NotEmpty(t, list, "docs/mock.md has a section \"Its own choices\" with a list")
	require.Equal(t, want, linkedSections(list),
		"docs/mock.md's list of choices links to each section of BEHAVIOUR.md that states a *choice*, and to no other")

	policy := read(t, "mock/policy.go")
	at := strings.Index(policy, "\n// Choices:")
	require.GreaterOrEqual(t, at, 0, "mock/policy.go has its list of choices")
	block := policy[at+1:]
	if end := strings.Index(block, "\n\n"); end >= 0 {
		block = block[:end]
	}
	require.Equal(t, want, linkedSections(block),
		"mock/policy.go's list of choices cites each section of BEHAVIOUR.md that states a *choice*, and no other")
}

// firstList is the first Markdown list of a text: its items and their
// continuation lines, up to the first line of neither.
func firstList(text string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(text, "\n") {
		item := strings.HasPrefix(line, "- ")
		switch {
		case item || in && strings.HasPrefix(line, "  "):
			in = true
			b.WriteString(line + "\n")
		case in:
			return b.String()
		}
	}
	return b.String()
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinksBetweenTheDocsLand: every link from a document to a Markdown
// file of the repository names a file that is there and, after '#', one of
// its headings: a link that replaces a copy must lead to the text.
func TestLinksBetweenTheDocsLand(t *testing.T) {
	for _, file := range append(theDocs(t), "BEHAVIOUR.md") {
		for _, m := range mdLink.FindAllStringSubmatch(read(t, file), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, frag, _ := strings.Cut(target, "#")
			to := file
			if path != "" {
				to = filepath.ToSlash(filepath.Join(filepath.Dir(file), path))
			}
			_, err := os.Stat(filepath.Join(root, to))
			require.NoError(t, err, "%s links to %s, which is not in the repository", file, target)
			if frag == "" || !strings.HasSuffix(to, ".md") {
				continue
			}
			require.True(t, anchors(read(t, to))[frag], "%s links to %s: %s has no heading #%s", file, target, to, frag)
		}
	}
}

// runOfWords is how many words running that a document may share with the
// rulebook before it counts as a copy: a phrase ("a body over 1 MiB is a
// 413") is shorter; a sentence is longer.
const runOfWords = 10

var word = regexp.MustCompile(`[\p{L}\p{N}'./:-]+`)

func words(text string) []string {
	text = strings.NewReplacer("`", " ", "*", " ", "_", " ", "[", " ", "]", " ", "(", " ", ")", " ").Replace(text)
	return word.FindAllString(strings.ToLower(text), -1)
}

func runs(ws []string) []string {
	var out []string
	for i := 0; i+runOfWords <= len(ws); i++ {
		out = append(out, strings.Join(ws[i:i+runOfWords], " "))
	}
	return out
}

// generatedPart matches the parts of a document make docs writes.
var generatedPart = regexp.MustCompile(`(?s)<!-- BEGIN .*?<!-- END [^>]* -->`)

// TestNoDocRepeatsTheRulebook: README.md and docs/ state no rule and no
// choice again: no run of ten words of BEHAVIOUR.md, or of a rule's text in
// rules.yaml, is in them; they link to its section instead.
func TestNoDocRepeatsTheRulebook(t *testing.T) {
	rulebook := map[string]bool{}
	for _, r := range runs(words(read(t, "BEHAVIOUR.md"))) {
		rulebook[r] = true
	}
	for _, r := range embedded(t).Rules {
		for _, run := range runs(words(r.Text)) {
			rulebook[run] = true
		}
	}
	for _, file := range theDocs(t) {
		text := generatedPart.ReplaceAllString(read(t, file), "")
		for _, run := range runs(words(text)) {
			require.False(t, rulebook[run],
				"%s repeats BEHAVIOUR.md or a rule of rules.yaml (%q): link to the rulebook's section instead", file, run)
		}
	}
}

// TestTheReadmeIsAFrontDoor: what it is, the two commands, the tour, and
// links; the rest is in docs/ (issue 21 point 6).
func TestTheReadmeIsAFrontDoor(t *testing.T) {
	lines := strings.Count(read(t, "README.md"), "\n")
	require.LessOrEqual(t, lines, 300, "README.md has %d lines: move the detail to docs/", lines)
}
