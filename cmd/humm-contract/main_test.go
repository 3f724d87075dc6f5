package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/heyhumm/humm-members-mock/internal/cmdtest"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
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
	// Behind the front that reads requests as uvicorn does, as humm-mock
	// serves it: the suite's raw steps meet it.
	srv := httptest.NewUnstartedServer(m)
	srv.Listener = m.Listener(srv.Listener, http.DefaultMaxHeaderBytes)
	srv.Start()
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
	closedURL := cmdtest.RefusedURL(t)

	dir := t.TempDir()
	badFixtures := filepath.Join(dir, "fixtures")
	require.NoError(t, os.Mkdir(badFixtures, 0o755))
	writeFile(t, badFixtures, "rules.yaml", "rules:\n  - {id: r, text: a rule}\n")
	writeFile(t, badFixtures, "cases.yaml", "cases:\n  - name: c\n    rules: [r]\n    steps:\n      - {name: s, method: GET, path: /, as: root, expect: {status: 200}}\n")

	tests := []exitCase{
		{name: "all pass", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "-can-list$"}, code: 0,
			stdout: []string{"PASS analyst-can-list", "\n3 passed, 0 failed, 0 skipped\n"}},
		{name: "a case fails", args: []string{"--base-url", broken, "--profile-from-mock", "--run", "^analyst-"}, code: 1,
			stdout: []string{"FAIL analyst-cannot-update", "status: expected 403, got 200", `-H "Authorization: Bearer ${TOKEN_ANALYST}"`, "\n3 passed, 1 failed, 0 skipped\n"}},
		{name: "shard", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "-can-list$", "--shard", "2/3"}, code: 0,
			stdout: []string{"PASS org-admin-can-list", "\n1 passed, 0 failed, 0 skipped\n"}},
		{name: "no profile", args: []string{"--base-url", clean}, code: 2, errorHas: "give --profile FILE"},
		{name: "mock profile without base url", args: []string{"--profile-from-mock"}, code: 2, errorHas: "needs --base-url"},
		{name: "both profiles", args: []string{"--profile", "p.yaml", "--profile-from-mock", "--base-url", clean}, code: 2, errorHas: "not both"},
		{name: "missing profile file", args: []string{"--profile", filepath.Join(dir, "nope.yaml")}, code: 2, errorHas: "no such file"},
		{name: "bad run pattern", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "("}, code: 2, errorHas: "--run"},
		{name: "run pattern that selects nothing", args: []string{"--base-url", clean, "--profile-from-mock", "--run", "^no-such-case$"}, code: 2, errorHas: "no case selected"},
		{name: "bad shard", args: []string{"--base-url", clean, "--profile-from-mock", "--shard", "3/2"}, code: 2, errorHas: "--shard"},
		{name: "unknown flag", args: []string{"--colour"}, code: 2, errorHas: "flag provided but not defined", usageError: true},
		{name: "invalid fixtures", args: []string{"--base-url", clean, "--profile-from-mock", "--fixtures", badFixtures}, code: 2,
			errorHas: filepath.Join(badFixtures, "cases.yaml") + `:5: as "root" must be one of`},
		{name: "spec that does not load", args: []string{"--base-url", clean, "--profile-from-mock", "--spec", writeFile(t, dir, "openapi.yaml", "openapi: 3.0.3\n")}, code: 2,
			errorHas: "openapi.yaml"},
		{name: "unreachable target", args: []string{"--base-url", closedURL, "--profile-from-mock"}, code: 2, errorHas: "connection refused"},
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
	require.True(t, strings.HasSuffix(stdout.String(), "\n5 passed, 0 failed, 0 skipped\n"), stdout.String())

	for _, path := range []string{junitPath, jsonPath} {
		report, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Contains(t, string(report), "org-admin-can-delete")
		for _, token := range []string{mock.TokenSystemAdmin, mock.TokenOrgAdmin, mock.TokenAnalyst, mock.TokenSuspended, mock.TokenOutsider} {
			require.NotContains(t, string(report), token)
		}
	}
}

// partialProfile writes the profile of the mock at target without the
// suspended user's token.
func partialProfile(t *testing.T, target string) string {
	t.Helper()
	resp, err := http.Get(target + "/__mock/profile")
	require.NoError(t, err)
	var profile map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&profile))
	resp.Body.Close()
	delete(profile["tokens"].(map[string]any), "suspended")
	data, err := json.Marshal(profile)
	require.NoError(t, err)
	return writeFile(t, t.TempDir(), "partial.json", string(data))
}

// TestPartialProfileExitCodes: a profile without a suspended user skips the
// cases that need one, naming the key, and passes; --strict-profile
// refuses it, as a usage error.
func TestPartialProfileExitCodes(t *testing.T) {
	target := serveMock(t, "")
	partial := partialProfile(t, target)
	checkExitCodes(t, []exitCase{
		{name: "partial profile", args: []string{"--profile", partial, "--base-url", target, "--run", "^(suspended|analyst)-"}, code: 0,
			stdout: []string{"PASS analyst-can-list", "SKIP suspended-cannot-list: the profile lacks tokens.suspended\n", " 0 failed, ", " skipped\n"}},
		{name: "strict profile", args: []string{"--profile", partial, "--base-url", target, "--strict-profile"}, code: 2,
			errorHas: "profile: tokens.suspended is missing"},
		{name: "strict profile, complete", args: []string{"--base-url", target, "--profile-from-mock", "--strict-profile", "--run", "^analyst-can-list$"}, code: 0,
			stdout: []string{"\n1 passed, 0 failed, 0 skipped\n"}},
	})
}

func TestUsageErrors(t *testing.T) {
	tests := []exitCase{
		{name: "unknown command", args: []string{"frobnicate"}, errorHas: `unknown command "frobnicate"`},
		{name: "help for an unknown command", args: []string{"help", "frobnicate"}, errorHas: `unknown command "frobnicate"`},
		{name: "help for two commands", args: []string{"help", "gen", "diff"}, errorHas: `unexpected argument "diff"`},
		{name: "run with an argument", args: []string{"run", "extra"}, errorHas: `unexpected argument "extra"`},
		{name: "flags, then an argument", args: []string{"--profile", "p.yaml", "extra", "--parallel", "2"}, errorHas: `unexpected argument "extra"`},
		{name: "gen with an argument", args: []string{"gen", "extra"}, errorHas: `unexpected argument "extra"`},
		{name: "record with an argument", args: []string{"record", "extra"}, errorHas: `unexpected argument "extra"`},
		{name: "diff of one file", args: []string{"diff", "old.yaml"}, errorHas: "two specs"},
		{name: "parallel 0", args: []string{"--parallel", "0"}, errorHas: "--parallel 0"},
		{name: "negative parallel", args: []string{"run", "--parallel", "-5"}, errorHas: "--parallel -5"},
		{name: "negative timeout", args: []string{"--timeout", "-1s"}, errorHas: "--timeout -1s"},
		{name: "zero timeout", args: []string{"--timeout", "0s"}, errorHas: "--timeout 0s"},
		{name: "record with a negative timeout", args: []string{"record", "--timeout", "-1s"}, errorHas: "--timeout -1s"},
		{name: "shard that does not parse", args: []string{"--shard", "half"}, errorHas: "--shard"},
		{name: "shard 0", args: []string{"--shard", "0/2"}, errorHas: "--shard"},
		{name: "parallel that is not a number", args: []string{"--parallel", "many"}, errorHas: `invalid value "many" for flag -parallel`},
		{name: "flag without its value", args: []string{"--parallel"}, errorHas: "flag needs an argument: -parallel"},
		{name: "unknown flag", args: []string{"gen", "--colour"}, errorHas: "flag provided but not defined: -colour"},
	}
	for i := range tests {
		tests[i].code, tests[i].usageError = 2, true
	}
	checkExitCodes(t, tests)
}

// flagLine is a flag as help names it: -name, then its value name, if
// any, in capitals. A backquote in a usage string makes whatever it quotes
// the value name, as in "-admin-token Authorization: Bearer TOKEN".
var flagLine = regexp.MustCompile(`^  -[a-z-]+( [A-Z/|]+)?$`)

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-help"}, {"help", "help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.NoError(t, run(context.Background(), args, &stdout, &stderr), "help is not an error: exit status 0")
			require.Empty(t, stderr.String())
			help := stdout.String()
			for _, command := range []string{"run", "gen", "diff", "record", "help"} {
				require.Regexp(t, `(?m)^  `+command+` +[a-z].+$`, help, "%s has a one-line description", command)
			}
			require.Contains(t, help, "'humm-contract COMMAND --help'")
			require.NotContains(t, help, "-profile-from-mock", "not run's flags")
		})
	}
}

func TestCommandHelpListsItsFlags(t *testing.T) {
	tests := []struct {
		args  []string
		usage string
		flags []string
	}{
		{[]string{"run", "--help"}, "usage: humm-contract run [flags]\n",
			[]string{"base-url URL", "profile FILE", "profile-from-mock", "strict-profile", "spec FILE|URL", "fixtures DIR", "generated", "run REGEXP",
				"shard I/N", "parallel N", "timeout DURATION", "junit FILE", "json FILE"}},
		{[]string{"help", "run"}, "usage: humm-contract run [flags]\n", []string{"profile FILE"}},
		{[]string{"--profile", "p.yaml", "-h"}, "usage: humm-contract run [flags]\n", []string{"profile FILE"}},
		{[]string{"gen", "--help"}, "usage: humm-contract gen [flags]\n", []string{"spec FILE|URL", "out DIR"}},
		{[]string{"help", "gen"}, "usage: humm-contract gen [flags]\n", []string{"spec FILE|URL", "out DIR"}},
		{[]string{"diff", "-h"}, "usage: humm-contract diff [flags] OLD NEW\n", []string{"fixtures DIR", "generated"}},
		{[]string{"--help", "record"}, "usage: humm-contract record [flags]\n",
			[]string{"upstream URL", "listen ADDR", "out FILE", "name NAME", "profile FILE", "profile-from-mock", "spec FILE|URL", "timeout DURATION"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.NoError(t, run(context.Background(), tt.args, &stdout, &stderr))
			require.Empty(t, stderr.String())
			help := stdout.String()
			require.True(t, strings.HasPrefix(help, tt.usage), help)
			for _, flag := range tt.flags {
				require.Regexp(t, `(?m)^  -`+regexp.QuoteMeta(flag)+`\n    \t[a-z].+$`, help, "-%s has a one-line description", flag)
			}
			for _, line := range strings.Split(help, "\n") {
				if strings.HasPrefix(line, "  -") {
					require.Regexp(t, flagLine, line)
				}
			}
		})
	}
}

// TestMainExitCodes runs main in a child process: 0 and the help on stdout
// when help is asked for, 2 and one line on stderr for a usage error.
func TestMainExitCodes(t *testing.T) {
	cmdtest.RunMain(t, "TestMainExitCodes", "humm-contract", main, []cmdtest.Case{
		{Name: "unknown command", Args: []string{"frobnicate"}, Code: 2, Stdout: "", Stderr: "humm-contract: unknown command \"frobnicate\" (see humm-contract help)\n"},
		{Name: "unknown flag", Args: []string{"gen", "--colour"}, Code: 2, Stdout: "", Stderr: "humm-contract: flag provided but not defined: -colour\n"},
		{Name: "negative parallel", Args: []string{"--parallel", "-5"}, Code: 2, Stdout: "", Stderr: "humm-contract: --parallel -5: want 1 or more\n"},
		{Name: "--help", Args: []string{"--help"}, Code: 0, Stdout: "usage: humm-contract [COMMAND] [flags]\n", Stderr: ""},
		{Name: "help gen", Args: []string{"help", "gen"}, Code: 0, Stdout: "usage: humm-contract gen [flags]\n", Stderr: ""},
	})
}

// TestMainExitCodesForPartialProfiles runs main in a child process: a
// skipped case is no failure (0), a strict profile's missing key is (2).
func TestMainExitCodesForPartialProfiles(t *testing.T) {
	target := serveMock(t, "")
	partial := partialProfile(t, target)
	cmdtest.RunMain(t, "TestMainExitCodesForPartialProfiles", "humm-contract", main, []cmdtest.Case{
		{Name: "skipped", Args: []string{"--profile", partial, "--base-url", target, "--run", "^suspended-cannot-list$"}, Code: 0,
			Stdout: "SKIP suspended-cannot-list: the profile lacks tokens.suspended\n", Stderr: ""},
		{Name: "strict", Args: []string{"--profile", partial, "--base-url", target, "--strict-profile"}, Code: 2,
			Stdout: "", Stderr: "humm-contract: profile: tokens.suspended is missing\n"},
	})
}

// exitCase is one command line, the exit code it must give, what stdout
// must hold and what the error must say. A usage error prints nothing
// itself and is one line, which main prints on stderr.
type exitCase struct {
	name       string
	args       []string
	code       int
	stdout     []string
	errorHas   string
	usageError bool
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
			if tt.usageError {
				require.NotContains(t, err.Error(), "\n")
				require.Empty(t, stdout.String())
				require.Empty(t, stderr.String())
			}
		})
	}
}
