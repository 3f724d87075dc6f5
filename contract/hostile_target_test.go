package contract_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
)

// hostileTarget answers each path its own bad way; "/ok" answers well, so
// that the run shows the rest of the suite still runs.
func hostileTarget(t *testing.T) *contract.Profile {
	t.Helper()
	release := make(chan struct{})
	var hijacked sync.WaitGroup
	hijack := func(w http.ResponseWriter, fn func(net.Conn, *bufio.ReadWriter)) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		hijacked.Go(func() {
			defer conn.Close()
			fn(conn, buf)
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { // the probe
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"detail":"Not Found"}`)
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select { // until the client gives up, or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/hang-after-headers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"status":`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		hijack(w, func(conn net.Conn, _ *bufio.ReadWriter) {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
		})
	})
	mux.HandleFunc("/garbage", func(w http.ResponseWriter, r *http.Request) {
		hijack(w, func(conn net.Conn, buf *bufio.ReadWriter) {
			_, _ = buf.WriteString("\x00\xffSSH-2.0-not-http\r\n\x1b[31mgarbage\x1b[0m\r\n\r\n")
			_ = buf.Flush()
		})
	})
	mux.HandleFunc("/bad-length", func(w http.ResponseWriter, r *http.Request) {
		hijack(w, func(conn net.Conn, buf *bufio.ReadWriter) {
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}")
			_ = buf.Flush()
		})
	})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		hijack(w, func(conn net.Conn, buf *bufio.ReadWriter) {
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"status\":")
			_ = buf.Flush()
		})
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		// An endless JSON array: the runner must stop reading on its own.
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`, 1024))
		if _, err := w.Write([]byte("[")); err != nil {
			return
		}
		for {
			select {
			case <-release:
				return
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		close(release)
		srv.CloseClientConnections()
		srv.Close()
		hijacked.Wait()
	})
	return &contract.Profile{
		BaseURL: srv.URL,
		Tokens: map[string]string{"system_admin": "t-sa", "org_admin": "t-oa", "analyst": "t-an",
			"suspended": "t-su", "outsider": "t-ou"},
		OrganizationID:      doubleOrgID,
		OtherOrganizationID: doubleOtherOrgID,
		CandidateUserIDs:    doubleUsers[3:],
	}
}

// TestRunSurvivesAHostileTarget: a target that hangs, resets, answers
// garbage, an endless body or the wrong content type costs the case it
// answers that way a clear failure within the timeout, never a hang or a
// crash; the other cases still run.
func TestRunSurvivesAHostileTarget(t *testing.T) {
	const timeout = 1500 * time.Millisecond
	paths := []struct {
		path    string
		message string
	}{
		{"/hang", "no response"},
		{"/hang-after-headers", "reading the response"},
		{"/reset", "no response"},
		{"/garbage", "no response"},
		{"/bad-length", "no response"},
		{"/truncated", "reading the response"},
		{"/huge", "body: expected JSON, got a body that does not parse"},
		{"/html", "body: expected JSON, got a body that does not parse"},
	}
	var cases strings.Builder
	cases.WriteString("cases:\n")
	for _, p := range append(paths, struct{ path, message string }{"/ok", ""}) {
		fmt.Fprintf(&cases, `  - name: case%s
    rules: [r]
    steps:
      - name: get
        method: GET
        path: %s
        as: analyst
        expect:
          status: 200
          body: {status: ok}
`, strings.ReplaceAll(p.path, "/", "-"), p.path)
	}
	profile := hostileTarget(t)
	start := time.Now()
	report, out := run(t, suiteOf(t, cases.String()), profile, func(c *contract.Config) {
		c.Timeout = timeout
		c.Parallel = 3
	})
	took := time.Since(start)

	require.Equal(t, 1, report.Passed, out)
	require.Equal(t, len(paths), report.Failed, out)
	byName := map[string]contract.CaseResult{}
	for _, c := range report.Cases {
		byName[c.Name] = c
	}
	require.True(t, byName["case-ok"].Passed, out)
	for _, p := range paths {
		c := byName["case"+strings.ReplaceAll(p.path, "/", "-")]
		require.False(t, c.Passed, "%s: %s", p.path, out)
		require.NotEmpty(t, c.Steps, p.path)
		failures := strings.Join(c.Steps[0].Failures, "\n")
		require.Contains(t, failures, p.message, "%s", p.path)
		require.LessOrEqual(t, len(c.Steps[0].Body), 8<<20, "%s: the runner keeps at most 8 MiB of a body", p.path)
		// A hang would never end: the bound catches one, not a slow
		// machine (-race on a busy 2-core runner took over 6 s here).
		require.Less(t, c.Duration, 20*timeout, "%s took %s", p.path, c.Duration)
	}
	for _, token := range profile.Tokens {
		require.NotContains(t, out, token)
	}
	// Three at a time, nine cases of at most one timeout each: a bound
	// against a hang, with room for the race detector on a busy machine.
	require.Less(t, took, 120*time.Second)
}
