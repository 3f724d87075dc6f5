package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// serveBenchMock starts a fresh in-process mock and fetches its profile.
func serveBenchMock(b *testing.B) (*contract.Profile, func()) {
	m, err := mock.New(mock.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	// Behind the front that reads requests as uvicorn does, as humm-mock
	// serves it: the suite's raw steps meet it.
	srv := httptest.NewUnstartedServer(m)
	srv.Listener = m.Listener(srv.Listener, http.DefaultMaxHeaderBytes)
	srv.Start()
	profile, err := contract.FetchMockProfile(b.Context(), srv.Client(), srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	return profile, srv.Close
}

// BenchmarkGenerateAndRunNegativeCases times deriving the negative and
// boundary cases from the spec and running them against an in-process mock
// (target: under 5 s).
func BenchmarkGenerateAndRunNegativeCases(b *testing.B) {
	sp, err := spec.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	embedded, err := fixtures.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		profile, stop := serveBenchMock(b)
		b.StartTimer()
		suite, _, err := contract.WithGenerated(&fixtures.Suite{Rules: embedded.Rules}, sp, "openapi.yaml")
		if err != nil {
			b.Fatal(err)
		}
		report, err := contract.Run(b.Context(), contract.Config{Suite: suite, Profile: profile, Spec: sp, Parallel: 4})
		b.StopTimer()
		stop()
		if err != nil || report.Failed > 0 {
			b.Fatalf("generated cases: %v, %d failed", err, report.Failed)
		}
		b.StartTimer()
	}
}

// BenchmarkSuiteAgainstTheMock times one run of the whole embedded suite
// against an in-process mock (target: under 3 s).
func BenchmarkSuiteAgainstTheMock(b *testing.B) {
	suite, err := fixtures.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		profile, stop := serveBenchMock(b)
		b.StartTimer()
		report, err := contract.Run(b.Context(), contract.Config{Suite: suite, Profile: profile, Parallel: 4})
		b.StopTimer()
		stop()
		if err != nil || report.Failed > 0 {
			b.Fatalf("suite: %v, %d failed", err, report.Failed)
		}
		b.StartTimer()
	}
}
