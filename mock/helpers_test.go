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
// sent as JSON unless it is a string. Tests call it from goroutines of their
// own, so a failure to send is reported with t.Errorf (FailNow must run on
// the test's goroutine: testing.T.FailNow's documentation) and answered as
// status 0, which no assertion on a status accepts.
func (m *testMock) do(method, path, token string, body any, headers ...string) result {
	m.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			m.t.Errorf("%s %s: body: %v", method, path, err)
			return result{}
		}
		reader = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, m.url+path, reader)
	if err != nil {
		m.t.Errorf("%s %s: %v", method, path, err)
		return result{}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// A guard against a hang, not a speed check: a 1 MiB body under -race
	// on a busy 2-core machine takes several seconds.
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		m.t.Errorf("%s %s: %v", method, path, err)
		return result{}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Errorf("%s %s: reading the body: %v", method, path, err)
		return result{}
	}
	return result{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func (m *testMock) membersPath(orgID string) string { return "/api/organization/" + orgID + "/member" }

func (m *testMock) memberPath(orgID, memberID string) string {
	return m.membersPath(orgID) + "/" + memberID
}

// memberOf finds the membership of a user in an organization.
func (m *testMock) memberOf(orgID, userID string) memberRow {
	m.t.Helper()
	var found *memberRow
	m.srv.store.read(func(w *world) {
		if mm := w.byOrgUser[orgUserKey(orgID, userID)]; mm != nil {
			c := readRow[memberRow](m.t, mm.Row)
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
	m.srv.store.read(func(w *world) { id = w.byToken[token].ID() })
	return id
}

// memberRow is a member as tests read it (from the store, a state or a
// response): the properties the rules read as fields, all of them in
// Props.
type memberRow struct {
	ID              string    `json:"id"`
	OrganizationID  string    `json:"organization_id"`
	UserID          string    `json:"user_id"`
	Role            string    `json:"role"`
	MembershipState string    `json:"membership_state"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Props           map[string]any
}

func (r *memberRow) UnmarshalJSON(data []byte) error {
	type fields memberRow
	if err := json.Unmarshal(data, (*fields)(r)); err != nil {
		return err
	}
	return json.Unmarshal(data, &r.Props)
}

// userRow is a user as tests read it.
type userRow struct {
	ID            string  `json:"id"`
	Email         string  `json:"email"`
	GivenName     *string `json:"given_name"`
	FamilyName    *string `json:"family_name"`
	Nickname      *string `json:"nickname"`
	Name          *string `json:"name"`
	Picture       *string `json:"picture"`
	Auth0Sub      *string `json:"auth0_sub"`
	IsSystemAdmin bool    `json:"is_system_admin"`
	Props         map[string]any
}

func (r *userRow) UnmarshalJSON(data []byte) error {
	type fields userRow
	if err := json.Unmarshal(data, (*fields)(r)); err != nil {
		return err
	}
	return json.Unmarshal(data, &r.Props)
}

// readRow reads a stored row as a test type, through its JSON.
func readRow[T any](t testing.TB, row Row) T {
	t.Helper()
	var out T
	b, err := json.Marshal(row)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func membersOf(t testing.TB, rows []Row) []memberRow {
	out := make([]memberRow, len(rows))
	for i, r := range rows {
		out[i] = readRow[memberRow](t, r)
	}
	return out
}

func usersOf(t testing.TB, rows []Row) []userRow {
	out := make([]userRow, len(rows))
	for i, r := range rows {
		out[i] = readRow[userRow](t, r)
	}
	return out
}

// requireSameState compares two states as the JSON they are saved as (a
// state read from a file holds its rows unbound, an export bound ones).
func requireSameState(t testing.TB, want, got State, msgAndArgs ...any) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(w), string(g), msgAndArgs...)
}
