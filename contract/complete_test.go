package contract

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestRunnerCompletesRequiredBodyProperties: a step written before the
// document required a body property sends one, valid (the default the
// fixture relied on when openapi.yaml has one), unless the step is about
// that property (its expectation names it).
func TestRunnerCompletesRequiredBodyProperties(t *testing.T) {
	reference, err := spec.Embedded()
	require.NoError(t, err)
	costCenter, err := spec.LoadFile("../mock/testdata/specs/required-cost-center-31.yaml")
	require.NoError(t, err)
	// openapi.yaml whose create requires role, which no longer defaults.
	src := string(members.OpenAPI)
	const createRequired = "      title: OrganizationMemberCreate\n      required: [user_id]"
	require.Equal(t, 1, strings.Count(src, createRequired))
	roleRequired, err := spec.Load([]byte(strings.Replace(src, createRequired, "      title: OrganizationMemberCreate\n      required: [user_id, role]", 1)))
	require.NoError(t, err)

	const path = "/api/organization/0f1e2d3c-4b5a-4968-8776-655443322110/member"
	step := func(expect fixtures.Expect) fixtures.Step {
		tpl, err := fixtures.ParseTemplate(path)
		require.NoError(t, err)
		return fixtures.Step{Method: "POST", Path: tpl, Expect: expect}
	}
	loc := func(name string) fixtures.Expect {
		word := func(s string) *fixtures.Pattern {
			tpl, _ := fixtures.ParseTemplate(s)
			return &fixtures.Pattern{Kind: fixtures.Literal, Value: tpl}
		}
		entry := &fixtures.Pattern{Kind: fixtures.Object, Fields: []fixtures.Field{{Key: "loc", Pattern: &fixtures.Pattern{Kind: fixtures.Array, Items: []*fixtures.Pattern{word("body"), word(name)}}}}}
		return fixtures.Expect{Status: []int{422}, List: &fixtures.ListExpect{At: "/detail", Contains: []*fixtures.Pattern{entry}}}
	}
	sent := map[string]any{"user_id": "u"}

	got := supplyRequiredBody(costCenter, reference, routeOf(costCenter, "POST", path), step(fixtures.Expect{Status: []int{200}}), path, sent).(map[string]any)
	require.Regexp(t, regexp.MustCompile(`^CC-[0-9]{3}$`), got["cost_center"], "a required property the step leaves out, valid")
	require.Equal(t, "u", got["user_id"])
	require.Equal(t, map[string]any{"user_id": "u"}, sent, "the fixture's own body is left alone")

	require.Equal(t, sent, supplyRequiredBody(costCenter, reference, routeOf(costCenter, "POST", path), step(loc("cost_center")), path, sent), "a case about its absence")
	require.Equal(t, sent, supplyRequiredBody(reference, nil, routeOf(reference, "POST", path), step(fixtures.Expect{Status: []int{200}}), path, sent), "openapi.yaml requires nothing more")

	got = supplyRequiredBody(roleRequired, reference, routeOf(roleRequired, "POST", path), step(fixtures.Expect{Status: []int{200}}), path, sent).(map[string]any)
	require.Equal(t, "ANALYST", got["role"], "the default the fixture relied on, not the enum's first value")
}
