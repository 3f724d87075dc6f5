package mock

import "net/http"

// routingDefects are the defects of routing: the router's habits (BEHAVIOUR.md: Routing).
var routingDefects = []*defect{
	{name: "unknown-path-plain-404",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusNotFound {
				r.Header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
				r.Body = []byte("404 page not found\n")
			}
		}},
	{name: "wrong-method-404",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusMethodNotAllowed {
				*r = *errorResponse(errorf(http.StatusNotFound, "Not Found"))
			}
		}},
	{name: "trailing-slash-404",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusTemporaryRedirect {
				*r = *errorResponse(errorf(http.StatusNotFound, "Not Found"))
			}
		}},
	{name: "identity-before-routing",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && x.caller.err != nil && (r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed) {
				*r = *errorResponse(x.caller.err)
			}
		}},
}
