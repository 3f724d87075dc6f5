package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock"
)

func TestCompareDrivesTheMockAndBothBaselines(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--duration", "250ms", "--connections", "4", "--ops", "put,list,search"}, &out)
	require.NoError(t, err)
	for _, want := range []string{"put    bare net/http", "list   kin-openapi naive", "search humm-mock", "ratios: mock/bare"} {
		require.Contains(t, out.String(), want)
	}
	require.NotContains(t, out.String(), " 0 req/s")
	require.Contains(t, out.String(), "0 errors)")
}

func TestOnlyLoopbackTargetsAreDriven(t *testing.T) {
	err := run(context.Background(), []string{"--target", "http://10.0.0.1:4010", "--duration", "10ms"}, &bytes.Buffer{})
	require.ErrorContains(t, err, "only loopback")
}

func TestStartupReportsTimeAndMemory(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "humm-mock")
	build := exec.Command("go", "build", "-o", bin, "../humm-mock")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, run(ctx, []string{"--startup", bin, "--duration", "200ms", "--members", "100"}, &out))
	require.Regexp(t, `start-up with 100 members: \d+ms to the first 200`, out.String())
	require.Regexp(t, `resident memory: \d+ MB`, out.String())
}

// TestLoadRequestsAreNeverIdentical: every request a load sends differs
// from every other, across connections, as real clients' do, so that no
// memo of a repeated request can answer it.
func TestLoadRequestsAreNeverIdentical(t *testing.T) {
	m, err := mock.New(mock.Config{Seed: 1, Members: 200})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	defer srv.Close()
	for _, op := range []string{"put", "list", "search"} {
		req, err := requestFor(op, srv.URL, m.Profile(srv.URL))
		require.NoError(t, err)
		seen := map[string]bool{}
		for conn := 0; conn < 50; conn++ {
			for n := 0; n < 200; n++ {
				raw := string(rawRequest("127.0.0.1", req, conn, n))
				require.False(t, seen[raw], "%s: request %d of connection %d repeats one", op, n, conn)
				seen[raw] = true
			}
		}
		// And each is one the mock answers with a 200.
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(string(rawRequest("127.0.0.1", req, 3, 17)))))
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", op, rec.Body)
	}
}

// TestDurableReportsPutsWithAStateFile: --durable measures the disk's
// fdatasync, then PUTs with --state at the default world (120 members), with many writers, and
// at the large world, side by side in one run.
func TestDurableReportsPutsWithAStateFile(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--durable", "--duration", "200ms", "--connections", "8", "--durable-members", "500"}, &out)
	require.NoError(t, err)
	require.Regexp(t, `disk: 400-byte append \+ fdatasync, 300 times: p50 \S+  p99 \S+`, out.String())
	for _, want := range []string{`durable put +120 members +1 writers +\d+ req/s`, `durable put +120 members +8 writers +\d+ req/s`, `durable put +500 members +1 writers +\d+ req/s`} {
		require.Regexp(t, want, out.String())
	}
	require.Equal(t, 3, strings.Count(out.String(), ", 0 errors)"), "%s", out.String())
}

// TestDurableRunsBesideJSONServer: --json-server-db writes the default
// world's members as json-server's db.json, and --durable --json-server
// drives a json-server serving it (here a stand-in that keeps members as
// json-server does: PUT /members/{id} replaces one) in the same rounds as
// the durable mock and a bare handler, reporting the ratios; every PUT it
// receives is a different one.
func TestDurableRunsBesideJSONServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db.json")
	require.NoError(t, run(context.Background(), []string{"--json-server-db", db}, &bytes.Buffer{}))
	data, err := os.ReadFile(db)
	require.NoError(t, err)
	var stored struct {
		Members []map[string]any `json:"members"`
	}
	require.NoError(t, json.Unmarshal(data, &stored))
	require.Len(t, stored.Members, 120, "the default world's organization, every page")
	require.NotEmpty(t, stored.Members[0]["id"])
	require.NotEmpty(t, stored.Members[0]["user"])

	var mu sync.Mutex
	seen, repeats, puts := map[string]bool{}, 0, 0
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_ = json.NewEncoder(w).Encode(stored.Members)
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		puts++
		if seen[r.URL.Path+string(body)] {
			repeats++
		}
		seen[r.URL.Path+string(body)] = true
		mu.Unlock()
		_, _ = w.Write(body)
	}))
	defer fake.Close()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"--durable", "--duration", "250ms", "--connections", "4", "--durable-members", "300", "--json-server", fake.URL}, &out))
	for _, want := range []string{`durable put +120 members +4 writers +\d+ req/s`, `json-server +120 members +4 writers +\d+ req/s`,
		`bare net/http \(writes nothing\) +4 writers`, `durable put ratios: mock/json-server \d+\.\d  p99 mock/json-server \S+  ceiling bare/json-server \d+\.\d  mock/bare \d\.\d\d`} {
		require.Regexp(t, want, out.String())
	}
	require.Positive(t, puts)
	require.Zero(t, repeats, "never-identical PUTs")
}

func TestJSONServerTargetsAreLoopbackOnly(t *testing.T) {
	err := run(context.Background(), []string{"--durable", "--duration", "10ms", "--connections", "2", "--durable-members", "50", "--json-server", "http://10.0.0.1:3000"}, &bytes.Buffer{})
	require.ErrorContains(t, err, "only loopback")
}
