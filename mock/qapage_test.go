package mock

import (
	"io/fs"
	"net/http"
	"regexp"
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
