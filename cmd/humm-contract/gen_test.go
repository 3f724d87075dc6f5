package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGenWritesTheGoldenFiles(t *testing.T) {
	golden, err := filepath.Glob(filepath.Join("..", "..", "contract", "testdata", "gen", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, golden)
	dir := filepath.Join(t.TempDir(), "out")
	for range 2 { // a second run gives the same bytes
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"gen", "--out", dir}, &stdout, &stderr), stderr.String())
		require.Contains(t, stdout.String(), "wrote "+filepath.Join(dir, "gen-get-organization-members.yaml"))
		written, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		require.NoError(t, err)
		require.Len(t, written, len(golden))
		for _, g := range golden {
			want, err := os.ReadFile(g)
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join(dir, filepath.Base(g)))
			require.NoError(t, err)
			require.True(t, bytes.Equal(want, got), "%s differs from what gen wrote; if gen changed on purpose, run go test ./contract -run TestGenerateMatchesGoldenFiles -update", g)
		}
	}
}

func TestGenAndDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	diffData := filepath.Join("..", "..", "contract", "testdata", "diff")
	old := filepath.Join(diffData, "old.yaml")
	tests := []exitCase{
		{name: "gen from a spec that does not load", args: []string{"gen", "--spec", writeFile(t, dir, "bad.yaml", "openapi: 3.0.3\n"), "--out", dir}, code: 2, errorHas: "bad.yaml"},
		{name: "gen from another spec", args: []string{"gen", "--spec", old, "--out", filepath.Join(dir, "other")}, code: 0, stdout: []string{"cases for delete_organization_member"}},
		{name: "diff of equal specs", args: []string{"diff", old, old}, code: 0, stdout: []string{": 0 breaking, 0 warnings\n"}},
		{name: "diff of a non-breaking change", args: []string{"diff", old, filepath.Join(diffData, "optional-field-added.yaml")}, code: 0, stdout: []string{"0 breaking"}},
		{name: "diff of a removed operation", args: []string{"diff", old, filepath.Join(diffData, "delete-removed.yaml")}, code: 1,
			stdout: []string{"ERROR api-removed-without-deprecation", "(delete_organization_member)", "fixtures/members.yaml:", "delete-returns-the-row-then-it-is-gone (steps: delete, delete-again, delete-member)", ": 1 breaking"}},
		{name: "diff with generated cases", args: []string{"diff", "--generated", old, filepath.Join(diffData, "delete-removed.yaml")}, code: 1,
			stdout: []string{"generated/gen-delete-organization-member.yaml:"}},
		{name: "diff of one file", args: []string{"diff", old}, code: 2, errorHas: "two specs"},
		{name: "diff of a missing file", args: []string{"diff", old, filepath.Join(dir, "nope.yaml")}, code: 2, errorHas: "no such file"},
		{name: "diff of a spec that does not load", args: []string{"diff", old, filepath.Join(dir, "bad.yaml")}, code: 2, errorHas: "bad.yaml"},
		{name: "diff with fixtures that do not load", args: []string{"diff", "--fixtures", dir, old, old}, code: 2, errorHas: "invalid fixtures"},
	}
	checkExitCodes(t, tests)
}

func TestRunGeneratedWritesNothing(t *testing.T) {
	target := serveMock(t, "")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
	}{
		{name: "generated cases pass", args: []string{"--run", "^gen-(get|delete)-"}, code: 0,
			stdout: []string{"PASS gen-get-organization-members-query-page-size-at-maximum", "PASS gen-delete-organization-member-query-job-id-a-uuid", " 0 failed, 0 skipped\n"}},
		{name: "with the embedded suite", args: []string{"--run", "^(gen-get-organization-members-no-token|analyst-can-list)$"}, code: 0,
			stdout: []string{"PASS analyst-can-list", "PASS gen-get-organization-members-no-token", "\n2 passed, 0 failed, 0 skipped\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			var stdout, stderr bytes.Buffer
			args := append([]string{"run", "--generated", "--base-url", target, "--profile-from-mock", "--parallel", "8"}, tt.args...)
			err := run(context.Background(), args, &stdout, &stderr)
			require.Equal(t, tt.code, exitCode(err), "error: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
			for _, s := range tt.stdout {
				require.Contains(t, stdout.String(), s)
			}
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Empty(t, entries, "run --generated writes no file")
		})
	}
}
