package mock

import (
	"net/http"
	"testing"
)

// TestResidueAsFastAPIDoes: what remained of the differences between the
// mock and the real stack after the strict comparison of issue 19, each
// row citing where the stack's answer comes from. Sent as stackRows are
// (answers_as_fastapi_test.go), over a real loopback server, header bytes as written.
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
