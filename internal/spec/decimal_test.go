package spec_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestDecimalPatternsLoad: the patterns pydantic 2.13.4 publishes for a
// Decimal's string (TypeAdapter(Annotated[Decimal, Field(...)]).json_schema(),
// printed) load, marked with the field's max_digits and decimal_places;
// another lookahead is still refused.
func TestDecimalPatternsLoad(t *testing.T) {
	for _, row := range []struct {
		pattern         string
		digits, places  int
		accepts, refuse string
	}{
		{`^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$`, -1, -1, "1E+3", "+."},
		{`^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d{0,2}0*$`, -1, 2, "12.5", "-"},
		{`^(?!^[-+.]*$)[+-]?0*(?:\\d{0,5}|(?=[\\d.]{1,6}0*$)\\d*\\.\\d*0*$)`, 5, -1, "123.45", "."},
		{`^(?!^[-+.]*$)[+-]?0*(?:\\d{0,3}|(?=[\\d.]{1,6}0*$)\\d{0,3}\\.\\d{0,2}0*$)`, 5, 2, "99.99", "-."},
		{`^(?!^[-+.]*$)[+-]?0*(?:\\d{0,0}|(?=[\\d.]{1,3}0*$)\\d{0,0}\\.\\d{0,2}0*$)`, 2, 2, "0.25", ""},
	} {
		sp, err := spec.Load(formatDocument(fmt.Sprintf(`{"anyOf":[{"type":"number"},{"type":"string","pattern":"%s"}]}`, row.pattern)))
		require.NoError(t, err, row.pattern)
		s := sp.Doc.Components.Schemas["Device"].Value.Properties["probe"].Value.AnyOf[1].Value
		digits, places, ok := spec.DecimalLimits(s)
		require.True(t, ok)
		require.Equal(t, [2]int{row.digits, row.places}, [2]int{digits, places}, row.pattern)
		require.NoError(t, s.VisitJSON(row.accepts))
		require.Error(t, s.VisitJSON(row.refuse))
	}
	_, err := spec.Load(formatDocument(`{"type":"string","pattern":"^(?!x)\\d+$"}`))
	require.ErrorContains(t, err, "no regular expression Go's regexp (RE2) reads")
}
