package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// TestResidueAsFastAPIDoes: what remained of the differences between the
// mock and the real stack after the strict comparison of issue 19, each
// row citing where the stack's answer comes from. Sent as stackRows are
// (stack_test.go), over a real loopback server, header bytes as written.
func TestResidueAsFastAPIDoes(t *testing.T) {
	for _, row := range residueRows {
		t.Run(row.name, func(t *testing.T) {
			m := newTestMock(t, Config{})
			w := newStackWorld(m)
			row.check(t, w, w.send(t, row.req))
		})
	}
}

const (
	citeLatin1Bearer = "starlette/datastructures.py: Headers (value.decode(\"latin-1\")); fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(\" \"), param.strip())"
	citeLatin1CType  = "starlette/datastructures.py: Headers (value.decode(\"latin-1\")); fastapi/routing.py: get_request_handler (email.message.Message()[\"content-type\"]); email/message.py: _splitparam (a.strip()), get_content_type (.lower())"
	bodyNotADict     = "Input should be a valid dictionary or object to extract fields from"
)

var residueRows = []stackRow{
	{
		name: "token followed by a UTF-8 no-break space",
		cite: citeLatin1Bearer + ": C2 A0 is \"\\u00c2\\u00a0\", strip() leaves \"\\u00c2\" on the token",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:org_admin}\xc2\xa0"},
		want: wantUnauthenticated(detailInvalidCredentials),
	},
	{
		name: "token followed by the byte A0",
		cite: citeLatin1Bearer + ": A0 is U+00A0, which str.isspace calls whitespace",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:org_admin}\xa0"},
		want: wantOK(),
	},
	{
		name: "token after the byte A0",
		cite: citeLatin1Bearer,
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer \xa0{tok:org_admin}"},
		want: wantOK(),
	},
	{
		name: "token followed by the byte 85 (NEL)",
		cite: citeLatin1Bearer + ": U+0085 is whitespace to str.isspace",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:org_admin}\x85"},
		want: wantOK(),
	},
	{
		name: "scheme glued to the token by the byte A0",
		cite: citeLatin1Bearer + ": no space, so the whole value is the scheme and the credentials are empty",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer\xa0{tok:org_admin}"},
		want: wantUnauthenticated(detailNotAuthenticated),
	},
	{
		name: "scheme in capitals",
		cite: citeLatin1Bearer + " (scheme.lower() != \"bearer\")",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "BEARER {tok:org_admin}"},
		want: wantOK(),
	},
	{
		name: "JSON content type followed by the byte A0",
		cite: citeLatin1CType,
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/json\xa0", body: `{"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "JSON content type followed by the byte A0, then a parameter",
		cite: citeLatin1CType,
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/json\xa0; charset=utf-8", body: `{"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "JSON content type followed by a UTF-8 no-break space",
		cite: citeLatin1CType + ": \"application/json\\u00c2\" is not JSON; the model gets the bytes",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/json\xc2\xa0", body: `{"role":"ANALYST"}`},
		want: wantInvalid(pyErr("model_attributes_type", pyLoc("body"), bodyNotADict, `{"role":"ANALYST"}`)),
	},
	{
		name: "path escape that is not UTF-8",
		cite: "uvicorn/protocols/http/h11_impl.py: handle_events (unquote(raw_path.decode(\"ascii\"))); Lib/urllib/parse.py: unquote (errors='replace'); Objects/stringlib/codecs.h: utf8_decode (one U+FFFD per maximal subpart: E2 82 is one)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/%E2%82/member", auth: stackAdmin},
		want: wantInvalid(pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid character: found `\uFFFD` at 1", "\uFFFD", "error", "invalid character: found `\uFFFD` at 1")),
	},
	{
		name: "query escape of a surrogate",
		cite: "starlette/requests.py: HTTPConnection.query_params; Lib/urllib/parse.py: parse_qsl -> unquote (errors='replace'); Objects/stringlib/codecs.h: utf8_decode (ED A0 80 is three maximal subparts)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=%ED%A0%80", auth: stackAdmin},
		want: wantInvalid(pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "\uFFFD\uFFFD\uFFFD")),
	},
	{
		name: "query escape cut short, then a letter",
		cite: "Lib/urllib/parse.py: unquote; Objects/stringlib/codecs.h: utf8_decode (E2 82 then A: one U+FFFD, then A)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=%E2%82A", auth: stackAdmin},
		want: wantInvalid(pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "\uFFFDA")),
	},
	{
		name: "lone surrogate escaped in the body",
		cite: "mock/policy.go (choice, with NaN): the service answers 500 text/plain Internal Server Error (starlette/responses.py: JSONResponse.render, .encode(\"utf-8\") of the 422's input fails); the mock sends the 422 with U+FFFD",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"\ud800"}`},
		want: wantInvalid(pyErr("uuid_parsing", pyLoc("body", "user_id"), "Input should be a valid UUID, invalid character: found `\uFFFD` at 1", "\uFFFD", "error", "invalid character: found `\uFFFD` at 1")),
	},
	{
		name: "lone surrogate as raw bytes in the body",
		cite: "mock/policy.go (choice, with NaN): json.loads decodes ED A0 80 with surrogatepass (Lib/json/__init__.py: loads), then as the row above",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: "{\"user_id\":\"\xed\xa0\x80\"}"},
		want: wantInvalid(pyErr("uuid_parsing", pyLoc("body", "user_id"), "Input should be a valid UUID, invalid character: found `\uFFFD` at 1", "\uFFFD", "error", "invalid character: found `\uFFFD` at 1")),
	},
	{
		name: "redirect of a path whose escape is not UTF-8",
		cite: "uvicorn/protocols/http/h11_impl.py: handle_events (unquote); starlette/routing.py: Router.app (redirect_slashes, URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (quote of U+FFFD: %EF%BF%BD)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/%E2%82/member/", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/%EF%BF%BD/member"),
	},
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
		require.Equal(t, row.want, stack.PyStrip(row.in), "%q", row.in)
	}
	var spaces []rune
	for r := rune(0); r <= 0x10FFFF; r++ {
		if stack.PyIsSpace(r) {
			spaces = append(spaces, r)
		}
	}
	require.Equal(t, []rune{0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
		0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000}, spaces)
}

// topKeys are the keys of a JSON object in the order written.
func topKeys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "not an object: %s", body)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// A body's keys follow its response model's declaration (fastapi/routing.py:
// serialize_response, field.serialize_json: pydantic writes a model's
// fields in the order the class declares them; the document FastAPI
// publishes lists properties in that order).
func TestSuccessKeysInResponseModelOrder(t *testing.T) {
	m := newTestMock(t, Config{})
	w := newStackWorld(m)
	memberKeys := []string{"organization_id", "user_id", "role", "id", "created_at", "updated_at", "membership_state"}
	responseKeys := []string{"id", "organization_id", "user_id", "role", "membership_state", "created_at", "updated_at", "user"}
	declared := func(op memberOp) []string {
		return m.srv.spec.PropertyOrder(m.srv.spec.Members().ResponseSchema(op))
	}
	require.Equal(t, memberKeys, declared(opCreate), "openapi.yaml: OrganizationMember")
	require.Equal(t, responseKeys, declared(opUpdate), "openapi.yaml: OrganizationMemberResponse")

	admin := m.profile.Tokens["org_admin"]
	org := m.profile.OrganizationID
	created := m.do(http.MethodPost, m.membersPath(org), admin, map[string]any{"user_id": w.ids["candidate"]})
	require.Equal(t, http.StatusOK, created.Status, "%s", created.Body)
	require.Equal(t, memberKeys, topKeys(t, created.Body), "create answers OrganizationMember")
	id := created.Object(t)["id"].(string)

	updated := m.do(http.MethodPut, m.memberPath(org, id), admin, map[string]any{"role": RoleAnalyst})
	require.Equal(t, http.StatusOK, updated.Status, "%s", updated.Body)
	require.Equal(t, responseKeys, topKeys(t, updated.Body), "update answers OrganizationMemberResponse")

	listed := m.do(http.MethodGet, m.membersPath(org)+"?page_size=1", admin, nil)
	require.Equal(t, http.StatusOK, listed.Status)
	var items []json.RawMessage
	require.NoError(t, json.Unmarshal(listed.Body, &items))
	require.Equal(t, responseKeys, topKeys(t, items[0]), "list items are OrganizationMemberResponse")

	deleted := m.do(http.MethodDelete, m.memberPath(org, id), admin, nil)
	require.Equal(t, http.StatusOK, deleted.Status, "%s", deleted.Body)
	require.Equal(t, memberKeys, topKeys(t, deleted.Body), "delete answers OrganizationMember")
}

// The walk keeps what it does not know where it was, and recurses into
// declared objects and arrays.
func TestReorderJSON(t *testing.T) {
	schema := &openapi3.Schema{Properties: openapi3.Schemas{
		"b": {Value: &openapi3.Schema{Properties: openapi3.Schemas{"y": {Value: &openapi3.Schema{}}, "x": {Value: &openapi3.Schema{}}}}},
		"a": {Value: &openapi3.Schema{Items: &openapi3.SchemaRef{Value: &openapi3.Schema{Properties: openapi3.Schemas{
			"q": {Value: &openapi3.Schema{}}, "p": {Value: &openapi3.Schema{}}}}}}},
	}}
	order := func(s *openapi3.Schema) []string {
		switch {
		case s == schema:
			return []string{"b", "a"}
		case s.Properties["y"] != nil:
			return []string{"y", "x"}
		}
		return []string{"q", "p"}
	}
	for _, row := range []struct{ in, want string }{
		{`{"a":[{"p":1,"q":"}\"{"}],"extra":{"z":1,"k":2},"b":{"x":null,"y":[1,{"s":"]"}]}}`,
			`{"b":{"y":[1,{"s":"]"}],"x":null},"a":[{"q":"}\"{","p":1}],"extra":{"z":1,"k":2}}`},
		{`{}`, `{}`},
		{`{"a":[]}`, `{"a":[]}`},
		{`{"\u0062":{"x":1,"y":2}}`, `{"\u0062":{"y":2,"x":1}}`},
	} {
		got, ok := reorderJSON([]byte(row.in), schema, order, 0)
		require.True(t, ok, row.in)
		require.Equal(t, row.want, string(got), row.in)
	}
	_, ok := reorderJSON([]byte(`{"a":1`), schema, order, 0)
	require.False(t, ok, "not JSON the mock writes: sent as it is")
}

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

// Where Go's HTTP server and uvicorn/h11 part before the app: each row is
// a request as curl can send it (--path-as-is, --request-target, -H with
// raw bytes), sent to the mock behind the front as humm-mock serves it,
// and the answer uvicorn, h11 and Starlette give (cited; their side ran in
// mock/testdata/uvicorn-probe). BEHAVIOUR.md lists them.
func TestFramingAgainstUvicorn(t *testing.T) {
	m := newFrontMock(t, Config{})
	org := m.profile.OrganizationID
	tok := m.profile.Tokens["org_admin"]
	auth := "Authorization: Bearer " + tok + "\r\n"
	coll := "/api/organization/" + org + "/member"
	addr := strings.TrimPrefix(m.url, "http://")
	const (
		notFound      = `{"detail":"Not Found"}`
		uvicorn400    = "Invalid HTTP request received."
		citeUnquote   = "uvicorn/protocols/http/h11_impl.py: handle_events (path = unquote(raw_path)); Lib/urllib/parse.py: unquote keeps a % that opens no escape"
		citeFieldVchr = "h11/_abnf.py: field_vchar = [^\\x00\\s] (bytes: \\s is [ \\t\\n\\r\\f\\v])"
		citeBearer    = "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param; str.strip() strips U+001C-U+001F"
		citeHostURL   = "h11 takes any field value as Host; starlette/datastructures.py: URL.__init__ (_HOST_RE fails: scope[\"server\"])"
		citeExpect    = "h11/_headers.py: has_expect_100_continue (only 100-continue is read, only on HTTP/1.1); uvicorn serves the request"
		cite400       = "uvicorn/protocols/http/h11_impl.py: handle_events, send_400_response (Go alone: 400 Bad Request: <reason>)"
		citeTarget    = "h11/_abnf.py: request_target = vchar+; uvicorn/protocols/http/h11_impl.py: handle_events (the whole target before ? is the path); starlette/routing.py: Router.app (no route: 404); fastapi/exception_handlers.py: http_exception_handler"
	)
	uuidError := func(input string) string {
		msg := "invalid character: found `" + string([]rune(input)[:1]) + "` at 1"
		return `{"detail":[{"type":"uuid_parsing","loc":["path","organization_id"],"msg":"Input should be a valid UUID, ` + msg + `","input":"` + input + `","ctx":{"error":"` + msg + `"}}]}`
	}
	for _, row := range []struct {
		name, request string
		status        int
		body          string // the whole body; "" when it is the list (checked by status)
		location      string
		uvicorn       string
	}{
		{"bad escape in the path", "GET /api/organization/%zz/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 422, uuidError("%zz"), "", citeUnquote + " -> organization_id \"%zz\": 422 uuid_parsing"},
		{"bad escape after a cut-short UTF-8 escape", "GET /api/organization/%E2%82%zz/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 422, uuidError("\ufffd%zz"), "", citeUnquote + "; errors='replace': E2 82 is one U+FFFD"},
		{"bad escape in a path no route takes", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 404, notFound, "", citeUnquote + "; starlette/routing.py: Router.app: 404"},
		{"bad escape, trailing slash", "GET /api/organization/%zz/member/ HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 307, "", "http://x/api/organization/%zz/member", citeUnquote + "; starlette/responses.py: RedirectResponse (quote keeps %)"},
		{"bad escape in the query", "GET " + coll + "?page=%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 422, "", "", "Lib/urllib/parse.py: parse_qsl keeps %zz -> 422 int_parsing"},
		{"control byte after the token", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x1c\r\n\r\n", 200, "", "", citeFieldVchr + "; " + citeBearer},
		{"unit separator and DEL around the token", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x1f" + tok + "\x1f\r\n\r\n", 200, "", "", citeFieldVchr + "; " + citeBearer},
		{"control byte inside the token", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok[:4] + "\x01" + tok[4:] + "\r\n\r\n", 401, `{"detail":"Invalid authentication credentials"}`, "", citeFieldVchr + "; strip() leaves an inner byte: not a token the service knows"},
		{"control byte after the JSON content type", "PUT " + coll + "/{member} HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\x1e\r\nContent-Length: 18\r\n\r\n{\"role\":\"ANALYST\"}", 200, "", "", citeFieldVchr + "; fastapi/routing.py: get_request_handler (email.message content type; _splitparam strips)"},
		{"host with a user part", "GET " + coll + " HTTP/1.1\r\nHost: user@api.example.com\r\n" + auth + "\r\n", 200, "", "", citeHostURL},
		{"host with a user part, trailing slash", "GET " + coll + "/ HTTP/1.1\r\nHost: user@api.example.com\r\n" + auth + "\r\n", 307, "", "http://" + addr + coll, citeHostURL},
		{"host with a space, trailing slash", "GET " + coll + "/ HTTP/1.1\r\nHost: api example.com\r\n" + auth + "\r\n", 307, "", "http://" + addr + coll, citeHostURL},
		{"host with a control byte, trailing slash", "GET " + coll + "/ HTTP/1.1\r\nHost: api\x01.example.com\r\n" + auth + "\r\n", 307, "", "http://" + addr + coll, citeFieldVchr + "; " + citeHostURL},
		{"Content-Length listing its value twice", "PUT " + coll + "/{member} HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 18, 18\r\n\r\n{\"role\":\"ANALYST\"}", 200, "", "", "h11/_headers.py: normalize_and_validate ({length.strip() for length in value.split(b\",\")} is one value; Go alone: 400)"},
		{"an expectation other than 100-continue", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nExpect: something\r\n" + auth + "\r\n", 200, "", "", citeExpect},
		{"an expectation, then 100-continue", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nExpect: 100-continue\r\n" + auth + "\r\n", 200, "", "", citeExpect + " (h11/_headers.py: get_comma_header reads every Expect field)"},
		{"an expectation on HTTP/1.0", "GET " + coll + " HTTP/1.0\r\nExpect: something\r\n" + auth + "\r\n", 200, "", "", citeExpect},
		{"absolute-form target", "GET http://x" + coll + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, notFound, "", citeTarget},
		{"absolute-form target with a query", "GET http://x" + coll + "?page=2 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, notFound, "", citeTarget},
		{"asterisk-form OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 404, notFound, "", citeTarget + " (Go's server answers OPTIONS * itself)"},
		{"target without a leading slash", "GET api/organization/" + org + "/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, notFound, "", citeTarget},
		{"raw UTF-8 in the path", "GET /api/organization/\xc3\xa9/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_abnf.py: request_target = vchar+ -> LocalProtocolError; uvicorn/protocols/http/h11_impl.py: send_400_response"},
		{"HTTP/1.1 without Host", "GET " + coll + " HTTP/1.1\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_events.py: Request: Missing mandatory Host: header -> " + cite400},
		{"two Host headers", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nHost: y\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_events.py: Request: Found multiple Host: headers -> " + cite400},
		{"NUL in a header value", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x00\r\n\r\n", 400, uvicorn400, "", citeFieldVchr + " -> " + cite400},
		{"VT in a header value", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x0b\r\n\r\n", 400, uvicorn400, "", citeFieldVchr + " -> " + cite400},
		{"FF in a header value", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x0c\r\n\r\n", 400, uvicorn400, "", citeFieldVchr + " -> " + cite400},
		{"Content-Length listing two values", "PUT " + coll + "/{member} HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 18, 19\r\n\r\n{\"role\":\"ANALYST\"}", 400, uvicorn400, "", "h11/_headers.py: normalize_and_validate: conflicting Content-Length headers -> " + cite400},
		{"blank line before the request line", "\r\nGET " + coll + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_receivebuffer.py: maybe_extract_lines ([] for a leading CRLF); h11/_readers.py: maybe_read_from_IDLE_client: no request line received -> " + cite400},
	} {
		t.Run(row.name, func(t *testing.T) {
			request := strings.ReplaceAll(row.request, "{member}", m.plainMember().ID)
			resp, body := rawExchange(t, m.url, request, nil)
			require.Equal(t, row.status, resp.StatusCode, "uvicorn: %s\nbody: %.300s", row.uvicorn, body)
			if row.body != "" {
				require.Equal(t, row.body, string(body), row.uvicorn)
			}
			require.Equal(t, row.location, resp.Header.Get("Location"), row.uvicorn)
		})
	}
}
