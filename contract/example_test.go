package contract_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// Run the shipped suite's list cases against the mock, with the profile
// the mock publishes.
func ExampleRun() {
	m, err := mock.New(mock.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	// Served as humm-mock serves it: behind the front that reads requests
	// as uvicorn does.
	target := httptest.NewUnstartedServer(m)
	target.Listener = m.Listener(target.Listener, http.DefaultMaxHeaderBytes)
	target.Start()
	defer target.Close()

	ctx := context.Background()
	profile, err := contract.FetchMockProfile(ctx, target.Client(), target.URL)
	if err != nil {
		panic(err)
	}
	suite, err := fixtures.Embedded()
	if err != nil {
		panic(err)
	}
	sp, err := spec.Embedded()
	if err != nil {
		panic(err)
	}
	report, err := contract.Run(ctx, contract.Config{
		Profile:  profile,
		Suite:    suite,
		Spec:     sp,
		Run:      regexp.MustCompile(`-can-list$`),
		Parallel: 4,
	})
	if err != nil {
		panic(err)
	}
	for _, c := range report.Cases {
		fmt.Println(c.Name, c.Passed)
	}
	fmt.Println(report.Summary())
	// Output:
	// system-admin-can-list true
	// org-admin-can-list true
	// analyst-can-list true
	// 3 passed, 0 failed, 0 skipped
}
