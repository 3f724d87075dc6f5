package mock

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// The defects of what real clients send (issue 22 point 4): a scheme in
// another case or spacing, a JSON content type with parameters or +json,
// the same list read again after a write, and server times against the
// client's clock. Each is caught by the case of its rule in fixtures/.
func init() { defects = append(defects, clientDefects...) }

var clientDefects = []*defect{
	{name: "bearer-scheme-case-sensitive", rule: "identity.scheme-case-and-spacing", description: `the scheme must be written "Bearer" (auth.startswith("Bearer ")): bearer or BEARER is 401 Not authenticated`,
		operation: onEveryOperation(func(x *exchange) *apiError {
			if auth := x.r.Header.Get("Authorization"); auth != "" && !strings.HasPrefix(auth, "Bearer ") {
				return unauthorized(detailNotAuthenticated)
			}
			return nil
		})},
	{name: "token-after-one-space", rule: "identity.scheme-case-and-spacing", description: `the token is auth.split(" ")[1]: with several spaces after the scheme it is empty, 401 Invalid authentication credentials`,
		operation: onEveryOperation(func(x *exchange) *apiError {
			if parts := strings.Split(x.r.Header.Get("Authorization"), " "); len(parts) > 1 && parts[1] == "" {
				return unauthorized(detailInvalidCredentials)
			}
			return nil
		})},
	{name: "scheme-split-on-any-whitespace", rule: "identity.scheme-case-and-spacing", description: "the header is read with auth.split(): a tab after the scheme separates it from the token (FastAPI splits at the first space only: 401)",
		mutate: func(s *Server, x *exchange, r *response) {
			auth := x.r.Header.Get("Authorization")
			fields := strings.Fields(auth)
			if r.Status != http.StatusUnauthorized || strings.Contains(auth, " ") || len(fields) != 2 || !strings.EqualFold(fields[0], "bearer") {
				return
			}
			again := x.r.Clone(x.r.Context())
			again.Header = x.r.Header.Clone()
			again.Header.Set("Authorization", "Bearer "+fields[1])
			again.Body = io.NopCloser(bytes.NewReader(x.rawBody))
			*r = *s.answer(again)
		}},
	{name: "json-content-type-exact", rule: "validation.body-json-media-types", description: `the body is decoded only when the content type is exactly application/json: a charset or another case leaves it undecoded (a 422)`,
		operation: refuseJSONBodyUnless(func(contentType string) bool { return contentType == "application/json" })},
	{name: "plus-json-undecoded", rule: "validation.body-json-media-types", description: "the body is decoded only as application/json (parameters dropped): an application/*+json body is left undecoded (a 422)",
		operation: refuseJSONBodyUnless(func(contentType string) bool {
			mediaType, _, _ := strings.Cut(contentType, ";")
			return strings.EqualFold(strings.TrimSpace(mediaType), "application/json")
		})},
	{name: "list-cached", rule: "list.read-after-write", description: "lists are cached per URL and caller for a minute, and writes do not clear the cache: the same list read again after a write is stale",
		operation: func(s *Server, inner operation) operation {
			type entry struct {
				at   time.Time
				resp response
			}
			var mu sync.Mutex
			cache := map[string]entry{}
			return func(x *exchange) (*response, *apiError) {
				if x.op != opList {
					return inner(x)
				}
				key := x.r.URL.RequestURI() + "\x00" + x.r.Header.Get("Authorization") + "\x00" + x.r.Header.Get("Cookie")
				now := s.cfg.Now()
				mu.Lock()
				e, ok := cache[key]
				mu.Unlock()
				if ok && now.Sub(e.at) < time.Minute {
					return e.resp.copy(), nil
				}
				resp, aerr := inner(x)
				if aerr == nil && resp != nil {
					mu.Lock()
					cache[key] = entry{at: now, resp: *resp.copy()}
					mu.Unlock()
				}
				return resp, aerr
			}
		}},
	{name: "server-local-time-as-utc", rule: "format.time-of-the-write", description: "times are the server's local wall time (UTC+2) written as UTC (datetime.now() where datetime.now(timezone.utc) was meant)",
		operation: func(s *Server, inner operation) operation {
			// Installed before the server serves: no request reads the
			// clock while it is replaced.
			utc := s.cfg.Now
			s.cfg.Now = func() time.Time { return utc().Add(2 * time.Hour) }
			return inner
		}},
}

// onEveryOperation refuses a request that reaches an operation when
// refuse says so.
func onEveryOperation(refuse func(x *exchange) *apiError) func(*Server, operation) operation {
	return func(_ *Server, inner operation) operation {
		return func(x *exchange) (*response, *apiError) {
			if aerr := refuse(x); aerr != nil {
				return nil, aerr
			}
			return inner(x)
		}
	}
}

// refuseJSONBodyUnless answers a JSON body (as FastAPI reads the content
// type: stack.IsJSONContentType) whose content type decodes does not
// accept as the service answers a body it did not decode: the request
// again, sent as text/plain. Nothing is written.
func refuseJSONBodyUnless(decodes func(contentType string) bool) func(*Server, operation) operation {
	return func(s *Server, inner operation) operation {
		return func(x *exchange) (*response, *apiError) {
			contentType := x.r.Header.Get("Content-Type")
			if len(x.rawBody) == 0 || !stack.IsJSONContentType(contentType) || decodes(contentType) {
				return inner(x)
			}
			header := x.r.Header.Clone()
			header.Set("Content-Type", "text/plain")
			return answerAgain(s, x, x.rawQuery, header), nil
		}
	}
}

// copy is a response that shares nothing with r.
func (r *response) copy() *response {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = bytes.Clone(r.Body)
	return &c
}
