package mock

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
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

// control serves /__mock/*. Its errors use the API's format too.
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var resp *response
	if kind, id, ok := editTarget(r.URL.Path[len(controlPrefix):]); ok && r.Method == http.MethodPatch {
		// Hand edits change the world: journaled, as control changes.
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxEditBytes))
		if resp = s.controlEdit(r, kind, id, body, err); resp.Status != http.StatusUnauthorized {
			s.journalControl(start, r, body, resp)
		}
	} else {
		// Logged, but kept out of the journal, which shows what clients of
		// the API sent.
		resp = s.controlResponse(r)
	}
	s.logRequest(r, resp.Status, time.Since(start))
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

func (s *Server) controlResponse(r *http.Request) *response {
	path := r.URL.Path[len(controlPrefix):]
	method := r.Method
	if path == "health" && method == http.MethodGet {
		return jsonResponse(http.StatusOK, map[string]string{"status": "ok"})
	}
	if page := qaPage(path, method); page != nil { // the QA page (qapage.go)
		return page
	}
	if aerr := s.checkAdminToken(r); aerr != nil {
		return errorResponse(aerr)
	}
	switch {
	case path == "profile" && method == http.MethodGet:
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		p := s.Profile(scheme + "://" + r.Host)
		if r.URL.Query().Get("format") == "shell" {
			var b strings.Builder
			_ = p.WriteShell(&b) // a strings.Builder does not fail
			return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte(b.String())}
		}
		return jsonResponse(http.StatusOK, p)
	case path == "operations" && method == http.MethodGet:
		return jsonResponse(http.StatusOK, s.operations)
	case path == "enums" && method == http.MethodGet:
		// The spec's roles and states, for the QA page's filters.
		return jsonResponse(http.StatusOK, s.vocab)
	case path == "reset" && method == http.MethodPost:
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
	case path == "state" && method == http.MethodGet:
		st := s.store.export()
		s.store.settle()
		return jsonResponse(http.StatusOK, st)
	case path == "state" && method == http.MethodPut:
		data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxStateBytes))
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
	case path == "scenarios" || strings.HasPrefix(path, "scenarios/"):
		return s.controlScenarios(r, strings.TrimPrefix(path, "scenarios"))
	case path == "requests" && method == http.MethodGet:
		switch q := r.URL.Query(); {
		case q.Get("format") == "fixture":
			return s.journalFixture(r)
		case q.Has("after") || q.Has("bodies"):
			return s.journalSince(q) // the QA page's poll (qapage.go)
		}
		return jsonResponse(http.StatusOK, s.journal.entries())
	case strings.HasPrefix(path, "requests/") && method == http.MethodGet:
		return s.journalEntryBySeq(strings.TrimPrefix(path, "requests/"))
	case path == "requests" && method == http.MethodDelete:
		s.journal.clear()
		return jsonResponse(http.StatusOK, map[string]string{"status": "cleared"})
	// The QA page's reads (qapage.go): a cheap poll, a page of members,
	// the organizations and the tokens' users.
	case path == "changes" && method == http.MethodGet:
		return jsonResponse(http.StatusOK, s.changes())
	case path == "members" && method == http.MethodGet:
		return s.membersPage(r.URL.Query())
	case path == "overview" && method == http.MethodGet:
		return s.overview()
	}
	return errorResponse(errorf(http.StatusNotFound, "Not Found"))
}

// controlEdit is PATCH /__mock/members/{id} or /__mock/users/{id}.
func (s *Server) controlEdit(r *http.Request, kind, id string, body []byte, readErr error) *response {
	if aerr := s.checkAdminToken(r); aerr != nil {
		return errorResponse(aerr)
	}
	if readErr != nil {
		return errorResponse(errorf(http.StatusRequestEntityTooLarge, "edit: %v", readErr))
	}
	if kind == "members" {
		return s.editMember(id, body)
	}
	return s.editUser(id, body)
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

// journalEntry is one exchange as the journal keeps it: never a token or a
// body.
type journalEntry struct {
	// Seq numbers the exchanges from the mock's start; a clear or a reset
	// does not restart it, so "after N" always means "newer than N".
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Query     string    `json:"query,omitempty"`
	Operation string    `json:"operation,omitempty"`
	// As is the standing of the development token sent (org_admin, ...).
	As           string          `json:"as,omitempty"`
	RequestBody  json.RawMessage `json:"request_body,omitempty"`
	Status       int             `json:"status"`
	ResponseBody json.RawMessage `json:"response_body,omitempty"`
	DurationMS   float64         `json:"duration_ms"`
	Problems     []string        `json:"validation_problems,omitempty"`
	// Control marks a change made through the control API (a hand edit),
	// not by a client of the API.
	Control bool `json:"control,omitempty"`
	// member is the member operation, for naming the export's steps.
	member memberOp
}

// journalBody keeps a JSON body of at most journalBodyBytes, so that the
// journal stays small and can be replayed; anything else is left out.
// Whether it parses is checked when the journal is read, not on every
// request.
func journalBody(h http.Header, body []byte) json.RawMessage {
	if len(body) == 0 || len(body) > journalBodyBytes || !strings.Contains(h.Get("Content-Type"), "json") {
		return nil
	}
	return json.RawMessage(body)
}

// journal is a bounded ring of recent exchanges, oldest first.
type journal struct {
	mu    sync.Mutex
	size  int
	items []journalEntry
	next  int
	// lastSeq is the Seq of the newest exchange ever added; clears counts
	// the clears; writes counts the exchanges that may have changed the
	// state (a write answered 2xx) and the control API's changes: the
	// journal sees every API exchange, so it is where a poll of "has
	// anything changed" is cheapest.
	lastSeq, clears, writes uint64
}

func newJournal(size int) *journal { return &journal{size: size} }

// mayChangeState: a write the API accepted. A scenario's forced 2xx
// counts too, harmlessly: the page reads the same members again.
func mayChangeState(method string, status int) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return status >= 200 && status < 300
}

// noteChange counts a change made outside the API (reset, import).
func (j *journal) noteChange() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.writes++
}

func (j *journal) add(e journalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lastSeq++
	e.Seq = j.lastSeq
	if mayChangeState(e.Method, e.Status) {
		j.writes++
	}
	if len(j.items) < j.size {
		j.items = append(j.items, e)
		return
	}
	j.items[j.next] = e
	j.next = (j.next + 1) % j.size
}

func (j *journal) entries() []journalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]journalEntry, 0, len(j.items))
	out = append(out, j.items[j.next:]...)
	out = append(out, j.items[:j.next]...)
	for i := range out {
		for _, b := range []*json.RawMessage{&out[i].RequestBody, &out[i].ResponseBody} {
			if *b != nil && !json.Valid(*b) {
				*b = nil
			}
		}
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.items, j.next = nil, 0
	j.clears++
}
