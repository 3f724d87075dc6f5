package mock

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestCORSFollowsTheDocument: a browser may send what the document
// declares (its methods, its header parameters, an API key's header) and
// read the response headers it declares.
func TestCORSFollowsTheDocument(t *testing.T) {
	preflight := func(m *testMock) http.Header {
		return m.do(http.MethodOptions, m.membersPath(m.profile.OrganizationID), "", nil,
			"Origin", "http://localhost:5173", "Access-Control-Request-Method", "PATCH").Header
	}
	patch, err := spec.LoadFile("testdata/specs/member-patch.yaml")
	require.NoError(t, err)
	require.Contains(t, preflight(newTestMock(t, Config{Spec: patch})).Get("Access-Control-Allow-Methods"), "PATCH")
	require.NotContains(t, preflight(newTestMock(t, Config{})).Get("Access-Control-Allow-Methods"), "PATCH", "openapi.yaml declares no PATCH")

	key, err := spec.LoadFile("testdata/specs/api-key-header.yaml")
	require.NoError(t, err)
	require.Contains(t, preflight(newTestMock(t, Config{Spec: key})).Get("Access-Control-Allow-Headers"), "X-Humm-Key")

	statuses, err := spec.LoadFile("testdata/specs/documented-statuses-31.yaml")
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: statuses})
	got := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil, "Origin", "http://localhost:5173")
	require.Contains(t, got.Header.Get("Access-Control-Expose-Headers"), "X-Page-Count")
}
