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
		require.Equal(t, tt.want, searchNeedle(tt.text, tt.elsewhere), tt.text)
	}
}
