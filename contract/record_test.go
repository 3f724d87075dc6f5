package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// client is a frontend talking to base with the profile's tokens.
type client struct {
	t       *testing.T
	base    string
	profile *contract.Profile
}

// do sends a request as a role ("" for no token, "?" for a token nobody
// holds) and returns the status and the decoded body.
func (c client) do(method, path, role string, body any) (int, map[string]any) {
	c.t.Helper()
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, reader)
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch role {
	case "":
	case "?":
		req.Header.Set("Authorization", "Bearer stolen-looking-token")
	default:
		req.Header.Set("Authorization", "Bearer "+c.profile.Tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var obj map[string]any
	_ = json.Unmarshal(data, &obj)
	return resp.StatusCode, obj
}

// frontendSession lists, creates a candidate, updates it, is refused (403)
// and rejected (422), deletes it, creates another it leaves behind, and
// sends a token nobody holds.
func frontendSession(t *testing.T, c client) {
	t.Helper()
	org := "/api/organization/" + c.profile.OrganizationID + "/member"
	status, _ := c.do("GET", org+"?page_size=5", "analyst", nil)
	require.Equal(t, 200, status)
	status, created := c.do("POST", org, "org_admin", map[string]any{"user_id": c.profile.CandidateUserIDs[0]})
	require.Equal(t, 200, status)
	id := created["id"].(string)
	status, _ = c.do("PUT", org+"/"+id, "org_admin", map[string]any{"role": "ORGANIZATION_ADMIN"})
	require.Equal(t, 200, status)
	status, _ = c.do("DELETE", org+"/"+id, "analyst", nil)
	require.Equal(t, 403, status)
	status, _ = c.do("PUT", org+"/"+id, "org_admin", map[string]any{"role": "boss"})
	require.Equal(t, 422, status)
	status, _ = c.do("DELETE", org+"/"+id, "org_admin", nil)
	require.Equal(t, 200, status)
	status, _ = c.do("POST", org, "system_admin", map[string]any{"user_id": c.profile.CandidateUserIDs[1], "role": "ORGANIZATION_ADMIN"})
	require.Equal(t, 200, status)
	status, _ = c.do("GET", org, "?", nil)
	require.Equal(t, 401, status)
}

// startMock serves a fresh mock with seed 1 on loopback.
func startMock(t *testing.T, defect string) (*httptest.Server, *contract.Profile) {
	t.Helper()
	m, err := mock.New(mock.Config{Seed: 1, Defect: defect})
	require.NoError(t, err)
	// Behind the front that reads requests as uvicorn does, as humm-mock
	// serves it: the suite's raw steps meet it.
	srv := httptest.NewUnstartedServer(m)
	srv.Listener = m.Listener(srv.Listener, http.DefaultMaxHeaderBytes)
	srv.Start()
	t.Cleanup(srv.Close)
	profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	return srv, profile
}

// replay runs one case of a recorded file, with the embedded suite around
// it, against a target.
func replay(t *testing.T, name string, data []byte, profile *contract.Profile) *contract.Report {
	t.Helper()
	suite, err := fixtures.EmbeddedWith("recorded.yaml", data)
	require.NoError(t, err, "%s", data)
	sp, err := spec.Embedded()
	require.NoError(t, err)
	var out bytes.Buffer
	report, err := contract.Run(context.Background(), contract.Config{Profile: profile, Suite: suite, Spec: sp,
		Run: regexp.MustCompile("^" + regexp.QuoteMeta(name) + "$"), Parallel: 1, Progress: &out})
	require.NoError(t, err)
	require.Equal(t, 1, report.Passed+report.Failed)
	return report
}

// recordSession records frontendSession through a recorder in front of a
// mock and returns the fixture and the recorder's log.
func recordSession(t *testing.T, defect string) ([]byte, string, *contract.Profile) {
	t.Helper()
	upstream, profile := startMock(t, defect)
	sp, err := spec.Embedded()
	require.NoError(t, err)
	var log bytes.Buffer
	rec, err := contract.NewRecorder(upstream.URL, profile, sp, &log)
	require.NoError(t, err)
	proxy := httptest.NewServer(rec)
	t.Cleanup(proxy.Close)
	frontendSession(t, client{t: t, base: proxy.URL, profile: profile})
	require.Equal(t, 8, rec.Len())
	data, err := rec.Fixture("frontend-session", "a test recording")
	require.NoError(t, err)
	return data, log.String(), profile
}

func TestRecordedSessionReplaysGreen(t *testing.T) {
	data, log, profile := recordSession(t, "")
	text := string(data)
	for _, token := range profile.Tokens {
		require.NotContains(t, text, token, "a token was written")
	}
	require.NotContains(t, text, "stolen-looking-token")
	require.Contains(t, log, "recorded 8: GET /api/organization/"+profile.OrganizationID+"/member -> 401 as none")

	targets := []struct {
		name  string
		setup func(t *testing.T, c client)
	}{
		{name: "a fresh mock with the same seed"},
		{name: "a fresh mock whose ids have moved on", setup: func(t *testing.T, c client) {
			// Created ids differ from the recording's: only captures replay.
			org := "/api/organization/" + c.profile.OrganizationID + "/member"
			status, m := c.do("POST", org, "system_admin", map[string]any{"user_id": c.profile.CandidateUserIDs[2]})
			require.Equal(t, 200, status)
			status, _ = c.do("DELETE", org+"/"+m["id"].(string), "system_admin", nil)
			require.Equal(t, 200, status)
		}},
	}
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			srv, fresh := startMock(t, "")
			if tt.setup != nil {
				tt.setup(t, client{t: t, base: srv.URL, profile: fresh})
			}
			report := replay(t, "frontend-session", data, fresh)
			require.Equal(t, 1, report.Passed, "%+v", report.Cases)

			// The cleanup removed the member the session left behind.
			status, _ := client{t: t, base: srv.URL, profile: fresh}.do("POST", "/api/organization/"+fresh.OrganizationID+"/member", "system_admin",
				map[string]any{"user_id": fresh.CandidateUserIDs[1]})
			require.Equal(t, 200, status, "the member the session left behind was not cleaned up")
		})
	}
}

func TestRecordedSessionCatchesAChangedImplementation(t *testing.T) {
	data, _, _ := recordSession(t, "")
	_, broken := startMock(t, "delete-204")
	report := replay(t, "frontend-session", data, broken)
	require.Equal(t, 1, report.Failed)
	var failures []string
	for _, s := range report.Cases[0].Steps {
		failures = append(failures, s.Failures...)
	}
	require.Contains(t, strings.Join(failures, "\n"), "status: expected 200, got 204")
}

func TestRecorderNotesSpecViolations(t *testing.T) {
	data, log, _ := recordSession(t, "missing-created-at")
	require.Contains(t, log, "spec violation: GET /api/organization/{organization_id}/member -> 200: ")
	require.Contains(t, string(data), "# spec: GET /api/organization/{organization_id}/member -> 200: ")
}

func TestNewRecorderRefusesABadUpstream(t *testing.T) {
	sp, err := spec.Embedded()
	require.NoError(t, err)
	for _, upstream := range []string{"", "ftp://x", "127.0.0.1:4010"} {
		_, err := contract.NewRecorder(upstream, &contract.Profile{}, sp, nil)
		require.ErrorContains(t, err, "upstream", upstream)
	}
}

// TestRecorderWithAPartialProfile: an empty bearer token is an unknown
// token, not the role the profile leaves without one.
func TestRecorderWithAPartialProfile(t *testing.T) {
	srv, profile := startMock(t, "")
	profile.Tokens["suspended"] = ""
	sp, err := spec.Embedded()
	require.NoError(t, err)
	rec, err := contract.NewRecorder(srv.URL, profile, sp, nil)
	require.NoError(t, err)
	proxy := httptest.NewServer(rec)
	t.Cleanup(proxy.Close)

	members := "/api/organization/" + profile.OrganizationID + "/member"
	for _, auth := range []string{"Bearer ", "Bearer " + profile.Tokens["analyst"]} {
		req, err := http.NewRequest(http.MethodGet, proxy.URL+members, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	data, err := rec.Fixture("partial")
	require.NoError(t, err)
	require.NotContains(t, string(data), "as: suspended")
	require.Contains(t, string(data), "as: none")
	require.Contains(t, string(data), "as: analyst")
}
