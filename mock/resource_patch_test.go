package mock

import (
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestInferredResourcePatch: a PATCH on an inferred resource's item path
// merges (BEHAVIOUR.md: Update, the PATCH bullet) under the organization's
// rules, with a clock that stands still: updated_at advances by the rule.
func TestInferredResourcePatch(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/resource-crud.yaml")
	require.NoError(t, err)
	clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{Spec: sp, StatePath: path, Now: func() time.Time { return clock }})
	org := m.profile.OrganizationID
	labels := "/api/organization/" + org + "/label"
	r := m.do(http.MethodPost, labels, TokenOrgAdmin, map[string]any{"name": "urgent", "color": "red"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	created := r.Object(t)
	one := labels + "/" + created["id"].(string)
	rows := []struct {
		name   string
		token  string
		path   string
		body   any
		status int
		check  func(t *testing.T, got map[string]any)
	}{
		{"only the name sent: the color kept", TokenOrgAdmin, one, map[string]any{"name": "later"}, http.StatusOK,
			func(t *testing.T, got map[string]any) {
				require.Equal(t, "later", got["name"])
				require.Equal(t, "red", got["color"])
				require.Greater(t, got["updated_at"], created["updated_at"], "updated_at advances though the clock stands still")
				require.Equal(t, created["created_at"], got["created_at"])
			}},
		{"null clears the nullable color", TokenOrgAdmin, one, map[string]any{"color": nil}, http.StatusOK,
			func(t *testing.T, got map[string]any) {
				require.Contains(t, got, "color")
				require.Nil(t, got["color"])
				require.Equal(t, "later", got["name"])
			}},
		// pydantic_core: a str field given None fails with string_type.
		{"null for the name is refused: not nullable", TokenOrgAdmin, one, map[string]any{"name": nil}, http.StatusUnprocessableEntity,
			func(t *testing.T, got map[string]any) {
				entry := got["detail"].([]any)[0].(map[string]any)
				require.Equal(t, []any{"body", "name"}, entry["loc"])
				require.Equal(t, "string_type", entry["type"])
			}},
		{"an analyst is refused", TokenAnalyst, one, map[string]any{"name": "x"}, http.StatusForbidden, nil},
		{"an unknown label is Label not found", TokenOrgAdmin, labels + "/11111111-1111-4111-8111-111111111111", map[string]any{"name": "x"}, http.StatusNotFound,
			func(t *testing.T, got map[string]any) { require.Equal(t, "Label not found", got["detail"]) }},
		{"an unknown organization is 404", TokenSystemAdmin, "/api/organization/00000000-0000-4000-8000-000000000000/label/" + created["id"].(string), map[string]any{"name": "x"}, http.StatusNotFound,
			func(t *testing.T, got map[string]any) { require.Equal(t, detailOrgNotFound, got["detail"]) }},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := m.do(http.MethodPatch, row.path, row.token, row.body)
			require.Equal(t, row.status, r.Status, "%s", r.Body)
			if row.check != nil {
				row.check(t, r.Object(t))
			}
		})
	}
	saved := readStateFile(t, path)
	stored := saved.Resources["/api/organization/{organization_id}/label"]["organization_id="+org]
	i := slices.IndexFunc(stored, func(row Row) bool { return row.Text("id") == created["id"] })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, "later", stored[i].Text("name"), "saved with --state")
	listed := m.do(http.MethodGet, labels, TokenAnalyst, nil).List(t)
	require.True(t, slices.ContainsFunc(listed, func(v any) bool {
		return v.(map[string]any)["id"] == created["id"] && v.(map[string]any)["color"] == nil
	}), "the list sees the merged row")
}
