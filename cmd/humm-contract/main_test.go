package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock"
)

// serveMock starts the mock, with a defect ("" for none), on loopback.
func serveMock(t *testing.T, defect string) string {
	t.Helper()
	m, err := mock.New(mock.Config{Seed: 1, Defect: defect})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv.URL
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestRunExitCodes(t *testing.T) {
	clean := serveMock(t, "")
	broken := serveMock(t, "analyst-can-update")
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	dir := t.TempDir()
	badFixtures := filepath.Join(dir, "fixtures")
	require.NoError(t, os.Mkdir(badFixtures, 0o755))
	writeFile(t, badFixtures, "rules.yaml", "rules:\n  - {id: r, text: a rule}\n")
	writeFile(t, badFixtures, "cases.yaml", "cases:\n  - name: c\n    rules: [r]\n    steps:\n      - {name: s, method: GET, path: /, as: root, expect: {status: 200}}\n")

	tests := []exitCase{
		{name: "all pass", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "-can-list$"}, code: 0,
			stdout: []string{"PASS analyst-can-list", "\n3 passed, 0 failed\n"}},
		{name: "a case fails", args: []string{"--base-url", broken, "--profile-from-mock", "--run", "^analyst-"}, code: 1,
			stdout: []string{"FAIL analyst-cannot-update", "status: expected 403, got 200", `-H "Authorization: Bearer ${TOKEN_ANALYST}"`, "\n3 passed, 1 failed\n"}},
		{name: "shard", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "-can-list$", "--shard", "2/3"}, code: 0,
			stdout: []string{"PASS org-admin-can-list", "\n1 passed, 0 failed\n"}},
		{name: "no profile", args: []string{"--base-url", clean}, code: 2, errorHas: "give --profile FILE"},
		{name: "mock profile without base url", args: []string{"--profile-from-mock"}, code: 2, errorHas: "needs --base-url"},
		{name: "both profiles", args: []string{"--profile", "p.yaml", "--profile-from-mock", "--base-url", clean}, code: 2, errorHas: "not both"},
		{name: "missing profile file", args: []string{"--profile", filepath.Join(dir, "nope.yaml")}, code: 2, errorHas: "no such file"},
		{name: "bad run pattern", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "("}, code: 2, errorHas: "--run"},
		{name: "run pattern that selects nothing", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "^no-such-case$"}, code: 2, errorHas: "no case selected"},
		{name: "bad shard", args: []string{"--base-url", clean, "--profile-from-mock", "--shard", "3/2"}, code: 2, errorHas: "--shard"},
		{name: "unknown flag", args: []string{"--colour"}, code: 2, errorHas: "flag provided but not defined"},
		{name: "invalid fixtures", args: []string{"--base-url", clean, "--profile-from-mock", "--fixtures", badFixtures}, code: 2,
			errorHas: filepath.Join(badFixtures, "cases.yaml") + `:5: as "root" must be one of`},
		{name: "spec that does not load", args: []string{"--base-url", clean, "--profile-from-mock", "--spec", writeFile(t, dir, "openapi.yaml", "openapi: 3.0.3\n")}, code: 2,
			errorHas: "openapi.yaml"},
		{name: "unreachable target", args: []string{"--base-url", closed.URL, "--profile-from-mock"}, code: 2, errorHas: "connection refused"},
	}
	checkExitCodes(t, tests)
}

func TestProfileFileWithEnvironmentAndReports(t *testing.T) {
	target := serveMock(t, "")
	resp, err := http.Get(target + "/__mock/profile")
	require.NoError(t, err)
	var profile map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&profile))
	resp.Body.Close()

	// The tokens come from the environment, as in CI; the base URL from
	// the command line.
	tokens := profile["tokens"].(map[string]any)
	for role, token := range tokens {
		t.Setenv("TOKEN_"+strings.ToUpper(role), token.(string))
		tokens[role] = "${TOKEN_" + strings.ToUpper(role) + "}"
	}
	profile["base_url"] = "http://nowhere.invalid"
	data, err := json.Marshal(profile)
	require.NoError(t, err)
	dir := t.TempDir()
	profilePath := writeFile(t, dir, "profile.json", string(data))
	junitPath, jsonPath := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")

	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"--profile", profilePath, "--base-url", target, "--run", "^org-admin-", "--parallel", "2",
		"--junit", junitPath, "--json", jsonPath}, &stdout, &stderr)
	require.NoError(t, err, stdout.String())
	require.True(t, strings.HasSuffix(stdout.String(), "\n5 passed, 0 failed\n"), stdout.String())

	for _, path := range []string{junitPath, jsonPath} {
		report, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Contains(t, string(report), "org-admin-can-delete")
		for _, token := range []string{mock.TokenSystemAdmin, mock.TokenOrgAdmin, mock.TokenAnalyst, mock.TokenSuspended, mock.TokenOutsider} {
			require.NotContains(t, string(report), token)
		}
	}
}

func TestHelpIsNotAnError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-h"}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "-profile-from-mock")
}

// exitCase is one command line, the exit code it must give, what stdout
// must hold and what the error must say.
type exitCase struct {
	name     string
	args     []string
	code     int
	stdout   []string
	errorHas string
}

func checkExitCodes(t *testing.T, tests []exitCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			require.Equal(t, tt.code, exitCode(err), "error: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
			for _, s := range tt.stdout {
				require.Contains(t, stdout.String(), s)
			}
			if tt.errorHas != "" {
				require.ErrorContains(t, err, tt.errorHas)
			}
		})
	}
}
