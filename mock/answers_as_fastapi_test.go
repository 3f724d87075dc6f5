package mock

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

// TestAnswersAsFastAPIDoes holds the mock to what the real stack answers:
// FastAPI 0.141.1, Starlette 1.3.1, pydantic 2.13 (pydantic-core 2.46) and
// CPython 3.11's json. Each row names the function in their source that
// fixes the answer. The routing, identity, decoding and validation answers
// were read there and confirmed by putting the same request to a FastAPI
// app declared as the reference documents the service:
//
//	Role(str, Enum); OrganizationMemberCreate(user_id: UUID,
//	organization_id: UUID | None = None, role: Role = ANALYST);
//	OrganizationMemberUpdate(organization_id: UUID | None = None,
//	user_id: UUID | None = None, role: Role = ANALYST); path
//	organization_id: UUID | None, member_id: UUID; the six access-context
//	query parameters UUID | None = None; page: int | None = Query(1, ge=1),
//	page_size: int | None = Query(50, ge=1, le=100), query: str | None =
//	Query(None, min_length=1, max_length=200); HTTPBearer in a dependency;
//	routes declared list, create, update, delete.
//
// What happens once a request is valid (404 organization, 403, 404 member,
// 404 user, 409, 400, 413) is BEHAVIOUR.md's, cited as such.
func TestAnswersAsFastAPIDoes(t *testing.T) {
	for _, row := range stackRows {
		t.Run(row.name, func(t *testing.T) {
			m := newTestMock(t, Config{})
			w := newStackWorld(m)
			row.check(t, w, w.send(t, row.req))
		})
	}
}

// Rows are written with placeholders that newStackWorld fills in from the
// seeded world: {org}, {other} (the other organization), {member} (an
// analyst of {org}), {memberuser} (that member's user), {othermember} (a
// member of {other}), {candidate} (a user in no membership of {org}) and
// {unknown} (a uuid that names nothing), each optionally as {name:upper},
// {name:hex} (no dashes), {name:braces} or {name:urn}; {tok:STANDING} is
// that standing's token, {base} the mock's URL. Queries are sent as written.
const (
	stackColl      = "/api/organization/{org}/member"
	stackOne       = stackColl + "/{member}"
	stackAdmin     = "Bearer {tok:org_admin}"
	stackEmptyAuth = "\x00empty" // sends an Authorization header with no value
	stackJSON      = "application/json"
)

// stackRow is one request and the answer FastAPI gives to it.
type stackRow struct {
	name string
	cite string // where in FastAPI, Starlette, pydantic-core or CPython (or BEHAVIOUR.md) the answer comes from
	req  stackRequest
	want stackAnswer
}

type stackRequest struct {
	method string
	path   string // sent as Go's client escapes it
	query  string // the raw query string, sent as written
	auth   string // Authorization as sent; "" sends none
	ctype  string // Content-Type; "" sends none
	body   string // the raw bytes of the body
}

type stackAnswer struct {
	status int
	header map[string]string // exact values; "" means absent
	detail any               // the whole `detail`; nil: not fixed (a string for an error, unchecked for a success)
	text   string            // the body, for a plain-text answer
}

func wantOK() stackAnswer { return wantSome(http.StatusOK) }

// wantSome is an answer whose detail, for an error, is any string.
func wantSome(status int) stackAnswer {
	return stackAnswer{status: status, header: map[string]string{"Content-Type": stackJSON}}
}

func wantDetail(status int, detail string) stackAnswer {
	a := wantSome(status)
	a.detail = detail
	return a
}

func wantUnauthenticated(detail string) stackAnswer {
	a := wantDetail(http.StatusUnauthorized, detail)
	a.header["WWW-Authenticate"] = "Bearer"
	return a
}

func wantNotAllowed(allow string) stackAnswer {
	a := wantDetail(http.StatusMethodNotAllowed, "Method Not Allowed")
	a.header["Allow"] = allow
	return a
}

// wantRedirect is Starlette's RedirectResponse: 307, no body, no Content-Type.
func wantRedirect(location string) stackAnswer {
	return stackAnswer{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": location, "Content-Type": ""}}
}

func wantInvalid(entries ...map[string]any) stackAnswer {
	a := wantSome(http.StatusUnprocessableEntity)
	detail := make([]any, len(entries))
	for i, e := range entries {
		detail[i] = e
	}
	a.detail = detail
	return a
}

// pyErr is one entry of a 422 detail, as FastAPI encodes pydantic's error
// (no url); ctx is key, value, ... and left out when empty.
func pyErr(typ string, loc []any, msg string, input any, ctx ...any) map[string]any {
	e := map[string]any{"type": typ, "loc": loc, "msg": msg, "input": input}
	if len(ctx) > 0 {
		c := map[string]any{}
		for i := 0; i+1 < len(ctx); i += 2 {
			c[ctx[i].(string)] = ctx[i+1]
		}
		e["ctx"] = c
	}
	return e
}

func pyLoc(parts ...any) []any { return parts }

// stackWorld is what the placeholders stand for in one mock.
type stackWorld struct {
	base   string
	ids    map[string]string
	tokens map[string]string
}

func newStackWorld(m *testMock) stackWorld {
	m.t.Helper()
	p := m.profile
	require.NotEmpty(m.t, p.CandidateUserIDs, "the profile offers no candidate user")
	w := stackWorld{base: m.url, tokens: p.Tokens, ids: map[string]string{
		"org": p.OrganizationID, "other": p.OtherOrganizationID, "candidate": p.CandidateUserIDs[0],
		"unknown": "00000000-0000-4000-8000-000000000000"}}
	sysadmin := p.Tokens["system_admin"]
	r := m.do(http.MethodGet, m.membersPath(p.OrganizationID)+"?page_size=100", sysadmin, nil)
	require.Equal(m.t, http.StatusOK, r.Status, "listing %s: %s", p.OrganizationID, r.Body)
	for _, item := range r.List(m.t) {
		mm := item.(map[string]any)
		if mm["role"] == RoleAnalyst && mm["membership_state"] == StateActive {
			w.ids["member"], w.ids["memberuser"] = mm["id"].(string), mm["user_id"].(string)
			break
		}
	}
	require.NotEmpty(m.t, w.ids["member"], "no active analyst in %s", p.OrganizationID)
	r = m.do(http.MethodGet, m.membersPath(p.OtherOrganizationID)+"?page_size=1", sysadmin, nil)
	require.Equal(m.t, http.StatusOK, r.Status, "listing %s: %s", p.OtherOrganizationID, r.Body)
	others := r.List(m.t)
	require.NotEmpty(m.t, others, "no member in %s", p.OtherOrganizationID)
	w.ids["othermember"] = others[0].(map[string]any)["id"].(string)
	return w
}

var stackPlaceholder = regexp.MustCompile(`\{(base|org|other|member|memberuser|othermember|candidate|unknown|tok)(?::([a-z_]+))?\}`)

// fill replaces the placeholders of s.
func (w stackWorld) fill(s string) string {
	return stackPlaceholder.ReplaceAllStringFunc(s, func(ph string) string {
		sub := stackPlaceholder.FindStringSubmatch(ph)
		name, form := sub[1], sub[2]
		switch name {
		case "base":
			return w.base
		case "tok":
			return w.tokens[form]
		}
		id := w.ids[name]
		switch form {
		case "upper":
			return strings.ToUpper(id)
		case "hex":
			return strings.ReplaceAll(id, "-", "")
		case "braces":
			return "{" + id + "}"
		case "urn":
			return "urn:uuid:" + id
		}
		return id
	})
}

// send puts the request to the mock as written: no redirect followed, no
// header added but Go's own.
func (w stackWorld) send(t *testing.T, req stackRequest) result {
	t.Helper()
	url := w.base + w.fill(req.path)
	if req.query != "" {
		url += "?" + req.query
	}
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(w.fill(req.body))
	}
	r, err := http.NewRequest(req.method, url, body)
	require.NoError(t, err)
	switch req.auth {
	case "":
	case stackEmptyAuth:
		r.Header["Authorization"] = []string{""}
	default:
		r.Header.Set("Authorization", w.fill(req.auth))
	}
	if req.ctype != "" {
		r.Header.Set("Content-Type", req.ctype)
	}
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return result{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// check compares an answer with the row's; a failure names the row, its
// citation and what the mock sent.
func (row stackRow) check(t *testing.T, w stackWorld, got result) {
	t.Helper()
	body := string(got.Body)
	if len(body) > 600 {
		body = body[:600] + "..."
	}
	where := fmt.Sprintf("row %q\ncite: %s\nmock answered %d %s", row.name, row.cite, got.Status, body)
	require.Equal(t, row.want.status, got.Status, "status\n%s", where)
	for k, v := range row.want.header {
		require.Equal(t, w.fill(v), got.Header.Get(k), "header %s\n%s", k, where)
	}
	switch {
	case row.req.method == http.MethodHead || got.Status == http.StatusTemporaryRedirect:
	case row.want.text != "":
		require.Equal(t, row.want.text, string(got.Body), "body\n%s", where)
	case row.want.detail != nil:
		want, err := json.Marshal(map[string]any{"detail": row.want.detail})
		require.NoError(t, err)
		want = []byte(w.fill(string(want)))
		require.Equal(t, stackDecode(t, want), stackDecode(t, got.Body), "body\n%s", where)
	case got.Status >= 400:
		obj, ok := stackDecode(t, got.Body).(map[string]any)
		require.True(t, ok, "body is not an object\n%s", where)
		require.IsType(t, "", obj["detail"], "detail is not a string\n%s", where)
	}
}

// stackDecode decodes JSON keeping numbers as written, so that big integers
// compare exactly.
func stackDecode(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "not JSON: %.300s", data)
	return v
}

func stackUTF16LE(s string) string { return stackUTF16(s, binary.LittleEndian) }
func stackUTF16BE(s string) string { return stackUTF16(s, binary.BigEndian) }

func stackUTF16(s string, order binary.AppendByteOrder) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return string(b)
}

func stackUTF32LE(s string) string {
	var b []byte
	for _, r := range s {
		b = binary.LittleEndian.AppendUint32(b, uint32(r))
	}
	return string(b)
}

// stackRows: routing, identity, the query, the path, body decoding, body
// fields, then the flows of BEHAVIOUR.md.
var stackRows = []stackRow{
	{
		name: "unknown path",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodGet, path: "/api/nothing", auth: stackAdmin},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "root path",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodGet, path: "/", auth: stackAdmin},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "collection misspelt",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodGet, path: stackColl + "s", auth: stackAdmin},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "paths are case-sensitive",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodGet, path: "/API/organization/{org}/member", auth: stackAdmin},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "segment past a member",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodPut, path: stackOne + "/extra", auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "encoded slash in the organization segment",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler; starlette/convertors.py: StringConvertor ([^/]+ on the decoded path)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/a%2Fb/member", auth: stackAdmin},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "empty organization segment",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization//member", auth: stackAdmin},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "unknown path without a token is still 404",
		cite: "starlette/routing.py: Router.app -> Router.not_found (HTTPException 404); fastapi/exception_handlers.py: http_exception_handler",
		req:  stackRequest{method: http.MethodDelete, path: "/api/nothing"},
		want: wantDetail(404, "Not Found"),
	},
	{
		name: "trailing slash on list keeps the query",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodGet, path: stackColl + "/", query: "page=2&page_size=5"},
		want: wantRedirect("{base}/api/organization/{org}/member?page=2&page_size=5"),
	},
	{
		name: "trailing slash on create",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodPost, path: stackColl + "/", auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"x"}`},
		want: wantRedirect("{base}/api/organization/{org}/member"),
	},
	{
		name: "trailing slash on update",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodPut, path: stackOne + "/", query: "job_id=3c90c3cc-0d44-4b50-8888-8dd25736052a", auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantRedirect("{base}/api/organization/{org}/member/{member}?job_id=3c90c3cc-0d44-4b50-8888-8dd25736052a"),
	},
	{
		name: "trailing slash on delete keeps the query",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodDelete, path: stackOne + "/", query: "a=1&b=2", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/{org}/member/{member}?a=1&b=2"),
	},
	{
		name: "trailing slash with a method the path lacks",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodPatch, path: stackOne + "/", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/{org}/member/{member}"),
	},
	{
		name: "trailing slash on the collection with DELETE",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodDelete, path: stackColl + "/", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/{org}/member"),
	},
	{
		name: "two trailing slashes",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodGet, path: stackColl + "//", query: "page=1", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/{org}/member?page=1"),
	},
	{
		name: "trailing slash keeps percent escapes of the query",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodGet, path: stackColl + "/", query: "query=a%20b&x=%zz", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/{org}/member?query=a%20b&x=%zz"),
	},
	{
		name: "trailing slash before validation of a bad uuid",
		cite: "starlette/routing.py: Router.app (redirect_slashes: path.rstrip('/'), URL(scope=redirect_scope)); starlette/responses.py: RedirectResponse (307)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/acme/member/", query: "page=0", auth: stackAdmin},
		want: wantRedirect("{base}/api/organization/acme/member?page=0"),
	},
	{
		name: "DELETE on the collection",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodDelete, path: stackColl, auth: stackAdmin},
		want: wantNotAllowed("GET"),
	},
	{
		name: "PUT on the collection",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodPut, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantNotAllowed("GET"),
	},
	{
		name: "PATCH on the collection",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodPatch, path: stackColl, auth: stackAdmin},
		want: wantNotAllowed("GET"),
	},
	{
		name: "GET on a member",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodGet, path: stackOne, auth: stackAdmin},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "POST on a member",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodPost, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "PATCH on a member",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodPatch, path: stackOne, auth: stackAdmin},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "HEAD on the collection",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route) (APIRoute adds no HEAD)",
		req:  stackRequest{method: http.MethodHead, path: stackColl, auth: stackAdmin},
		want: wantNotAllowed("GET"),
	},
	{
		name: "HEAD on a member",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodHead, path: stackOne, auth: stackAdmin},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "OPTIONS on the collection without CORS",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodOptions, path: stackColl, auth: stackAdmin},
		want: wantNotAllowed("GET"),
	},
	{
		name: "OPTIONS on a member without CORS",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodOptions, path: stackOne, auth: stackAdmin},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "405 comes before 401",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodDelete, path: stackColl},
		want: wantNotAllowed("GET"),
	},
	{
		name: "405 comes before body decoding",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route)",
		req:  stackRequest{method: http.MethodPost, path: stackOne, ctype: stackJSON, body: `{"role":`},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "405 on a path whose uuids are bad",
		cite: "fastapi/routing.py: APIRoute.handle (HTTPException 405, Allow: ', '.join(methods)); starlette/routing.py: Router.app (first PARTIAL route); starlette/convertors.py: StringConvertor (routing does not parse uuids)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/acme/member/xyz", auth: stackAdmin},
		want: wantNotAllowed("PUT"),
	},
	{
		name: "no Authorization header",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "empty Authorization header",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: stackEmptyAuth},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "Bearer without a token",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "Basic scheme",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Basic dXNlcjpwYXNz"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "Token scheme",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Token {tok:org_admin}"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "tab between scheme and token",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer\t{tok:org_admin}"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "no space between scheme and token",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer{tok:org_admin}"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "lowercase bearer",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "bearer {tok:org_admin}"},
		want: wantOK(),
	},
	{
		name: "uppercase BEARER",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "BEARER {tok:org_admin}"},
		want: wantOK(),
	},
	{
		name: "spaces around the token",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower())",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer   {tok:org_admin}"},
		want: wantOK(),
	},
	{
		name: "unknown token",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower()); BEHAVIOUR.md: Identity",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer nobody"},
		want: wantUnauthenticated("Invalid authentication credentials"),
	},
	{
		name: "token followed by another word",
		cite: "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param (partition(' '), param.strip(), scheme.lower()); BEHAVIOUR.md: Identity",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:org_admin} extra"},
		want: wantUnauthenticated("Invalid authentication credentials"),
	},
	{
		name: "401 before query validation",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (sub-dependencies, incl. HTTPBearer, run before path/query/body params are validated)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=0&page_size=101"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "401 before path validation",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (sub-dependencies, incl. HTTPBearer, run before path/query/body params are validated)",
		req:  stackRequest{method: http.MethodDelete, path: "/api/organization/acme/member/xyz"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "401 before body validation",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (sub-dependencies, incl. HTTPBearer, run before path/query/body params are validated)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, ctype: stackJSON, body: `{"user_id":"bob","role":"boss"}`},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "unknown token before query validation",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (sub-dependencies, incl. HTTPBearer, run before path/query/body params are validated); BEHAVIOUR.md: Identity",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=0", auth: "Bearer nobody"},
		want: wantUnauthenticated("Invalid authentication credentials"),
	},
	{
		name: "Basic scheme before query validation",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (sub-dependencies, incl. HTTPBearer, run before path/query/body params are validated)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=0", auth: "Basic dXNlcjpwYXNz"},
		want: wantUnauthenticated("Not authenticated"),
	},
	{
		name: "page zero",
		cite: "pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("greater_than_equal", pyLoc("query", "page"), "Input should be greater than or equal to 1", "0", "ge", 1),
		),
	},
	{
		name: "page negative",
		cite: "pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=-1", auth: stackAdmin},
		want: wantInvalid(
			pyErr("greater_than_equal", pyLoc("query", "page"), "Input should be greater than or equal to 1", "-1", "ge", 1),
		),
	},
	{
		name: "page minus zero",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str; pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=-0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("greater_than_equal", pyLoc("query", "page"), "Input should be greater than or equal to 1", "-0", "ge", 1),
		),
	},
	{
		name: "page empty",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str; fastapi/dependencies/utils.py: request_params_to_args / _get_multidict_value; starlette/datastructures.py: QueryParams (parse_qsl, last value wins) (an empty value is a value)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", ""),
		),
	},
	{
		name: "page_size empty",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page_size"), "Input should be a valid integer, unable to parse string as an integer", ""),
		),
	},
	{
		name: "query empty",
		cite: "pydantic-core src/validators/string.rs: StrConstrainedValidator; src/errors/types.rs: StringTooShort / StringTooLong",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=", auth: stackAdmin},
		want: wantInvalid(
			pyErr("string_too_short", pyLoc("query", "query"), "String should have at least 1 character", "", "min_length", 1),
		),
	},
	{
		name: "page_size zero",
		cite: "pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("greater_than_equal", pyLoc("query", "page_size"), "Input should be greater than or equal to 1", "0", "ge", 1),
		),
	},
	{
		name: "page_size above 100",
		cite: "pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=101", auth: stackAdmin},
		want: wantInvalid(
			pyErr("less_than_equal", pyLoc("query", "page_size"), "Input should be less than or equal to 100", "101", "le", 100),
		),
	},
	{
		name: "page_size 100",
		cite: "pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=100", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with a leading space",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (trim)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=%201", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with a trailing space",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (trim)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=1%20", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with a leading plus",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strip_prefix('+'))",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=%2B1", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with a raw plus (a space once decoded)",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str; starlette/datastructures.py: QueryParams (parse_qsl: '+' is a space)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=+1", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with an underscore",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strip_underscores)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=1_0", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with two underscores",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strip_underscores refuses '__')",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=1__0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "1__0"),
		),
	},
	{
		name: "page with a leading underscore",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strip_underscores refuses a leading '_')",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=_1", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "_1"),
		),
	},
	{
		name: "page_size with .0",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strips '.0+')",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=1.0", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page_size with .00",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strips '.0+')",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=5.00", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with leading zeros",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (strip_leading_zeros)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=007", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page with a fraction",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=1.5", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "1.5"),
		),
	},
	{
		name: "page in exponent form",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=1e2", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "1e2"),
		),
	},
	{
		name: "page in hex",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=0x10", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "0x10"),
		),
	},
	{
		name: "page not a number",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=abc", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "abc"),
		),
	},
	{
		name: "page with a plus then a minus",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=%2B-1", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "+-1"),
		),
	},
	{
		name: "page of fullwidth digits",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=%EF%BC%91", auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing", pyLoc("query", "page"), "Input should be a valid integer, unable to parse string as an integer", "１"),
		),
	},
	{
		name: "page huge",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (big ints parse)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=99999999999999999999999999", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "page_size huge",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str; pydantic-core src/validators/int.rs: ConstrainedIntValidator; src/errors/types.rs: GreaterThanEqual / LessThanEqual",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=99999999999999999999999999", auth: stackAdmin},
		want: wantInvalid(
			pyErr("less_than_equal", pyLoc("query", "page_size"), "Input should be less than or equal to 100", "99999999999999999999999999", "le", 100),
		),
	},
	{
		name: "page over 4300 digits",
		cite: "pydantic-core src/input/shared.rs: str_as_int / clean_int_str (IntParsingSize)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page=" + strings.Repeat("9", 4301), auth: stackAdmin},
		want: wantInvalid(
			pyErr("int_parsing_size", pyLoc("query", "page"), "Unable to parse input string as an integer, exceeded maximum size", strings.Repeat("9", 4301)),
		),
	},
	{
		name: "repeated page_size, last above the maximum",
		cite: "fastapi/dependencies/utils.py: request_params_to_args / _get_multidict_value; starlette/datastructures.py: QueryParams (parse_qsl, last value wins)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=10&page_size=500", auth: stackAdmin},
		want: wantInvalid(
			pyErr("less_than_equal", pyLoc("query", "page_size"), "Input should be less than or equal to 100", "500", "le", 100),
		),
	},
	{
		name: "repeated page_size, last valid",
		cite: "fastapi/dependencies/utils.py: request_params_to_args / _get_multidict_value; starlette/datastructures.py: QueryParams (parse_qsl, last value wins)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "page_size=500&page_size=10", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "three query problems in declaration order",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors); fastapi/dependencies/utils.py: request_params_to_args / _get_multidict_value; starlette/datastructures.py: QueryParams (parse_qsl, last value wins)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=&page_size=101&page=0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("greater_than_equal", pyLoc("query", "page"), "Input should be greater than or equal to 1", "0", "ge", 1),
			pyErr("less_than_equal", pyLoc("query", "page_size"), "Input should be less than or equal to 100", "101", "le", 100),
			pyErr("string_too_short", pyLoc("query", "query"), "String should have at least 1 character", "", "min_length", 1),
		),
	},
	{
		name: "query of 201 characters",
		cite: "pydantic-core src/validators/string.rs: StrConstrainedValidator; src/errors/types.rs: StringTooShort / StringTooLong",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=" + strings.Repeat("a", 201), auth: stackAdmin},
		want: wantInvalid(
			pyErr("string_too_long", pyLoc("query", "query"), "String should have at most 200 characters", strings.Repeat("a", 201), "max_length", 200),
		),
	},
	{
		name: "query of 200 characters",
		cite: "pydantic-core src/validators/string.rs: StrConstrainedValidator; src/errors/types.rs: StringTooShort / StringTooLong",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=" + strings.Repeat("a", 200), auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "query of 150 two-byte characters",
		cite: "pydantic-core src/validators/string.rs: StrConstrainedValidator; src/errors/types.rs: StringTooShort / StringTooLong (length in characters)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=" + strings.Repeat("%C3%A9", 150), auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "query of 201 two-byte characters",
		cite: "pydantic-core src/validators/string.rs: StrConstrainedValidator; src/errors/types.rs: StringTooShort / StringTooLong (length in characters)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=" + strings.Repeat("%C3%A9", 201), auth: stackAdmin},
		want: wantInvalid(
			pyErr("string_too_long", pyLoc("query", "query"), "String should have at most 200 characters", strings.Repeat("é", 201), "max_length", 200),
		),
	},
	{
		name: "query with a bad percent escape",
		cite: "starlette/datastructures.py: QueryParams (urllib.parse.parse_qsl keeps a bad escape as written)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=%zz", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "query with a semicolon",
		cite: "starlette/datastructures.py: QueryParams (parse_qsl splits on '&' only)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "query=a;b", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "unknown query parameter",
		cite: "fastapi/dependencies/utils.py: request_params_to_args / _get_multidict_value; starlette/datastructures.py: QueryParams (parse_qsl, last value wins) (unknown keys are not validated)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "colour=blue", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "job_id not a uuid",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=7", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "7", "error", "invalid length: expected length 32 for simple format, found 1"),
		),
	},
	{
		name: "job_id empty",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 0", "", "error", "invalid length: expected length 32 for simple format, found 0"),
		),
	},
	{
		name: "resource_id in upper case",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "resource_id=3C90C3CC-0D44-4B50-8888-8DD25736052A", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "source_id without dashes",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "source_id=3c90c3cc0d444b5088888dd25736052a", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "integration_source_id in braces",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "integration_source_id=%7B3c90c3cc-0d44-4b50-8888-8dd25736052a%7D", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "data_source_id as a urn",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "data_source_id=urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "context_source_id as an escaped urn",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "context_source_id=urn%3Auuid%3A3C90C3CC-0D44-4B50-8888-8DD25736052A", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "job_id nil uuid",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=00000000-0000-0000-0000-000000000000", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "job_id one digit short",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=3c90c3cc-0d44-4b50-8888-8dd25736052", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid group length in group 4: expected 12, found 11", "3c90c3cc-0d44-4b50-8888-8dd25736052", "error", "invalid group length in group 4: expected 12, found 11"),
		),
	},
	{
		name: "job_id one digit long",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=3c90c3cc-0d44-4b50-8888-8dd25736052a0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid group length in group 4: expected 12, found 13", "3c90c3cc-0d44-4b50-8888-8dd25736052a0", "error", "invalid group length in group 4: expected 12, found 13"),
		),
	},
	{
		name: "job_id with a bad character",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=3c90c3cc-0d44-4b50-8888-8dd25736052g", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid character: found `g` at 36", "3c90c3cc-0d44-4b50-8888-8dd25736052g", "error", "invalid character: found `g` at 36"),
		),
	},
	{
		name: "job_id with a misplaced dash",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=3c90c3cc0-d444-b508-8888-dd25736052a", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid group length in group 0: expected 8, found 9", "3c90c3cc0-d444-b508-8888-dd25736052a", "error", "invalid group length in group 0: expected 8, found 9"),
		),
	},
	{
		name: "job_id with a leading space",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing (no trimming)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=%203c90c3cc-0d44-4b50-8888-8dd25736052a", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid character: found ` ` at 1", " 3c90c3cc-0d44-4b50-8888-8dd25736052a", "error", "invalid character: found ` ` at 1"),
		),
	},
	{
		name: "job_id with one brace",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=%7B3c90c3cc-0d44-4b50-8888-8dd25736052a", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid character: found `{` at 1", "{3c90c3cc-0d44-4b50-8888-8dd25736052a", "error", "invalid character: found `{` at 1"),
		),
	},
	{
		name: "job_id urn in upper case",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "job_id=URN:UUID:3c90c3cc-0d44-4b50-8888-8dd25736052a", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid character: found `U` at 1", "URN:UUID:3c90c3cc-0d44-4b50-8888-8dd25736052a", "error", "invalid character: found `U` at 1"),
		),
	},
	{
		name: "all six access-context parameters bad",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors); pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: stackColl, query: "resource_id=1&source_id=2&integration_source_id=3&data_source_id=4&context_source_id=5&job_id=6", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "resource_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "1", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("uuid_parsing", pyLoc("query", "source_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "2", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("uuid_parsing", pyLoc("query", "integration_source_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "3", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("uuid_parsing", pyLoc("query", "data_source_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "4", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("uuid_parsing", pyLoc("query", "context_source_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "5", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "6", "error", "invalid length: expected length 32 for simple format, found 1"),
		),
	},
	{
		name: "job_id bad on delete",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodDelete, path: stackOne, query: "job_id=x", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid character: found `x` at 1", "x", "error", "invalid character: found `x` at 1"),
		),
	},
	{
		name: "job_id bad on create with a good body",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, query: "job_id=x", auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}"}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid character: found `x` at 1", "x", "error", "invalid character: found `x` at 1"),
		),
	},
	{
		name: "page is not a parameter of delete",
		cite: "fastapi/dependencies/utils.py: request_params_to_args / _get_multidict_value; starlette/datastructures.py: QueryParams (parse_qsl, last value wins) (only declared parameters are validated)",
		req:  stackRequest{method: http.MethodDelete, path: stackOne, query: "page=0&page_size=0", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "path organization_id not a uuid",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/acme/member", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid character: found `m` at 3", "acme", "error", "invalid character: found `m` at 3"),
		),
	},
	{
		name: "organization_id in upper case",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{org:upper}/member", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "organization_id without dashes",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{org:hex}/member", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "organization_id in braces",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{org:braces}/member", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "organization_id as a urn",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{org:urn}/member", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "organization_id with an escaped leading space",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing (no trimming)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/%20{org}/member", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid character: found ` ` at 1", " {org}", "error", "invalid character: found ` ` at 1"),
		),
	},
	{
		name: "organization_id one digit short",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/3c90c3cc-0d44-4b50-8888-8dd25736052/member", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid group length in group 4: expected 12, found 11", "3c90c3cc-0d44-4b50-8888-8dd25736052", "error", "invalid group length in group 4: expected 12, found 11"),
		),
	},
	{
		name: "organization_id of 36 characters without dashes",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/3c90c3cc0d444b5088888dd25736052aabcd/member", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 36", "3c90c3cc0d444b5088888dd25736052aabcd", "error", "invalid length: expected length 32 for simple format, found 36"),
		),
	},
	{
		name: "member_id not a uuid",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/42", auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "member_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 2", "42", "error", "invalid length: expected length 32 for simple format, found 2"),
		),
	},
	{
		name: "member_id not a uuid on delete",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodDelete, path: stackColl + "/not-a-uuid", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "member_id"), "Input should be a valid UUID, invalid character: found `n` at 1", "not-a-uuid", "error", "invalid character: found `n` at 1"),
		),
	},
	{
		name: "both path uuids bad, in path order",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors); pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodDelete, path: "/api/organization/acme/member/42", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid character: found `m` at 3", "acme", "error", "invalid character: found `m` at 3"),
			pyErr("uuid_parsing", pyLoc("path", "member_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 2", "42", "error", "invalid length: expected length 32 for simple format, found 2"),
		),
	},
	{
		name: "member_id in upper case on delete",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodDelete, path: stackColl + "/{member:upper}", auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "member_id as a urn on update",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/{member:urn}", auth: stackAdmin, ctype: stackJSON, body: `{"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "path before query",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors)",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/acme/member", query: "page=0&job_id=1", auth: stackAdmin},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "organization_id"), "Input should be a valid UUID, invalid character: found `m` at 3", "acme", "error", "invalid character: found `m` at 3"),
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "1", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("greater_than_equal", pyLoc("query", "page"), "Input should be greater than or equal to 1", "0", "ge", 1),
		),
	},
	{
		name: "path, then query, then body fields in model order",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors)",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/42", query: "job_id=1", auth: stackAdmin, ctype: stackJSON, body: `{"role":"boss","user_id":1}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("path", "member_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 2", "42", "error", "invalid length: expected length 32 for simple format, found 2"),
			pyErr("uuid_parsing", pyLoc("query", "job_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 1", "1", "error", "invalid length: expected length 32 for simple format, found 1"),
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", 1),
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "boss", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "nil organization uuid is well formed",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing; BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/00000000-0000-0000-0000-000000000000/member", auth: stackAdmin},
		want: wantDetail(404, "Organization not found"),
	},
	{
		name: "malformed JSON",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 11), "JSON decode error", map[string]any{}, "error", "Expecting value"),
		),
	},
	{
		name: "malformed JSON without a token",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode (before any dependency)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, ctype: stackJSON, body: `{"user_id":`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 11), "JSON decode error", map[string]any{}, "error", "Expecting value"),
		),
	},
	{
		name: "trailing comma",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role": "ANALYST",}`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 19), "JSON decode error", map[string]any{}, "error", "Expecting property name enclosed in double quotes"),
		),
	},
	{
		name: "single quotes",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{'role': 'ANALYST'}`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 1), "JSON decode error", map[string]any{}, "error", "Expecting property name enclosed in double quotes"),
		),
	},
	{
		name: "two documents",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{} {}`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 3), "JSON decode error", map[string]any{}, "error", "Extra data"),
		),
	},
	{
		name: "whitespace only",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `   `},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 3), "JSON decode error", map[string]any{}, "error", "Expecting value"),
		),
	},
	{
		name: "unclosed object",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role": "ANALYST"`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 18), "JSON decode error", map[string]any{}, "error", "Expecting ',' delimiter"),
		),
	},
	{
		name: "unterminated string",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role": "ANA`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 9), "JSON decode error", map[string]any{}, "error", "Unterminated string starting at"),
		),
	},
	{
		name: "bare word",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `ANALYST`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 0), "JSON decode error", map[string]any{}, "error", "Expecting value"),
		),
	},
	{
		name: "body decoding before path validation and identity",
		cite: "fastapi/routing.py: get_request_handler (json.JSONDecodeError -> json_invalid at ('body', e.pos)); Lib/json/decoder.py: JSONDecoder.raw_decode",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/42", query: "job_id=1", ctype: stackJSON, body: `{`},
		want: wantInvalid(
			pyErr("json_invalid", pyLoc("body", 1), "JSON decode error", map[string]any{}, "error", "Expecting property name enclosed in double quotes"),
		),
	},
	{
		name: "malformed JSON sent as text/plain is not parsed",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes); pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: "text/plain", body: `{"user_id":`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "{\"user_id\":"),
		),
	},
	{
		name: "malformed JSON on list is not read",
		cite: "fastapi/routing.py: get_request_handler (the body is read only when the route has a body_field)",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{`},
		want: wantOK(),
	},
	{
		name: "malformed JSON on delete is not read",
		cite: "fastapi/routing.py: get_request_handler (the body is read only when the route has a body_field)",
		req:  stackRequest{method: http.MethodDelete, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{`},
		want: wantOK(),
	},
	{
		name: "UTF-8 byte-order mark",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding (utf-8-sig)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: "\xef\xbb\xbf{\"role\":\"ORGANIZATION_ADMIN\"}"},
		want: wantOK(),
	},
	{
		name: "UTF-8 byte-order mark on create",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding (utf-8-sig)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: "\xef\xbb\xbf{\"user_id\":\"{candidate}\"}"},
		want: wantOK(),
	},
	{
		name: "UTF-16LE with a byte-order mark",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: "\xff\xfe" + stackUTF16LE(`{"role":"ORGANIZATION_ADMIN"}`)},
		want: wantOK(),
	},
	{
		name: "UTF-16BE without a byte-order mark",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: stackUTF16BE(`{"role":"ANALYST"}`)},
		want: wantOK(),
	},
	{
		name: "UTF-32LE without a byte-order mark",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: stackUTF32LE(`{"role":"ANALYST"}`)},
		want: wantOK(),
	},
	{
		name: "UTF-16LE with a bad role",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding; pydantic-core src/validators/enum_.rs: EnumValidator<StrEnumValidator>; src/errors/types.rs: Enum (ctx expected)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: "\xff\xfe" + stackUTF16LE(`{"role":"boss"}`)},
		want: wantInvalid(
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "boss", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "invalid UTF-8",
		cite: "fastapi/routing.py: get_request_handler (other Exception while reading the body -> 400 'There was an error parsing the body'); Lib/json/__init__.py: loads (UnicodeDecodeError)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: "{\"role\":\"\xff\"}"},
		want: wantDetail(400, "There was an error parsing the body"),
	},
	{
		name: "invalid UTF-8 without a token",
		cite: "fastapi/routing.py: get_request_handler (other Exception while reading the body -> 400 'There was an error parsing the body')",
		req:  stackRequest{method: http.MethodPut, path: stackOne, ctype: stackJSON, body: "{\"role\":\"\xff\"}"},
		want: wantDetail(400, "There was an error parsing the body"),
	},
	{
		name: "NaN in an ignored field",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding (NaN parses); pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType (extra ignored)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":"ANALYST","score":NaN}`},
		want: wantOK(),
	},
	{
		name: "NaN as user_id",
		cite: "mock/policy.go: the service answers 500 here (starlette/responses.py: JSONResponse.render, json.dumps allow_nan=False raises on the entry's input -> starlette/middleware/errors.py: ServerErrorMiddleware); the mock keeps pydantic's entry with input null",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":NaN}`},
		want: wantInvalid(pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", nil)),
	},
	{
		name: "Infinity as role",
		cite: "mock/policy.go: the service answers 500 here (starlette/responses.py: JSONResponse.render, json.dumps allow_nan=False raises on the entry's input -> ServerErrorMiddleware); the mock keeps pydantic's entry with input null",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":-Infinity}`},
		want: wantInvalid(pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", nil, "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'")),
	},
	{
		name: "70 levels of nesting in an ignored field",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "}"},
		want: wantOK(),
	},
	{
		name: "100000 levels of nesting",
		cite: "Modules/_json.c: scan_once_unicode (RecursionError near the recursion limit) -> fastapi/routing.py: get_request_handler (400)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}"},
		want: wantDetail(400, "There was an error parsing the body"),
	},
	{
		name: "null body",
		cite: "fastapi/dependencies/utils.py: request_body_to_args / _validate_value_with_model_field; fastapi/_compat/v2.py: get_missing_field_error (input None)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `null`},
		want: wantInvalid(
			pyErr("missing", pyLoc("body"), "Field required", nil),
		),
	},
	{
		name: "empty body",
		cite: "fastapi/dependencies/utils.py: request_body_to_args / _validate_value_with_model_field; fastapi/_compat/v2.py: get_missing_field_error (input None) (if body_bytes: ...)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON},
		want: wantInvalid(
			pyErr("missing", pyLoc("body"), "Field required", nil),
		),
	},
	{
		name: "no body and no content type",
		cite: "fastapi/dependencies/utils.py: request_body_to_args / _validate_value_with_model_field; fastapi/_compat/v2.py: get_missing_field_error (input None)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin},
		want: wantInvalid(
			pyErr("missing", pyLoc("body"), "Field required", nil),
		),
	},
	{
		name: "JSON without a content type",
		cite: "fastapi/routing.py: get_request_handler (strict_content_type default True: no Content-Type -> body = body_bytes); pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, body: `{"user_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "{\"user_id\":\"3c90c3cc-0d44-4b50-8888-8dd25736052a\"}"),
		),
	},
	{
		name: "JSON sent as text/plain",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes); pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "text/plain", body: `{"role":"ANALYST"}`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "{\"role\":\"ANALYST\"}"),
		),
	},
	{
		name: "form-encoded body",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes); pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/x-www-form-urlencoded", body: `role=ANALYST`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "role=ANALYST"),
		),
	},
	{
		name: "form body that is not UTF-8",
		cite: "mock/policy.go: the service answers 500 here (fastapi/encoders.py: jsonable_encoder, bytes: o.decode() raises -> ServerErrorMiddleware); the mock renders the input with U+FFFD for the bad bytes",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/x-www-form-urlencoded", body: "role=\xff"},
		want: wantInvalid(pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "role=\uFFFD")),
	},
	{
		name: "text/json is not JSON",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes); pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "text/json", body: `{"role":"ANALYST"}`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "{\"role\":\"ANALYST\"}"),
		),
	},
	{
		name: "JSON with a charset parameter",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/json; charset=utf-8", body: `{"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "a +json content type",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "application/merge-patch+json", body: `{"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "content type in upper case",
		cite: "fastapi/routing.py: get_request_handler (json only for application/json or application/*+json, else body = body_bytes) (email.message lower-cases the type)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: "Application/JSON", body: `{"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "body over 1 MiB",
		cite: "BEHAVIOUR.md: Edges of the request format (413, this project's choice)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","pad":"` + strings.Repeat("x", 1<<20) + `"}`},
		want: wantSome(413),
	},
	{
		name: "role null",
		cite: "pydantic-core src/validators/enum_.rs: EnumValidator<StrEnumValidator>; src/errors/types.rs: Enum (ctx expected)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","role":null}`},
		want: wantInvalid(
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", nil, "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "user_id null",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid; src/errors/types.rs: UuidType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":null}`},
		want: wantInvalid(
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", nil),
		),
	},
	{
		name: "user_id a number",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid; src/errors/types.rs: UuidType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":1}`},
		want: wantInvalid(
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", 1),
		),
	},
	{
		name: "user_id a huge number",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid; src/errors/types.rs: UuidType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":123456789012345678901234567890}`},
		want: wantInvalid(
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", json.Number("123456789012345678901234567890")),
		),
	},
	{
		name: "user_id true",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid; src/errors/types.rs: UuidType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":true}`},
		want: wantInvalid(
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", true),
		),
	},
	{
		name: "user_id an object",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid; src/errors/types.rs: UuidType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":{}}`},
		want: wantInvalid(
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", map[string]any{}),
		),
	},
	{
		name: "user_id not a uuid",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"bob"}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("body", "user_id"), "Input should be a valid UUID, invalid character: found `o` at 2", "bob", "error", "invalid character: found `o` at 2"),
		),
	},
	{
		name: "user_id empty",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":""}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("body", "user_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 0", "", "error", "invalid length: expected length 32 for simple format, found 0"),
		),
	},
	{
		name: "role outside the enum",
		cite: "pydantic-core src/validators/enum_.rs: EnumValidator<StrEnumValidator>; src/errors/types.rs: Enum (ctx expected)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","role":"boss"}`},
		want: wantInvalid(
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "boss", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "role in lower case",
		cite: "pydantic-core src/validators/enum_.rs: EnumValidator<StrEnumValidator>; src/errors/types.rs: Enum (ctx expected)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":"analyst"}`},
		want: wantInvalid(
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "analyst", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "role a number",
		cite: "pydantic-core src/validators/enum_.rs: EnumValidator<StrEnumValidator>; src/errors/types.rs: Enum (ctx expected)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":1}`},
		want: wantInvalid(
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", 1, "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "role with a space",
		cite: "pydantic-core src/validators/enum_.rs: EnumValidator<StrEnumValidator>; src/errors/types.rs: Enum (ctx expected)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":" ANALYST"}`},
		want: wantInvalid(
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", " ANALYST", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "body an array",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `["x"]`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", []any{"x"}),
		),
	},
	{
		name: "body an empty array",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `[]`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", []any{}),
		),
	},
	{
		name: "body a string",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `"x"`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", "x"),
		),
	},
	{
		name: "body a number",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `1`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", 1),
		),
	},
	{
		name: "body false",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `false`},
		want: wantInvalid(
			pyErr("model_attributes_type", pyLoc("body"), "Input should be a valid dictionary or object to extract fields from", false),
		),
	},
	{
		name: "empty object on create",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate (missing, input the whole object)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantInvalid(
			pyErr("missing", pyLoc("body", "user_id"), "Field required", map[string]any{}),
		),
	},
	{
		name: "user_id missing",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate (missing, input the whole object)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"role":"ANALYST"}`},
		want: wantInvalid(
			pyErr("missing", pyLoc("body", "user_id"), "Field required", map[string]any{"role": "ANALYST"}),
		),
	},
	{
		name: "three bad fields in model order",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate (missing, input the whole object); model field order",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"x","organization_id":"y","role":"z"}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("body", "user_id"), "Input should be a valid UUID, invalid character: found `x` at 1", "x", "error", "invalid character: found `x` at 1"),
			pyErr("uuid_parsing", pyLoc("body", "organization_id"), "Input should be a valid UUID, invalid character: found `y` at 1", "y", "error", "invalid character: found `y` at 1"),
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "z", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "three bad fields sent in reverse order",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate (missing, input the whole object); model field order",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"role":"z","organization_id":"y","user_id":"x"}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("body", "user_id"), "Input should be a valid UUID, invalid character: found `x` at 1", "x", "error", "invalid character: found `x` at 1"),
			pyErr("uuid_parsing", pyLoc("body", "organization_id"), "Input should be a valid UUID, invalid character: found `y` at 1", "y", "error", "invalid character: found `y` at 1"),
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "z", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "three bad fields on update in model order",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate (missing, input the whole object); model field order",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":"z","user_id":1,"organization_id":"y"}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("body", "organization_id"), "Input should be a valid UUID, invalid character: found `y` at 1", "y", "error", "invalid character: found `y` at 1"),
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", 1),
			pyErr("enum", pyLoc("body", "role"), "Input should be 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'", "z", "expected", "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"),
		),
	},
	{
		name: "user_id null on update",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing (Optional: null allowed)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":null}`},
		want: wantOK(),
	},
	{
		name: "organization_id null on update",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing (Optional: null allowed)",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"organization_id":null,"role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "user_id a number on update",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid; src/errors/types.rs: UuidType",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":1}`},
		want: wantInvalid(
			pyErr("uuid_type", pyLoc("body", "user_id"), "UUID input should be a string, bytes or UUID object", 1),
		),
	},
	{
		name: "organization_id null on create",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing (Optional: null allowed)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","organization_id":null}`},
		want: wantOK(),
	},
	{
		name: "body organization_id not a uuid",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","organization_id":"x"}`},
		want: wantInvalid(
			pyErr("uuid_parsing", pyLoc("body", "organization_id"), "Input should be a valid UUID, invalid character: found `x` at 1", "x", "error", "invalid character: found `x` at 1"),
		),
	},
	{
		name: "duplicate keys, the last wins",
		cite: "starlette/requests.py: Request.json (json.loads(body)); Lib/json/__init__.py: loads / detect_encoding (dict keeps the last key)",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","role":"boss","role":"ANALYST"}`},
		want: wantOK(),
	},
	{
		name: "user_id in braces",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate:braces}"}`},
		want: wantOK(),
	},
	{
		name: "user_id as an upper-case urn",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"urn:uuid:{candidate:upper}"}`},
		want: wantOK(),
	},
	{
		name: "user_id without dashes",
		cite: "pydantic-core src/validators/uuid.rs: UuidValidator::get_uuid (Uuid::parse_str); src/errors/types.rs: UuidParsing",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate:hex}"}`},
		want: wantOK(),
	},
	{
		name: "unknown fields are ignored",
		cite: "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator::validate; src/errors/types.rs: ModelAttributesType (extra='ignore')",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":"ORGANIZATION_ADMIN","colour":"blue"}`},
		want: wantOK(),
	},
	{
		name: "list as organization admin",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "list as analyst",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:analyst}"},
		want: wantOK(),
	},
	{
		name: "list as system admin",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:system_admin}"},
		want: wantOK(),
	},
	{
		name: "list as suspended member",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:suspended}"},
		want: wantSome(403),
	},
	{
		name: "list as outsider",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodGet, path: stackColl, auth: "Bearer {tok:outsider}"},
		want: wantSome(403),
	},
	{
		name: "list of an unknown organization",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{unknown}/member", auth: stackAdmin},
		want: wantDetail(404, "Organization not found"),
	},
	{
		name: "404 organization before 403",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{unknown}/member", auth: "Bearer {tok:outsider}"},
		want: wantDetail(404, "Organization not found"),
	},
	{
		name: "422 before 404 organization",
		cite: "fastapi/dependencies/utils.py: solve_dependencies (errors = path_errors + query_errors + ..., then body errors); BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodGet, path: "/api/organization/{unknown}/member", query: "page_size=0", auth: stackAdmin},
		want: wantInvalid(
			pyErr("greater_than_equal", pyLoc("query", "page_size"), "Input should be greater than or equal to 1", "0", "ge", 1),
		),
	},
	{
		name: "create as analyst",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: "Bearer {tok:analyst}", ctype: stackJSON, body: `{"user_id":"{candidate}"}`},
		want: wantSome(403),
	},
	{
		name: "403 before the user lookup",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: "Bearer {tok:analyst}", ctype: stackJSON, body: `{"user_id":"{unknown}"}`},
		want: wantSome(403),
	},
	{
		name: "create of an unknown user",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{unknown}"}`},
		want: wantDetail(404, "User not found"),
	},
	{
		name: "create of a member already there",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{memberuser}"}`},
		want: wantSome(409),
	},
	{
		name: "create with another organization in the body",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","organization_id":"{other}"}`},
		want: wantSome(400),
	},
	{
		name: "create",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","role":"ORGANIZATION_ADMIN"}`},
		want: wantOK(),
	},
	{
		name: "create of a SYSTEM_ADMIN by an organization admin",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}","role":"SYSTEM_ADMIN"}`},
		want: wantSome(403),
	},
	{
		name: "create of a SYSTEM_ADMIN by a system admin",
		cite: "BEHAVIOUR.md: Authorization",
		req:  stackRequest{method: http.MethodPost, path: stackColl, auth: "Bearer {tok:system_admin}", ctype: stackJSON, body: `{"user_id":"{candidate}","role":"SYSTEM_ADMIN"}`},
		want: wantOK(),
	},
	{
		name: "create in an unknown organization",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodPost, path: "/api/organization/{unknown}/member", auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}"}`},
		want: wantDetail(404, "Organization not found"),
	},
	{
		name: "update",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"role":"ORGANIZATION_ADMIN"}`},
		want: wantOK(),
	},
	{
		name: "empty update demotes",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantOK(),
	},
	{
		name: "update of an unknown member",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/{unknown}", auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantDetail(404, "Member not found"),
	},
	{
		name: "update of a member of another organization",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/{othermember}", auth: stackAdmin, ctype: stackJSON, body: `{}`},
		want: wantDetail(404, "Member not found"),
	},
	{
		name: "403 before the member lookup on update",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodPut, path: stackColl + "/{unknown}", auth: "Bearer {tok:analyst}", ctype: stackJSON, body: `{}`},
		want: wantSome(403),
	},
	{
		name: "update with another user_id in the body",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodPut, path: stackOne, auth: stackAdmin, ctype: stackJSON, body: `{"user_id":"{candidate}"}`},
		want: wantSome(400),
	},
	{
		name: "delete",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodDelete, path: stackOne, auth: stackAdmin},
		want: wantOK(),
	},
	{
		name: "delete of an unknown member",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodDelete, path: stackColl + "/{unknown}", auth: stackAdmin},
		want: wantDetail(404, "Member not found"),
	},
	{
		name: "delete of a member of another organization",
		cite: "BEHAVIOUR.md: Operations",
		req:  stackRequest{method: http.MethodDelete, path: stackColl + "/{othermember}", auth: stackAdmin},
		want: wantDetail(404, "Member not found"),
	},
	{
		name: "403 before the member lookup on delete",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodDelete, path: stackColl + "/{unknown}", auth: "Bearer {tok:analyst}"},
		want: wantSome(403),
	},
	{
		name: "delete in an unknown organization as outsider",
		cite: "BEHAVIOUR.md: Order of checks",
		req:  stackRequest{method: http.MethodDelete, path: "/api/organization/{unknown}/member/{unknown}", auth: "Bearer {tok:outsider}"},
		want: wantDetail(404, "Organization not found"),
	},
}
