package mock

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// The golden files are FastAPI 0.141.1's own output for
// testdata/fastapi-docs/spec.yaml, written by generate.py there.
func TestFastAPIDocumentsAreFastAPIsBytes(t *testing.T) {
	dir := filepath.Join("testdata", "fastapi-docs")
	raw, err := os.ReadFile(filepath.Join(dir, "spec.yaml"))
	require.NoError(t, err)
	sp, err := spec.Load(raw)
	require.NoError(t, err)
	docs, err := newDocuments(sp)
	require.NoError(t, err)
	for _, row := range []struct {
		path, golden, contentType, source string
	}{
		{openapiURL, "openapi.json", "application/json", "fastapi/applications.py: FastAPI.setup openapi; starlette/responses.py: JSONResponse.render"},
		{docsURL, "docs.html", "text/html; charset=utf-8", "fastapi/openapi/docs.py: get_swagger_ui_html"},
		{redocURL, "redoc.html", "text/html; charset=utf-8", "fastapi/openapi/docs.py: get_redoc_html"},
		{oauth2RedirectURL, "oauth2-redirect.html", "text/html; charset=utf-8", "fastapi/openapi/docs.py: get_swagger_ui_oauth2_redirect_html"},
	} {
		t.Run(row.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, row.golden))
			require.NoError(t, err)
			got := docs.byPath[row.path]
			require.NotNil(t, got, row.source)
			require.Equal(t, row.contentType, got.Header.Get("Content-Type"), row.source)
			require.Equal(t, string(want), string(got.Body), row.source)
		})
	}
}

// yamlAsJSON is a YAML document as JSON values (numbers as float64).
func yamlAsJSON(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(raw, &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func TestServesFastAPIsDocuments(t *testing.T) {
	m := newTestMock(t, Config{})
	title := m.srv.spec.Doc.Info.Title

	doc := m.do(http.MethodGet, openapiURL, "", nil, "Origin", "http://localhost:5173")
	require.Equal(t, http.StatusOK, doc.Status)
	require.Equal(t, "application/json", doc.Header.Get("Content-Type"))
	require.Equal(t, "http://localhost:5173", doc.Header.Get("Access-Control-Allow-Origin"), "CORS as for the API")
	require.Equal(t, yamlAsJSON(t, m.srv.spec.Raw), doc.JSON(t), "the loaded document, as JSON")
	require.True(t, strings.HasPrefix(string(doc.Body), `{"openapi":`), "keys in the document's order")

	for _, row := range []struct{ path, title string }{
		{docsURL, title + " - Swagger UI"},
		{redocURL, title + " - ReDoc"},
		{oauth2RedirectURL, "Swagger UI: OAuth2 Redirect"},
	} {
		page := m.do(http.MethodGet, row.path, "", nil)
		require.Equal(t, http.StatusOK, page.Status, row.path)
		require.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"), row.path)
		require.Contains(t, string(page.Body), "<title>"+row.title+"</title>", row.path)
	}

	// starlette/routing.py: Route.__init__ adds HEAD to GET.
	head := m.do(http.MethodHead, docsURL, "", nil)
	require.Equal(t, http.StatusOK, head.Status)
	require.Empty(t, head.Body)
	require.Equal(t, m.do(http.MethodGet, docsURL, "", nil).Header.Get("Content-Length"), head.Header.Get("Content-Length"))

	// starlette/routing.py: Route.handle, a method the route lacks.
	post := m.do(http.MethodPost, docsURL, "", nil)
	require.Equal(t, http.StatusMethodNotAllowed, post.Status)
	require.Equal(t, "GET, HEAD", post.Header.Get("Allow"))
	require.JSONEq(t, `{"detail":"Method Not Allowed"}`, string(post.Body))

	// starlette/routing.py: Router.app, redirect_slashes.
	slash := newStackWorld(m).send(t, stackRequest{method: http.MethodGet, path: docsURL + "/"})
	require.Equal(t, http.StatusTemporaryRedirect, slash.Status)
	require.Equal(t, m.url+docsURL, slash.Header.Get("Location"))

	for _, e := range m.srv.journal.entries() {
		require.NotContains(t, []string{openapiURL, docsURL, redocURL, oauth2RedirectURL}, e.Path,
			"FastAPI's own pages are not API calls: not journaled")
	}
}

// FastAPI.setup adds its routes before the app's: a GET at /openapi.json is
// FastAPI's even when the spec declares one; another method the spec
// declares there is the spec's.
func TestFastAPIsOwnRoutesComeFirst(t *testing.T) {
	embedded, err := spec.Embedded()
	require.NoError(t, err)
	own := "paths:\n" +
		"  /openapi.json:\n" +
		"    get:\n" +
		"      operationId: own_openapi_get\n" +
		"      responses:\n" +
		"        '200': {description: Own, content: {application/json: {schema: {type: object, example: {own: true}}}}}\n" +
		"    post:\n" +
		"      operationId: own_openapi_post\n" +
		"      responses:\n" +
		"        '200': {description: Own, content: {application/json: {schema: {type: object, example: {own: true}}}}}\n"
	raw := strings.Replace(string(embedded.Raw), "paths:\n", own, 1)
	sp, err := spec.Load([]byte(raw))
	require.NoError(t, err)
	m := newTestMock(t, Config{Spec: sp})

	get := m.do(http.MethodGet, openapiURL, m.profile.Tokens["org_admin"], nil)
	require.Equal(t, http.StatusOK, get.Status)
	require.Contains(t, get.Object(t), "openapi", "GET is FastAPI's route")

	post := m.do(http.MethodPost, openapiURL, m.profile.Tokens["org_admin"], nil)
	require.Equal(t, http.StatusOK, post.Status, "%s", post.Body)
	require.NotContains(t, post.Object(t), "openapi", "POST is the spec's operation")
}
