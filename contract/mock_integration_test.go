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
	"github.com/heyhumm/humm-members-mock/mock"
	"github.com/heyhumm/humm-members-mock/mock/spec"
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
	srv := httptest.NewServer(m)
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
		report, out := run(t, embeddedSuite(t), serveMock(t, ""), func(c *contract.Config) { c.Parallel = parallel })
		require.Empty(t, failedCases(report), out)
		require.Equal(t, len(embeddedSuite(t).Cases), report.Passed)
	}
}

// caughtBy names, for each defect of the mock, the case written to catch
// it. A defect added to the mock later must at least fail some case.
var caughtBy = map[string]string{
	"enum-lowercase":           "create-sets-defaults",
	"missing-created-at":       "list-is-ordered-and-carries-users",
	"create-201":               "create-sets-defaults",
	"delete-204":               "delete-returns-the-row-then-it-is-gone",
	"422-detail-string":        "body-fields-are-validated",
	"pagination-off-by-one":    "pages-tile-the-order",
	"search-case-sensitive":    "search-is-case-insensitive-and-paged",
	"analyst-can-update":       "analyst-cannot-update",
	"updated-at-frozen":        "update-sets-role-and-advances-updated-at",
	"created-at-changes":       "update-sets-role-and-advances-updated-at",
	"cross-org-leak":           "members-of-another-organization-are-not-listed",
	"500-on-malformed-json":    "malformed-json-is-422-json-invalid",
	"no-www-authenticate":      "no-credentials-is-401-on-every-operation",
	"duplicate-member-allowed": "create-twice-is-409",
}

func TestEmbeddedSuiteCatchesEveryDefectOfTheMock(t *testing.T) {
	for _, defect := range mock.Defects() {
		t.Run(defect, func(t *testing.T) {
			t.Parallel() // each defect has a mock of its own
			report, out := run(t, embeddedSuite(t), serveMock(t, defect), func(c *contract.Config) { c.Progress = nil })
			failed := failedCases(report)
			require.NotEmpty(t, failed, "defect %s went unnoticed", defect)
			if want, ok := caughtBy[defect]; ok {
				require.Contains(t, failed, want, out)
			}
		})
	}
}

func TestEmbeddedSuiteCoversEveryOperation(t *testing.T) {
	sp, err := spec.Embedded()
	require.NoError(t, err)
	placeholder := regexp.MustCompile(`\{[^}]*\}`)
	covered := map[string]bool{}
	for _, c := range embeddedSuite(t).Cases {
		for _, s := range c.Steps {
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
