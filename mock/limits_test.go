package mock

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// rawExchange sends raw bytes on a fresh loopback connection and reads
// one response; the body is written from another goroutine, so a server
// that answers before reading it all is not blocked by the test.
func rawExchange(t *testing.T, base string, head string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(20*time.Second)))
	written := make(chan struct{})
	go func() {
		defer close(written)
		if _, err := io.WriteString(conn, head); err != nil {
			return
		}
		if body != nil {
			_, _ = io.Copy(conn, body)
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	conn.Close() // unblocks a writer the server stopped reading
	<-written
	return resp, data
}

// detailString is a {"detail": string} body's detail.
func detailString(t *testing.T, body []byte) string {
	t.Helper()
	var v struct {
		Detail string `json:"detail"`
	}
	require.NoError(t, json.Unmarshal(body, &v), "body: %.300s", body)
	require.NotEmpty(t, v.Detail, "body: %.300s", body)
	return v.Detail
}

// endless is an io.Reader of n bytes of JSON-ish filler, never held in
// memory at once.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n)
	for i := range k {
		p[i] = '['
	}
	e.n -= k
	return int(k), nil
}

func TestBodiesOverOneMiBAre413WithoutBeingReadWhole(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID)
	for _, tc := range []struct {
		name string
		head string
		body io.Reader
	}{
		{"declared length", fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
			path, TokenOrgAdmin, 64<<20), &endless{n: 64 << 20}},
		{"chunked, no length", fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
			path, TokenOrgAdmin), io.MultiReader(strings.NewReader(fmt.Sprintf("%x\r\n", 16<<20)), &endless{n: 16 << 20}, strings.NewReader("\r\n0\r\n\r\n"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := m.srv.store.export()
			start := time.Now()
			resp, body := rawExchange(t, m.url, tc.head, tc.body)
			require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%s", body)
			require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			require.Contains(t, detailString(t, body), "larger than")
			require.Less(t, time.Since(start), 15*time.Second)
			requireSameState(t, before, m.srv.store.export(), "a refused body changes nothing")
		})
	}
}

// TestDeeplyNestedAndHugeJSONIsBoundedWork: nesting Python's json gives up
// on is FastAPI's 400; anything else of a bounded body is a 422 at the
// field that can't take it, in bounded time and memory.
func TestDeeplyNestedAndHugeJSONIsBoundedWork(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID)
	nested := func(open, closing string, depth int) string {
		return strings.Repeat(open, depth) + strings.Repeat(closing, depth)
	}
	cand := m.profile.CandidateUserIDs[0]
	for _, tc := range []struct {
		name string
		body string
		loc  []any // nil: the 400 of a body Python's json cannot decode
	}{
		{"100k nested arrays", nested("[", "]", 100_000), nil},
		{"100k nested objects", strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000), nil},
		{"nesting within the limit, in role", `{"user_id":"` + cand + `","role":` + nested("[", "]", stack.MaxJSONDepth-2) + `}`, []any{"body", "role"}},
		{"nesting past the limit, in role", `{"user_id":"` + cand + `","role":` + nested("[", "]", stack.MaxJSONDepth) + `}`, nil},
		{"brackets in strings do not count", `{"user_id":"` + cand + `","role":"` + strings.Repeat(`[{\"`, 5_000) + `"}`, []any{"body", "role"}},
		{"20,000 levels in role", `{"user_id":"` + cand + `","role":` + nested("[", "]", 20_000) + `}`, nil},
		{"a 1 MiB array of numbers as the role", `{"user_id":"` + cand + `","role":[` + strings.Repeat("0,", 500_000) + `0]}`, []any{"body", "role"}},
		{"a 1 MiB string as the user id", `{"user_id":"` + strings.Repeat("a", 1_000_000) + `"}`, []any{"body", "user_id"}},
		{"250k keys and no user id", `{` + strings.Repeat(`"k":0,`, 170_000) + `"z":0}`, []any{"body", "user_id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.LessOrEqual(t, len(tc.body), maxBodyBytes)
			before := m.srv.store.export()
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			allocated := ms.TotalAlloc
			start := time.Now()
			r := m.do(http.MethodPost, path, TokenOrgAdmin, tc.body)
			took := time.Since(start)
			runtime.ReadMemStats(&ms)
			if tc.loc == nil {
				require.Equal(t, http.StatusBadRequest, r.Status, "%.300s", r.Body)
				require.JSONEq(t, `{"detail":"There was an error parsing the body"}`, string(r.Body))
			} else {
				require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%.300s", r.Body)
				var v struct {
					Detail []validationIssue `json:"detail"`
				}
				require.NoError(t, json.Unmarshal(r.Body, &v))
				require.NotEmpty(t, v.Detail)
				require.Equal(t, tc.loc, v.Detail[0].Loc, "%.300s", r.Body)
			}
			requireSameState(t, before, m.srv.store.export())
			// A bounded body costs bounded work: generous bounds, for the
			// race detector on a small CI machine.
			require.Less(t, took, 20*time.Second)
			require.Less(t, ms.TotalAlloc-allocated, uint64(512<<20), "allocated for one 1 MiB request")
		})
	}
}

func TestHugeURLsAndQueriesAreRefusedInTheAPIFormat(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	manyParams := strings.Repeat("page=1&", 5_000) + "page_size=" + strings.Repeat("9", 5_000)
	for _, tc := range []struct {
		name, target string
		status       int
	}{
		{"a 60 KB organization id", "/api/organization/" + strings.Repeat("a", 60_000) + "/member", http.StatusUnprocessableEntity},
		{"a 60 KB path", "/" + strings.Repeat("a/", 30_000), http.StatusNotFound},
		{"a 60 KB member id", m.memberPath(org, strings.Repeat("b", 60_000)), http.StatusMethodNotAllowed},
		{"5k repeated parameters and a 5k-digit page size", m.membersPath(org) + "?" + manyParams, http.StatusUnprocessableEntity},
		// Past net/url's limit of 10,000 parameters the query does not
		// parse: refused, rather than read as no parameters at all.
		{"20k parameters", m.membersPath(org) + "?" + strings.Repeat("page=1&", 20_000) + "page_size=0", http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(http.MethodGet, tc.target, TokenAnalyst, nil)
			require.Equal(t, tc.status, r.Status, "%.300s", r.Body)
			if tc.status >= 400 {
				require.Contains(t, string(r.Body), `"detail"`)
			}
		})
	}
}

// TestThousandConcurrentConnections opens 1,000 loopback connections,
// then sends a list request on each at once and holds every connection
// open until all are answered: each must be a full, valid 200.
func TestThousandConcurrentConnections(t *testing.T) {
	const conns = 1000
	m := newTestMock(t, Config{})
	addr := strings.TrimPrefix(m.url, "http://")
	target := m.membersPath(m.profile.OrganizationID) + "?page_size=5"
	var dialed, answered sync.WaitGroup
	dialed.Add(conns)
	answered.Add(conns)
	release := make(chan struct{})
	errs := make(chan error, conns)
	var done sync.WaitGroup
	for i := range conns {
		done.Go(func() {
			conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
			dialed.Done()
			if err != nil {
				answered.Done()
				errs <- fmt.Errorf("conn %d: dial: %w", i, err)
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
			<-release
			err = func() error {
				defer answered.Done()
				if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", target, TokenAnalyst); err != nil {
					return err
				}
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil {
					return err
				}
				var items []map[string]any
				if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &items) != nil || len(items) != 5 {
					return fmt.Errorf("%d %.200s", resp.StatusCode, body)
				}
				return nil
			}()
			if err != nil {
				errs <- fmt.Errorf("conn %d: %w", i, err)
			}
			answered.Wait() // every connection stays open until all are answered
		})
	}
	dialed.Wait()
	close(release)
	done.Wait()
	close(errs)
	var all []string
	for err := range errs {
		all = append(all, err.Error())
	}
	require.Empty(t, all, "%d of %d connections failed", len(all), conns)
}

// syncLog is a log destination the server's goroutines may write at once.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
