package fixturefile_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/fixturefile"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestNamedRulesAreInTheCatalogue pins every rule id a writer names to
// fixtures/rules.yaml: renaming a rule there without here fails.
func TestNamedRulesAreInTheCatalogue(t *testing.T) {
	suite, err := fixtures.Embedded()
	require.NoError(t, err)
	var ids []string
	for _, r := range suite.Rules {
		ids = append(ids, r.ID)
	}
	for _, id := range fixturefile.NamedRules() {
		require.Contains(t, ids, id)
	}
}

// TestOperationWordsAreTheSpecsMemberOperations: the words rule ids and
// step names use for the member operations are spec.Members' (found by
// shape, not by operationId), each found in openapi.yaml.
func TestOperationWordsAreTheSpecsMemberOperations(t *testing.T) {
	sp, err := spec.Embedded()
	require.NoError(t, err)
	for _, op := range spec.MemberOps {
		require.NotNil(t, sp.Members().Route(op), "%s", op)
		require.Contains(t, fixturefile.NamedRules(), "authz."+string(op)+".analyst")
	}
}

// TestDetailsAreTheSuites pins the suite's copies of the error details: a
// 401 the suite expects is worded as one of the two stated here, and each
// stated detail is one the suite expects somewhere.
func TestDetailsAreTheSuites(t *testing.T) {
	suite, err := fixtures.Embedded()
	require.NoError(t, err)
	stated := []string{fixturefile.DetailNotAuthenticated, fixturefile.DetailInvalidCredentials, fixturefile.DetailOrgNotFound,
		fixturefile.DetailMemberNotFound, fixturefile.DetailUserNotFound}
	expected := map[string]bool{}
	for _, c := range suite.Cases {
		for _, s := range slices.Concat(c.Steps, c.Cleanup) {
			detail, ok := literalDetail(s.Expect.Body)
			if !ok {
				continue
			}
			expected[detail] = true
			if slices.Equal(s.Expect.Status, []int{401}) {
				require.Contains(t, stated[:2], detail, "%s:%d", c.File, s.Line)
			}
		}
	}
	for _, d := range stated {
		require.True(t, expected[d], "no case expects %q", d)
	}
}

// literalDetail is the string an expected body's detail must equal.
func literalDetail(p *fixtures.Pattern) (string, bool) {
	if p == nil || p.Kind != fixtures.Object {
		return "", false
	}
	for _, f := range p.Fields {
		if t, ok := f.Pattern.Value.(fixtures.Template); ok && f.Key == "detail" && f.Pattern.Kind == fixtures.Literal {
			return t.Source, true
		}
	}
	return "", false
}
