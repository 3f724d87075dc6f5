package mock

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The 307's Location is Starlette's URL(scope=...) of the other path
// (starlette/datastructures.py: URL.__init__: the Host header when it fits
// _HOST_RE, else scope["server"]), with the scheme uvicorn's
// ProxyHeadersMiddleware sets from X-Forwarded-Proto when the client is
// 127.0.0.1 (uvicorn/config.py: forwarded_allow_ips default;
// uvicorn/middleware/proxy_headers.py: ProxyHeadersMiddleware.__call__).
// {addr} is the server's address (scope["server"]), {path} the
// collection's path with a trailing slash, {want} without it.
func TestRedirectLocationAsStarletteBuildsIt(t *testing.T) {
	m := newTestMock(t, Config{})
	addr := strings.TrimPrefix(m.url, "http://")
	path := m.membersPath(m.profile.OrganizationID)
	citeHost := "starlette/datastructures.py: URL.__init__ (_HOST_RE.fullmatch(host_header), else scope[\"server\"])"
	citeProto := "uvicorn/middleware/proxy_headers.py: ProxyHeadersMiddleware.__call__ (client 127.0.0.1 trusted; last X-Forwarded-Proto, latin-1, strip(), in http/https/ws/wss)"
	for _, row := range []struct{ name, cite, request, location string }{
		{"host header kept", citeHost, "GET {path}/ HTTP/1.1\r\nHost: api.example.com:8080\r\n\r\n", "http://api.example.com:8080{path}"},
		{"host header case kept", citeHost, "GET {path}/ HTTP/1.1\r\nHost: API.Example.com\r\n\r\n", "http://API.Example.com{path}"},
		{"IPv6 host header kept", citeHost, "GET {path}/ HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "http://[::1]:8080{path}"},
		{"underscore in the host", citeHost, "GET {path}/ HTTP/1.1\r\nHost: members_api:8080\r\n\r\n", "http://{addr}{path}"},
		{"empty host header", citeHost, "GET {path}/ HTTP/1.1\r\nHost:\r\n\r\n", "http://{addr}{path}"},
		{"HTTP/1.0 without a host", citeHost, "GET {path}/ HTTP/1.0\r\n\r\n", "http://{addr}{path}"},
		{"query kept", citeHost, "GET {path}/?page=2&query=a%20b HTTP/1.1\r\nHost: api.example.com\r\n\r\n", "http://api.example.com{path}?page=2&query=a%20b"},
		{"forwarded https", citeProto, "GET {path}/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https\r\n\r\n", "https://api.example.com{path}"},
		{"forwarded https, stripped as Python strips", citeProto, "GET {path}/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https\xa0\r\n\r\n", "https://api.example.com{path}"},
		{"last forwarded proto wins", citeProto, "GET {path}/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Proto: http\r\n\r\n", "http://api.example.com{path}"},
		{"unknown forwarded proto ignored", citeProto, "GET {path}/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: ftp\r\n\r\n", "http://api.example.com{path}"},
		{"list of protos ignored", citeProto, "GET {path}/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https, http\r\n\r\n", "http://api.example.com{path}"},
		{"forwarded https, the server's address", citeProto + "; " + citeHost, "GET {path}/ HTTP/1.1\r\nHost: bad_host\r\nX-Forwarded-Proto: https\r\n\r\n", "https://{addr}{path}"},
		{"X-Forwarded-For changes the client only", "uvicorn/middleware/proxy_headers.py: ProxyHeadersMiddleware.__call__ (scope[\"client\"])", "GET {path}/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n", "http://api.example.com{path}"},
	} {
		t.Run(row.name, func(t *testing.T) {
			fill := strings.NewReplacer("{path}", path, "{addr}", addr)
			resp, _ := rawExchange(t, m.url, fill.Replace(row.request), nil)
			require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode, row.cite)
			require.Equal(t, fill.Replace(row.location), resp.Header.Get("Location"), row.cite)
		})
	}
}

// Only the trusted proxy's X-Forwarded-Proto counts; another client's is
// ignored, and the server address drops the scheme's default port.
func TestRequestSchemeTrustsLoopbackOnly(t *testing.T) {
	for _, row := range []struct{ remote, proto, want string }{
		{"127.0.0.1:5000", "https", "https"},
		{"10.0.0.7:5000", "https", "http"},
		{"[::1]:5000", "https", "http"}, // "127.0.0.1" is the whole default list
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = row.remote
		r.Header.Set("X-Forwarded-Proto", row.proto)
		require.Equal(t, row.want, requestScheme(r), "%s (uvicorn/middleware/proxy_headers.py: _TrustedHosts)", row.remote)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Host = "bad_host"
	ctx := context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.ParseIP("::1"), Port: 443})
	require.Equal(t, "::1", requestNetloc(r.WithContext(ctx), "https"), "uvicorn/protocols/utils.py: get_local_addr; starlette URL: host alone on the default port, unbracketed")
	ctx = context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.ParseIP("::1"), Port: 8080})
	require.Equal(t, "::1:8080", requestNetloc(r.WithContext(ctx), "http"), "starlette/datastructures.py: URL.__init__ f\"{host}:{port}\"")
}
