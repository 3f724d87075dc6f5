package mock

import (
	"bytes"
	"context"
	"go/build"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// exportSession is a frontend's session against m: list, create a
// candidate, update it, a 403, a 422, delete it, create another left
// behind, and a token nobody holds.
func exportSession(t *testing.T, m *testMock) {
	t.Helper()
	tok := m.profile.Tokens
	members := "/api/organization/" + m.profile.OrganizationID + "/member"
	require.Equal(t, 200, m.do("GET", members+"?page_size=3", tok["analyst"], nil).Status)
	created := m.do("POST", members, tok["org_admin"], map[string]any{"user_id": m.profile.CandidateUserIDs[0]})
	require.Equal(t, 200, created.Status)
	member := members + "/" + created.Object(t)["id"].(string)
	require.Equal(t, 200, m.do("PUT", member, tok["org_admin"], map[string]any{"role": "ORGANIZATION_ADMIN"}).Status)
	require.Equal(t, 403, m.do("DELETE", member, tok["analyst"], nil).Status)
	require.Equal(t, 422, m.do("PUT", member, tok["org_admin"], map[string]any{"role": "boss"}).Status)
	require.Equal(t, 200, m.do("DELETE", member, tok["org_admin"], nil).Status)
	require.Equal(t, 200, m.do("POST", members, tok["system_admin"], map[string]any{"user_id": m.profile.CandidateUserIDs[1]}).Status)
	require.Equal(t, 401, m.do("GET", members, "not-a-token", nil).Status)
}

func TestJournalExportReplaysGreen(t *testing.T) {
	m := newTestMock(t, Config{Seed: 1})
	exportSession(t, m)

	export := m.do("GET", "/__mock/requests?format=fixture&name=qa-session", "", nil)
	require.Equal(t, http.StatusOK, export.Status, "%s", export.Body)
	require.Equal(t, "application/yaml", export.Header.Get("Content-Type"))
	text := string(export.Body)
	for _, token := range m.profile.Tokens {
		require.NotContains(t, text, token)
	}
	require.NotContains(t, text, "not-a-token")
	require.Contains(t, text, "- name: qa-session\n")
	require.Contains(t, text, "capture: {member_1: /id}")
	require.Contains(t, text, "cleanup:", "the member left behind is cleaned up")
	require.Regexp(t, `(?s)name: list\n.*name: create\n.*name: update\n.*name: delete\n.*name: update-2\n.*name: delete-2\n.*name: create-2\n.*name: list-2\n`, text, "oldest first")

	// The default stays the journal as JSON.
	require.Equal(t, "application/json", m.do("GET", "/__mock/requests", "", nil).Header.Get("Content-Type"))

	suite, err := fixtures.EmbeddedWith("qa-session.yaml", export.Body)
	require.NoError(t, err)
	sp, err := spec.Embedded()
	require.NoError(t, err)
	fresh := newTestMock(t, Config{Seed: 1})
	profile, err := contract.FetchMockProfile(context.Background(), http.DefaultClient, fresh.url)
	require.NoError(t, err)
	var progress bytes.Buffer
	report, err := contract.Run(context.Background(), contract.Config{Profile: profile, Suite: suite, Spec: sp,
		Run: regexp.MustCompile(`^qa-session$`), Parallel: 1, Progress: &progress})
	require.NoError(t, err)
	require.Equal(t, 1, report.Passed, "%s\n%s", progress.String(), text)
}

func TestJournalExportRefuses(t *testing.T) {
	tests := []struct {
		name    string
		session bool
		query   string
		status  int
		detail  string
	}{
		{name: "an empty journal", query: "format=fixture", status: http.StatusNotFound, detail: "no exchange to export"},
		{name: "a case name that is not kebab case", session: true, query: "format=fixture&name=My%20Session", status: http.StatusBadRequest, detail: "lowercase words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t, Config{Seed: 1})
			if tt.session {
				exportSession(t, m)
			}
			res := m.do("GET", "/__mock/requests?"+tt.query, "", nil)
			require.Equal(t, tt.status, res.Status)
			require.Contains(t, res.Object(t)["detail"], tt.detail)
		})
	}
}

func TestJournalExchangesConversion(t *testing.T) {
	tests := []struct {
		name    string
		entry   journalEntry
		want    fixtures.Exchange
		skipped int
	}{
		{name: "a development token's standing is the role",
			entry: journalEntry{Method: "GET", Path: "/p", Operation: "get_organization_members", As: "analyst", Status: 200},
			want:  fixtures.Exchange{Method: "GET", Path: "/p", Operation: "get_organization_members", As: "analyst", Status: 200, Notes: []string{}}},
		{name: "a refused unknown token is marked, never kept",
			entry: journalEntry{Method: "GET", Path: "/p", Status: 401, ResponseBody: []byte(`{"detail":"Invalid authentication credentials"}`)},
			want: fixtures.Exchange{Method: "GET", Path: "/p", As: fixtures.NoToken, UnknownToken: true, Status: 401,
				ResponseBody: []byte(`{"detail":"Invalid authentication credentials"}`), Notes: []string{}}},
		{name: "no token is none",
			entry: journalEntry{Method: "GET", Path: "/p", Status: 401, ResponseBody: []byte(`{"detail":"Not authenticated"}`)},
			want:  fixtures.Exchange{Method: "GET", Path: "/p", As: fixtures.NoToken, Status: 401, ResponseBody: []byte(`{"detail":"Not authenticated"}`), Notes: []string{}}},
		{name: "a JSON body is sent as JSON, problems are notes",
			entry: journalEntry{Method: "PUT", Path: "/p", As: "org_admin", RequestBody: []byte(`{}`), Status: 200, Problems: []string{"bad"}},
			want:  fixtures.Exchange{Method: "PUT", Path: "/p", As: "org_admin", ContentType: "application/json", RequestBody: []byte(`{}`), Status: 200, Notes: []string{"spec: bad"}}},
		{name: "a CORS preflight is skipped", entry: journalEntry{Method: "OPTIONS", Path: "/p", Status: 204}, skipped: 1},
		{name: "a scenario fault is skipped", entry: journalEntry{Method: "GET", Path: "/p", Status: 0}, skipped: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped := journalExchanges([]journalEntry{tt.entry})
			require.Equal(t, tt.skipped, skipped)
			if tt.skipped > 0 {
				require.Empty(t, got)
				return
			}
			require.Equal(t, []fixtures.Exchange{tt.want}, got)
		})
	}
}

// TestTheMockDoesNotImportTheRunner: the journal export converts with
// package fixtures, the one owner of the fixture format (its writer and
// its reader), so the mock (and humm-mock) carries no runner.
func TestTheMockDoesNotImportTheRunner(t *testing.T) {
	const module = "github.com/heyhumm/humm-members-mock"
	seen := map[string]bool{}
	var walk func(dir string)
	walk = func(dir string) {
		pkg, err := build.ImportDir(dir, 0)
		require.NoError(t, err)
		for _, imp := range pkg.Imports {
			rel, inModule := strings.CutPrefix(imp, module+"/")
			if !inModule || seen[rel] {
				continue
			}
			seen[rel] = true
			require.NotEqual(t, "contract", rel, "%s imports %s", dir, imp)
			walk(filepath.Join("..", filepath.FromSlash(rel)))
		}
	}
	walk(".")
	require.True(t, seen["fixtures"], "the export converts with package fixtures")
}
