package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// The API pipeline, top to bottom, in BEHAVIOUR.md's order:
//
//	read       the request read once into an immutable value (readRequest)
//	route      no operation: 404, 405 with Allow, 307 for a trailing slash
//	negotiate  a scenario taken and Prefer read, at one point (negotiate)
//	respond    the body decoded once, the token, Prefer, validation into
//	           typed values, operate, the documented status (respond)
//	defect     the seam a --defect takes over (rewrite; defects.go)
//	check      the response against the spec (responsecheck.go)
//
// ServeHTTP journals and writes what comes out. Nothing here changes the
// *http.Request: every stage reads the request value, and what validation
// makes of it is kept on the exchange.
//
// One verb per job:
//
//	serve        the exchange whole: read, respond, defect, check, journal,
//	             write (ServeHTTP; serveAPI for the API)
//	respond      the pipeline's answer to a request (respond; respondUnrouted
//	             when no operation takes it)
//	operate      act on the store, under its lock (operate, the stage a defect
//	             may wrap; operateAs with given rights; operateResource)
//	wouldAnswer  a defect's question: what respond answers another request,
//	             no scenario taken, nothing journaled
//	xResponse    a response made of x: specResponse from the spec alone (a
//	             scenario, Prefer, an operation outside the rules; prefer.go),
//	             viewResponse, listResponse, jsonResponse, errorResponse

// request is an API request as it entered, read once: nothing after
// readRequest reads the *http.Request for any of this, and nothing
// changes it.
type request struct {
	incoming *http.Request // its context, and the source of kin-openapi's copy
	method   string
	path     string // decoded, as Starlette routes it
	rawQuery string // as sent
	// parsedQuery is rawQuery parsed once with Starlette's rules
	// (stack.ParseQueryAll): every value of a repeated name, in order.
	parsedQuery map[string][]string
	header      http.Header
	// rawBody is the body as sent; nil past maxBodyBytes (bodyTooLarge) or
	// on a read error (bodyErr).
	rawBody      []byte
	bodyTooLarge bool
	bodyErr      error
	// route is nil when no operation takes the request (routeErr says why);
	// pathParams are its decoded segments, as sent.
	route      *routers.Route
	routeErr   error
	pathParams map[string]string
	caller     caller // the token resolved where the operation's scheme puts it
	operation  string // the operationId, as the journal and scenarios name it
	op         memberOp
	seen       *seen // what its reads could have seen: its answer waits for it (store.settle)
}

// exchange is a request on its way through the pipeline: the request as
// read, and what validation made of it.
type exchange struct {
	*request
	// params are the path parameters, canonical (ids lower case: the one
	// place they are); the decoded ones until validation passes.
	params map[string]string
	// query is the validated query, canonical, the spec's defaults written
	// in; list its page, size and search, typed.
	query url.Values
	list  listQuery
	// body is the validated body, decoded once (stack.Request.Body: the
	// spec's defaults written in, pydantic's coercions applied), nil
	// without one: the stages after validation read it, none decodes the
	// body again. It is only read: a defect that edits it edits a copy.
	body any
}

// plainRequest is a request outside the API (a preflight), for the log
// and the journal: its body is not read.
func plainRequest(r *http.Request) *request {
	return &request{incoming: r, method: r.Method, path: r.URL.Path, rawQuery: r.URL.RawQuery, header: r.Header}
}

// readRequest reads r once: the body as sent (journaled whatever the
// answer, so the journal's export replays what was sent), the query by
// Starlette's rules, the route and its decoded parameters, the caller.
func (s *Server) readRequest(r *http.Request) *request {
	req := plainRequest(r)
	req.rawBody, req.bodyTooLarge, req.bodyErr = readBody(r.Body)
	req.parsedQuery = stack.ParseQueryAll(req.rawQuery)
	req.route, req.pathParams, req.routeErr = s.findRoute(req.method, req.path)
	cred := s.credential
	if req.route != nil {
		cred = s.credentials[req.route.Operation]
		req.operation, req.op = req.route.Operation.OperationID, s.members.Of(req.route.Operation)
	}
	req.seen = new(seen)
	s.store.readFor(req.seen, func(w *world) { req.caller = resolveCaller(w, cred, r) })
	return req
}

// callerOf resolves req's caller from its headers, as readRequest does.
func (s *Server) callerOf(req *request) caller {
	cred := s.credentials[req.route.Operation]
	probe := &http.Request{Method: req.method, URL: req.incoming.URL, Header: req.header}
	var c caller
	s.store.read(func(w *world) { c = resolveCaller(w, cred, probe) })
	return c
}

// withHeader is the request as if sent with header (answer resolves its
// caller again).
func withHeader(req *request, header http.Header) *request {
	again := *req
	again.header = header
	return &again
}

// withQuery is the request as if sent with rawQuery.
func withQuery(req *request, rawQuery string) *request {
	again := *req
	again.rawQuery, again.parsedQuery = rawQuery, stack.ParseQueryAll(rawQuery)
	return &again
}

// readBody reads a request body, up to one byte past the limit.
func readBody(body io.ReadCloser) (raw []byte, tooLarge bool, err error) {
	if body == nil || body == http.NoBody {
		return nil, false, nil
	}
	data, err := io.ReadAll(io.LimitReader(body, maxBodyBytes+1))
	switch {
	case err != nil:
		return nil, false, err
	case len(data) > maxBodyBytes:
		return nil, true, nil
	}
	return data, false, nil
}

// serveAPI is the pipeline: the response to send, checked, the spec
// violations found in it, and the fault a scenario asks for, if any.
func (s *Server) serveAPI(r *http.Request) (*exchange, *response, []string, string) {
	req := s.readRequest(r)
	x := &exchange{request: req, params: req.pathParams}
	if req.route == nil {
		// Routing's answers pass the defect seam too (a router's habits are
		// backend bugs like any other); no operation, so no spec to check.
		resp := s.respondUnrouted(req)
		s.rewrite(x, resp)
		return x, resp, nil, ""
	}
	n := s.negotiate(x, true)
	resp := s.respond(x, n)
	s.rewrite(x, resp)
	resp, problems := s.check.response(x, resp)
	return x, resp, problems, n.fault
}

// wouldAnswer is what the pipeline would answer a routed request as sent
// otherwise (a defect's question, its caller resolved again from its
// headers): no scenario taken, not journaled, past neither the defect seam
// nor the check.
func (s *Server) wouldAnswer(req *request) *response {
	again := *req
	again.caller = s.callerOf(req)
	x := &exchange{request: &again, params: again.pathParams}
	return s.respond(x, s.negotiate(x, false))
}

// negotiated is what a request asks of the mock rather than of the
// service: a scenario's effect and the Prefer header.
type negotiated struct {
	scenario ScenarioEffect
	matched  bool
	fault    string
	prefer   preference
	// preferErr is answered only once the caller is known: the service
	// ignores Prefer, so a request it refuses for its token is refused
	// whatever Prefer says.
	preferErr *apiError
}

// fromScenario is the answer a matched scenario forces, from the spec
// alone.
func (n negotiated) fromScenario() (preference, bool) {
	p := preference{code: n.scenario.Status, example: n.scenario.Example, dynamic: n.scenario.Dynamic}
	return p, n.matched && (p.forced() || n.fault != "")
}

// negotiate decides, at one point, what the mock's own controls ask: the
// first live scenario matching the request (used up by one), and Prefer.
func (s *Server) negotiate(x *exchange, withScenarios bool) negotiated {
	var n negotiated
	if withScenarios {
		n.scenario, n.fault, n.matched = s.scenarios.take(x.operation, x.caller.standing, x.caller.err == nil, x.pathParams)
	}
	n.prefer, n.preferErr = parsePrefer(x.header.Get("Prefer"))
	return n
}

// respond makes the answer of a routed request: a scenario's, else the
// body decoded once (as FastAPI does before anything else), the token,
// Prefer, validation, the operation, the documented status.
func (s *Server) respond(x *exchange, n negotiated) *response {
	ctx := x.incoming.Context()
	if n.matched {
		sleep(ctx, time.Duration(n.scenario.DelayMS)*time.Millisecond)
	}
	if forced, ok := n.fromScenario(); ok {
		// Scenario answers and faults come from the spec alone: the store
		// is not touched.
		return s.specResponse(x, forced)
	}
	body, aerr := decodeBody(x.request)
	if aerr != nil {
		return errorResponse(aerr)
	}
	if x.caller.err != nil && needsToken(s.spec.Doc, x.route.Operation) {
		return errorResponse(x.caller.err)
	}
	if n.preferErr != nil {
		return errorResponse(n.preferErr)
	}
	sleep(ctx, n.prefer.delay)
	if n.prefer.forced() {
		return s.specResponse(x, n.prefer)
	}
	// Every request is validated: no memo of earlier requests, since real
	// clients never send the same one twice (humm-load measures that).
	if aerr := s.validate(x, body); aerr != nil {
		return errorResponse(aerr)
	}
	resp, aerr := s.operate(x)
	if aerr != nil {
		return errorResponse(aerr)
	}
	s.asDocumented(x, resp)
	return resp
}

// validate validates as FastAPI does (internal/stack) and keeps the typed
// values on the exchange; a request with a construct the stack package
// does not model goes to kin-openapi instead.
func (s *Server) validate(x *exchange, body stack.Body) *apiError {
	p := stack.ValidateRequestAll(s.spec.PropertyOrder, x.route, x.pathParams, x.parsedQuery, x.header, body)
	if p.Unmodeled {
		return s.validateWithSpec(x, body)
	}
	if len(p.Issues) > 0 {
		return validationFailed(p.Issues...)
	}
	query := make(url.Values, len(p.Query)+len(p.QueryLists))
	for name, value := range p.Query {
		query[name] = []string{value}
	}
	for name, values := range p.QueryLists {
		query[name] = values
	}
	x.validated(s.spec.ListParameters(x.route), p.Params, query, p.Body)
	return nil
}

// validateWithSpec runs kin-openapi on a copy of the request as sent,
// every problem reported and the spec's defaults written in.
func (s *Server) validateWithSpec(x *exchange, body stack.Body) *apiError {
	probe := x.incoming.Clone(x.incoming.Context())
	probe.Header = x.header.Clone() // kin-openapi writes defaults in
	probe.Body = http.NoBody
	if body.Sent {
		probe.Body = io.NopCloser(bytes.NewReader(body.Raw))
	}
	err := openapi3filter.ValidateRequest(probe.Context(), &openapi3filter.RequestValidationInput{
		Request: probe, PathParams: x.pathParams, Route: x.route, Options: s.spec.RequestOptions(),
	})
	if err != nil {
		return validationFailed(validationIssues(err)...)
	}
	// The query as read, with the defaults kin-openapi wrote in.
	query := url.Values{}
	for name, values := range x.parsedQuery {
		query[name] = values
	}
	for name, values := range probe.URL.Query() {
		if _, sent := query[name]; !sent {
			query[name] = values
		}
	}
	// kin-openapi hands its validated body back only as bytes, its
	// defaults written in: this path, for constructs internal/stack does
	// not model, decodes them once more, as kin-openapi decodes JSON.
	var validated any
	if x.route.Operation.RequestBody != nil && body.Sent {
		data, err := io.ReadAll(probe.Body)
		if err != nil {
			return errorf(http.StatusInternalServerError, "read validated body: %v", err)
		}
		if json.Unmarshal(data, &validated) != nil {
			validated = nil // not JSON: refused as no object (bodyOf)
		}
	}
	x.validated(s.spec.ListParameters(x.route), x.pathParams, query, validated)
	return nil
}

// validated keeps what validation made of the request: path parameters
// with their ids in lower case (uuids are compared so: the one place ids
// are canonicalised), the query and the list's typed paging and search
// (read by the roles paging names, paging.go), the body.
func (x *exchange) validated(paging spec.ListParameters, params map[string]string, query url.Values, body any) {
	x.params = make(map[string]string, len(params))
	for name, value := range params {
		x.params[name] = strings.ToLower(value)
	}
	x.query, x.body = query, body
	x.list = readListQuery(paging, query)
}

// routeMemoPath bounds the paths whose routes are remembered.
const routeMemoPath = 512

// findRoute routes a method and decoded path from the spec, remembering
// the answer for a method and path seen before (routing is a third of an
// update's work).
func (s *Server) findRoute(method, path string) (*routers.Route, map[string]string, error) {
	if len(path) > routeMemoPath {
		return s.routeDecoded(method, path)
	}
	v := s.routeMemo.remember(method+" "+path, func() any {
		route, params, err := s.routeDecoded(method, path)
		return foundRoute{route, params, err}
	}).(foundRoute)
	return v.route, v.params, v.err
}

// routeDecoded routes the decoded path (Starlette's: %2F is a separator
// there); path parameters are the decoded segments, as Starlette passes
// them (the router hands them over escaped).
func (s *Server) routeDecoded(method, path string) (*routers.Route, map[string]string, error) {
	route, params, err := s.spec.FindRoute(&http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}})
	for name, value := range params {
		if decoded, uerr := url.PathUnescape(value); uerr == nil {
			params[name] = decoded
		}
	}
	return route, params, err
}

// foundRoute is what routing a method and path gave; params are only read.
type foundRoute struct {
	route  *routers.Route
	params map[string]string
	err    error
}

// respondUnrouted is the answer to a request no operation takes: 405 with
// Allow, a 307 for a trailing slash, else 404.
func (s *Server) respondUnrouted(req *request) *response {
	if errors.Is(req.routeErr, routers.ErrMethodNotAllowed) {
		e := errorf(http.StatusMethodNotAllowed, "Method Not Allowed")
		e.Header = http.Header{"Allow": {s.spec.Allow(req.incoming)}}
		return errorResponse(e)
	}
	if location := s.slashRedirect(req.incoming); location != "" {
		return &response{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {location}}}
	}
	return errorResponse(errorf(http.StatusNotFound, "Not Found"))
}

// sleep waits d, or until the client goes away.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
