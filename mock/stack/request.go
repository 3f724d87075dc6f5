package stack

import (
	"encoding/json"
	"errors"
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
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		out[pyUnquotePlus(name)] = pyUnquotePlus(value)
	}
	return out
}

// pyUnquotePlus is urllib.parse.unquote_plus with errors='replace'.
func pyUnquotePlus(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
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
	return strings.ToValidUTF8(string(b), "\uFFFD")
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
	var decodeErr *JSONError
	switch {
	case errors.As(err, &decodeErr):
		return Body{}, &Issue{Type: "json_invalid", Loc: []any{"body", decodeErr.Pos}, Msg: "JSON decode error",
			Input: json.RawMessage("{}"), Ctx: map[string]any{"error": decodeErr.Msg}}, nil
	case err != nil:
		return Body{}, nil, err
	}
	body.JSON, body.Value = true, value
	return body, nil, nil
}
