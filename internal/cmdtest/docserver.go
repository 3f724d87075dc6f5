package cmdtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// DocumentServer serves documents by path on 127.0.0.1, as a FastAPI
// service serves /openapi.json (JSON; .yaml and .html paths with their own
// content types), and answers anything else with FastAPI's 404.
func DocumentServer(t *testing.T, docs map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := docs[r.URL.Path]
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
			return
		}
		if strings.HasSuffix(r.URL.Path, ".html") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		} else if strings.HasSuffix(r.URL.Path, ".yaml") {
			w.Header().Set("Content-Type", "application/yaml")
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
