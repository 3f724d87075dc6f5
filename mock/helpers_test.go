package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testMock is a mock on loopback with the seeded world, for one test.
type testMock struct {
	t       *testing.T
	srv     *Server
	url     string
	profile Profile
}

func newTestMock(t *testing.T, cfg Config) *testMock {
	t.Helper()
	if cfg.Seed == 0 {
		cfg.Seed = 1 // the world most tests are written against
	}
	m, err := New(cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(m)
	t.Cleanup(ts.Close)
	return &testMock{t: t, srv: m, url: ts.URL, profile: m.Profile(ts.URL)}
}

// result is a response read whole.
type result struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r result) JSON(t *testing.T) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.Body, &v), "body: %s", r.Body)
	return v
}

func (r result) Object(t *testing.T) map[string]any {
	t.Helper()
	v, ok := r.JSON(t).(map[string]any)
	require.True(t, ok, "body is not an object: %s", r.Body)
	return v
}

func (r result) List(t *testing.T) []any {
	t.Helper()
	v, ok := r.JSON(t).([]any)
	require.True(t, ok, "body is not a list: %s", r.Body)
	return v
}

// do sends a request; token "" sends no Authorization header. body is
// sent as JSON unless it is a string.
func (m *testMock) do(method, path, token string, body any, headers ...string) result {
	m.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(m.t, err)
		reader = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, m.url+path, reader)
	require.NoError(m.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	require.NoError(m.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(m.t, err)
	return result{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func (m *testMock) membersPath(orgID string) string { return "/api/organization/" + orgID + "/member" }

func (m *testMock) memberPath(orgID, memberID string) string {
	return m.membersPath(orgID) + "/" + memberID
}

// memberOf finds the membership of a user in an organization.
func (m *testMock) memberOf(orgID, userID string) Membership {
	m.t.Helper()
	var found *Membership
	m.srv.store.read(func(w *world) {
		if mm := w.byOrgUser[orgUserKey(orgID, userID)]; mm != nil {
			c := *mm
			found = &c
		}
	})
	require.NotNil(m.t, found, "user %s is not a member of %s", userID, orgID)
	return *found
}

// identity is the user id behind a development token.
func (m *testMock) identity(token string) string {
	m.t.Helper()
	var id string
	m.srv.store.read(func(w *world) { id = w.byToken[token].ID })
	return id
}
