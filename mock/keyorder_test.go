package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

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

// A listed member's user is joined from the user's row: an object property
// of that row (dicts.yaml's closed settings, an inline model) is written
// in its declared order too, not as encoding/json sorts a map.
func TestAJoinedUsersNestedObjectKeepsItsDeclaredOrder(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs-values/dicts.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp, Seed: 1})
	listed := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID)+"?page_size=100", m.profile.Tokens["org_admin"], nil)
	require.Equal(t, http.StatusOK, listed.Status, "%s", listed.Body)
	var items []struct {
		User struct {
			Settings json.RawMessage `json:"settings"`
		} `json:"user"`
	}
	require.NoError(t, json.Unmarshal(listed.Body, &items))
	checked := 0
	for _, item := range items {
		if s := item.User.Settings; len(s) > 0 && s[0] == '{' {
			if keys := topKeys(t, s); len(keys) == 2 {
				require.Equal(t, []string{"theme", "density"}, keys, "dicts.yaml declares theme, then density")
				checked++
			}
		}
	}
	require.NotZero(t, checked, "some listed user has both settings")
}
