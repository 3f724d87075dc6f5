package stack

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Each row is CPython 3.11's urllib.parse.unquote (Lib/urllib/parse.py:
// unquote, errors='replace'; Objects/stringlib/codecs.h: utf8_decode, one
// U+FFFD per maximal subpart), run on the input.
func TestPyUnquoteIsCPythons(t *testing.T) {
	for _, row := range []struct{ in, want string }{
		{"%E2%82", "\uFFFD"},                         // a cut sequence: one
		{"%ED%A0%80", "\uFFFD\uFFFD\uFFFD"},          // a surrogate: ED A0 is not a prefix
		{"%F0%9F%98", "\uFFFD"},                      // three of four
		{"%C0%AF", "\uFFFD\uFFFD"},                   // C0 never leads
		{"%F4%90%80%80", "\uFFFD\uFFFD\uFFFD\uFFFD"}, // past U+10FFFF
		{"%E2%82A", "\uFFFDA"},
		{"%FF", "\uFFFD"},
		{"%zz%E2", "%zz\uFFFD"}, // a bad escape is kept as written
		{"%E2%82%AC", "€"},
		{"%E0%80%80", "\uFFFD\uFFFD\uFFFD"}, // overlong
		{"%F0%80", "\uFFFD\uFFFD"},
		{"a+b%2", "a+b%2"},
	} {
		require.Equal(t, row.want, PyUnquote(row.in), "%q", row.in)
	}
	// parse_qsl: '+' is a space first (unquote_plus).
	require.Equal(t, map[string]string{"q": "a \uFFFD b"}, ParseQuery("q=a+%E2%82+b"))
}
