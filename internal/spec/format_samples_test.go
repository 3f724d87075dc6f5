package spec_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestEveryKnownFormatHasAValidSample: gen and the runner can send a value
// of every format the mock knows, and a padded one holds too.
func TestEveryKnownFormatHasAValidSample(t *testing.T) {
	for _, format := range spec.KnownStringFormats() {
		v, ok := spec.FormatSample(format)
		require.True(t, ok, "format %s has no sample", format)
		require.True(t, spec.FormatHolds(format, v), "the sample of %s, %q, does not hold", format, v)
		if long, ok := spec.FormatOfLength(format, len(v)+7); ok {
			require.Len(t, long, len(v)+7)
			require.True(t, spec.FormatHolds(format, long), "%q (%s)", long, format)
		}
	}
	uri, ok := spec.FormatOfLength("uri", 40)
	require.True(t, ok)
	require.Len(t, uri, 40)
	_, ok = spec.FormatOfLength("uri", 3)
	require.False(t, ok, "no uri is 3 characters long")
}
