package contract_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// serveMock starts the mock with a defect ("" for none) and fetches its
// profile, as --profile-from-mock does.
func serveMock(t *testing.T, defect string) *contract.Profile {
	t.Helper()
	return serveMockWith(t, mock.Config{Seed: 1, Defect: defect})
}

// serveMockWith starts a mock configured so, and fetches its profile.
func serveMockWith(t *testing.T, cfg mock.Config) *contract.Profile {
	t.Helper()
	m, err := mock.New(cfg)
	require.NoError(t, err)
	srv := behindTheFront(m)
	t.Cleanup(srv.Close)
	profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	return profile
}

func embeddedSuite(t *testing.T) *fixtures.Suite {
	t.Helper()
	suite, err := fixtures.Embedded()
	require.NoError(t, err)
	return suite
}

func TestEmbeddedSuitePassesAgainstTheMock(t *testing.T) {
	for _, parallel := range []int{1, 8} {
		report, out := run(t, embeddedSuite(t), serveProvingMock(t, ""), func(c *contract.Config) { c.Parallel = parallel })
		require.Empty(t, failedCases(report), out)
		require.Equal(t, len(embeddedSuite(t).Cases), report.Passed)
	}
}

func TestEmbeddedSuiteCoversEveryOperation(t *testing.T) {
	sp, err := spec.Embedded()
	require.NoError(t, err)
	placeholder := regexp.MustCompile(`\{[^}]*\}`)
	covered := map[string]bool{}
	for _, c := range embeddedSuite(t).Cases {
		for _, s := range c.Steps {
			if len(s.MethodTemplate.Refs()) > 0 {
				continue // {undeclared_method}: a 405, no operation
			}
			path := placeholder.ReplaceAllString(s.Path.Source, "3c90c3cc-0d44-4b50-8888-8dd25736052a")
			req, err := http.NewRequest(s.Method, path, nil)
			require.NoError(t, err)
			if route, _, err := sp.FindRoute(req); err == nil {
				covered[route.Operation.OperationID] = true
			}
		}
	}
	for _, path := range sp.Doc.Paths.Map() {
		for _, op := range path.Operations() {
			require.True(t, covered[op.OperationID], "no step calls %s", op.OperationID)
		}
	}
}

// behindTheFront serves m as humm-mock serves it: behind the front that
// reads each request as uvicorn does (mock.Server.Listener, which a defect
// of the HTTP server turns off for its row), so that the suite's raw steps
// meet what a client of humm-mock meets.
func behindTheFront(m *mock.Server) *httptest.Server {
	srv := httptest.NewUnstartedServer(m)
	srv.Listener = m.Listener(srv.Listener, http.DefaultMaxHeaderBytes)
	srv.Start()
	return srv
}
