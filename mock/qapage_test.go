package mock

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock/ui"
)

// The QA page's Go side: served from the binary, with its assets, offline.
// What it does in a browser is tested by e2e/ (make e2e).

func TestQAPageServesTheHTML(t *testing.T) {
	m := newTestMock(t, Config{})
	for _, path := range []string{"/__mock/", "/__mock/index.html"} {
		res := m.do(http.MethodGet, path, "", nil)
		require.Equal(t, http.StatusOK, res.Status, path)
		require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"), path)
		require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
		body := string(res.Body)
		require.Contains(t, body, "<title>humm-mock · QA</title>")
		for _, id := range []string{`id="members"`, `id="journal"`, `id="tokens"`, `id="reset"`, `id="export"`, `id="import"`, `id="search"`} {
			require.Contains(t, body, id, "the page has %s", id)
		}
	}
}

func TestQAPageAssetsHaveTheirContentTypes(t *testing.T) {
	m := newTestMock(t, Config{})
	page := string(m.do(http.MethodGet, "/__mock/", "", nil).Body)
	refs := regexp.MustCompile(`(?:src|href)="(ui/[^"]+)"`).FindAllStringSubmatch(page, -1)
	want := map[string]string{
		"ui/app.js":    "text/javascript; charset=utf-8",
		"ui/style.css": "text/css; charset=utf-8",
	}
	var got []string
	for _, ref := range refs {
		got = append(got, ref[1])
	}
	require.ElementsMatch(t, []string{"ui/app.js", "ui/style.css"}, got, "the page loads its script and style sheet from /__mock/ui/")
	for ref, ctype := range want {
		res := m.do(http.MethodGet, "/__mock/"+ref, "", nil)
		require.Equal(t, http.StatusOK, res.Status, ref)
		require.Equal(t, ctype, res.Header.Get("Content-Type"), ref)
		embedded, err := ui.Files.ReadFile(strings.TrimPrefix(ref, "ui/"))
		require.NoError(t, err)
		require.Equal(t, embedded, res.Body, "%s is served as embedded", ref)
	}
}

func TestQAPageUnknownAssetsAndMethodsAreNotFound(t *testing.T) {
	m := newTestMock(t, Config{})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/__mock/ui/nope.js"},
		{http.MethodGet, "/__mock/ui/ui.go"},
		{http.MethodGet, "/__mock/ui/"},
		{http.MethodPost, "/__mock/"},
		{http.MethodDelete, "/__mock/ui/app.js"},
	} {
		res := m.do(tc.method, tc.path, "", nil)
		require.Equal(t, http.StatusNotFound, res.Status, "%s %s", tc.method, tc.path)
		require.Equal(t, map[string]any{"detail": "Not Found"}, res.Object(t), "%s %s", tc.method, tc.path)
	}
}

// The page and its assets fetch nothing from another host: every file is
// free of absolute and protocol-relative URLs, and the Content-Security-
// Policy keeps the browser to the mock's own origin.
func TestQAPageWorksOffline(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*['"]?(https?:|//)`)
	files, err := fs.Glob(ui.Files, "*")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"index.html", "app.js", "style.css"}, files)
	for _, name := range files {
		data, err := ui.Files.ReadFile(name)
		require.NoError(t, err)
		require.Empty(t, external.FindAllString(string(data), -1), "%s refers to another host", name)
	}
	m := newTestMock(t, Config{})
	csp := m.do(http.MethodGet, "/__mock/", "", nil).Header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"} {
		require.Contains(t, csp, directive)
	}
	require.NotContains(t, csp, "http", "no other origin is allowed")
}

// Every element the script looks up by id is on the page, so the wiring
// breaks a unit test before it breaks a browser.
func TestQAPageScriptFindsItsElements(t *testing.T) {
	page, err := ui.Files.ReadFile("index.html")
	require.NoError(t, err)
	script, err := ui.Files.ReadFile("app.js")
	require.NoError(t, err)
	ids := regexp.MustCompile(`\$\("#([\w-]+)`).FindAllStringSubmatch(string(script), -1)
	require.Greater(t, len(ids), 10)
	for _, id := range ids {
		require.Contains(t, string(page), `id="`+id[1]+`"`, "app.js looks up #%s", id[1])
	}
}

// The page holds no data, so it is served without the admin token (a
// browser cannot add a header to a navigation); the control API it calls
// still needs the token.
func TestQAPageWithAdminToken(t *testing.T) {
	m := newTestMock(t, Config{AdminToken: "s3cret"})
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, "/__mock/", "", nil).Status)
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, "/__mock/ui/app.js", "", nil).Status)
	require.Equal(t, http.StatusUnauthorized, m.do(http.MethodGet, "/__mock/state", "", nil).Status)
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, "/__mock/state", "", nil, "X-Mock-Admin-Token", "s3cret").Status)
}

// Loading the page is not an API call: the journal stays empty.
func TestQAPageIsNotJournaled(t *testing.T) {
	m := newTestMock(t, Config{})
	m.do(http.MethodGet, "/__mock/", "", nil)
	m.do(http.MethodGet, "/__mock/ui/app.js", "", nil)
	require.Empty(t, m.do(http.MethodGet, "/__mock/requests", "", nil).List(t))
}

func TestControlRootWithoutSlashRedirectsToThePage(t *testing.T) {
	m := newTestMock(t, Config{})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(m.url + "/__mock")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	require.Equal(t, "/__mock/", resp.Header.Get("Location"))
}

// ---- the page's reads: what it shows, never the whole state ------------

func (m *testMock) membersPage(query string) (result, MembersPage) {
	m.t.Helper()
	r := m.do(http.MethodGet, "/__mock/members?"+query, "", nil)
	var page MembersPage
	if r.Status == http.StatusOK {
		require.NoError(m.t, json.Unmarshal(r.Body, &page), "body: %s", r.Body)
	}
	return r, page
}

// stateMembers is the organization's memberships in the exported state,
// as plain JSON objects.
func (m *testMock) stateMembers(orgID string) []map[string]any {
	m.t.Helper()
	var out []map[string]any
	for _, row := range m.do(http.MethodGet, "/__mock/state", "", nil).Object(m.t)["memberships"].([]any) {
		if mm := row.(map[string]any); mm["organization_id"] == orgID {
			out = append(out, mm)
		}
	}
	return out
}

// A page of /__mock/members is the list operation's page: same members,
// same order, same bytes per member, searched as the API searches.
func TestMembersPageIsTheListsPage(t *testing.T) {
	m := newTestMock(t, Config{Members: 120})
	org := m.profile.OrganizationID
	total := len(m.stateMembers(org))
	for _, q := range []string{"page=1&page_size=50", "page=2&page_size=7", "page=3&page_size=100", "query=AN&page_size=5", "query=an&page=2&page_size=5"} {
		api := m.do(http.MethodGet, m.membersPath(org)+"?"+q, TokenAnalyst, nil)
		require.Equal(t, http.StatusOK, api.Status)
		r, page := m.membersPage("organization_id=" + org + "&" + q)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		require.JSONEq(t, string(api.Body), string(page.Members), q)
		require.Equal(t, total, page.Total, q)
	}
	_, all := m.membersPage("organization_id=" + strings.ToUpper(org))
	require.Equal(t, total, all.Matched, "no query, no filter: every member matches")
	require.Equal(t, 1, all.Page)
	require.Equal(t, 50, all.PageSize)
	require.Equal(t, org, all.OrganizationID)
	_, profiles := m.membersPage("")
	require.Equal(t, org, profiles.OrganizationID, "no organization_id: the profile's")
	require.JSONEq(t, string(all.Members), string(profiles.Members))

	// Matched counts every match, past the page.
	var matches []any
	for p := 1; ; p++ {
		got := m.do(http.MethodGet, m.membersPath(org)+"?query=an&page_size=100&page="+strconv.Itoa(p), TokenAnalyst, nil).List(t)
		matches = append(matches, got...)
		if len(got) < 100 {
			break
		}
	}
	_, searched := m.membersPage("organization_id=" + org + "&query=an&page_size=5")
	require.Equal(t, len(matches), searched.Matched)
	require.Less(t, searched.Matched, total)
}

func TestMembersPageFiltersByRoleAndStateAndFindsIDs(t *testing.T) {
	m := newTestMock(t, Config{Members: 120})
	org := m.profile.OrganizationID
	rows := m.stateMembers(org)
	count := func(keep func(map[string]any) bool) int {
		n := 0
		for _, row := range rows {
			if keep(row) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		query string
		keep  func(map[string]any) bool
	}{
		{"role=ANALYST", func(r map[string]any) bool { return r["role"] == RoleAnalyst }},
		{"membership_state=pending", func(r map[string]any) bool { return r["membership_state"] == "pending" }},
		{"role=ORGANIZATION_ADMIN&membership_state=active", func(r map[string]any) bool {
			return r["role"] == "ORGANIZATION_ADMIN" && r["membership_state"] == "active"
		}},
	} {
		r, page := m.membersPage("organization_id=" + org + "&page_size=100&" + tc.query)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		want := count(tc.keep)
		require.Positive(t, want, "the seed has such members: %s", tc.query)
		require.Equal(t, want, page.Matched, tc.query)
		var got []map[string]any
		require.NoError(t, json.Unmarshal(page.Members, &got))
		require.Len(t, got, min(want, 100))
		for _, row := range got {
			require.True(t, tc.keep(row), "%s keeps %v", tc.query, row)
		}
	}

	target := rows[len(rows)/2]
	for _, id := range []string{target["id"].(string), strings.ToUpper(target["user_id"].(string))} {
		_, page := m.membersPage("organization_id=" + org + "&query=" + id)
		var got []map[string]any
		require.NoError(t, json.Unmarshal(page.Members, &got))
		require.Len(t, got, 1, "query %s", id)
		require.Equal(t, target["id"], got[0]["id"])
		require.Equal(t, 1, page.Matched)
	}
}

// Bad input to the page's reads is a 400 in the API's error format that
// names the parameter; an unknown organization is the API's 404.
func TestMembersPageRefusesBadInput(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	for _, tc := range []struct{ query, detail string }{
		{"organization_id=", "organization_id is empty"},
		{"organization_id=" + org + "&page=0", "page must be an integer from 1"},
		{"organization_id=" + org + "&page=x", `got "x"`},
		{"organization_id=" + org + "&page_size=101", "page_size must be an integer from 1 to 100"},
		{"organization_id=" + org + "&page_size=", "page_size must be"},
		{"organization_id=" + org + "&role=KING", `role "KING": want one of SYSTEM_ADMIN, ORGANIZATION_ADMIN, ANALYST`},
		{"organization_id=" + org + "&membership_state=asleep", `membership_state "asleep": want one of`},
	} {
		r, _ := m.membersPage(tc.query)
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", tc.query, r.Body)
		require.Len(t, r.Object(t), 1, "detail only")
		require.Contains(t, r.Object(t)["detail"], tc.detail, tc.query)
	}
	r, _ := m.membersPage("organization_id=5ca1ab1e-0000-4000-8000-000000000000")
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, map[string]any{"detail": detailOrgNotFound}, r.Object(t))
	r, _ = m.membersPage("organization_id=not-a-uuid")
	require.Equal(t, http.StatusNotFound, r.Status)
}

// The page's reads are not API calls: they are not journaled and no
// scenario answers them.
func TestMembersPageIsNotJournaledNorAScenarioMatch(t *testing.T) {
	m := newTestMock(t, Config{})
	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":1}`).Status)
	r, page := m.membersPage("organization_id=" + m.profile.OrganizationID)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, seedPrimaryMembers, page.Total)
	require.Empty(t, m.do(http.MethodGet, "/__mock/requests", "", nil).List(t))
	require.Len(t, m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t), 1, "not used up")
}

func (m *testMock) changes() Changes {
	m.t.Helper()
	var c Changes
	r := m.do(http.MethodGet, "/__mock/changes", "", nil)
	require.Equal(m.t, http.StatusOK, r.Status)
	require.NoError(m.t, json.Unmarshal(r.Body, &c))
	return c
}

// The page polls /__mock/changes: state moves on accepted writes and on
// resets and imports, not on reads or refused writes; the journal's seq on
// every exchange; scenarios when one is added, used or ended.
func TestChangesMoveWithWhatThePageShows(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	member := m.profile.AnalystMemberID
	start := m.changes()

	m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil)
	afterRead := m.changes()
	require.Equal(t, start.State, afterRead.State, "a read changes nothing")
	require.Equal(t, start.Journal+1, afterRead.Journal)

	require.Equal(t, http.StatusForbidden, m.do(http.MethodPut, m.memberPath(org, member), TokenAnalyst, map[string]any{"role": "ORGANIZATION_ADMIN"}).Status)
	require.Equal(t, afterRead.State, m.changes().State, "a refused write changes nothing")

	require.Equal(t, http.StatusOK, m.do(http.MethodPut, m.memberPath(org, member), TokenOrgAdmin, map[string]any{"role": "ORGANIZATION_ADMIN"}).Status)
	afterWrite := m.changes()
	require.Greater(t, afterWrite.State, afterRead.State)

	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":2}`).Status)
	added := m.changes()
	require.Greater(t, added.Scenarios, afterWrite.Scenarios)
	m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil)
	used := m.changes()
	require.Greater(t, used.Scenarios, added.Scenarios, "what is left of it changed")

	state := m.do(http.MethodGet, "/__mock/state", "", nil).Body
	require.Equal(t, http.StatusOK, m.do(http.MethodPut, "/__mock/state", "", string(state)).Status)
	imported := m.changes()
	require.Greater(t, imported.State, used.State)

	require.Equal(t, http.StatusOK, m.do(http.MethodPost, "/__mock/reset", "", nil).Status)
	reset := m.changes()
	require.Greater(t, reset.State, imported.State)
	require.Greater(t, reset.JournalClears, imported.JournalClears)
	require.Greater(t, reset.Scenarios, imported.Scenarios)
	require.Equal(t, imported.Journal, reset.Journal, "the seq goes on after a clear")
}

// The journal since a seq, without bodies, then one entry with them: what
// the page's journal asks for.
func TestJournalSinceASeqAndOneEntryWithItsBodies(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	m.do(http.MethodGet, m.membersPath(org)+"?page_size=1", TokenAnalyst, nil)
	seen := m.changes().Journal
	m.do(http.MethodGet, m.membersPath(org)+"?page_size=2", TokenAnalyst, nil)

	newer := m.do(http.MethodGet, "/__mock/requests?bodies=false&after="+strconv.FormatUint(seen, 10), "", nil).List(t)
	require.Len(t, newer, 1)
	entry := newer[0].(map[string]any)
	require.Equal(t, "page_size=2", entry["query"])
	require.Equal(t, true, entry["has_bodies"])
	require.NotContains(t, entry, "response_body")
	require.EqualValues(t, seen+1, entry["seq"])
	require.Len(t, m.do(http.MethodGet, "/__mock/requests?after=0", "", nil).List(t), 2)

	one := m.do(http.MethodGet, "/__mock/requests/"+strconv.FormatUint(seen+1, 10), "", nil)
	require.Equal(t, http.StatusOK, one.Status)
	require.Len(t, one.Object(t)["response_body"], 2, "the page of two members")

	for _, tc := range []struct {
		path   string
		status int
		detail string
	}{
		{"/__mock/requests?after=-1", http.StatusBadRequest, `after must be a number from 0, got "-1"`},
		{"/__mock/requests?bodies=maybe", http.StatusBadRequest, `bodies must be true or false, got "maybe"`},
		{"/__mock/requests/x", http.StatusBadRequest, `a number from 1, got "x"`},
		{"/__mock/requests/0", http.StatusBadRequest, `got "0"`},
		{"/__mock/requests/999", http.StatusNotFound, "journal entry 999 is not kept"},
	} {
		r := m.do(http.MethodGet, tc.path, "", nil)
		require.Equal(t, tc.status, r.Status, tc.path)
		require.Contains(t, r.Object(t)["detail"], tc.detail, tc.path)
	}
}

// The overview is the organizations with their member counts and each
// token's user, as the API renders users.
func TestOverviewCountsMembersAndNamesTheTokensUsers(t *testing.T) {
	m := newTestMock(t, Config{})
	r := m.do(http.MethodGet, "/__mock/overview", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var ov struct {
		OrganizationID      string                `json:"organization_id"`
		OtherOrganizationID string                `json:"other_organization_id"`
		Organizations       []OrganizationSummary `json:"organizations"`
		Identities          []struct {
			Standing string         `json:"standing"`
			Token    string         `json:"token"`
			UserID   string         `json:"user_id"`
			User     map[string]any `json:"user"`
		} `json:"identities"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &ov))
	require.Equal(t, m.profile.OrganizationID, ov.OrganizationID)
	require.Equal(t, m.profile.OtherOrganizationID, ov.OtherOrganizationID)
	state := m.do(http.MethodGet, "/__mock/state", "", nil).Object(t)
	require.Len(t, ov.Organizations, len(state["organizations"].([]any)))
	for _, o := range ov.Organizations {
		require.Len(t, m.stateMembers(o.ID), o.Members, o.Name)
		require.NotEmpty(t, o.Name)
	}
	users := map[string]map[string]any{}
	for _, u := range state["users"].([]any) {
		users[u.(map[string]any)["id"].(string)] = u.(map[string]any)
	}
	require.Len(t, ov.Identities, len(m.profile.Tokens))
	for _, id := range ov.Identities {
		require.Equal(t, m.profile.Tokens[id.Standing], id.Token)
		require.Equal(t, users[id.UserID]["email"], id.User["email"], id.Standing)
	}
}
