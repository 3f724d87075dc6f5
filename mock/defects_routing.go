package mock

import "net/http"

// routingDefects are the defects of routing: the router's habits (BEHAVIOUR.md: Routing).
var routingDefects = []*defect{
	{name: "unknown-path-plain-404", rule: "route.unknown-path", description: "an unknown path answers the router's plain-text 404 page not found",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusNotFound {
				r.Header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
				r.Body = []byte("404 page not found\n")
			}
		}},
	{name: "wrong-method-404", rule: "route.wrong-method", description: "another method on a known path is 404 (the router matches method and path together)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusMethodNotAllowed {
				*r = *errorResponse(errorf(http.StatusNotFound, "Not Found"))
			}
		}},
	{name: "trailing-slash-404", rule: "route.trailing-slash-redirect", description: "a trailing slash is 404 (strict slashes, no redirect)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && r.Status == http.StatusTemporaryRedirect {
				*r = *errorResponse(errorf(http.StatusNotFound, "Not Found"))
			}
		}},
	{name: "identity-before-routing", rule: "order.route-before-identity", description: "credentials are checked before the route: an unknown path or method without a token is 401 (an auth middleware in front of the router)",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil && x.caller.err != nil && (r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed) {
				*r = *errorResponse(x.caller.err)
			}
		}},
}
