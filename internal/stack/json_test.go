package stack

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestPyJSONErrorsAsCPython: messages and positions of json.loads, from
// CPython's Lib/test/test_json/test_fail.py (test_truncated_input,
// test_unexpected_data, test_extra_data, test_linecol), as CPython 3.11
// gives them (no "Illegal trailing comma" yet).
func TestPyJSONErrorsAsCPython(t *testing.T) {
	for _, tc := range []struct {
		doc string
		msg string
		pos int
	}{
		{``, "Expecting value", 0},
		{`[`, "Expecting value", 1},
		{`[42`, "Expecting ',' delimiter", 3},
		{`[42,`, "Expecting value", 4},
		{`["`, "Unterminated string starting at", 1},
		{`["spam`, "Unterminated string starting at", 1},
		{`["spam"`, "Expecting ',' delimiter", 7},
		{`["spam",`, "Expecting value", 8},
		{`{`, "Expecting property name enclosed in double quotes", 1},
		{`{"`, "Unterminated string starting at", 1},
		{`{"spam`, "Unterminated string starting at", 1},
		{`{"spam"`, "Expecting ':' delimiter", 7},
		{`{"spam":`, "Expecting value", 8},
		{`{"spam":42`, "Expecting ',' delimiter", 10},
		{`{"spam":42,`, "Expecting property name enclosed in double quotes", 11},
		{`"`, "Unterminated string starting at", 0},
		{`"spam`, "Unterminated string starting at", 0},
		{`[,`, "Expecting value", 1},
		{`{"spam":[}`, "Expecting value", 9},
		{`[42:`, "Expecting ',' delimiter", 3},
		{`[42 "spam"`, "Expecting ',' delimiter", 4},
		{`[42,]`, "Expecting value", 4},
		{`{"spam":[42}`, "Expecting ',' delimiter", 11},
		{`["]`, "Unterminated string starting at", 1},
		{`["spam":`, "Expecting ',' delimiter", 7},
		{`["spam",]`, "Expecting value", 8},
		{`{:`, "Expecting property name enclosed in double quotes", 1},
		{`{,`, "Expecting property name enclosed in double quotes", 1},
		{`{42`, "Expecting property name enclosed in double quotes", 1},
		{`[{]`, "Expecting property name enclosed in double quotes", 2},
		{`{"spam",`, "Expecting ':' delimiter", 7},
		{`{"spam"}`, "Expecting ':' delimiter", 7},
		{`[{"spam"]`, "Expecting ':' delimiter", 8},
		{`{"spam":}`, "Expecting value", 8},
		{`[{"spam":]`, "Expecting value", 9},
		{`{"spam":42 "ham"`, "Expecting ',' delimiter", 11},
		{`[{"spam":42]`, "Expecting ',' delimiter", 11},
		{`{"spam":42,}`, "Expecting property name enclosed in double quotes", 11},
		{`{"spam":42 , }`, "Expecting property name enclosed in double quotes", 13},
		{`[123  , ]`, "Expecting value", 8},
		{`[]]`, "Extra data", 2},
		{`{}}`, "Extra data", 2},
		{`[],[]`, "Extra data", 2},
		{`42,"spam"`, "Extra data", 2},
		{`"spam",42`, "Extra data", 6},
		{`!`, "Expecting value", 0},
		{"\n  \n\n     !", "Expecting value", 10},
		{`{"a":01}`, "Expecting ',' delimiter", 6},
		{`{"a":"\q"}`, "Invalid \\escape", 6},
		{`{"a":"\uZZZZ"}`, "Invalid \\uXXXX escape", 7},
		{"{\"a\":\"a\tb\"}", "Invalid control character at", 7},
		{`{"é":x}`, "Expecting value", 5}, // characters, not bytes
	} {
		t.Run(tc.doc, func(t *testing.T) {
			_, err := LoadJSON([]byte(tc.doc))
			var perr *JSONError
			require.ErrorAs(t, err, &perr)
			require.Equal(t, tc.msg, perr.Msg)
			require.Equal(t, tc.pos, perr.Pos)
		})
	}
}

func TestPyJSONAcceptsWhatPythonAccepts(t *testing.T) {
	utf16le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	doc := `{"role": "ANALYST", "x": NaN, "x": 1e400, "n": -0, "s": "\ud83d\ude00"}`
	for name, data := range map[string][]byte{
		"utf-8":            []byte(doc),
		"utf-8 with a BOM": append([]byte{0xEF, 0xBB, 0xBF}, doc...),
		"utf-16-le":        utf16le(doc),
		"utf-16 with BOM":  append([]byte{0xFF, 0xFE}, utf16le(doc)...),
	} {
		t.Run(name, func(t *testing.T) {
			v, err := LoadJSON(data)
			require.NoError(t, err)
			d := v.(*Dict)
			require.Equal(t, []string{"role", "x", "n", "s"}, d.keys, "first-seen order")
			require.True(t, math.IsInf(d.vals["x"].(float64), 1), "the last of duplicate keys wins")
			require.Equal(t, "😀", d.vals["s"])
			require.Equal(t, `{"role":"ANALYST","x":null,"n":0,"s":"😀"}`, string(DumpJSON(v)))
		})
	}
}

func TestPyJSONUndecodable(t *testing.T) {
	for name, data := range map[string][]byte{
		"invalid utf-8":       {'{', '"', 'a', '"', ':', '"', 0xff, '"', '}'},
		"odd utf-16":          {0xFF, 0xFE, '{', 0, '}'},
		"nested too deep":     []byte(strings.Repeat("[", 5000) + strings.Repeat("]", 5000)),
		"an int of 5k digits": []byte(strings.Repeat("9", 5000)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadJSON(data)
			require.ErrorIs(t, err, ErrUndecodable)
		})
	}
	_, err := LoadJSON([]byte(strings.Repeat("[", 70) + strings.Repeat("]", 70)))
	require.NoError(t, err, "70 levels are nothing to Python")
}

func TestPyFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 1.5: "1.5", 1e16: "1e+16", 1e15: "1000000000000000.0", 0.0001: "0.0001", 0.00001: "1e-05", -2.5e-7: "-2.5e-07", 1e300: "1e+300"} {
		require.Equal(t, want, pyFloatRepr(f))
	}
}

// TestPlainIntegersReadAsTheLongWay: pydanticInt's shortcut for plain
// decimal strings gives what the big.Int way gives, bounds and all.
func TestPlainIntegersReadAsTheLongWay(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	yes := true
	schemas := []*openapi3.Schema{
		openapi3.NewIntegerSchema(),
		{Type: &openapi3.Types{"integer"}, Min: f(1), Max: f(100)},
		{Type: &openapi3.Types{"integer"}, Min: f(1), ExclusiveMin: openapi3.ExclusiveBound{Bool: &yes}, Max: f(100)},
		{Type: &openapi3.Types{"integer"}, ExclusiveMin: openapi3.ExclusiveBound{Value: f(1)}, ExclusiveMax: openapi3.ExclusiveBound{Value: f(100)}},
		{Type: &openapi3.Types{"integer"}, Min: f(0.5)},
		{Type: &openapi3.Types{"integer"}, MultipleOf: f(5)},
	}
	loc := []any{"query", "n"}
	for _, s := range schemas {
		for _, text := range []string{"0", "1", "2", "50", "99", "100", "101", "007", "-1", "+5", " 5", "1_0", "5.0", "",
			"999999999999999", "9999999999999999", "12345678901234567890", "1e3", "٣"} {
			fast, fastIssues, fastOK := pydanticInt(loc, s, text)
			slow, slowIssues, slowOK := pydanticBigInt(loc, s, text)
			require.Equal(t, slowOK, fastOK, "%q", text)
			require.Equal(t, slow, fast, "%q", text)
			require.Equal(t, slowIssues, fastIssues, "%q", text)
		}
	}
}
