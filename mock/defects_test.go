package mock

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryDefectNamesItsRuleAndItsBug: --list-defects and the README
// show each defect's rule and description; a defect without them breaks
// no clause anyone can name. (contract's
// TestEverySuiteCatchesEachDefectWhereItsRuleIsChecked checks that the
// rule exists and that the suite catches the defect there.)
func TestEveryDefectNamesItsRuleAndItsBug(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range defects {
		require.False(t, seen[d.name], "two defects are named %s", d.name)
		seen[d.name] = true
		require.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, d.name)
		require.Regexp(t, `^[a-z0-9]+(\.[a-z0-9-]+)+$`, DefectRule(d.name), "%s is a way of no rule in fixtures/rules.yaml", d.name)
		require.NotEmpty(t, DefectDescription(d.name), d.name)
		require.True(t, d.operation != nil || d.mutate != nil || d.clock != nil || d.goRows != 0, "%s changes nothing", d.name)
	}
	require.Empty(t, DefectRule("no-such-defect"))
}
