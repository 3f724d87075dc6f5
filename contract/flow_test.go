package contract

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSearchNeedleIsAPartFoundNowhereElse(t *testing.T) {
	for _, tt := range []struct {
		text      string
		elsewhere []string
		want      string
	}{
		// The email joins the names with digits no other field has.
		{"domenico.nader335@example.net", []string{"Domenico Nader", "Domenico", "Nader", "domenico"}, "der3"},
		// A part across the space of a name is in no other field.
		{"Domenico Nader", []string{"domenico.nader335@example.net", "Domenico", "Nader", "domenico"}, "ico "},
		// Neither the start nor the end: "star" and "fish" are not needles.
		{"starfish", []string{"ann@example.com"}, "tarf"},
		// A nickname made of the given name proves nothing.
		{"domenico", []string{"Domenico Nader", "Domenico"}, ""},
		// Too short for a part that is neither its start nor its end.
		{"Anna", nil, ""},
	} {
		require.Equal(t, tt.want, searchNeedle(tt.text, tt.elsewhere, false), tt.text)
	}
}

// TestANonASCIINeedleHoldsALetterThatFoldsBothWays: a pick with non_ascii
// takes letters of any script and demands one outside ASCII whose upper
// case folds back to it, so that the needle sent in upper case means the
// same to Go's strings.ToLower and Python's str.lower.
func TestANonASCIINeedleHoldsALetterThatFoldsBothWays(t *testing.T) {
	for _, tt := range []struct {
		text string
		want string
	}{
		{"Müller", "ülle"},
		// The first part holding é, not the first part.
		{"Lefèvre", "efèv"},
		{"Thérèse", "hérè"},
		// An ASCII name has no such needle.
		{"Anderson", ""},
		// ß has no one-letter upper case; ς and σ share Σ: neither
		// proves case folding the same way on both stacks.
		{"Strauß", ""},
		{"Strassen", ""},
		{"Μιςσος", ""},
		// A letter without case goes along.
		{"Xの丸éxy", "の丸éx"},
		// An upper-case letter outside ASCII is not what the stored
		// value holds in lower case.
		{"AÉÉÉÉA", ""},
	} {
		require.Equal(t, tt.want, searchNeedle(tt.text, nil, true), tt.text)
	}
	// The ASCII picker never takes a letter outside ASCII.
	require.Equal(t, "", searchNeedle("Müller", nil, false))
	require.Equal(t, "tarf", searchNeedle("starfish", nil, false))
}
