package mock

import (
	"net/http"
	"path"
	"strings"

	"github.com/heyhumm/humm-members-mock/mock/ui"
)

// qaAssetPrefix is where the QA page's script and style sheet live, under
// controlPrefix.
const qaAssetPrefix = "ui/"

// qaPageCSP keeps the page to its own origin: no script, style, image or
// connection elsewhere, so that it works offline and shows what it was
// built with.
const qaPageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

var qaContentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// qaPage answers GET (and HEAD) /__mock/, the QA page, and
// /__mock/ui/NAME, its assets; p is the path under controlPrefix. It is nil
// for any other control request. The page holds no data (it fetches the
// control API, which keeps its own admin-token check), so it is served
// without the admin token: a browser cannot add a header to a navigation.
func qaPage(p, method string) *response {
	if method != http.MethodGet && method != http.MethodHead {
		return nil
	}
	var name string
	switch {
	case p == "" || p == "index.html":
		name = "index.html"
	case strings.HasPrefix(p, qaAssetPrefix):
		name = strings.TrimPrefix(p, qaAssetPrefix)
		if name == "index.html" || name == "" || strings.Contains(name, "/") {
			return nil
		}
	default:
		return nil
	}
	ctype, known := qaContentTypes[path.Ext(name)]
	if !known {
		return nil
	}
	body, err := ui.Files.ReadFile(name)
	if err != nil {
		return nil // an unknown asset: the control API's 404
	}
	return &response{Status: http.StatusOK, Body: body, Header: http.Header{
		"Content-Type":            {ctype},
		"Cache-Control":           {"no-cache"},
		"Content-Security-Policy": {qaPageCSP},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"no-referrer"},
	}}
}
