package spec_test

import (
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

// serveBody answers every request with status, content type and body, on
// 127.0.0.1.
func serveBody(t *testing.T, status int, contentType, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestLoadSourceReadsAURL(t *testing.T) {
	var doc any
	require.NoError(t, yaml.Unmarshal(members.OpenAPI, &doc))
	asJSON, err := json.Marshal(doc)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"JSON, as FastAPI serves /openapi.json", "application/json", asJSON},
		{"YAML", "application/yaml", members.OpenAPI},
		{"YAML served as text", "text/plain", members.OpenAPI},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := serveBody(t, http.StatusOK, tc.contentType, string(tc.body)) + "/openapi.json"
			sp, err := spec.FromFlag(url)
			require.NoError(t, err)
			require.Equal(t, tc.body, sp.Raw)
			require.NotNil(t, sp.OperationByID("get_organization_members"))
			require.Equal(t, "/", sp.Doc.Servers[0].URL, "a fetched document is made relative too")
		})
	}
}

func TestLoadSourceErrorsAreOneLineAndSayWhatWentWrong(t *testing.T) {
	closedURL := cmdtest.RefusedURL(t)
	ok := func(contentType, body string) string {
		return serveBody(t, http.StatusOK, contentType, body) + "/openapi.json"
	}
	for _, tc := range []struct {
		name, source, want string
	}{
		{"unreachable", closedURL + "/openapi.json", ": unreachable: dial tcp " + strings.TrimPrefix(closedURL, "http://") + ": connect: connection refused"},
		{"404", serveBody(t, http.StatusNotFound, "application/json", `{"detail":"Not Found"}`) + "/openapi.json", ": the server answered 404 Not Found, not a document"},
		{"500", serveBody(t, http.StatusInternalServerError, "text/plain", "Internal Server Error") + "/openapi.json", ": the server answered 500 Internal Server Error, not a document"},
		{"an HTML page", ok("text/html", "<!doctype html>\n<html><body>\n<p>Sign in: here</p>\n</body></html>\n"), ": parse openapi document: neither JSON nor YAML: "},
		{"broken JSON", ok("application/json", `{"openapi": "3.1.0", "info": {`), ": parse openapi document: neither JSON nor YAML: unexpected end of JSON input"},
		{"text that is one YAML string", ok("text/plain", "Service Unavailable"), ": parse openapi document: neither JSON nor YAML: the body is text, not an object"},
		{"an empty body", ok("application/json", ""), ": parse openapi document: neither JSON nor YAML: the body is empty, not an object"},
		{"a JSON list", ok("application/json", `[{"openapi": "3.1.0"}]`), ": parse openapi document: neither JSON nor YAML: the body is a list, not an object"},
		{"JSON that is not OpenAPI", ok("application/json", `{"status": "ok"}`), `: not an OpenAPI document: no "openapi" key`},
		{"Swagger 2.0", ok("application/json", `{"swagger": "2.0", "info": {}, "paths": {}}`), ": not an OpenAPI 3.x document: swagger 2.0 (convert it to OpenAPI 3)"},
		{"another major version", ok("application/json", `{"openapi": "4.0.0"}`), `: not an OpenAPI 3.x document: openapi "4.0.0"`},
		{"OpenAPI that does not load", ok("application/json", `{"openapi": "3.1.0", "info": {"title": "x"}, "paths": {}}`), ": invalid openapi document: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, err := spec.FromFlag(tc.source)
			require.Error(t, err)
			require.Nil(t, sp)
			require.True(t, strings.HasPrefix(err.Error(), tc.source+tc.want), "%q\nwant prefix %q", err.Error(), tc.source+tc.want)
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestLoadSourceTimesOut(t *testing.T) {
	release := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(silent.Close)
	t.Cleanup(func() { close(release) }) // runs first: the handler returns, then Close need not wait
	t.Setenv(spec.FetchTimeoutEnv, "20ms")
	_, err := spec.FromFlag(silent.URL + "/openapi.json")
	require.EqualError(t, err, silent.URL+"/openapi.json: no answer within 20ms (set "+spec.FetchTimeoutEnv+" for longer)")
}

func TestFetchTimeoutFromTheEnvironment(t *testing.T) {
	for _, tc := range []struct {
		value, want string
	}{
		{"", "10s"},
		{"1m", "1m0s"},
		{"soon", spec.FetchTimeoutEnv + `="soon": want a positive duration such as 30s`},
		{"-1s", spec.FetchTimeoutEnv + `="-1s": want a positive duration such as 30s`},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv(spec.FetchTimeoutEnv, tc.value)
			d, err := spec.FetchTimeout()
			if err != nil {
				require.EqualError(t, err, tc.want)
				return
			}
			require.Equal(t, tc.want, d.String())
		})
	}
	t.Run("a bad value stops a fetch", func(t *testing.T) {
		t.Setenv(spec.FetchTimeoutEnv, "soon")
		_, err := spec.FromFlag("http://127.0.0.1:1/openapi.json")
		require.ErrorContains(t, err, spec.FetchTimeoutEnv)
	})
}

func TestLoadSourceChecksAFileAsAURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "swagger.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"swagger": "2.0"}`), 0o644))
	_, err := spec.FromFlag(path)
	require.EqualError(t, err, path+": not an OpenAPI 3.x document: swagger 2.0 (convert it to OpenAPI 3)")
}
