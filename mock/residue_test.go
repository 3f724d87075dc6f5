package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock/stack"
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
	declared := func(operation string) []string {
		return m.srv.spec.PropertyOrder(m.srv.spec.OperationSchema(operation, http.StatusOK))
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
