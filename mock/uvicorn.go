package mock

// What uvicorn and Starlette make of a request before the app sees it,
// where Go's net/http makes something else: the decoded path, and the
// scheme and authority of the URL a redirect is built from.

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/heyhumm/humm-members-mock/internal/stack"
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

// uvicornRefusalKey marks a request the front made of a head h11 refuses
// (uvicornConn.refuse); its value says whether a request came before it
// on the connection.
type uvicornRefusalKey struct{}

// writeUvicornRefusal writes the bytes uvicorn sends for a head h11
// refuses, then closes the connection (uvicorn/protocols/http/h11_impl.py:
// send_400_response; no date or server field). h11 frames it by what it
// knows of the client (h11/_connection.py:
// _clean_up_response_headers_for_sending): nothing on the connection's
// first head, so no chunking, "Connection: close" and the body up to the
// close; after an HTTP/1.1 request, chunked. Without a connection to take
// over, writeUvicorn400.
func writeUvicornRefusal(w http.ResponseWriter, later bool) {
	raw := "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nInvalid HTTP request received."
	if later {
		raw = "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\nInvalid HTTP request received.\r\n0\r\n\r\n"
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeUvicorn400(w)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		writeUvicorn400(w)
		return
	}
	defer conn.Close()
	_, _ = buf.WriteString(raw)
	if buf.Flush() != nil {
		return
	}
	// As Go's server closes (net/http/server.go: closeWriteAndWait): the
	// answer and the end first, then a while for the client to read it
	// before the close resets what it did not.
	if cw, ok := conn.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		_ = conn.SetReadDeadline(time.Now().Add(rstAvoidanceDelay))
		_, _ = io.Copy(io.Discard, conn)
	}
}

// rstAvoidanceDelay is Go's server's (net/http/server.go).
const rstAvoidanceDelay = 500 * time.Millisecond
