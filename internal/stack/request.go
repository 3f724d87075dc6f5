package stack

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// IsJSONContentType reads the header as FastAPI does (fastapi/routing.py:
// get_request_handler puts it in an email.message.Message; Message.
// get_content_type: _splitparam strips the part before ';' with str.strip
// and lower-cases it): application/json or any application/*+json,
// parameters ignored. The value is read as Starlette reads every header,
// as latin-1.
func IsJSONContentType(value string) bool {
	if value == "" {
		return false
	}
	mediaType, _, _ := strings.Cut(HeaderText(value), ";")
	mediaType = strings.ToLower(PyStrip(mediaType))
	if strings.Count(mediaType, "/") != 1 {
		return false // email.message reads it as text/plain
	}
	main, sub, _ := strings.Cut(mediaType, "/")
	return main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// HeaderText is a header value as Starlette hands it to the app
// (starlette/datastructures.py: Headers.get, value.decode("latin-1")):
// each byte one character, U+0000 to U+00FF, here as UTF-8. A UTF-8
// no-break space sent (C2 A0) is two characters, "\u00c2\u00a0"; the byte
// A0 alone is the no-break space.
func HeaderText(raw string) string {
	ascii := true
	for i := 0; i < len(raw) && ascii; i++ {
		ascii = raw[i] < utf8.RuneSelf
	}
	if ascii {
		return raw
	}
	b := make([]byte, 0, 2*len(raw))
	for i := 0; i < len(raw); i++ {
		b = utf8.AppendRune(b, rune(raw[i]))
	}
	return string(b)
}

// PyStrip is Python's str.strip() with no argument: it strips what
// str.isspace calls whitespace, which Go's strings.TrimSpace does not
// quite (U+001C to U+001F are whitespace to Python only).
func PyStrip(s string) string { return strings.TrimFunc(s, PyIsSpace) }

// PyIsSpace is str.isspace for one character: bidirectional class WS, B or
// S, or category Zs (Objects/unicodectype.c: _PyUnicode_IsWhitespace).
func PyIsSpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r >= 0x1C && r <= 0x20, r == 0x85, r == 0xA0, r == 0x1680,
		r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// ParseQuery parses a query string as Starlette does (urllib.parse.parse_qsl
// with keep_blank_values): split on '&' only, '+' is a space, a bad
// percent escape is kept as written; the last of a repeated name wins.
func ParseQuery(raw string) map[string]string {
	out := map[string]string{}
	for name, values := range ParseQueryAll(raw) {
		out[name] = values[len(values)-1]
	}
	return out
}

// ParseQueryAll is ParseQuery with every value of a repeated name, in
// order (Starlette's QueryParams.getlist).
func ParseQueryAll(raw string) map[string][]string {
	out := map[string][]string{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name = pyUnquotePlus(name)
		out[name] = append(out[name], pyUnquotePlus(value))
	}
	return out
}

// pyUnquotePlus is urllib.parse.unquote_plus with errors='replace'.
func pyUnquotePlus(s string) string { return PyUnquote(strings.ReplaceAll(s, "+", " ")) }

// PyUnquote is urllib.parse.unquote (encoding 'utf-8', errors
// 'replace'), as uvicorn decodes the path (uvicorn/protocols/http/
// h11_impl.py: handle_events, unquote(raw_path.decode("ascii"))) and
// parse_qsl the query: a bad escape is kept as written, the bytes of the
// good ones decoded as CPython decodes UTF-8 (PyDecodeUTF8).
func PyUnquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1:i+3]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return PyDecodeUTF8(b)
}

// PyDecodeUTF8 is bytes.decode("utf-8", "replace"): one U+FFFD for each
// maximal subpart of an ill-formed sequence (Objects/stringlib/codecs.h:
// utf8_decode; Unicode 15, 3.9 "U+FFFD Substitution of Maximal
// Subparts"), where Go's decoders give one per byte (utf8.DecodeRune) or
// one per run (strings.ToValidUTF8). E2 82 is one; ED A0 80 (a surrogate)
// is three.
func PyDecodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError || size > 1 {
			out = append(out, b[:size]...)
			b = b[size:]
			continue
		}
		out = utf8.AppendRune(out, utf8.RuneError)
		b = b[maximalSubpart(b):]
	}
	return string(out)
}

// maximalSubpart is how many bytes at the start of b, which do not begin
// a well-formed sequence, begin one that could be (at least 1): the lead
// byte and the continuation bytes in the ranges of Unicode's Table 3-7.
func maximalSubpart(b []byte) int {
	var ranges [][2]byte
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		ranges = [][2]byte{{0x80, 0xBF}}
	case c == 0xE0:
		ranges = [][2]byte{{0xA0, 0xBF}, {0x80, 0xBF}}
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		ranges = [][2]byte{{0x80, 0xBF}, {0x80, 0xBF}}
	case c == 0xED:
		ranges = [][2]byte{{0x80, 0x9F}, {0x80, 0xBF}}
	case c == 0xF0:
		ranges = [][2]byte{{0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}
	case c >= 0xF1 && c <= 0xF3:
		ranges = [][2]byte{{0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}
	case c == 0xF4:
		ranges = [][2]byte{{0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}}
	}
	n := 1
	for _, r := range ranges {
		if n >= len(b) || b[n] < r[0] || b[n] > r[1] {
			break
		}
		n++
	}
	return n
}

// DecodeBody is what FastAPI makes of a request body before validation
// (fastapi/routing.py: get_request_handler): nothing for no bytes, Python's
// json.loads for a JSON content type, the bytes themselves otherwise. A
// body that does not parse gives its 422 entry (json_invalid at
// ["body", POS]); one that cannot be decoded gives ErrUndecodable (400).
func DecodeBody(contentType string, data []byte) (Body, *Issue, error) {
	if len(data) == 0 {
		return Body{}, nil, nil
	}
	body := Body{Sent: true, Raw: data}
	if !IsJSONContentType(contentType) {
		return body, nil, nil
	}
	value, err := LoadJSON(data)
	if err != nil {
		invalid, err := decodeIssue(err)
		return Body{}, invalid, err
	}
	body.JSON, body.Value = true, value
	return body, nil, nil
}

// decodeIssue is DecodeBody's answer to a body LoadJSON refused: the 422
// entry of one that does not parse, else the error (a body that cannot be
// decoded).
func decodeIssue(err error) (*Issue, error) {
	var decodeErr *JSONError
	if errors.As(err, &decodeErr) {
		return &Issue{Type: "json_invalid", Loc: []any{"body", decodeErr.Pos}, Msg: "JSON decode error",
			Input: json.RawMessage("{}"), Ctx: map[string]any{"error": decodeErr.Msg}}, nil
	}
	return nil, err
}

// ParseCookies reads the request's cookies as Starlette does
// (starlette/requests.py: HTTPConnection.cookies, cookie_parser): every
// Cookie header, read as latin-1, split on ';', each piece on its first
// '=' (none: the name is empty), name and value stripped (str.strip), a
// quoted value unquoted as http.cookies._unquote does; a later name wins.
func ParseCookies(header http.Header) map[string]string {
	out := map[string]string{}
	for _, line := range header.Values("Cookie") {
		for _, chunk := range strings.Split(HeaderText(line), ";") {
			name, value, found := strings.Cut(chunk, "=")
			if !found {
				name, value = "", chunk
			}
			name, value = PyStrip(name), PyStrip(value)
			if name != "" || value != "" {
				out[name] = pyCookieUnquote(value)
			}
		}
	}
	return out
}

// pyCookieUnquote is http.cookies._unquote (CPython 3.11): a value in
// double quotes loses them, \ooo (octal, first digit 0-3) becomes that
// character and a backslash takes the next character as it is.
func pyCookieUnquote(s string) string {
	r := []rune(s)
	if len(r) < 2 || r[0] != '"' || r[len(r)-1] != '"' {
		return s
	}
	r = r[1 : len(r)-1]
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		if r[i] != '\\' || i+1 >= len(r) || r[i+1] == '\n' { // '.' does not match a newline
			b.WriteRune(r[i])
			continue
		}
		if i+3 < len(r) && r[i+1] >= '0' && r[i+1] <= '3' && r[i+2] >= '0' && r[i+2] <= '7' && r[i+3] >= '0' && r[i+3] <= '7' {
			b.WriteRune((r[i+1]-'0')*64 + (r[i+2]-'0')*8 + (r[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteRune(r[i+1])
		i++
	}
	return b.String()
}
