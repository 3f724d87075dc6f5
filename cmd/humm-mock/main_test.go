package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/cmdtest"
	"github.com/heyhumm/humm-members-mock/mock"
)

// syncBuffer is an io.Writer that the server's goroutines and the test may
// use at once.
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

// shutdownBound is how long run may take to return once its context ends.
const shutdownBound = 5 * time.Second

// client keeps connections alive, as a browser does: shutdown must close
// the idle ones rather than wait for them.
var client = &http.Client{Timeout: 10 * time.Second}

// running is one run of the command on 127.0.0.1:0.
type running struct {
	t              *testing.T
	base           string
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error
	stopped        bool
}

func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		r.done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), r.stdout, r.stderr, ready)
	}()
	select {
	case addr := <-ready:
		r.base = "http://" + addr
	case err := <-r.done:
		cancel()
		t.Fatalf("run returned before listening: %v\nstderr: %s", err, r.stderr)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("run did not listen within 60 s")
	}
	t.Cleanup(func() {
		if r.stopped {
			return
		}
		cancel()
		select {
		case <-r.done:
		case <-time.After(shutdownBound):
		}
	})
	return r
}

// stop cancels the context and returns run's error, failing the test if
// run takes longer than shutdownBound.
func (r *running) stop() error {
	r.t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.stopped = true
		return err
	case <-time.After(shutdownBound):
		r.t.Fatalf("run did not return within %s of its context ending", shutdownBound)
		return nil
	}
}

func (r *running) do(method, path, token, body string, headers ...string) (int, []byte) {
	r.t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, r.base+path, reader)
	require.NoError(r.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(r.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(r.t, err)
	return resp.StatusCode, data
}

func (r *running) profile() mock.Profile {
	r.t.Helper()
	status, body := r.do(http.MethodGet, "/__mock/profile", "", "")
	require.Equal(r.t, http.StatusOK, status)
	var p mock.Profile
	require.NoError(r.t, json.Unmarshal(body, &p))
	return p
}

func TestRunServesHealthAndPrintsTheTokenBlock(t *testing.T) {
	r := start(t)
	status, body := r.do(http.MethodGet, "/__mock/health", "", "")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ok"}`, string(body))

	p := r.profile()
	out := r.stdout.String()
	require.Contains(t, out, "humm-mock listening on "+r.base+"\n")
	require.Contains(t, out, "export BASE="+r.base+"\n")
	require.Contains(t, out, "#   policy    GET     /api/organization/{organization_id}/member (get_organization_members)\n", "the operations table")
	require.Contains(t, out, "export ORG="+p.OrganizationID+" OTHER_ORG="+p.OtherOrganizationID+"\n")
	for standing, token := range p.Tokens {
		require.Contains(t, out, "export TOKEN_"+strings.ToUpper(standing)+"="+token+"\n")
	}
	require.Contains(t, out, `curl -H "Authorization: Bearer $TOKEN_ORG_ADMIN" "$BASE/api/organization/$ORG/member"`)
	require.Contains(t, out, "# what the spec's other properties and list filters become:\n#   user property given_name: generated from its schema (string, length-bounded, nullable, optional), e.g. ")
	require.Contains(t, out, "# the spec, as FastAPI serves it: "+r.base+"/openapi.json, "+r.base+"/docs, "+r.base+"/redoc\n")
	for _, page := range []string{"/openapi.json", "/docs", "/redoc"} {
		status, _ := r.do(http.MethodGet, page, "", "")
		require.Equal(t, http.StatusOK, status, page)
	}
	require.NotContains(t, r.stderr.String(), "dev-", "tokens go to stdout only")

	// The block is copy-paste: a shell given its assignment lines knows the
	// organization and the tokens, and they work.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to paste the block into")
	}
	assignment := regexp.MustCompile(`^export( [A-Z_]+=\S+)+$`)
	var pasted []string
	for _, line := range strings.Split(out, "\n") {
		if assignment.MatchString(line) {
			pasted = append(pasted, line)
		}
	}
	require.Len(t, pasted, 8, "base, organizations, candidate and member, five tokens:\n%s", out)
	script := strings.Join(pasted, "\n") + "\nprintf '%s\\n' \"$ORG\" \"$TOKEN_ORG_ADMIN\" \"$TOKEN_OUTSIDER\"\n"
	shellOut, err := exec.Command(sh, "-c", script).Output()
	require.NoError(t, err)
	vars := strings.Fields(string(shellOut))
	require.Len(t, vars, 3)
	status, _ = r.do(http.MethodGet, "/api/organization/"+vars[0]+"/member", vars[1], "")
	require.Equal(t, http.StatusOK, status, "the org admin token from the block")
	status, _ = r.do(http.MethodGet, "/api/organization/"+vars[0]+"/member", vars[2], "")
	require.Equal(t, http.StatusForbidden, status, "the outsider token from the block")

	require.NoError(t, r.stop())
}

func TestRunShutsDownGracefullyWithoutLosingAWrite(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	r := start(t, "--state", state)
	p := r.profile()
	require.GreaterOrEqual(t, len(p.CandidateUserIDs), 2)
	members := "/api/organization/" + p.OrganizationID + "/member"

	// A write acknowledged before the context ends.
	status, body := r.do(http.MethodPost, members, p.Tokens["org_admin"], `{"user_id":"`+p.CandidateUserIDs[0]+`"}`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var before map[string]any
	require.NoError(t, json.Unmarshal(body, &before))

	// A write still in flight when the context ends. Its body comes through
	// a pipe the test holds; Expect: 100-continue is the signal that it is
	// in the handler (the server says Continue when the handler first reads
	// the body: net/http's expectContinueReader). The test then ends the
	// context, waits until the listener is closed (the shutdown has begun),
	// and only then lets the body through.
	type answer struct {
		status int
		body   []byte
	}
	inFlight := make(chan answer, 1)
	inHandler := make(chan struct{})
	pending, sendBody := io.Pipe()
	go func() {
		req, _ := http.NewRequest(http.MethodPost, r.base+members, pending)
		req.Header.Set("Authorization", "Bearer "+p.Tokens["org_admin"])
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Expect", "100-continue")
		var once sync.Once
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			Got100Continue: func() { once.Do(func() { close(inHandler) }) },
		}))
		waiting := &http.Client{Timeout: shutdownBound, Transport: &http.Transport{ExpectContinueTimeout: shutdownBound}}
		resp, err := waiting.Do(req)
		if err != nil {
			inFlight <- answer{status: -1, body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		inFlight <- answer{resp.StatusCode, b}
	}()
	select {
	case <-inHandler:
	case late := <-inFlight:
		t.Fatalf("the request ended before the handler read its body: %d %s", late.status, late.body)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- r.stop() }()
	addr := strings.TrimPrefix(r.base, "http://")
	for i := 0; ; i++ {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break // the listener is closed: the shutdown waits for the write
		}
		conn.Close()
		require.Less(t, i, 10000, "the listener never closed")
		runtime.Gosched()
	}
	_, err := sendBody.Write([]byte(`{"user_id":"` + p.CandidateUserIDs[1] + `"}`))
	require.NoError(t, err)
	require.NoError(t, sendBody.Close())
	select {
	case err := <-stopped:
		require.NoError(t, err)
	case <-time.After(shutdownBound):
		t.Fatal("run did not return after the write in flight")
	}

	var late answer
	select {
	case late = <-inFlight:
	case <-time.After(shutdownBound):
		t.Fatal("the in-flight request never got an answer")
	}
	require.Equal(t, http.StatusOK, late.status, "the in-flight write is answered: %s", late.body)
	var after map[string]any
	require.NoError(t, json.Unmarshal(late.body, &after))

	_, err = net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "nothing listens after run returns")

	data, err := os.ReadFile(state)
	require.NoError(t, err)
	var saved mock.State
	require.NoError(t, json.Unmarshal(data, &saved))
	ids := map[string]bool{}
	for _, m := range saved.Memberships {
		ids[m.Text("id")] = true
	}
	require.True(t, ids[before["id"].(string)], "the write acknowledged before the cancel is saved")
	require.True(t, ids[after["id"].(string)], "the write in flight at the cancel is saved")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary files left")

	// And a new run starts from it.
	again := start(t, "--state", state)
	// New members are last in the order: past the seed's 120, on page 2.
	status, body = again.do(http.MethodGet, members+"?page=2&page_size=100", p.Tokens["org_admin"], "")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(body), after["id"].(string))
	require.NoError(t, again.stop())
}

func TestRunRefusesBadFlags(t *testing.T) {
	brokenSpec := filepath.Join(t.TempDir(), "openapi.yaml")
	require.NoError(t, os.WriteFile(brokenSpec, []byte("openapi: [3"), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"seed 0 would be random", []string{"--seed", "0"}, "--seed 0 is refused"},
		{"unknown log format", []string{"--log-format", "xml"}, `--log-format "xml"`},
		{"unknown defect", []string{"--defect", "no-such-bug"}, `unknown defect "no-such-bug"`},
		{"unknown flag", []string{"--colour"}, "flag provided but not defined: -colour"},
		{"broken spec file", []string{"--spec", brokenSpec}, brokenSpec},
		{"bad address", []string{"--addr", "127.0.0.1:notaport"}, "notaport"},
		// Go's flag stops at the first argument that is not a flag: the
		// flags after a stray word would be ignored.
		{"leftover argument", []string{"extra-word", "--addr", "127.0.0.1:4231"}, `unexpected argument "extra-word"`},
		{"a subcommand", []string{"serve"}, `unexpected argument "serve"`},
		{"help with an argument", []string{"help", "extra"}, `unexpected argument "extra"`},
		{"leftover argument with --list-defects", []string{"--list-defects", "extra"}, `unexpected argument "extra"`},
		{"negative members", []string{"--members", "-5"}, "--members -5"},
		{"negative read timeout", []string{"--read-timeout", "-1s"}, "--read-timeout -1s"},
		{"zero read-header timeout", []string{"--read-header-timeout", "0s"}, "--read-header-timeout 0s"},
		{"members that is not a number", []string{"--members", "many"}, `invalid value "many" for flag -members`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			ready := make(chan string, 1)
			done := make(chan error, 1)
			args := append([]string{"--addr", "127.0.0.1:0"}, tc.args...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // stops a run that wrongly started serving
			go func() { done <- run(ctx, args, &stdout, &stderr, ready) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return: the flags were accepted")
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			require.NotContains(t, err.Error(), "\n", "main prints the error on one line")
			require.Empty(t, stderr.String(), "and nothing else: no usage dump")
			require.Empty(t, ready, "nothing listens")
			require.NotContains(t, stdout.String(), "listening")
		})
	}
}

// logLines are the JSON log lines about requests.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), "every line is JSON: %s", sc.Text())
		if line["msg"] == "request" {
			lines = append(lines, line)
		}
	}
	return lines
}

func TestRunLogsOneJSONLinePerRequestWithoutTokens(t *testing.T) {
	r := start(t, "--log-format", "json")
	p := mock.Profile{Tokens: map[string]string{"org_admin": mock.TokenOrgAdmin}}
	// The profile is not fetched over HTTP here: control requests are not
	// what this test counts. Find the organization from the banner.
	m := regexp.MustCompile(`(?m)^export ORG=(\S+) `).FindStringSubmatch(r.stdout.String())
	require.Len(t, m, 2, "banner: %s", r.stdout)
	p.OrganizationID = m[1]
	members := "/api/organization/" + p.OrganizationID + "/member"

	const secret = "s3cr3t-token-never-logged"
	requests := []struct {
		method, path, token, body string
		status                    int
	}{
		{http.MethodGet, members, p.Tokens["org_admin"], "", 200},
		{http.MethodGet, members + "?page_size=1000", p.Tokens["org_admin"], "", 422},
		{http.MethodGet, members, secret, "", 401},
		{http.MethodPost, members, p.Tokens["org_admin"], `{"user_id":"` + p.OrganizationID + `"}`, 404},
		{http.MethodDelete, members, p.Tokens["org_admin"], "", 405},
		{http.MethodGet, "/api/nowhere", p.Tokens["org_admin"], "", 404},
	}
	for _, rq := range requests {
		status, body := r.do(rq.method, rq.path, rq.token, rq.body)
		require.Equal(t, rq.status, status, "%s %s: %s", rq.method, rq.path, body)
	}
	require.NoError(t, r.stop())

	stderr := r.stderr.String()
	lines := logLines(t, stderr)
	require.Len(t, lines, len(requests), "one line per request:\n%s", stderr)
	for i, rq := range requests {
		line := lines[i]
		require.Equal(t, rq.method, line["method"])
		require.Equal(t, strings.SplitN(rq.path, "?", 2)[0], line["path"])
		require.EqualValues(t, rq.status, line["status"])
		d, ok := line["duration_ms"].(float64)
		require.True(t, ok, "duration_ms is a number: %v", line)
		require.GreaterOrEqual(t, d, 0.0)
		require.Contains(t, line, "time")
	}
	for _, leak := range []string{secret, mock.TokenOrgAdmin, "Bearer"} {
		require.NotContains(t, stderr, leak, "tokens are never logged")
	}
}

func TestRunLogsTextByDefault(t *testing.T) {
	r := start(t)
	status, _ := r.do(http.MethodGet, "/api/organization/00000000-0000-4000-8000-000000000000/member", mock.TokenOrgAdmin, "")
	require.Equal(t, http.StatusNotFound, status)
	require.NoError(t, r.stop())
	stderr := r.stderr.String()
	require.Regexp(t, `(?m)^time=\S+ level=INFO msg=request method=GET path=/api/organization/00000000-0000-4000-8000-000000000000/member status=404 duration_ms=[0-9.]+$`, stderr)
	require.NotContains(t, stderr, mock.TokenOrgAdmin)
}

func TestRunListsDefects(t *testing.T) {
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	require.NoError(t, run(context.Background(), []string{"--list-defects"}, &stdout, &stderr, ready))
	require.Empty(t, ready, "listing defects starts no server")

	names := mock.Defects()
	require.NotEmpty(t, names)
	lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	require.Len(t, lines, len(names))
	for i, name := range names {
		fields := strings.Fields(lines[i])
		require.Equal(t, name, fields[0])
		require.Greater(t, len(fields), 2, "%s has a rule and a description", name)
		require.Equal(t, mock.DefectRule(name), fields[1])
		require.Equal(t, mock.DefectDescription(name), strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(lines[i], name)), fields[1])))
	}
	require.Contains(t, names, "create-201")
}

func TestRunRefusesACorruptStateFile(t *testing.T) {
	// A real state with one membership pointing at a user that does not exist.
	m, err := mock.New(mock.Config{Seed: 1})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	resp, err := http.Get(srv.URL + "/__mock/state")
	require.NoError(t, err)
	var st mock.State
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	resp.Body.Close()
	srv.Close()
	st.Memberships[0].Set("user_id", "00000000-0000-4000-8000-00000000dead")
	unknownUser, err := json.Marshal(st)
	require.NoError(t, err)

	cases := []struct {
		name, content, want string
	}{
		{"not JSON", `{"users": [`, "unexpected end of JSON input"},
		{"unknown user in a membership", string(unknownUser), "unknown user 00000000-0000-4000-8000-00000000dead"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			var stdout, stderr syncBuffer
			ready := make(chan string, 1)
			err := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--state", path}, &stdout, &stderr, ready)
			require.Error(t, err)
			require.Contains(t, err.Error(), path, "the message names the file")
			require.Contains(t, err.Error(), tc.want)
			require.Empty(t, ready, "nothing listens")
			data, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			require.Equal(t, tc.content, string(data), "the file is left untouched")
		})
	}
}

// flagLine is a flag as help names it: -name, then its value name, if
// any, in capitals. A backquote in a usage string makes whatever it quotes
// the value name, as in "-admin-token Authorization: Bearer TOKEN".
var flagLine = regexp.MustCompile(`^  -[a-z-]+( [A-Z|]+)?$`)

func TestRunHelpListsEveryFlag(t *testing.T) {
	// The token in the environment is the default, but is never printed.
	t.Setenv(adminTokenEnv, "env-admin-token")
	flags := []string{"addr", "seed", "members", "spec", "lenient", "full-validation", "cors-origins", "state",
		"log-format", "defect", "list-defects", "admin-token", "read-header-timeout", "read-timeout"}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}, {"--seed", "2", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr syncBuffer
			ready := make(chan string, 1)
			require.NoError(t, run(context.Background(), args, &stdout, &stderr, ready), "help is not an error: main exits 0")
			require.Empty(t, ready, "nothing listens")
			require.Empty(t, stderr.String())
			help := stdout.String()
			require.True(t, strings.HasPrefix(help, "usage: humm-mock [flags]\n"), help)
			require.Contains(t, help, "It has no subcommands")
			for _, name := range flags {
				require.Regexp(t, `(?m)^  -`+name+`( [A-Z|]+)?\n    \t[a-z].+$`, help, "-%s has a one-line description", name)
			}
			require.Contains(t, help, "\n  -admin-token TOKEN\n")
			for _, line := range strings.Split(help, "\n") {
				if strings.HasPrefix(line, "  -") {
					require.Regexp(t, flagLine, line)
				}
			}
			require.NotContains(t, help, "env-admin-token")
		})
	}
}

func TestRunTakesTheAdminTokenFromTheEnvironment(t *testing.T) {
	const admin = "env-admin-token"
	t.Setenv(adminTokenEnv, admin)
	r := start(t)
	status, _ := r.do(http.MethodGet, "/__mock/state", "", "")
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = r.do(http.MethodGet, "/__mock/state", admin, "")
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, r.stop())
}

// TestMainExitCodes runs main in a child process: 0 and the help on stdout
// when help is asked for, 2 and one line on stderr for a usage error.
func TestMainExitCodes(t *testing.T) {
	cmdtest.RunMain(t, "TestMainExitCodes", "humm-mock", main, []cmdtest.Case{
		{Name: "seed 0", Args: []string{"--seed", "0"}, Code: 2, Stdout: "", Stderr: "humm-mock: --seed 0 is refused: pick a number, the same number gives the same world\n"},
		{Name: "leftover argument", Args: []string{"extra-word", "--addr", "127.0.0.1:0"}, Code: 2, Stdout: "", Stderr: "humm-mock: unexpected argument \"extra-word\" (humm-mock has no subcommands; see humm-mock --help)\n"},
		{Name: "unknown flag", Args: []string{"--colour"}, Code: 2, Stdout: "", Stderr: "humm-mock: flag provided but not defined: -colour\n"},
		{Name: "--help", Args: []string{"--help"}, Code: 0, Stdout: "usage: humm-mock [flags]\n", Stderr: ""},
		{Name: "-h", Args: []string{"-h"}, Code: 0, Stdout: "usage: humm-mock [flags]\n", Stderr: ""},
		{Name: "help", Args: []string{"help"}, Code: 0, Stdout: "usage: humm-mock [flags]\n", Stderr: ""},
	})
}

// The real server's limits: headers, slow clients, the admin token.

func TestHeadersOverTheLimitAre431(t *testing.T) {
	r := start(t)
	addr := strings.TrimPrefix(r.base, "http://")
	exchange := func(headerBytes int) string {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
		go func() {
			fmt.Fprintf(conn, "GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: %s\r\n\r\n", strings.Repeat("a", headerBytes))
		}()
		status, err := bufio.NewReader(conn).ReadString('\n')
		require.NoError(t, err)
		return strings.TrimSpace(status)
	}
	require.Equal(t, "HTTP/1.1 200 OK", exchange(maxHeaderBytes/2))
	require.Equal(t, "HTTP/1.1 431 Request Header Fields Too Large", exchange(maxHeaderBytes*2))
	require.NoError(t, r.stop())
}

// humm-mock serves behind the front (mock.UvicornListener): what Go alone
// refuses and uvicorn serves is served (BEHAVIOUR.md: "The HTTP server").
func TestServesBehindTheFront(t *testing.T) {
	r := start(t)
	addr := strings.TrimPrefix(r.base, "http://")
	exchange := func(request string) string {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
		go func() { _, _ = io.WriteString(conn, request) }()
		status, err := bufio.NewReader(conn).ReadString('\n')
		require.NoError(t, err)
		return strings.TrimSpace(status)
	}
	require.Equal(t, "HTTP/1.1 404 Not Found", exchange("GET /a%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), "Go alone: 400 invalid URL escape")
	require.Equal(t, "HTTP/1.1 200 OK", exchange("GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: something\r\n\r\n"), "Go alone: 417")
	require.NoError(t, r.stop())
}

func TestSlowClientsAreCutOff(t *testing.T) {
	r := start(t, "--read-header-timeout", "300ms", "--read-timeout", "600ms")
	addr := strings.TrimPrefix(r.base, "http://")
	for _, tc := range []struct {
		name  string
		begin string // sent at once; then nothing more
	}{
		{"headers never finished", "GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"},
		{"body never finished", "POST /__mock/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"organizations\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
			require.NoError(t, err)
			defer conn.Close()
			start := time.Now()
			_, err = io.WriteString(conn, tc.begin)
			require.NoError(t, err)
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
			_, _ = io.Copy(io.Discard, conn) // returns when the server closes the connection
			took := time.Since(start)
			require.Less(t, took, 5*time.Second, "the server held a silent client for %s", took)
		})
	}
	// The server still serves everyone else.
	status, _ := r.do(http.MethodGet, "/__mock/health", "", "")
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, r.stop())
}

func TestRunAdminTokenProtectsTheControlAPI(t *testing.T) {
	const admin = "flag-admin-token"
	r := start(t, "--admin-token", admin, "--log-format", "json")
	status, _ := r.do(http.MethodGet, "/__mock/health", "", "")
	require.Equal(t, http.StatusOK, status)
	status, body := r.do(http.MethodGet, "/__mock/state", "", "")
	require.Equal(t, http.StatusUnauthorized, status, "%s", body)
	status, _ = r.do(http.MethodGet, "/__mock/state", admin, "")
	require.Equal(t, http.StatusOK, status)
	status, _ = r.do(http.MethodPost, "/__mock/reset", "", "", "X-Mock-Admin-Token", admin)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, r.stop())
	require.NotContains(t, r.stderr.String()+r.stdout.String(), admin, "the admin token is never printed")
}
