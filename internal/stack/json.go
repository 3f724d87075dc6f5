// Package stack answers as the service's stack does: FastAPI, Starlette,
// pydantic 2 and CPython's json. The mock validates requests with it, and
// humm-contract gen derives from it what such a service answers.
package stack

// A request body as FastAPI's service sees it: Python's json.loads on the
// body's bytes (starlette/requests.py: Request.json), with its errors, its
// positions and its leniency (NaN, byte-order marks, UTF-16 and UTF-32).
// Error messages and positions follow CPython 3.11's C scanner
// (Modules/_json.c: scan_once_unicode, _parse_object_unicode,
// _parse_array_unicode, scanstring_unicode), pinned by CPython's
// Lib/test/test_json/test_fail.py; 3.13 added "Illegal trailing comma"
// messages, which this project's documented Python does not give.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Dict is a JSON object as Python builds it: keys in the order first
// seen, each with the last value given for it.
type Dict struct {
	keys []string
	vals map[string]any
}

// NewDict is an empty object; Set adds to it.
func NewDict() *Dict { return &Dict{vals: map[string]any{}} }

// Set gives key its value, as Python's d[key] = v does: a new key goes
// last, a known one keeps its place.
func (d *Dict) Set(key string, v any) {
	if _, ok := d.vals[key]; !ok {
		d.keys = append(d.keys, key)
	}
	d.vals[key] = v
}

func (d *Dict) get(key string) (any, bool) {
	v, ok := d.vals[key]
	return v, ok
}

// JSONError is json.JSONDecodeError: FastAPI answers it with a 422
// json_invalid at ["body", pos] (fastapi/routing.py: get_request_handler).
type JSONError struct {
	Msg string
	Pos int // in characters of the decoded text, as Python counts them
}

func (e *JSONError) Error() string { return e.Msg + " at " + strconv.Itoa(e.Pos) }

// ErrUndecodable is any other failure of json.loads (UnicodeDecodeError,
// RecursionError): FastAPI answers 400 "There was an error parsing the body".
var ErrUndecodable = errors.New("body cannot be decoded")

// MaxJSONDepth is where CPython's scanner gives up with a RecursionError:
// near the interpreter's recursion limit (1,000), less the frames FastAPI
// holds (900 levels pass, 990 fail on CPython 3.11; the exact figure
// depends on the stack in use).
const MaxJSONDepth = 950

// maxPyIntDigits is Python's default limit on the digits of an integer read
// from text (sys.int_info.default_max_str_digits, since 3.11).
const maxPyIntDigits = 4300

// LoadJSON decodes data as json.loads(data) does: values are nil, bool,
// *big.Int, float64 (NaN and infinities included), string, []any and
// *Dict.
func LoadJSON(data []byte) (any, error) {
	text, err := pyDecodeText(data)
	if err != nil {
		return nil, err
	}
	p := &pyScanner{s: text}
	idx := p.skipWS(0)
	v, end, err := p.scan(idx, 0)
	if err != nil {
		return nil, err
	}
	if end = p.skipWS(end); end != len(p.s) {
		return nil, &JSONError{"Extra data", end}
	}
	return v, nil
}

// pyDecodeText turns the bytes into characters as json.loads does for
// bytes: json.detect_encoding picks the codec, decoded with surrogatepass
// (lone surrogates become U+FFFD here: Go strings cannot hold them).
func pyDecodeText(b []byte) ([]rune, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return decodeUTF32(b[4:], binary.BigEndian)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return decodeUTF32(b[4:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], binary.BigEndian)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b[2:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return decodeUTF8(b[3:])
	case len(b) >= 4 && b[0] == 0 && b[1] != 0:
		return decodeUTF16(b, binary.BigEndian)
	case len(b) >= 4 && b[0] == 0:
		return decodeUTF32(b, binary.BigEndian)
	case len(b) >= 4 && b[1] == 0 && (b[2] != 0 || b[3] != 0):
		return decodeUTF16(b, binary.LittleEndian)
	case len(b) >= 4 && b[1] == 0:
		return decodeUTF32(b, binary.LittleEndian)
	case len(b) == 2 && b[0] == 0:
		return decodeUTF16(b, binary.BigEndian)
	case len(b) == 2 && b[1] == 0:
		return decodeUTF16(b, binary.LittleEndian)
	}
	return decodeUTF8(b)
}

// decodeUTF8 decodes strictly, but lets encoded surrogates through as
// Python's surrogatepass does.
func decodeUTF8(b []byte) ([]rune, error) {
	out := make([]rune, 0, len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			// ED A0..BF xx: a surrogate, invalid in UTF-8, passed by surrogatepass.
			if len(b) >= 3 && b[0] == 0xED && b[1] >= 0xA0 && b[1] <= 0xBF && b[2]&0xC0 == 0x80 {
				out = append(out, utf8.RuneError)
				b = b[3:]
				continue
			}
			return nil, ErrUndecodable
		}
		out = append(out, r)
		b = b[size:]
	}
	return out, nil
}

func decodeUTF16(b []byte, order binary.ByteOrder) ([]rune, error) {
	if len(b)%2 != 0 {
		return nil, ErrUndecodable // truncated data
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return utf16.Decode(units), nil
}

func decodeUTF32(b []byte, order binary.ByteOrder) ([]rune, error) {
	if len(b)%4 != 0 {
		return nil, ErrUndecodable
	}
	out := make([]rune, len(b)/4)
	for i := range out {
		c := order.Uint32(b[4*i:])
		if c > utf8.MaxRune {
			return nil, ErrUndecodable // code point not in range(0x110000)
		}
		out[i] = rune(c)
	}
	return out, nil
}

type pyScanner struct{ s []rune }

func (p *pyScanner) skipWS(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

func (p *pyScanner) has(i int, word string) bool {
	if i+len(word) > len(p.s) {
		return false
	}
	for k, c := range word {
		if p.s[i+k] != c {
			return false
		}
	}
	return true
}

// scan is scan_once_unicode: one value at idx, and where it ends.
func (p *pyScanner) scan(idx, depth int) (any, int, error) {
	if idx >= len(p.s) {
		return nil, 0, &JSONError{"Expecting value", idx}
	}
	switch c := p.s[idx]; {
	case c == '"':
		return p.str(idx + 1)
	case c == '{' || c == '[':
		if depth >= MaxJSONDepth {
			return nil, 0, ErrUndecodable // RecursionError
		}
		if c == '{' {
			return p.object(idx+1, depth+1)
		}
		return p.array(idx+1, depth+1)
	case p.has(idx, "null"):
		return nil, idx + 4, nil
	case p.has(idx, "true"):
		return true, idx + 4, nil
	case p.has(idx, "false"):
		return false, idx + 5, nil
	case p.has(idx, "NaN"):
		return math.NaN(), idx + 3, nil
	case p.has(idx, "Infinity"):
		return math.Inf(1), idx + 8, nil
	case p.has(idx, "-Infinity"):
		return math.Inf(-1), idx + 9, nil
	}
	return p.number(idx)
}

// number is _match_number_unicode.
func (p *pyScanner) number(start int) (any, int, error) {
	s, idx := p.s, start
	digit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	if idx < len(s) && s[idx] == '-' {
		idx++
	}
	switch {
	case idx < len(s) && s[idx] >= '1' && s[idx] <= '9':
		for idx++; digit(idx); idx++ {
		}
	case idx < len(s) && s[idx] == '0':
		idx++
	default:
		return nil, 0, &JSONError{"Expecting value", start}
	}
	isFloat := false
	if idx+1 < len(s) && s[idx] == '.' && digit(idx+1) {
		isFloat = true
		for idx += 2; digit(idx); idx++ {
		}
	}
	if idx < len(s) && (s[idx] == 'e' || s[idx] == 'E') {
		e := idx
		idx++
		if idx < len(s) && (s[idx] == '-' || s[idx] == '+') {
			idx++
		}
		if digit(idx) {
			isFloat = true
			for ; digit(idx); idx++ {
			}
		} else {
			idx = e
		}
	}
	text := string(s[start:idx])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, 0, ErrUndecodable
		}
		return f, idx, nil // out of range: Python's float gives inf or 0.0 too
	}
	if len(strings.TrimPrefix(text, "-")) > maxPyIntDigits {
		return nil, 0, ErrUndecodable // int(): exceeds the limit for integer string conversion
	}
	n, _ := new(big.Int).SetString(text, 10)
	return n, idx, nil
}

// str is scanstring_unicode; begin-1 is the opening quote.
func (p *pyScanner) str(end int) (any, int, error) {
	s, begin := p.s, end-1
	var b strings.Builder
	for {
		next := end
		for ; next < len(s) && s[next] != '"' && s[next] != '\\'; next++ {
			if s[next] <= 0x1f {
				return nil, 0, &JSONError{"Invalid control character at", next}
			}
		}
		if next >= len(s) {
			return nil, 0, &JSONError{"Unterminated string starting at", begin}
		}
		b.WriteString(string(s[end:next]))
		if s[next] == '"' {
			return b.String(), next + 1, nil
		}
		next++ // past the backslash
		if next == len(s) {
			return nil, 0, &JSONError{"Unterminated string starting at", begin}
		}
		if c := s[next]; c != 'u' {
			end = next + 1
			unescaped, ok := map[rune]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[c]
			if !ok {
				return nil, 0, &JSONError{"Invalid \\escape", end - 2}
			}
			b.WriteRune(unescaped)
			continue
		}
		next++
		end = next + 4
		if end >= len(s) {
			return nil, 0, &JSONError{"Invalid \\uXXXX escape", next - 1}
		}
		c, ok := p.hex4(next)
		if !ok {
			return nil, 0, &JSONError{"Invalid \\uXXXX escape", end - 5}
		}
		// A high surrogate followed by \u and a low one is one character.
		if utf16.IsSurrogate(c) && c < 0xDC00 && end+6 < len(s) && s[end] == '\\' && s[end+1] == 'u' {
			c2, ok := p.hex4(end + 2)
			if !ok {
				return nil, 0, &JSONError{"Invalid \\uXXXX escape", end + 1}
			}
			if c2 >= 0xDC00 && c2 <= 0xDFFF {
				c = utf16.DecodeRune(c, c2)
				end += 6
			}
		}
		b.WriteRune(c) // a lone surrogate is written as U+FFFD
	}
}

func (p *pyScanner) hex4(i int) (rune, bool) {
	var c rune
	for _, d := range p.s[i : i+4] {
		switch {
		case '0' <= d && d <= '9':
			c = c<<4 | (d - '0')
		case 'a' <= d && d <= 'f':
			c = c<<4 | (d - 'a' + 10)
		case 'A' <= d && d <= 'F':
			c = c<<4 | (d - 'A' + 10)
		default:
			return 0, false
		}
	}
	return c, true
}

// object is _parse_object_unicode; idx is just past the '{'.
func (p *pyScanner) object(idx, depth int) (any, int, error) {
	d := &Dict{vals: map[string]any{}}
	idx = p.skipWS(idx)
	if idx < len(p.s) && p.s[idx] == '}' {
		return d, idx + 1, nil
	}
	for idx < len(p.s) {
		if p.s[idx] != '"' {
			return nil, 0, &JSONError{"Expecting property name enclosed in double quotes", idx}
		}
		key, next, err := p.str(idx + 1)
		if err != nil {
			return nil, 0, err
		}
		idx = p.skipWS(next)
		if idx >= len(p.s) || p.s[idx] != ':' {
			return nil, 0, &JSONError{"Expecting ':' delimiter", idx}
		}
		v, next, err := p.scan(p.skipWS(idx+1), depth)
		if err != nil {
			return nil, 0, err
		}
		k := key.(string)
		if _, seen := d.vals[k]; !seen {
			d.keys = append(d.keys, k)
		}
		d.vals[k] = v
		idx = p.skipWS(next)
		if idx < len(p.s) && p.s[idx] == '}' {
			return d, idx + 1, nil
		}
		if idx >= len(p.s) || p.s[idx] != ',' {
			return nil, 0, &JSONError{"Expecting ',' delimiter", idx}
		}
		idx = p.skipWS(idx + 1)
	}
	return nil, 0, &JSONError{"Expecting property name enclosed in double quotes", idx}
}

// array is _parse_array_unicode; idx is just past the '['.
func (p *pyScanner) array(idx, depth int) (any, int, error) {
	out := []any{}
	idx = p.skipWS(idx)
	if idx < len(p.s) && p.s[idx] == ']' {
		return out, idx + 1, nil
	}
	for idx < len(p.s) {
		v, next, err := p.scan(idx, depth)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
		idx = p.skipWS(next)
		if idx < len(p.s) && p.s[idx] == ']' {
			return out, idx + 1, nil
		}
		if idx >= len(p.s) || p.s[idx] != ',' {
			return nil, 0, &JSONError{"Expecting ',' delimiter", idx}
		}
		idx = p.skipWS(idx + 1)
	}
	return nil, 0, &JSONError{"Expecting value", idx}
}

// DumpJSON renders a decoded value as Starlette's JSONResponse renders
// it (json.dumps with ensure_ascii=False and compact separators).
// Python would fail on NaN and infinities with a 500; they are rendered
// as null (mock/policy.go: choices).
func DumpJSON(v any) []byte {
	var b []byte
	return appendPyJSON(b, v)
}

func appendPyJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case *big.Int:
		return v.Append(b, 10)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(b, "null"...)
		}
		return append(b, pyFloatRepr(v)...)
	case string:
		return appendPyString(b, v)
	case []any:
		b = append(b, '[')
		for i, item := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPyJSON(b, item)
		}
		return append(b, ']')
	case *Dict:
		b = append(b, '{')
		for i, k := range v.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPyString(b, k)
			b = append(b, ':')
			b = appendPyJSON(b, v.vals[k])
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// appendPyString escapes as json.dumps(ensure_ascii=False) does.
func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch r {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		default:
			if r < 0x20 {
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&0xF])
				continue
			}
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// pyFloatRepr is Python's repr of a float: the shortest digits that read
// back, fixed notation from 1e-4 up to 1e16 (with ".0" when integral),
// scientific outside it with a two-digit exponent at least.
func pyFloatRepr(f float64) string {
	sci := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expText, _ := strings.Cut(sci, "e")
	exp, _ := strconv.Atoi(expText)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		e := strconv.Itoa(exp)
		if len(e) < 2 {
			e = "0" + e
		}
		return mant + "e" + sign + e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}
