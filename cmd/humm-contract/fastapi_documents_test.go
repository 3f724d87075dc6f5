package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/fastapi"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// TestRunGeneratedFromTheServiceDocument: the whole suite with the cases
// gen derives, run as CI runs it against a mock started on the document a
// FastAPI service publishes, that document read by file and by the URL
// the service serves it at (/openapi.json): nothing fails.
func TestRunGeneratedFromTheServiceDocument(t *testing.T) {
	var tests []exitCase
	for name, doc := range map[string][]byte{"openapi-default-ids.json": fastapi.DefaultIDs, "openapi-explicit-ids.json": fastapi.ExplicitIDs} {
		sp, err := spec.Load(doc)
		require.NoError(t, err)
		m, err := mock.New(mock.Config{Seed: 1, Spec: sp})
		require.NoError(t, err)
		// Behind the front that reads requests as uvicorn does, as humm-mock
		// serves it: the suite's raw steps meet it.
		srv := httptest.NewUnstartedServer(m)
		srv.Listener = m.Listener(srv.Listener, http.DefaultMaxHeaderBytes)
		srv.Start()
		t.Cleanup(srv.Close)
		file := filepath.Join("..", "..", "internal", "fastapi", name)
		tests = append(tests,
			exitCase{name: name + " by file", args: []string{"run", "--generated", "--spec", file, "--base-url", srv.URL, "--profile-from-mock"},
				code: 0, stdout: []string{" passed, 0 failed, "}},
			exitCase{name: name + " by the mock's /openapi.json", args: []string{"run", "--generated", "--spec", srv.URL + "/openapi.json", "--base-url", srv.URL, "--profile-from-mock"},
				code: 0, stdout: []string{" passed, 0 failed, "}})
	}
	checkExitCodes(t, tests)
}
