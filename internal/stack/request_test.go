package stack

import (
	"net/http"
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

// Each row is Starlette 1.3.1's cookie_parser (starlette/requests.py,
// HTTPConnection.cookies updating a dict with each Cookie header's) with
// CPython 3.11's http.cookies._unquote, run on the headers as Starlette
// reads them (latin-1: the byte A0 is U+00A0, which str.strip strips).
func TestParseCookiesIsStarlettes(t *testing.T) {
	for _, row := range []struct {
		headers []string
		want    map[string]string
	}{
		{[]string{"a=1; b=2"}, map[string]string{"a": "1", "b": "2"}},
		{[]string{"a=1", "a=2; c=3"}, map[string]string{"a": "2", "c": "3"}},
		{[]string{"noequals; x = y ;"}, map[string]string{"": "noequals", "x": "y"}},
		{[]string{`q="a\"b\\c"`}, map[string]string{"q": `a"b\c`}},
		{[]string{`o="\101\1012"`}, map[string]string{"o": "AA2"}},
		{[]string{`e=""; f="`}, map[string]string{"e": "", "f": `"`}},
		{[]string{"=v; k="}, map[string]string{"": "v", "k": ""}},
		{[]string{"n=\"a\\\nb\""}, map[string]string{"n": "a\\\nb"}},
		{[]string{"\xa0k\xa0=\xa0v\xa0"}, map[string]string{"k": "v"}},
		{[]string{"k=v=w"}, map[string]string{"k": "v=w"}},
		{[]string{`t="\x"`}, map[string]string{"t": "x"}},
		{[]string{`u="\477"`}, map[string]string{"u": "477"}},
	} {
		header := http.Header{}
		for _, h := range row.headers {
			header.Add("Cookie", h)
		}
		require.Equal(t, row.want, ParseCookies(header), "%q", row.headers)
	}
}

// PyStrip is str.strip(), PyIsSpace str.isspace (Objects/unicodectype.c:
// _PyUnicode_IsWhitespace; the list is CPython 3.11's
// [c for c in range(0x110000) if chr(c).isspace()]).
func TestPyStripIsPythons(t *testing.T) {
	for _, row := range []struct{ in, want string }{
		{"\x1c\x1d\x1e\x1ftoken\x1f", "token"}, // file, group, record, unit separators: Python only
		{"\u0085token\u00a0", "token"},
		{"\u2000\u200a token \u2028\u2029\u202f\u205f\u3000", "token"},
		{"\u200btoken\u180e", "\u200btoken\u180e"}, // zero-width space and the Mongolian vowel separator are not
		{"\ufefftoken", "\ufefftoken"},
	} {
		require.Equal(t, row.want, PyStrip(row.in), "%q", row.in)
	}
	var spaces []rune
	for r := rune(0); r <= 0x10FFFF; r++ {
		if PyIsSpace(r) {
			spaces = append(spaces, r)
		}
	}
	require.Equal(t, []rune{0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
		0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000}, spaces)
}
