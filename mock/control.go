package mock

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// controlPrefix is the mock's own API, kept out of openapi.yaml.
const controlPrefix = "/__mock/"

// Profile is the contract runner's target profile for this mock.
type Profile struct {
	BaseURL             string            `json:"base_url"`
	Tokens              map[string]string `json:"tokens"`
	OrganizationID      string            `json:"organization_id"`
	OtherOrganizationID string            `json:"other_organization_id"`
	CandidateUserIDs    []string          `json:"candidate_user_ids"`
	// AnalystMemberID is an analyst's membership in OrganizationID held by
	// none of the tokens: something to promote in the README's tour.
	AnalystMemberID string `json:"-"`
}

// tokenStandings orders the tokens in the shell profile.
var tokenStandings = []string{"system_admin", "org_admin", "analyst", "suspended", "outsider"}

// WriteShell writes the profile as shell assignments, the block humm-mock
// prints at start and GET /__mock/profile?format=shell serves, so that a
// terminal needs nothing but curl: eval "$(curl -s $BASE/__mock/profile?format=shell)".
func (p Profile) WriteShell(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "export BASE=%s\n", p.BaseURL)
	fmt.Fprintf(&b, "export ORG=%s OTHER_ORG=%s\n", p.OrganizationID, p.OtherOrganizationID)
	candidate := ""
	if len(p.CandidateUserIDs) > 0 {
		candidate = p.CandidateUserIDs[0]
	}
	fmt.Fprintf(&b, "# a user who is no member of ORG yet, and an analyst of ORG:\nexport CANDIDATE=%s MEMBER=%s\n", candidate, p.AnalystMemberID)
	b.WriteString("# development tokens, one per standing in ORG:\n")
	for _, standing := range tokenStandings {
		fmt.Fprintf(&b, "export TOKEN_%s=%s\n", strings.ToUpper(standing), p.Tokens[standing])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Profile describes the mock's current world for the contract runner.
func (s *Server) Profile(baseURL string) Profile {
	p := Profile{BaseURL: baseURL, Tokens: map[string]string{}}
	s.store.read(func(w *world) {
		for _, id := range w.identities {
			p.Tokens[id.Standing] = id.Token
		}
		p.OrganizationID, p.OtherOrganizationID = w.organizationID, w.otherOrganizationID
		p.CandidateUserIDs = candidateUsers(w, w.organizationID, candidateCount)
		p.AnalystMemberID = untokenedAnalyst(w, w.organizationID)
	})
	return p
}

// control serves /__mock/*: the QA page's files, then the route table
// (controlRoutes); a path no route has is a 404, a method its routes do not
// take a 405 with Allow, both in the API's error format.
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	resp := s.controlResponse(r, start)
	s.logRequest(r, resp.Status, time.Since(start))
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// controlCall is one call of a control route: the request, the values of
// the pattern's {name} segments, and the body, read for a route that
// journals it.
type controlCall struct {
	r       *http.Request
	vars    map[string]string
	body    []byte
	readErr error
}

// controlRoute is one operation of the control API: a method and a path
// below /__mock/, a {name} segment matching any one segment. public routes
// need no admin token; journaled ones change the world by hand and are
// journaled as control changes (the rest are logged, and kept out of the
// journal, which shows what clients of the API sent).
type controlRoute struct {
	method, pattern   string
	public, journaled bool
	serve             func(s *Server, c controlCall) *response
}

var controlRoutes = []controlRoute{
	{method: http.MethodGet, pattern: "health", public: true, serve: func(*Server, controlCall) *response {
		return jsonResponse(http.StatusOK, map[string]string{"status": "ok"})
	}},
	{method: http.MethodGet, pattern: "profile", serve: (*Server).controlProfile},
	{method: http.MethodGet, pattern: "operations", serve: func(s *Server, _ controlCall) *response {
		return jsonResponse(http.StatusOK, s.operations)
	}},
	// The spec's roles and states, for the QA page's filters.
	{method: http.MethodGet, pattern: "enums", serve: func(s *Server, _ controlCall) *response {
		return jsonResponse(http.StatusOK, s.vocab)
	}},
	{method: http.MethodPost, pattern: "reset", serve: (*Server).controlReset},
	{method: http.MethodGet, pattern: "state", serve: func(s *Server, _ controlCall) *response {
		return jsonResponse(http.StatusOK, s.store.export()) // export waits for what it read to be synced
	}},
	{method: http.MethodPut, pattern: "state", serve: (*Server).controlImport},
	{method: http.MethodGet, pattern: "scenarios", serve: func(s *Server, _ controlCall) *response {
		return jsonResponse(http.StatusOK, s.scenarios.all())
	}},
	{method: http.MethodPost, pattern: "scenarios", serve: func(s *Server, c controlCall) *response { return s.postScenario(c.r) }},
	{method: http.MethodDelete, pattern: "scenarios", serve: func(s *Server, _ controlCall) *response {
		s.scenarios.clear()
		return jsonResponse(http.StatusOK, map[string]string{"status": "cleared"})
	}},
	{method: http.MethodGet, pattern: "scenarios/options", serve: func(s *Server, _ controlCall) *response {
		return jsonResponse(http.StatusOK, s.scenarioOptions())
	}},
	{method: http.MethodDelete, pattern: "scenarios/{id}", serve: func(s *Server, c controlCall) *response { return s.endScenario(c.vars["id"]) }},
	{method: http.MethodGet, pattern: "requests", serve: func(s *Server, c controlCall) *response {
		switch q := c.r.URL.Query(); {
		case q.Get("format") == "fixture":
			return s.journalFixture(c.r)
		case q.Has("after") || q.Has("bodies"):
			return s.journalSince(q) // the QA page's poll (qapage.go)
		}
		return jsonResponse(http.StatusOK, s.journal.entries())
	}},
	{method: http.MethodDelete, pattern: "requests", serve: func(s *Server, _ controlCall) *response {
		s.journal.clear()
		return jsonResponse(http.StatusOK, map[string]string{"status": "cleared"})
	}},
	{method: http.MethodGet, pattern: "requests/{seq}", serve: func(s *Server, c controlCall) *response { return s.journalEntryBySeq(c.vars["seq"]) }},
	// The QA page's reads (qapage.go): a cheap poll, a page of members,
	// the organizations and the tokens' users.
	{method: http.MethodGet, pattern: "changes", serve: func(s *Server, _ controlCall) *response {
		return jsonResponse(http.StatusOK, s.changes())
	}},
	{method: http.MethodGet, pattern: "members", serve: func(s *Server, c controlCall) *response { return s.membersPage(c.r.URL.Query()) }},
	{method: http.MethodGet, pattern: "overview", serve: func(s *Server, _ controlCall) *response { return s.overview() }},
	// Hand edits (edits.go).
	{method: http.MethodPatch, pattern: "members/{id}", journaled: true, serve: func(s *Server, c controlCall) *response {
		return s.controlEdit(c, s.editMember)
	}},
	{method: http.MethodPatch, pattern: "users/{id}", journaled: true, serve: func(s *Server, c controlCall) *response {
		return s.controlEdit(c, s.editUser)
	}},
}

// controlResponse finds the request's route and serves it. Only a public
// route is answered without the admin token: an unknown path or method is
// the token's 401 first, so that it tells nothing to who lacks it.
func (s *Server) controlResponse(r *http.Request, start time.Time) *response {
	path := r.URL.Path[len(controlPrefix):]
	if page := qaPage(path, r.Method); page != nil { // the QA page's files (qapage.go)
		return page
	}
	var allow []string
	var found *controlRoute
	var vars map[string]string
	for i, route := range controlRoutes {
		v, ok := matchControlPattern(route.pattern, path)
		switch {
		case !ok:
		case route.method == r.Method && found == nil:
			found, vars = &controlRoutes[i], v
		case !slices.Contains(allow, route.method):
			allow = append(allow, route.method)
		}
	}
	if found == nil || !found.public {
		if aerr := s.checkAdminToken(r); aerr != nil {
			return errorResponse(aerr)
		}
	}
	switch {
	case found == nil && len(allow) > 0:
		return errorResponse(&apiError{Status: http.StatusMethodNotAllowed, Detail: "Method Not Allowed",
			Header: http.Header{"Allow": {strings.Join(allow, ", ")}}})
	case found == nil:
		return errorResponse(errorf(http.StatusNotFound, "Not Found"))
	}
	c := controlCall{r: r, vars: vars}
	if !found.journaled {
		return found.serve(s, c)
	}
	c.body, c.readErr = io.ReadAll(http.MaxBytesReader(nil, r.Body, maxEditBytes))
	resp := found.serve(s, c)
	s.journalControl(start, r, c.body, resp)
	return resp
}

// matchControlPattern matches a path below /__mock/ against a route's
// pattern, segment by segment; a {name} segment takes any non-empty one.
func matchControlPattern(pattern, path string) (map[string]string, bool) {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return nil, false
	}
	var vars map[string]string
	for i, w := range want {
		if name, ok := strings.CutPrefix(w, "{"); ok && got[i] != "" {
			if vars == nil {
				vars = map[string]string{}
			}
			vars[strings.TrimSuffix(name, "}")] = got[i]
			continue
		}
		if w != got[i] {
			return nil, false
		}
	}
	return vars, true
}

// controlProfile is GET /__mock/profile, as JSON or as shell assignments.
func (s *Server) controlProfile(c controlCall) *response {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	p := s.Profile(scheme + "://" + c.r.Host)
	if c.r.URL.Query().Get("format") == "shell" {
		var b strings.Builder
		_ = p.WriteShell(&b) // a strings.Builder does not fail
		return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte(b.String())}
	}
	return jsonResponse(http.StatusOK, p)
}

// controlReset is POST /__mock/reset: the seed's world, an empty journal,
// no scenario.
func (s *Server) controlReset(controlCall) *response {
	seed, err := s.seedWorld()
	if err == nil {
		err = s.store.replace(seed)
	}
	if err != nil {
		return errorResponse(errorf(http.StatusInternalServerError, "reset: %v", err))
	}
	s.journal.clear()
	s.journal.noteChange()
	s.scenarios.reset(s.cfg.Seed)
	return jsonResponse(http.StatusOK, map[string]string{"status": "reset"})
}

// controlImport is PUT /__mock/state: a whole state, or nothing changes.
func (s *Server) controlImport(c controlCall) *response {
	data, err := io.ReadAll(http.MaxBytesReader(nil, c.r.Body, maxStateBytes))
	if err != nil {
		return errorResponse(errorf(http.StatusRequestEntityTooLarge, "state: %v", err))
	}
	var st State
	if err := parseState(data, &st); err != nil {
		return errorResponse(errorf(http.StatusBadRequest, "state refused, current state kept: %v", err))
	}
	if err := s.store.replace(st); err != nil {
		return errorResponse(errorf(http.StatusBadRequest, "state refused, current state kept: %v", err))
	}
	s.journal.noteChange()
	return jsonResponse(http.StatusOK, map[string]string{"status": "imported"})
}

// controlEdit is PATCH /__mock/members/{id} or /__mock/users/{id}.
func (s *Server) controlEdit(c controlCall, edit func(id string, body []byte) *response) *response {
	if c.readErr != nil {
		return errorResponse(errorf(http.StatusRequestEntityTooLarge, "edit: %v", c.readErr))
	}
	return edit(c.vars["id"], c.body)
}

// checkAdminToken guards the control API when Config.AdminToken is set:
// the token comes as `Authorization: Bearer <token>` or in
// X-Mock-Admin-Token, and is compared in constant time.
func (s *Server) checkAdminToken(r *http.Request) *apiError {
	want := s.cfg.AdminToken
	if want == "" {
		return nil
	}
	got := strings.TrimSpace(r.Header.Get("X-Mock-Admin-Token"))
	if got == "" {
		if token, ok := bearerToken(strings.TrimSpace(r.Header.Get("Authorization"))); ok {
			got = token
		}
	}
	if got == "" {
		return unauthorized("Not authenticated: the control API needs the admin token")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return unauthorized("Invalid admin token")
	}
	return nil
}
