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
	"gopkg.in/yaml.v3"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/cmdtest"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// silentServer accepts connections and never answers, until the test ends.
func silentServer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: the handlers return, then Close need not wait
	return srv.URL
}

func openAPIAsJSON(t *testing.T) string {
	t.Helper()
	var doc any
	require.NoError(t, yaml.Unmarshal(members.OpenAPI, &doc))
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	return string(data)
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "contract", "testdata", "diff", name))
	require.NoError(t, err)
	return string(data)
}

// fileProfile is a complete profile file whose target is never reached:
// the spec is loaded before the first request.
func fileProfile(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "contract", "testdata", "staging-profile.yaml"))
	require.NoError(t, err)
	for _, role := range []string{"SYSTEM_ADMIN", "ORG_ADMIN", "ANALYST", "SUSPENDED", "OUTSIDER"} {
		data = bytes.ReplaceAll(data, []byte("${HUMM_TOKEN_"+role+"}"), []byte("token-"+strings.ToLower(role)))
	}
	return writeFile(t, t.TempDir(), "profile.yaml", string(data))
}

// TestSpecByURLExitCodes runs main in a child process: --spec and diff's
// arguments take an http(s) URL, JSON or YAML; each way a fetch fails is
// exit 2 and one line that says which.
func TestSpecByURLExitCodes(t *testing.T) {
	base := cmdtest.DocumentServer(t, map[string]string{
		"/openapi.json":          openAPIAsJSON(t),
		"/openapi.yaml":          string(members.OpenAPI),
		"/fastapi/openapi.json":  testdata(t, "fastapi-3.1.json"),
		"/breaking/openapi.json": testdata(t, "fastapi-3.1-breaking.json"),
		"/login.html":            "<!doctype html>\n<html><body>\n<p>Sign in: here</p>\n</body></html>\n",
		"/health":                `{"status": "ok"}`,
		"/swagger.json":          `{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}`,
	})
	closedURL := cmdtest.RefusedURL(t)
	refused := closedURL + "/openapi.json"
	refusedLine := refused + ": unreachable: dial tcp " + strings.TrimPrefix(closedURL, "http://") + ": connect: connection refused\n"
	out := t.TempDir()
	profile := fileProfile(t)
	committed := filepath.Join("..", "..", "openapi.yaml")

	cmdtest.RunMain(t, "TestSpecByURLExitCodes", "humm-contract", main, []cmdtest.Case{
		{Name: "gen from a URL serving JSON", Args: []string{"gen", "--spec", base + "/openapi.json", "--out", out}, Code: 0,
			Stdout: "wrote " + filepath.Join(out, "gen-"), Stderr: ""},
		{Name: "gen from a URL serving YAML", Args: []string{"gen", "--spec", base + "/openapi.yaml", "--out", out}, Code: 0,
			Stdout: "wrote " + filepath.Join(out, "gen-"), Stderr: ""},
		{Name: "gen: connection refused", Args: []string{"gen", "--spec", refused, "--out", out}, Code: 2,
			Stderr: "humm-contract: " + refusedLine},
		{Name: "gen: 404", Args: []string{"gen", "--spec", base + "/docs.json", "--out", out}, Code: 2,
			Stderr: "humm-contract: " + base + "/docs.json: the server answered 404 Not Found, not a document\n"},
		{Name: "gen: an HTML page", Args: []string{"gen", "--spec", base + "/login.html", "--out", out}, Code: 2,
			Stderr: "humm-contract: " + base + "/login.html: parse openapi document: neither JSON nor YAML: yaml: line 3: mapping values are not allowed in this context\n"},
		{Name: "gen: JSON that is not OpenAPI", Args: []string{"gen", "--spec", base + "/health", "--out", out}, Code: 2,
			Stderr: "humm-contract: " + base + "/health: not an OpenAPI document: no \"openapi\" key\n"},
		{Name: "gen: Swagger 2.0", Args: []string{"gen", "--spec", base + "/swagger.json", "--out", out}, Code: 2,
			Stderr: "humm-contract: " + base + "/swagger.json: not an OpenAPI 3.x document: swagger 2.0 (convert it to OpenAPI 3)\n"},
		{Name: "run: connection refused", Args: []string{"run", "--profile", profile, "--spec", refused}, Code: 2,
			Stderr: "humm-contract: " + refusedLine},
		{Name: "record: 404", Args: []string{"record", "--upstream", "http://127.0.0.1:1", "--out", filepath.Join(out, "s.yaml"), "--profile", profile, "--spec", base + "/nope"}, Code: 2,
			Stderr: "humm-contract: " + base + "/nope: the server answered 404 Not Found, not a document\n"},
		{Name: "diff: the committed document against the service's, the same API", Args: []string{"diff", committed, base + "/fastapi/openapi.json"}, Code: 0,
			Stdout: committed + " -> " + base + "/fastapi/openapi.json: 0 breaking, 0 warnings\n", Stderr: ""},
		{Name: "diff: the service broke clients", Args: []string{"diff", committed, base + "/breaking/openapi.json"}, Code: 1,
			Stdout: "ERROR request-property-became-required-with-default\n  POST /api/organization/{organization_id}/member (create_organization_member)\n", Stderr: ""},
		{Name: "diff: both by URL", Args: []string{"diff", base + "/openapi.yaml", base + "/fastapi/openapi.json"}, Code: 0,
			Stdout: base + "/openapi.yaml -> " + base + "/fastapi/openapi.json: 0 breaking, 0 warnings\n", Stderr: ""},
		{Name: "diff: the service is down", Args: []string{"diff", committed, refused}, Code: 2,
			Stderr: "humm-contract: " + refusedLine},
		{Name: "diff: the service answers 404", Args: []string{"diff", committed, base + "/docs.json"}, Code: 2,
			Stderr: "humm-contract: " + base + "/docs.json: the server answered 404 Not Found, not a document\n"},
		{Name: "diff: not OpenAPI", Args: []string{"diff", base + "/health", committed}, Code: 2,
			Stderr: "humm-contract: " + base + "/health: not an OpenAPI document: no \"openapi\" key\n"},
	})
}

// TestSpecByURLTimeout runs main in a child process against a server that
// never answers: exit 2 once HUMM_SPEC_TIMEOUT has passed, one line.
func TestSpecByURLTimeout(t *testing.T) {
	t.Setenv(spec.FetchTimeoutEnv, "50ms") // the child inherits it
	silent := silentServer(t) + "/openapi.json"
	line := silent + ": no answer within 50ms (set " + spec.FetchTimeoutEnv + " for longer)\n"
	cmdtest.RunMain(t, "TestSpecByURLTimeout", "humm-contract", main, []cmdtest.Case{
		{Name: "gen", Args: []string{"gen", "--spec", silent, "--out", t.TempDir()}, Code: 2, Stderr: "humm-contract: " + line},
		{Name: "diff", Args: []string{"diff", filepath.Join("..", "..", "openapi.yaml"), silent}, Code: 2, Stderr: "humm-contract: " + line},
	})
}

// TestRunWithSpecByURL: the suite runs against the mock with the spec
// fetched from a URL, as from the file.
func TestRunWithSpecByURL(t *testing.T) {
	target := serveMock(t, "")
	docs := cmdtest.DocumentServer(t, map[string]string{"/openapi.json": openAPIAsJSON(t)})
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--base-url", target, "--profile-from-mock", "--run", "-can-list$", "--spec", docs + "/openapi.json"}, &stdout, &stderr)
	require.NoError(t, err, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String(), "\n3 passed, 0 failed, 0 skipped\n")
}

func TestSpecSourceNamesAFetchedDocumentByItsFile(t *testing.T) {
	for source, want := range map[string]string{
		"":                                       "openapi.yaml",
		"../specs/openapi.yaml":                  "openapi.yaml",
		"http://127.0.0.1:8000/openapi.json":     "openapi.json",
		"https://config.example.com/v1/spec.yml": "spec.yml",
		"https://config.example.com":             "openapi.json",
		"https://config.example.com/":            "openapi.json",
	} {
		require.Equal(t, want, specSource(source), source)
	}
}
