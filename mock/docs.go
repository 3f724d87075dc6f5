package mock

// The documents a FastAPI service serves of itself (fastapi/applications.py:
// FastAPI.setup): its OpenAPI document at /openapi.json, Swagger UI at /docs
// with its OAuth2 redirect page, and ReDoc at /redoc. setup() adds these
// routes before any of the app's own, so they win over an operation the
// spec declares at the same path and method; any other method at these
// paths goes to the spec, else is a 405. They are logged, not journaled:
// the journal shows what clients did with the API, and a browser opening
// /docs is not that.

import (
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"gopkg.in/yaml.v3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// FastAPI's default URLs (fastapi/applications.py: FastAPI.__init__
// openapi_url, docs_url, redoc_url, swagger_ui_oauth2_redirect_url).
const (
	openapiURL        = "/openapi.json"
	docsURL           = "/docs"
	redocURL          = "/redoc"
	oauth2RedirectURL = "/docs/oauth2-redirect"
)

// documents are the bodies served at FastAPI's URLs, built once from the
// spec.
type documents struct {
	byPath map[string]*response
}

// newDocuments renders the spec as JSON and the HTML pages with its title.
func newDocuments(sp *spec.Spec) (documents, error) {
	openapiJSON, err := documentJSON(sp.Raw)
	if err != nil {
		return documents{}, fmt.Errorf("spec: render %s: %w", openapiURL, err)
	}
	title := ""
	if sp.Doc.Info != nil {
		title = sp.Doc.Info.Title
	}
	html := func(body string) *response {
		return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(body)}
	}
	return documents{byPath: map[string]*response{
		openapiURL: {Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: openapiJSON},
		docsURL:    html(swaggerUIHTML(openapiURL, title+" - Swagger UI", oauth2RedirectURL)),
		redocURL:   html(redocHTML(openapiURL, title+" - ReDoc")),
		// FastAPI serves it with Swagger UI: a browser returns there from an
		// OAuth2 authorization.
		oauth2RedirectURL: html(swaggerUIOAuth2RedirectHTML),
	}}, nil
}

// serveDocument answers a request for one of FastAPI's own URLs, and
// reports whether it did. GET and HEAD are served (Starlette's Route adds
// HEAD to GET); another method goes to the spec when it declares one
// there, else it is FastAPI's 405 from its own route, which comes first
// (starlette/routing.py: Router.app keeps the first partial match;
// Route.handle answers 405 with Allow).
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request, start time.Time) bool {
	doc := s.documents.byPath[r.URL.Path]
	if doc == nil {
		return false
	}
	resp := doc
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if _, _, err := s.spec.FindRoute(r); err == nil {
			return false
		}
		e := errorf(http.StatusMethodNotAllowed, "Method Not Allowed")
		// A Python set of {"GET", "HEAD"}: its order varies with the
		// interpreter's hash seed.
		e.Header = http.Header{"Allow": {"GET, HEAD"}}
		resp = errorResponse(e)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(resp.Body)))
	s.logRequest(r, resp.Status, time.Since(start))
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.Body)
	}
	return true
}

// isDocumentPath: a path FastAPI serves itself, which its redirect_slashes
// also finds.
func (s *Server) isDocumentPath(path string) bool { return s.documents.byPath[path] != nil }

// routeOrDocument is routing with FastAPI's own routes in: nil when the
// spec or FastAPI's own routes take the path with some method.
func (s *Server) routeOrDocument(r *http.Request) error {
	if s.isDocumentPath(r.URL.Path) {
		return nil
	}
	_, _, err := s.spec.FindRoute(r)
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		return nil
	}
	return err
}

// documentJSON is the document as FastAPI's openapi route sends it:
// Starlette's JSONResponse, json.dumps with ensure_ascii=False and compact
// separators, keys in the order the document declares them. A YAML source
// is converted; a JSON one comes out in the same form as a FastAPI
// service's.
func documentJSON(source []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(source, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 {
		return nil, errors.New("empty document")
	}
	v, err := yamlValue(root.Content[0], 0)
	if err != nil {
		return nil, err
	}
	return stack.DumpJSON(v), nil
}

// maxDocumentDepth stops an alias that refers to itself.
const maxDocumentDepth = 200

// yamlValue is a YAML node as the JSON value it stands for.
func yamlValue(n *yaml.Node, depth int) (any, error) {
	if depth > maxDocumentDepth {
		return nil, errors.New("nested too deep")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], depth+1)
	case yaml.SequenceNode:
		items := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case yaml.MappingNode:
		d := stack.NewDict()
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := yamlValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			d.Set(n.Content[i].Value, v)
		}
		return d, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int", "!!float":
		// An integer too large for int64 is a float to YAML's resolver, an
		// int to Python's json.
		var i big.Int
		if _, ok := i.SetString(strings.ReplaceAll(n.Value, "_", ""), 0); ok {
			return &i, nil
		}
		if n.ShortTag() == "!!int" {
			return nil, fmt.Errorf("line %d: integer %q", n.Line, n.Value)
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		return f, nil
	}
	// Strings, and what YAML alone reads otherwise (a timestamp, binary):
	// JSON has them as the text written.
	return n.Value, nil
}

// swaggerUIHTML is fastapi/openapi/docs.py: get_swagger_ui_html with
// FastAPI's defaults (swagger_ui_default_parameters, the CDN's
// swagger-ui-dist@5, no init_oauth), as FastAPI.setup calls it. The title
// is written in as FastAPI writes it, unescaped.
func swaggerUIHTML(openapiURL, title, oauth2RedirectURL string) string {
	return `
    <!DOCTYPE html>
    <html>
    <head>
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <title>` + title + `</title>
    </head>
    <body>
    <div id="swagger-ui">
    </div>
    <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
    <!-- ` + "`SwaggerUIBundle`" + ` is now available on the page -->
    <script>
    const ui = SwaggerUIBundle({
        url: '` + openapiURL + `',
    "dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
"showExtensions": true,
"showCommonExtensions": true,
oauth2RedirectUrl: window.location.origin + '` + oauth2RedirectURL + `',
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
    </script>
    </body>
    </html>
    `
}

// redocHTML is fastapi/openapi/docs.py: get_redoc_html with FastAPI's
// defaults (redoc@2 from the CDN, Google fonts).
func redocHTML(openapiURL, title string) string {
	return `
    <!DOCTYPE html>
    <html>
    <head>
    <title>` + title + `</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <!--
    ReDoc doesn't change outer page styles
    -->
    <style>
      body {
        margin: 0;
        padding: 0;
      }
    </style>
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="` + openapiURL + `"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"> </script>
    </body>
    </html>
    `
}

// swaggerUIOAuth2RedirectHTML is fastapi/openapi/docs.py:
// get_swagger_ui_oauth2_redirect_html (Swagger UI v4.14.0's
// oauth2-redirect.html, as FastAPI copies it).
const swaggerUIOAuth2RedirectHTML = `
    <!doctype html>
    <html lang="en-US">
    <head>
        <title>Swagger UI: OAuth2 Redirect</title>
    </head>
    <body>
    <script>
        'use strict';
        function run () {
            var oauth2 = window.opener.swaggerUIRedirectOauth2;
            var sentState = oauth2.state;
            var redirectUrl = oauth2.redirectUrl;
            var isValid, qp, arr;

            if (/code|token|error/.test(window.location.hash)) {
                qp = window.location.hash.substring(1).replace('?', '&');
            } else {
                qp = location.search.substring(1);
            }

            arr = qp.split("&");
            arr.forEach(function (v,i,_arr) { _arr[i] = '"' + v.replace('=', '":"') + '"';});
            qp = qp ? JSON.parse('{' + arr.join() + '}',
                    function (key, value) {
                        return key === "" ? value : decodeURIComponent(value);
                    }
            ) : {};

            isValid = qp.state === sentState;

            if ((
              oauth2.auth.schema.get("flow") === "accessCode" ||
              oauth2.auth.schema.get("flow") === "authorizationCode" ||
              oauth2.auth.schema.get("flow") === "authorization_code"
            ) && !oauth2.auth.code) {
                if (!isValid) {
                    oauth2.errCb({
                        authId: oauth2.auth.name,
                        source: "auth",
                        level: "warning",
                        message: "Authorization may be unsafe, passed state was changed in server. The passed state wasn't returned from auth server."
                    });
                }

                if (qp.code) {
                    delete oauth2.state;
                    oauth2.auth.code = qp.code;
                    oauth2.callback({auth: oauth2.auth, redirectUrl: redirectUrl});
                } else {
                    let oauthErrorMsg;
                    if (qp.error) {
                        oauthErrorMsg = "["+qp.error+"]: " +
                            (qp.error_description ? qp.error_description+ ". " : "no accessCode received from the server. ") +
                            (qp.error_uri ? "More info: "+qp.error_uri : "");
                    }

                    oauth2.errCb({
                        authId: oauth2.auth.name,
                        source: "auth",
                        level: "error",
                        message: oauthErrorMsg || "[Authorization failed]: no accessCode received from the server."
                    });
                }
            } else {
                oauth2.callback({auth: oauth2.auth, token: qp, isValid: isValid, redirectUrl: redirectUrl});
            }
            window.close();
        }

        if (document.readyState !== 'loading') {
            run();
        } else {
            document.addEventListener('DOMContentLoaded', function () {
                run();
            });
        }
    </script>
    </body>
    </html>
        `
