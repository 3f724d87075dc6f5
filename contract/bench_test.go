package contract_test

import (
	"net/http/httptest"
	"testing"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/mock"
)

// BenchmarkSuiteAgainstTheMock times one run of the whole embedded suite
// against an in-process mock (target: under 3 s).
func BenchmarkSuiteAgainstTheMock(b *testing.B) {
	suite, err := fixtures.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		m, err := mock.New(mock.Config{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(m)
		profile, err := contract.FetchMockProfile(b.Context(), srv.Client(), srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		report, err := contract.Run(b.Context(), contract.Config{Suite: suite, Profile: profile, Parallel: 4})
		b.StopTimer()
		srv.Close()
		if err != nil || report.Failed > 0 {
			b.Fatalf("suite: %v, %d failed", err, report.Failed)
		}
		b.StartTimer()
	}
}
