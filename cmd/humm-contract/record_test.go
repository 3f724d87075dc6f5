package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
)

// syncBuffer is written by the recorder's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var proxyAddress = regexp.MustCompile(`recording: (http://\S+) -> `)

// send is one request of a frontend; role "" sends no token.
func send(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, reader)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var obj map[string]any
	_ = json.Unmarshal(data, &obj)
	return resp.StatusCode, obj
}

// fixturesWith copies the repository's fixtures and one more file into a
// directory, as QA would to run a recording with --fixtures.
func fixturesWith(t *testing.T, name string, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join("..", "..", "fixtures", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		writeFile(t, dir, filepath.Base(f), string(b))
	}
	writeFile(t, dir, name, string(data))
	return dir
}

func TestRecordWritesAFlowThatReplaysGreen(t *testing.T) {
	upstream := serveMock(t, "")
	profile, err := contract.FetchMockProfile(context.Background(), http.DefaultClient, upstream)
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "Admin session.yaml")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runRecord(ctx, []string{"--upstream", upstream, "--listen", "127.0.0.1:0", "--out", out, "--profile-from-mock"}, &stdout, &stderr)
	}()
	var proxy string
	require.Eventually(t, func() bool {
		m := proxyAddress.FindStringSubmatch(stdout.String())
		if m != nil {
			proxy = m[1]
		}
		return m != nil
	}, 5*time.Second, 10*time.Millisecond, "stderr: %s", stderr.String())

	// The session: list, create a candidate, update it, a 403, a 422,
	// delete it.
	members := proxy + "/api/organization/" + profile.OrganizationID + "/member"
	tok := profile.Tokens
	status, _ := send(t, "GET", members+"?page_size=3", tok["analyst"], nil)
	require.Equal(t, 200, status)
	status, created := send(t, "POST", members, tok["org_admin"], map[string]any{"user_id": profile.CandidateUserIDs[0]})
	require.Equal(t, 200, status)
	member := members + "/" + created["id"].(string)
	status, _ = send(t, "PUT", member, tok["org_admin"], map[string]any{"role": "ORGANIZATION_ADMIN"})
	require.Equal(t, 200, status)
	status, _ = send(t, "PUT", member, tok["analyst"], map[string]any{"role": "ANALYST"})
	require.Equal(t, 403, status)
	status, _ = send(t, "GET", members+"?page_size=500", tok["analyst"], nil)
	require.Equal(t, 422, status)
	status, _ = send(t, "DELETE", member, tok["org_admin"], nil)
	require.Equal(t, 200, status)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "stderr: %s", stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("the recorder did not stop")
	}
	require.Contains(t, stdout.String(), "wrote 6 exchanges to "+out+" as case admin-session")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	for role, token := range tok {
		require.NotContains(t, string(data), token, "the %s token was written", role)
	}
	require.Contains(t, string(data), "member/{member_1}")
	require.NotContains(t, string(data), created["id"].(string))

	// Replayed with the suite, selected by name, against a fresh mock.
	dir := fixturesWith(t, "admin-session.yaml", data)
	var runOut, runErr bytes.Buffer
	err = run(context.Background(), []string{"--base-url", serveMock(t, ""), "--profile-from-mock", "--fixtures", dir, "--run", "^admin-session$"}, &runOut, &runErr)
	require.NoError(t, err, "stdout: %s\nstderr: %s\nfixture:\n%s", runOut.String(), runErr.String(), data)
	require.Contains(t, runOut.String(), "PASS admin-session")
	require.Contains(t, runOut.String(), "\n1 passed, 0 failed, 0 skipped\n")
}

func TestRecordUsage(t *testing.T) {
	upstream := serveMock(t, "")
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		errorHas string
	}{
		{name: "no upstream", args: []string{"--out", filepath.Join(dir, "s.yaml"), "--profile-from-mock"}, errorHas: "needs --upstream URL and --out FILE"},
		{name: "no out", args: []string{"--upstream", upstream, "--profile-from-mock"}, errorHas: "needs --upstream URL and --out FILE"},
		{name: "no profile", args: []string{"--upstream", upstream, "--out", filepath.Join(dir, "s.yaml")}, errorHas: "give --profile FILE, or --profile-from-mock"},
		{name: "both profiles", args: []string{"--upstream", upstream, "--out", filepath.Join(dir, "s.yaml"), "--profile-from-mock", "--profile", "p.yaml"}, errorHas: "not both"},
		{name: "out in a missing directory", args: []string{"--upstream", upstream, "--out", filepath.Join(dir, "nope", "s.yaml"), "--profile-from-mock"}, errorHas: "does not exist"},
		{name: "bad upstream", args: []string{"--upstream", "127.0.0.1:4010", "--out", filepath.Join(dir, "s.yaml"), "--profile", writeFile(t, dir, "p.yaml", stagingProfile)}, errorHas: "upstream"},
		{name: "stray argument", args: []string{"--upstream", upstream, "extra"}, errorHas: `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"record"}, tt.args...), &stdout, &stderr)
			require.ErrorContains(t, err, tt.errorHas)
			require.Equal(t, 2, exitCode(err))
		})
	}
}

func TestRecordWithNothingRecordedWritesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	upstream := serveMock(t, "") // here: its require must run on the test's goroutine
	go func() {
		done <- runRecord(ctx, []string{"--upstream", upstream, "--listen", "127.0.0.1:0", "--out", out, "--profile-from-mock"}, &stdout, io.Discard)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "recording: ") }, 5*time.Second, 10*time.Millisecond)
	cancel()
	require.ErrorContains(t, <-done, "nothing was recorded")
	require.NoFileExists(t, out)
}

// stagingProfile is a valid profile file whose base_url --upstream
// replaces.
const stagingProfile = `base_url: http://127.0.0.1:1
tokens: {system_admin: a, org_admin: b, analyst: c, suspended: d, outsider: e}
organization_id: 0b0b0b0b-0000-4000-8000-000000000001
other_organization_id: 0b0b0b0b-0000-4000-8000-000000000002
candidate_user_ids: [c0c0c0c0-0000-4000-8000-00000000000a, c0c0c0c0-0000-4000-8000-00000000000b, c0c0c0c0-0000-4000-8000-00000000000c]
`
