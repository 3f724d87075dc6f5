package contract_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/fastapi"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// TestGenAndRunOnFastAPIDocuments: the documents a real FastAPI app of
// this API publishes (internal/fastapi: 3.1.0, anyOf with null, 200 and
// 422 only, default or explicit operationIds) give gen the same cases as
// openapi.yaml, and the fixture suite plus those cases, run with the
// document as the contract, pass against a mock on it: nothing failed,
// and nothing skipped that openapi.yaml's run does not skip.
func TestGenAndRunOnFastAPIDocuments(t *testing.T) {
	reference := generate(t, embeddedSpec(t))
	baseline, _ := run(t, withGenerated(t, embeddedSpec(t)), serveMockWith(t, mock.Config{Seed: 1}), func(c *contract.Config) { c.Parallel = 8 })
	for name, doc := range map[string][]byte{"default operationIds": fastapi.DefaultIDs, "explicit operationIds": fastapi.ExplicitIDs} {
		t.Run(name, func(t *testing.T) {
			sp, err := spec.Load(doc)
			require.NoError(t, err)
			files := generate(t, sp)
			require.Len(t, files, len(reference))
			ids := map[string]string{}
			for _, op := range spec.MemberOps {
				ids[embeddedSpec(t).Members().ID(op)] = sp.Members().ID(op)
			}
			for i, f := range files {
				want := string(reference[i].Data)
				for old, renamed := range ids {
					want = strings.ReplaceAll(want, old, renamed)
					want = strings.ReplaceAll(want, kebab(old), kebab(renamed))
				}
				require.Equal(t, want, string(f.Data), "%s: the same cases as from openapi.yaml, under the document's operationIds", f.Name)
			}
			report, out := run(t, withGenerated(t, sp), serveMockWith(t, mock.Config{Seed: 1, Spec: sp}), func(c *contract.Config) {
				c.Parallel = 8
				c.Spec = sp
			})
			require.Empty(t, failedCases(report), out)
			require.Equal(t, baseline.Passed, report.Passed, out)
			require.Equal(t, baseline.Skipped, report.Skipped, out)
		})
	}
}

// withGenerated is the embedded suite with the cases gen derives from sp.
func withGenerated(t *testing.T, sp *spec.Spec) *fixtures.Suite {
	t.Helper()
	suite, _, err := contract.WithGenerated(embeddedSuite(t), sp, "openapi.yaml")
	require.NoError(t, err)
	return suite
}

// kebab is an operationId as gen names cases and steps after it.
func kebab(id string) string {
	return regexp.MustCompile(`-+`).ReplaceAllString(strings.ReplaceAll(id, "_", "-"), "-")
}
