package stack

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// IsJSONContentType reads the header as Python's email.message does
// (get_content_maintype, get_content_subtype): application/json or any
// application/*+json, parameters ignored.
func IsJSONContentType(value string) bool {
	if value == "" {
		return false
	}
	mediaType, _, _ := strings.Cut(value, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if strings.Count(mediaType, "/") != 1 {
		return false // email.message reads it as text/plain
	}
	main, sub, _ := strings.Cut(mediaType, "/")
	return main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
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
