package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// maxRecordedBody bounds the request and response bodies a recorder keeps;
// a larger body is still forwarded whole.
const maxRecordedBody = 1 << 20

// Recorder is a reverse proxy that forwards a client's traffic to an
// implementation of the API and keeps each exchange, checked against the
// spec, to be written as a flow fixture (Fixture). Tokens are never kept:
// each request is recorded as the profile role whose token it carried.
type Recorder struct {
	proxy   *httputil.ReverseProxy
	profile *Profile
	spec    *spec.Spec
	// roles maps a profile token to its role.
	roles map[string]string
	// log receives a line per exchange and every spec violation.
	log  io.Writer
	mask *strings.Replacer

	mu        sync.Mutex
	exchanges []fixtures.Exchange
}

// NewRecorder proxies to upstream. profile gives the tokens and the ids
// the recording turns into roles and placeholders; log receives a line
// per exchange recorded (nil: nothing is written).
func NewRecorder(upstream string, profile *Profile, sp *spec.Spec, log io.Writer) (*Recorder, error) {
	if err := checkBaseURL(upstream); err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	target, err := url.Parse(strings.TrimSuffix(upstream, "/"))
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = io.Discard
	}
	r := &Recorder{profile: profile, spec: sp, roles: map[string]string{}, log: log, mask: profile.masker()}
	for role, token := range profile.Tokens {
		// A partial profile's missing token is no one's: an empty bearer
		// must not pass for that role.
		if token != "" {
			r.roles[token] = role
		}
	}
	r.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.SetXForwarded()
		},
		ModifyResponse: r.record,
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			fmt.Fprintf(r.log, "not recorded: %s %s: upstream: %s\n", req.Method, req.URL.Path, r.mask.Replace(err.Error()))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprintf(w, "{\"detail\":%q}\n", "recorder: upstream did not answer")
		},
	}
	return r, nil
}

// incoming is the request as the client sent it, kept by ServeHTTP in the
// request's context for record: the forwarded request's URL is
// upstream's.
type incoming struct {
	req  *http.Request
	body []byte
}

type incomingKey struct{}

// ServeHTTP forwards a request upstream and records the exchange.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	in := &incoming{req: req}
	if req.Body != nil && req.Body != http.NoBody {
		// Keep the body for the recording and forward the same bytes.
		body, err := io.ReadAll(io.LimitReader(req.Body, maxRecordedBody+1))
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, "{\"detail\":%q}\n", "recorder: reading the request: "+err.Error())
			return
		}
		rest := req.Body
		req.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), rest), rest}
		in.body = body
	}
	r.proxy.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), incomingKey{}, in)))
}

// record keeps one exchange; it is the proxy's ModifyResponse.
func (r *Recorder) record(resp *http.Response) error {
	req := resp.Request
	if req.Method == http.MethodOptions || strings.HasPrefix(req.URL.Path, "/__mock/") {
		// CORS preflights and the mock's control API are forwarded, not
		// part of the session.
		return nil
	}
	// The path the client used is what a replay sends to its base URL.
	kept, ok := req.Context().Value(incomingKey{}).(*incoming)
	if !ok {
		return nil
	}
	in := kept.req
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody+1))
	if err != nil {
		return err
	}
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}

	x := fixtures.Exchange{Method: in.Method, Path: in.URL.Path, RawQuery: in.URL.RawQuery, Status: resp.StatusCode, As: fixtures.NoToken}
	if auth := in.Header.Get("Authorization"); auth != "" {
		scheme, token, _ := strings.Cut(auth, " ")
		if role, ok := r.roles[strings.TrimSpace(token)]; ok && strings.EqualFold(scheme, "Bearer") {
			x.As = role
		} else {
			x.UnknownToken = true
		}
	}
	if p := in.Header.Get("Prefer"); p != "" {
		x.Headers = map[string]string{"Prefer": p}
	}
	reqBody := kept.body
	switch {
	case len(reqBody) > maxRecordedBody:
		x.Notes = append(x.Notes, "The request body was over 1 MiB and is not recorded.")
	case len(reqBody) > 0:
		x.ContentType, x.RequestBody = in.Header.Get("Content-Type"), reqBody
	}
	if len(body) > maxRecordedBody {
		x.Notes = append(x.Notes, "The response body was over 1 MiB and is not recorded.")
	} else if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		x.ResponseBody = body
	}

	violation := r.check(in, resp, body, &x)
	r.mu.Lock()
	r.exchanges = append(r.exchanges, x)
	n := len(r.exchanges)
	r.mu.Unlock()

	fmt.Fprintf(r.log, "recorded %d: %s %s -> %d as %s\n", n, x.Method, requestTarget(x), x.Status, x.As)
	if violation != "" {
		fmt.Fprintf(r.log, "  spec violation: %s\n", violation)
	}
	return nil
}

// check validates the response against the spec, sets the exchange's
// operation and notes a violation; the violation is returned for the log.
func (r *Recorder) check(in *http.Request, resp *http.Response, body []byte, x *fixtures.Exchange) string {
	routed, err := http.NewRequestWithContext(in.Context(), in.Method, requestTarget(*x), nil)
	if err != nil {
		return ""
	}
	routed.Header = in.Header.Clone()
	routed.Header.Del("Authorization")
	route, params, err := r.spec.FindRoute(routed)
	switch {
	case errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed):
		if resp.StatusCode < 400 {
			v := fmt.Sprintf("%s %s is not in openapi.yaml, yet answered %d", in.Method, in.URL.Path, resp.StatusCode)
			x.Notes = append(x.Notes, "spec: "+v)
			return v
		}
		return ""
	case err != nil:
		return ""
	}
	x.Operation, x.Member = route.Operation.OperationID, string(r.spec.Members().Of(route.Operation))
	if spec.UndocumentedStackAnswer(route.Operation, resp.StatusCode, resp.Header, body) {
		return ""
	}
	if err := r.spec.ValidateResponse(in.Context(), routed, route, params, resp.StatusCode, resp.Header, body); err != nil {
		v := r.mask.Replace(fmt.Sprintf("%s %s -> %d: %s", route.Method, route.Path, resp.StatusCode, violationText(err)))
		x.Notes = append(x.Notes, "spec: "+v)
		return v
	}
	return ""
}

// Len is how many exchanges have been recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.exchanges)
}

// Fixture writes the session as a flow fixture file with one case of that
// name; comments head the file.
func (r *Recorder) Fixture(name string, comments ...string) ([]byte, error) {
	r.mu.Lock()
	exchanges := append([]fixtures.Exchange(nil), r.exchanges...)
	r.mu.Unlock()
	data, err := fixtures.Record(fixtures.Recording{Name: name, Comments: comments, Profile: fixtures.ProfileIDs{
		OrganizationID:      r.profile.OrganizationID,
		OtherOrganizationID: r.profile.OtherOrganizationID,
		CandidateUserIDs:    r.profile.CandidateUserIDs,
	}}, exchanges)
	if err != nil {
		return nil, err
	}
	// The recording must load as any fixture file does.
	if err := fixtures.CheckFile(name+".yaml", data); err != nil {
		return nil, fmt.Errorf("the recording does not load (a bug of the recorder): %w", err)
	}
	return data, nil
}

func requestTarget(x fixtures.Exchange) string {
	if x.RawQuery == "" {
		return x.Path
	}
	return x.Path + "?" + x.RawQuery
}
