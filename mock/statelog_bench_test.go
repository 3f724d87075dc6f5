package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkStartFrom100kSnapshotAndLog: a mock started on a 100,000-member
// state file with a log of 2,000 writes beside it, to its first list
// answered (ns/op is that time; the goal is under 2 s).
//
//	go test ./mock -run '^$' -bench StartFrom100k -benchtime 3x
func BenchmarkStartFrom100kSnapshotAndLog(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state.json")
	srv, err := New(Config{Seed: 1, Members: 100_000, StatePath: path})
	if err != nil {
		b.Fatal(err)
	}
	m := &benchMock{srv: srv, profile: srv.Profile("http://bench")}
	id := m.analystMember(b)
	path1 := "/api/organization/" + m.profile.OrganizationID + "/member/" + id
	for i := range 2000 {
		m.serve(b, http.MethodPut, path1, fmt.Sprintf(`{"role":%q}`, []string{RoleAnalyst, RoleOrgAdmin}[i%2]), http.StatusOK)
	}
	srv.store.log.waitCompaction()
	list := "/api/organization/" + m.profile.OrganizationID + "/member?page_size=50"
	b.ResetTimer()
	for b.Loop() {
		again, err := New(Config{Seed: 1, StatePath: path})
		if err != nil {
			b.Fatal(err)
		}
		(&benchMock{srv: again}).serve(b, http.MethodGet, list, "", http.StatusOK)
	}
}

// BenchmarkDurablePut: PUTs one at a time with --state, at 24 and at
// 100,000 members; p50 and p99 per PUT are reported beside ns/op (goal:
// p50 under 5 ms at both). humm-load --durable measures the same over
// HTTP, with many writers too.
//
//	go test ./mock -run '^$' -bench DurablePut -benchtime 2000x
func BenchmarkDurablePut(b *testing.B) {
	for _, members := range []int{0, 100_000} {
		name := "24"
		if members > 0 {
			name = fmt.Sprint(members)
		}
		b.Run("members="+name, func(b *testing.B) {
			srv, err := New(Config{Seed: 1, Members: members, StatePath: filepath.Join(b.TempDir(), "state.json")})
			if err != nil {
				b.Fatal(err)
			}
			m := &benchMock{srv: srv, profile: srv.Profile("http://bench")}
			path := "/api/organization/" + m.profile.OrganizationID + "/member/" + m.analystMember(b)
			bodies := []string{`{"role":"ORGANIZATION_ADMIN"}`, `{"role":"ANALYST"}`}
			var took []time.Duration
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				m.serve(b, http.MethodPut, path, bodies[i%2], http.StatusOK)
				took = append(took, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
			srv.store.log.waitCompaction()
		})
	}
}

// BenchmarkDurablePutWriters: 50 writers at once with --state, each PUTting
// its own member (never the same bytes twice in a row), in-process; PUT/s
// and PUTs per sync are reported beside ns/op. It measures what the
// writers share: syncs, and the wait of each answer for what it could have
// seen.
//
//	go test ./mock -run '^$' -bench DurablePutWriters -benchtime 20000x
func BenchmarkDurablePutWriters(b *testing.B) {
	const writers = 50
	srv, err := New(Config{Seed: 1, StatePath: filepath.Join(b.TempDir(), "state.json")})
	if err != nil {
		b.Fatal(err)
	}
	org := srv.Profile("http://bench").OrganizationID
	var paths []string
	srv.store.read(func(w *world) {
		own := map[string]bool{}
		for _, id := range w.identities {
			own[id.UserID] = true
		}
		for _, m := range w.byOrg[org] {
			if !own[m.UserID()] && len(paths) < writers {
				paths = append(paths, "/api/organization/"+org+"/member/"+m.ID())
			}
		}
	})
	if len(paths) < writers {
		b.Fatalf("%d members to update, want %d", len(paths), writers)
	}
	var syncs atomic.Int64
	srv.store.log.setTestHooks(func(f *os.File) error {
		syncs.Add(1)
		return f.Sync()
	}, nil)
	bodies := []string{`{"role":"ORGANIZATION_ADMIN"}`, `{"role":"ANALYST"}`}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for _, path := range paths {
		wg.Go(func() {
			for i := 0; next.Add(1) <= int64(b.N); i++ {
				req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(bodies[i%2]))
				req.Header.Set("Authorization", "Bearer "+TokenSystemAdmin)
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Errorf("PUT %s: %d %s", path, rec.Code, rec.Body)
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/took.Seconds(), "PUT/s")
	b.ReportMetric(float64(b.N)/float64(syncs.Load()), "PUT/sync")
	srv.store.log.waitCompaction()
}
