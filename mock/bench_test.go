package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// benchMock serves requests in-process, through the whole pipeline.
type benchMock struct {
	srv     *Server
	profile Profile
}

func newBenchMock(b *testing.B, members int) *benchMock {
	b.Helper()
	srv, err := New(Config{Seed: 1, Members: members})
	if err != nil {
		b.Fatal(err)
	}
	return &benchMock{srv: srv, profile: srv.Profile("http://bench")}
}

func (m *benchMock) serve(b *testing.B, method, path, body string, want int) []byte {
	var reader *strings.Reader
	if body != "" {
		reader = strings.NewReader(body)
	} else {
		reader = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, reader)
	req.Header.Set("Authorization", "Bearer "+TokenOrgAdmin)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	m.srv.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// analystMember is the id of an ANALYST member an org admin may update.
func (m *benchMock) analystMember(b *testing.B) string {
	var list []memberRow
	_ = json.Unmarshal(m.serve(b, http.MethodGet, "/api/organization/"+m.profile.OrganizationID+"/member", "", http.StatusOK), &list)
	for _, mm := range list {
		if mm.Role == RoleAnalyst {
			return mm.ID
		}
	}
	b.Fatal("no ANALYST member")
	return ""
}

func BenchmarkListPageOf50(b *testing.B) {
	m := newBenchMock(b, 200)
	path := "/api/organization/" + m.profile.OrganizationID + "/member?page_size=50"
	b.ReportAllocs()
	for b.Loop() {
		m.serve(b, http.MethodGet, path, "", http.StatusOK)
	}
}

func BenchmarkListSearch100kMembers(b *testing.B) {
	m := newBenchMock(b, 100_000)
	path := "/api/organization/" + m.profile.OrganizationID + "/member?page_size=50&query=zz"
	b.ReportAllocs()
	for b.Loop() {
		m.serve(b, http.MethodGet, path, "", http.StatusOK)
	}
}

func BenchmarkUpdate(b *testing.B) {
	m := newBenchMock(b, 0)
	path := "/api/organization/" + m.profile.OrganizationID + "/member/" + m.analystMember(b)
	b.ReportAllocs()
	for b.Loop() {
		m.serve(b, http.MethodPut, path, `{"role":"ANALYST"}`, http.StatusOK)
	}
}

// BenchmarkCreateThenDelete times a create and the delete that undoes it.
func BenchmarkCreateThenDelete(b *testing.B) {
	m := newBenchMock(b, 0)
	base := "/api/organization/" + m.profile.OrganizationID + "/member"
	body := `{"user_id":"` + m.profile.CandidateUserIDs[0] + `"}`
	b.ReportAllocs()
	for b.Loop() {
		var created memberRow
		_ = json.Unmarshal(m.serve(b, http.MethodPost, base, body, http.StatusOK), &created)
		m.serve(b, http.MethodDelete, base+"/"+created.ID, "", http.StatusOK)
	}
}

// BenchmarkUpdateUncached sends a request never seen before every time (a
// new job_id), so its validation is never remembered: the honest cost of
// an update.
func BenchmarkUpdateUncached(b *testing.B) {
	m := newBenchMock(b, 0)
	path := "/api/organization/" + m.profile.OrganizationID + "/member/" + m.analystMember(b) + "?job_id="
	gen := newFaker(99)
	b.ReportAllocs()
	for b.Loop() {
		m.serve(b, http.MethodPut, path+gen.uuid4(), `{"role":"ANALYST"}`, http.StatusOK)
	}
}

// BenchmarkNew times building a mock with the default world: most of the
// start-up (target: process start to first 200 under 150 ms).
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorld100k reports the live heap of a 100,000-member world
// (target: resident memory under 200 MB).
func BenchmarkWorld100k(b *testing.B) {
	for b.Loop() {
		m, err := New(Config{Seed: 1, Members: 100_000})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-live")
		runtime.KeepAlive(m)
	}
}

// BenchmarkCachesPay measures each cache of the response check with
// never-identical requests, against --full-validation, which checks every
// response whole and keeps nothing: the member views pay on lists (each
// member validated once per version), the verdict memo on errors (another
// member, the same 403 or 404 body).
func BenchmarkCachesPay(b *testing.B) {
	for _, mode := range []struct {
		name string
		full bool
	}{{"cached", false}, {"full-validation", true}} {
		srv, err := New(Config{Seed: 1, Members: 300, FullValidation: mode.full})
		if err != nil {
			b.Fatal(err)
		}
		m := &benchMock{srv: srv, profile: srv.Profile("http://bench")}
		list := "/api/organization/" + m.profile.OrganizationID + "/member"
		var members []memberRow
		_ = json.Unmarshal(m.serve(b, http.MethodGet, list+"?page_size=100", "", http.StatusOK), &members)
		b.Run("list-of-50/"+mode.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				m.serve(b, http.MethodGet, fmt.Sprintf("%s?page_size=%d&page=%d&job_id=00000000-0000-4000-8000-%012x", list, 45+i%10, 1+i%2, i), "", http.StatusOK)
			}
		})
		b.Run("404-errors/"+mode.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				m.serve(b, http.MethodDelete, fmt.Sprintf("%s/00000000-0000-4000-8000-%012x", list, i), "", http.StatusNotFound)
			}
		})
	}
}
