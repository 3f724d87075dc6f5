package contract_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

func loadDiffSpec(t *testing.T, name string) *spec.Spec {
	t.Helper()
	sp, err := spec.LoadFile(filepath.Join("testdata", "diff", name))
	require.NoError(t, err)
	return sp
}

func TestDiffNamesBreakingChangesAndTheCasesTheyAffect(t *testing.T) {
	tests := []struct {
		name     string
		newSpec  string
		breaking int
		// ids are oasdiff rule ids that must be among the changes.
		ids []string
		// operation is the operation of the first breaking change, and
		// cases some of the cases it must name.
		operation string
		cases     []string
		// notAffected are cases it must not name.
		notAffected []string
	}{
		{name: "nothing changed", newSpec: "old.yaml"},
		{name: "an optional request field added is not breaking", newSpec: "optional-field-added.yaml"},
		{
			name: "an operation removed", newSpec: "delete-removed.yaml", breaking: 1,
			ids: []string{"api-removed-without-deprecation"}, operation: "delete_organization_member",
			cases:       []string{"delete-returns-the-row-then-it-is-gone", "create-sets-defaults", "no-credentials-is-401-on-every-operation"},
			notAffected: []string{"page-size-out-of-bounds-is-422", "unknown-token-is-401"},
		},
		{
			name: "a response field made optional", newSpec: "created-at-optional.yaml", breaking: 2,
			ids: []string{"response-property-became-optional"}, operation: "get_organization_members",
			cases:       []string{"list-is-ordered-and-carries-users", "page-size-out-of-bounds-is-422"},
			notAffected: []string{"create-sets-defaults"},
		},
	}
	suite := embeddedSuite(t)
	old := loadDiffSpec(t, "old.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drift, err := contract.Diff(old, loadDiffSpec(t, tt.newSpec), "old.yaml", tt.newSpec, suite)
			require.NoError(t, err)
			require.Equal(t, tt.breaking, drift.Breaking(), "%+v", drift.Changes)
			var out bytes.Buffer
			require.NoError(t, drift.Write(&out))
			require.Contains(t, out.String(), "old.yaml -> "+tt.newSpec+": ")
			if tt.breaking == 0 {
				return
			}
			var ids []string
			for _, c := range drift.Changes {
				ids = append(ids, c.ID)
			}
			require.Subset(t, ids, tt.ids)
			first := drift.Changes[0]
			require.Equal(t, "error", first.Level)
			require.Equal(t, tt.operation, first.OperationID)
			var names []string
			for _, a := range first.Affected {
				names = append(names, a.Name)
				require.True(t, strings.HasPrefix(a.File, "fixtures/"), a.File)
				require.NotEmpty(t, a.Steps)
			}
			require.Subset(t, names, tt.cases)
			for _, n := range tt.notAffected {
				require.NotContains(t, names, n)
			}
			require.Contains(t, out.String(), "ERROR "+first.ID)
			require.Contains(t, out.String(), tt.cases[0])
		})
	}
}

func TestDiffNamesGeneratedCasesToo(t *testing.T) {
	old := loadDiffSpec(t, "old.yaml")
	suite, _, err := contract.WithGenerated(embeddedSuite(t), old, "old.yaml")
	require.NoError(t, err)
	drift, err := contract.Diff(old, loadDiffSpec(t, "delete-removed.yaml"), "old.yaml", "delete-removed.yaml", suite)
	require.NoError(t, err)
	require.Equal(t, 1, drift.Breaking())
	var names []string
	for _, a := range drift.Changes[0].Affected {
		names = append(names, a.Name)
	}
	require.Contains(t, names, "gen-delete-organization-member-no-token")
	require.Contains(t, names, "gen-update-organization-member-query-job-id-a-uuid", "its cleanup deletes")
	require.NotContains(t, names, "gen-get-organization-members-no-token")
}
