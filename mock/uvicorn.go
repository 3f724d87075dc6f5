package mock

// What uvicorn and Starlette make of a request before the app sees it,
// where Go's net/http makes something else: the decoded path, and the
// scheme and authority of the URL a redirect is built from.

import (
	"net"
	"net/http"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/heyhumm/humm-members-mock/mock/stack"
)

// withUvicornPath gives r the path uvicorn decodes (uvicorn/protocols/
// http/h11_impl.py: handle_events, unquote(raw_path.decode("ascii"))):
// escapes that are not UTF-8 become U+FFFD as CPython counts them, where
// Go keeps the raw bytes. A path Go decodes to valid UTF-8 is the same in
// both.
func withUvicornPath(r *http.Request) *http.Request {
	if utf8.ValidString(r.URL.Path) {
		return r
	}
	u := *r.URL
	u.Path, u.RawPath = stack.PyUnquote(r.URL.EscapedPath()), ""
	out := r.WithContext(r.Context())
	out.URL = &u
	return out
}

// trustedProxy is uvicorn's default --forwarded-allow-ips
// (uvicorn/config.py: Config, FORWARDED_ALLOW_IPS or "127.0.0.1").
const trustedProxy = "127.0.0.1"

// requestScheme is scope["scheme"]: http (https over TLS), or what
// X-Forwarded-Proto says when the client is the trusted proxy
// (uvicorn/middleware/proxy_headers.py: ProxyHeadersMiddleware.__call__:
// the last such header, latin-1, stripped, one of http, https, ws, wss).
func requestScheme(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || host != trustedProxy {
		return scheme
	}
	if values := r.Header.Values("X-Forwarded-Proto"); len(values) > 0 {
		switch proto := stack.PyStrip(stack.HeaderText(values[len(values)-1])); proto {
		case "http", "https", "ws", "wss":
			return proto
		}
	}
	return scheme
}

// starletteHost is Starlette's pattern for a Host header it builds URLs
// from (starlette/datastructures.py: _HOST_RE, re.IGNORECASE, fullmatch).
var starletteHost = regexp.MustCompile(`^(?i:[a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]+)?$`)

// requestNetloc is the authority Starlette's URL(scope=...) uses: the Host
// header when it fits the pattern, else scope["server"], the address the
// connection reached (uvicorn/protocols/utils.py: get_local_addr; no
// brackets around an IPv6 host, no port when it is the scheme's default),
// else none ("" here: the URL is then the path alone).
func requestNetloc(r *http.Request, scheme string) string {
	if host := stack.HeaderText(r.Host); host != "" && starletteHost.MatchString(host) {
		return host
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return ""
	}
	host, portText, err := net.SplitHostPort(local.String())
	if err != nil {
		return ""
	}
	port, _ := strconv.Atoi(portText)
	if defaultPort := map[string]int{"http": 80, "https": 443, "ws": 80, "wss": 443}[scheme]; port == defaultPort {
		return host
	}
	return host + ":" + portText
}

// h11RejectsTarget: a request target with a byte h11 does not take
// (h11/_abnf.py: request_target = vchar+, bytes 21-7E), which Go's server
// passes on (it refuses only control bytes): raw UTF-8 in a path, as curl
// sends it when given one.
func h11RejectsTarget(target string) bool {
	for i := 0; i < len(target); i++ {
		if target[i] < 0x21 || target[i] > 0x7e {
			return true
		}
	}
	return false
}

// writeUvicorn400 is uvicorn's answer to a request h11 refuses
// (uvicorn/protocols/http/h11_impl.py: handle_events, send_400_response):
// before the app, so no CORS and no journal entry; the connection closes.
func writeUvicorn400(w http.ResponseWriter) {
	const msg = "Invalid HTTP request received."
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(msg))
}
