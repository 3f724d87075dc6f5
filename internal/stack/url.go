package stack

// URLs (format uri: AnyUrl, AnyHttpUrl, HttpUrl, whose schemas differ in
// maxLength at most), validated as pydantic-core's UrlValidator does with
// the url crate (src/validators/url.rs; WHATWG URL parsing): url_type,
// url_too_long, url_parsing with the crate's words, url_scheme; the value
// written as the crate serializes it (scheme and host in lower case, the
// default port dropped, dot segments resolved, an empty path "/",
// spaces and quotes percent-encoded). Modelled for http and https URLs
// of ASCII and a plain host only: another scheme (which AnyUrl takes and
// AnyHttpUrl, same schema, refuses), user info, an IPv6 or numeric-looking
// host, a backslash or an encoded dot are not.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

func pydanticURL(loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	text, isText := value.(string)
	if !isText {
		if _, raw := value.(rawBytes); raw {
			return nil, nil, false
		}
		return nil, []Issue{issue("url_type", loc, "URL input should be a string or URL", value, nil)}, true
	}
	if s.Pattern != "" || s.MinLength > 1 {
		return nil, nil, false
	}
	if s.MaxLength != nil && uint64(utf8.RuneCountInString(text)) > *s.MaxLength {
		return nil, []Issue{issue("url_too_long", loc, fmt.Sprintf("URL should have at most %d character%s", *s.MaxLength, plural(*s.MaxLength)),
			value, map[string]any{"max_length": *s.MaxLength})}, true
	}
	fail := func(problem string) (any, []Issue, bool) {
		return nil, []Issue{issue("url_parsing", loc, "Input should be a valid URL, "+problem, value, map[string]any{"error": problem})}, true
	}
	if text == "" {
		return fail("input is empty")
	}
	if text[0] == ' ' || text[len(text)-1] == ' ' {
		return nil, nil, false // trimmed by the crate
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < ' ' || c >= 0x7f || c == '\\' {
			return nil, nil, false // stripped or read as '/' by the crate; non-ASCII hosts are IDNA
		}
	}
	if strings.Contains(strings.ToLower(text), "%2e") {
		return nil, nil, false
	}
	scheme, rest, found := strings.Cut(text, ":")
	if !found || scheme == "" || !isScheme(scheme) {
		return fail("relative URL without a base")
	}
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" || !strings.HasPrefix(rest, "//") {
		return nil, nil, false
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if strings.Contains(authority, "@") || strings.HasPrefix(authority, "[") {
		return nil, nil, false
	}
	host, port, hasPort := strings.Cut(authority, ":")
	if host == "" {
		return fail("empty host")
	}
	host = strings.ToLower(host)
	numeric := true
	for i := 0; i < len(host); i++ {
		c := host[i]
		switch {
		case c >= 'a' && c <= 'z' || c == '-' || c == '_':
			numeric = false
		case c >= '0' && c <= '9' || c == '.':
		default:
			return nil, nil, false // forbidden host code points and IDNA: not modelled
		}
	}
	if last := host[strings.LastIndexByte(host[:max(len(host)-1, 0)], '.')+1:]; numeric || isDigitsDot(last) {
		if problem, ok := plainIPv4(host); !ok {
			return nil, nil, false
		} else if problem != "" {
			return fail(problem)
		}
	}
	canon := scheme + "://" + host
	if hasPort {
		if port != "" {
			n, err := strconv.Atoi(port)
			if err != nil || strings.Trim(port, "0123456789") != "" || n > 65535 {
				return fail("invalid port number")
			}
			if !(scheme == "http" && n == 80 || scheme == "https" && n == 443) {
				canon += ":" + strconv.Itoa(n)
			}
		}
	}
	path, query, fragment := tail, "", ""
	hasQuery, hasFragment := false, false
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, fragment, hasFragment = path[:i], path[i+1:], true
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query, hasQuery = path[:i], path[i+1:], true
	}
	canon += resolveDots(path)
	if hasQuery {
		canon += "?" + percentEncode(query, ` "#<>'`)
	}
	if hasFragment {
		canon += "#" + percentEncode(fragment, " \"<>`")
	}
	return canon, nil, true
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

func isDigitsDot(s string) bool {
	s = strings.TrimSuffix(s, ".")
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// plainIPv4 reads a host that the crate takes for an IPv4 address: four
// decimal parts without leading zeros (other forms, hex, octal, fewer
// parts, are not modelled: ok false).
func plainIPv4(host string) (problem string, ok bool) {
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return "", false
	}
	for _, p := range parts {
		if p == "" || len(p) > 1 && p[0] == '0' || strings.Trim(p, "0123456789") != "" || len(p) > 5 {
			return "", false
		}
		if n, _ := strconv.Atoi(p); n > 255 {
			return "invalid IPv4 address", true
		}
	}
	return "", true
}

// resolveDots is a special URL's path: "/" when empty, "." and ".."
// segments resolved, the path percent-encode set encoded.
func resolveDots(path string) string {
	if path == "" {
		return "/"
	}
	var out []string
	segments := strings.Split(path[1:], "/")
	for i, seg := range segments {
		last := i == len(segments)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, percentEncode(seg, " \"#<>?`{}"))
		}
	}
	return "/" + strings.Join(out, "/")
}

// percentEncode encodes the bytes of set (the input is printable ASCII:
// controls are not modelled).
func percentEncode(s, set string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 {
			fmt.Fprintf(&b, "%%%02X", s[i])
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
