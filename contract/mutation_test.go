package contract_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/mock"
)

// TestMutationScore is `make mutation` (issue 22 point 5): the whole suite,
// hand-written and generated, against the mock under each of its defects,
// one at a time, on the world that proves every clause. A defect no case
// catches fails it; the score is printed either way. `make test` leaves it
// out (HUMM_MUTATION unset): TestEverySuiteCatchesEachDefectWhereItsRuleIsChecked
// holds each defect to the case of its rule there.
func TestMutationScore(t *testing.T) {
	if os.Getenv("HUMM_MUTATION") == "" {
		t.Skip("make mutation runs it (HUMM_MUTATION=1)")
	}
	suite := withGenerated(t, embeddedSpec(t))
	defects := mock.Defects()
	var uncaught []string
	for _, defect := range defects {
		report, _ := run(t, suite, serveProvingMock(t, defect), func(c *contract.Config) { c.Parallel = 8; c.Progress = nil })
		if len(failedCases(report)) == 0 {
			uncaught = append(uncaught, defect)
		}
	}
	t.Logf("mutation score: %d of %d defects caught by %d cases", len(defects)-len(uncaught), len(defects), len(suite.Cases))
	require.Empty(t, uncaught, "defects no case of the suite catches")
}
