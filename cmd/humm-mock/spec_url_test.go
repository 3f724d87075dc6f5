package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	members "github.com/heyhumm/humm-members-mock"
	"github.com/heyhumm/humm-members-mock/internal/cmdtest"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestRunServesASpecFetchedByURL: the mock serves the document FastAPI
// would serve at /openapi.json (here openapi.yaml as JSON) as it serves the
// embedded one.
func TestRunServesASpecFetchedByURL(t *testing.T) {
	var doc any
	require.NoError(t, yaml.Unmarshal(members.OpenAPI, &doc))
	asJSON, err := json.Marshal(doc)
	require.NoError(t, err)
	docs := cmdtest.DocumentServer(t, map[string]string{"/openapi.json": string(asJSON)})

	r := start(t, "--spec", docs+"/openapi.json")
	p := r.profile()
	status, body := r.do(http.MethodGet, "/api/organization/"+p.OrganizationID+"/member", p.Tokens["org_admin"], "")
	require.Equal(t, http.StatusOK, status, string(body))
	var page []map[string]any
	require.NoError(t, json.Unmarshal(body, &page))
	require.NotEmpty(t, page)
	require.Equal(t, p.OrganizationID, page[0]["organization_id"])
}

// TestMainRefusesASpecURLThatDoesNotServeOne runs main in a child process:
// each way a fetch fails is exit 2 and one line that says which.
func TestMainRefusesASpecURLThatDoesNotServeOne(t *testing.T) {
	docs := cmdtest.DocumentServer(t, map[string]string{
		"/health":       `{"status": "ok"}`,
		"/broken.json":  `{"openapi": "3.1.0", "info": {`,
		"/swagger.json": `{"swagger": "2.0"}`,
	})
	closedURL := cmdtest.RefusedURL(t)
	refused := closedURL + "/openapi.json"
	cmdtest.RunMain(t, "TestMainRefusesASpecURLThatDoesNotServeOne", "humm-mock", main, []cmdtest.Case{
		{Name: "connection refused", Args: []string{"--addr", "127.0.0.1:0", "--spec", refused}, Code: 2,
			Stderr: "humm-mock: " + refused + ": unreachable: dial tcp " + strings.TrimPrefix(closedURL, "http://") + ": connect: connection refused\n"},
		{Name: "404", Args: []string{"--addr", "127.0.0.1:0", "--spec", docs + "/openapi.json"}, Code: 2,
			Stderr: "humm-mock: " + docs + "/openapi.json: the server answered 404 Not Found, not a document\n"},
		{Name: "broken JSON", Args: []string{"--addr", "127.0.0.1:0", "--spec", docs + "/broken.json"}, Code: 2,
			Stderr: "humm-mock: " + docs + "/broken.json: parse openapi document: neither JSON nor YAML: unexpected end of JSON input\n"},
		{Name: "JSON that is not OpenAPI", Args: []string{"--addr", "127.0.0.1:0", "--spec", docs + "/health"}, Code: 2,
			Stderr: "humm-mock: " + docs + "/health: not an OpenAPI document: no \"openapi\" key\n"},
		{Name: "Swagger 2.0", Args: []string{"--addr", "127.0.0.1:0", "--spec", docs + "/swagger.json"}, Code: 2,
			Stderr: "humm-mock: " + docs + "/swagger.json: not an OpenAPI 3.x document: swagger 2.0 (convert it to OpenAPI 3)\n"},
	})
}

// TestMainGivesUpOnASpecURLThatNeverAnswers runs main in a child process
// against a server that accepts and never answers: exit 2 once
// HUMM_SPEC_TIMEOUT has passed, one line.
func TestMainGivesUpOnASpecURLThatNeverAnswers(t *testing.T) {
	t.Setenv(spec.FetchTimeoutEnv, "50ms") // the child inherits it
	release := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(silent.Close)
	t.Cleanup(func() { close(release) }) // runs first: the handler returns, then Close need not wait
	url := silent.URL + "/openapi.json"
	cmdtest.RunMain(t, "TestMainGivesUpOnASpecURLThatNeverAnswers", "humm-mock", main, []cmdtest.Case{
		{Name: "timeout", Args: []string{"--addr", "127.0.0.1:0", "--spec", url}, Code: 2,
			Stderr: "humm-mock: " + url + ": no answer within 50ms (set " + spec.FetchTimeoutEnv + " for longer)\n"},
	})
}
