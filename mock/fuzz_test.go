package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// fuzzTarget is one mock shared by the inputs of a fuzz worker. Requests go
// straight to the handler (no socket): the raw request is parsed by
// net/http's own parser, then served.
type fuzzTarget struct {
	srv   *Server
	sp    *spec.Spec
	seed  []byte // GET /__mock/state of the seeded world
	errs  *openapi3.Schema
	valid *openapi3.Schema
}

func newFuzzTarget(f *testing.F) *fuzzTarget {
	m, err := New(Config{Seed: 1})
	if err != nil {
		f.Fatal(err)
	}
	ft := &fuzzTarget{srv: m, sp: m.spec}
	ft.errs = m.spec.Doc.Components.Schemas["HTTPError"].Value
	ft.valid = m.spec.Doc.Components.Schemas["HTTPValidationError"].Value
	ft.seed = ft.state(f)
	return ft
}

// serve parses raw as an HTTP/1.1 request and serves it; ok is false when
// net/http itself would refuse the request.
func (ft *fuzzTarget) serve(raw []byte, bound time.Duration) (*httptest.ResponseRecorder, *http.Request, bool) {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	req = req.WithContext(ctx)
	req.RemoteAddr = "127.0.0.1:1234"
	rec := httptest.NewRecorder()
	ft.srv.ServeHTTP(rec, req)
	return rec, req, true
}

func (ft *fuzzTarget) state(t testing.TB) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	ft.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/__mock/state", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /__mock/state: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func (ft *fuzzTarget) reset(t testing.TB) {
	t.Helper()
	rec := httptest.NewRecorder()
	ft.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__mock/reset", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /__mock/reset: %d %s", rec.Code, rec.Body)
	}
}

// checkError holds an error body to the spec: HTTPValidationError for a
// 422, HTTPError for any other error of a routed request, and
// {"detail": string} for the rest (404, 405, the control API).
func (ft *fuzzTarget) checkError(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%d with Content-Type %q, want application/json; body %q", status, ct, body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%d body is not JSON: %v: %q", status, err, body)
	}
	schema := ft.errs
	if status == http.StatusUnprocessableEntity {
		if obj, ok := v.(map[string]any); ok {
			if _, isList := obj["detail"].([]any); isList {
				schema = ft.valid
			}
		}
		route, _, err := ft.sp.FindRoute(req)
		if err == nil && route != nil {
			schema = ft.valid // a routed request's 422 is always FastAPI's list
		}
	}
	if err := schema.VisitJSON(v); err != nil {
		t.Fatalf("%d body %s does not match %s: %v", status, body, schema.Title, err)
	}
}

// isVisibleASCII: every byte of s is one h11 takes in a request target
// (h11/_abnf.py: request_target = vchar+, bytes 21 to 7E).
func isVisibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// FuzzPipeline sends arbitrary requests through the whole pipeline: the
// mock must not panic, must not answer 5xx, must write every error in the
// spec's error format, and must leave the stored state as it was after any
// request it rejected.
func FuzzPipeline(f *testing.F) {
	ft := newFuzzTarget(f)
	p := ft.srv.Profile("http://127.0.0.1")
	org, other := p.OrganizationID, p.OtherOrganizationID
	member := ""
	ft.srv.store.read(func(w *world) { member = w.byOrg[org][0].ID() })
	cand := p.CandidateUserIDs[0]
	auth := func(tok string) string { return "Authorization: Bearer " + tok + "\n" }
	json := "Content-Type: application/json\n"
	for _, s := range []struct {
		method, path, query, headers string
		body                         string
	}{
		{"GET", "/api/organization/" + org + "/member", "page=1&page_size=5", auth(TokenAnalyst), ""},
		{"GET", "/api/organization/" + org + "/member", "query=ANN&page_size=100", auth(TokenOrgAdmin), ""},
		{"GET", "/api/organization/" + org + "/member", "page_size=500&page=0&page=", auth(TokenAnalyst), ""},
		{"GET", "/api/organization/" + strings.ToUpper(org) + "/member", "", auth(TokenSystemAdmin), ""},
		{"GET", "/api/organization/" + other + "/member", "", auth(TokenOutsider), ""},
		{"GET", "/api/organization/not-a-uuid/member", "", auth(TokenAnalyst), ""},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenOrgAdmin) + json, `{"user_id":"` + cand + `"}`},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenOrgAdmin) + json, `{"user_id":"` + cand + `","role":"SYSTEM_ADMIN"}`},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenAnalyst) + json, `{"user_id":"` + cand + `"}`},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenOrgAdmin) + json, `{"user_id":`},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenOrgAdmin) + "Content-Type: text/plain\n", `hello`},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenOrgAdmin) + json, `[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]`},
		{"POST", "/api/organization/" + org + "/member", "", auth(TokenOrgAdmin) + json, `{"user_id":"` + cand + `","organization_id":"` + other + `"}`},
		{"PUT", "/api/organization/" + org + "/member/" + member, "", auth(TokenOrgAdmin) + json, `{"role":"ORGANIZATION_ADMIN"}`},
		{"PUT", "/api/organization/" + org + "/member/" + member, "", auth(TokenOrgAdmin) + json, `{}`},
		{"PUT", "/api/organization/" + org + "/member/" + member, "", auth(TokenOrgAdmin) + json, `{"role":null,"user_id":1}`},
		{"DELETE", "/api/organization/" + org + "/member/" + member, "", auth(TokenOrgAdmin), ""},
		{"DELETE", "/api/organization/" + org + "/member/" + member, "", auth(TokenSuspended), ""},
		{"PATCH", "/api/organization/" + org + "/member/" + member, "", auth(TokenOrgAdmin), ""},
		{"GET", "/api/organization/" + org + "/member", "", auth(TokenAnalyst) + "Prefer: code=404, example=member\n", ""},
		{"GET", "/api/organization/" + org + "/member", "", auth(TokenAnalyst) + "Prefer: dynamic=true\n", ""},
		{"GET", "/api/organization/" + org + "/member", "", auth(TokenAnalyst) + "Prefer: code=599\n", ""},
		{"GET", "/api/organization/" + org + "/member", "", auth(TokenAnalyst) + "Prefer: delay=60000\n", ""},
		{"OPTIONS", "/api/organization/" + org + "/member", "", "Origin: http://x\nAccess-Control-Request-Method: POST\n", ""},
		{"GET", "/api/organization/" + org + "/member", "", "Authorization: Basic abc\n", ""},
		{"GET", "/api/organization/" + org + "/member", "", "Authorization: Bearer nobody\n", ""},
		{"GET", "/", "", "", ""},
		{"GET", "/__mock/profile", "", "", ""},
		{"PUT", "/__mock/state", "", json, `{"organizations":null}`},
		{"PUT", "/__mock/state", "", json, `null`},
		{"POST", "/__mock/scenarios", "", json, `{"match":{"operation":"get_organization_members"},"effect":{"fault":"reset"},"count":1}`},
		{"POST", "/__mock/scenarios", "", json, `{"match":{"operation":"nope"},"effect":{"status":999}}`},
		{"DELETE", "/__mock/requests", "", "", ""},
	} {
		f.Add(s.method, s.path, s.query, s.headers, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, query, headers string, body []byte) {
		var raw bytes.Buffer
		target := path
		if query != "" {
			target += "?" + query
		}
		fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
		if headers != "" {
			raw.WriteString(strings.TrimRight(headers, "\r\n"))
			raw.WriteString("\r\n")
		}
		fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n", len(body))
		raw.Write(body)

		rec, req, ok := ft.serve(raw.Bytes(), 50*time.Millisecond)
		if !ok {
			return // net/http answers 400 itself; the mock never sees it
		}
		status := rec.Code
		if status >= 500 {
			t.Fatalf("%s %s: %d %s", req.Method, req.URL, status, rec.Body)
		}
		if status >= 200 && status < 300 {
			// A write (or an import, or a scenario) may have landed: start
			// the next input from the seed again.
			ft.reset(t)
			return
		}
		if status == http.StatusBadRequest && !isVisibleASCII(req.RequestURI) {
			// h11 refuses such a target before the app sees it, and uvicorn
			// answers in plain text, not in the API's error format
			// (h11/_abnf.py: request_target; uvicorn/protocols/http/h11_impl.py:
			// send_400_response; BEHAVIOUR.md's last table).
			if ct, got := rec.Header().Get("Content-Type"), rec.Body.String(); ct != "text/plain; charset=utf-8" || got != "Invalid HTTP request received." {
				t.Fatalf("%q: 400 %q %q, want uvicorn's plain-text 400", req.RequestURI, ct, got)
			}
		} else if status >= 400 {
			ft.checkError(t, req, status, rec.Header(), rec.Body.Bytes())
		}
		if after := ft.state(t); !bytes.Equal(after, ft.seed) {
			ft.reset(t)
			t.Fatalf("%s %s answered %d but changed the stored state", req.Method, req.URL, status)
		}
	})
}
