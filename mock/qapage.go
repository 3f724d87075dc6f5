package mock

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
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

// The QA page's reads. The page asks only for what it shows, so that it
// stays instant at 100,000 members: a page of members searched and
// filtered here, a small counter to poll, and the journal since the last
// poll, bodies on demand.

// Changes is what the QA page polls: numbers that move when there is
// something new to read.
type Changes struct {
	// State moves on every write the API accepted and every reset or
	// import: the members shown may be stale.
	State uint64 `json:"state"`
	// Journal is the seq of the newest exchange; JournalClears moves when
	// the journal is cleared (or reset).
	Journal       uint64 `json:"journal"`
	JournalClears uint64 `json:"journal_clears"`
	// Scenarios moves when a scenario is added, used, ended or expires.
	Scenarios uint64 `json:"scenarios"`
}

func (s *Server) changes() Changes {
	c := Changes{Scenarios: s.scenarios.changes()}
	c.State, c.Journal, c.JournalClears = s.journal.counters()
	return c
}

// journalSummary is a journal entry without its bodies, which the page
// fetches when a row is opened.
type journalSummary struct {
	journalEntry
	HasBodies bool `json:"has_bodies,omitempty"`
}

// journalSince answers GET /__mock/requests?after=N&bodies=false: the
// exchanges newer than seq N, oldest first, with or without their bodies.
func (s *Server) journalSince(q url.Values) *response {
	after, aerr := uintParam(q, "after", 0)
	if aerr != nil {
		return errorResponse(aerr)
	}
	bodies := true
	if v := q.Get("bodies"); q.Has("bodies") {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errorResponse(errorf(http.StatusBadRequest, "bodies must be true or false, got %q", v))
		}
		bodies = b
	}
	var out []any
	for _, e := range s.journal.entries() {
		if e.Seq <= after {
			continue
		}
		if bodies {
			out = append(out, e)
			continue
		}
		has := e.RequestBody != nil || e.ResponseBody != nil
		e.RequestBody, e.ResponseBody = nil, nil
		out = append(out, journalSummary{journalEntry: e, HasBodies: has})
	}
	if out == nil {
		out = []any{}
	}
	return jsonResponse(http.StatusOK, out)
}

// journalEntryBySeq answers GET /__mock/requests/N: one exchange with its
// bodies.
func (s *Server) journalEntryBySeq(raw string) *response {
	seq, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || seq == 0 {
		return errorResponse(errorf(http.StatusBadRequest, "a journal entry is named by its seq, a number from 1, got %q", raw))
	}
	for _, e := range s.journal.entries() {
		if e.Seq == seq {
			return jsonResponse(http.StatusOK, e)
		}
	}
	return errorResponse(errorf(http.StatusNotFound, "journal entry %d is not kept: the journal keeps the last %d exchanges, and a clear or reset drops them", seq, journalSize))
}

// MembersPage is GET /__mock/members: one page of an organization's
// members, as the API's list renders them, with the counts the page shows.
type MembersPage struct {
	OrganizationID string `json:"organization_id"`
	// Total is the organization's members; Matched those that the query
	// and the filters keep.
	Total    int             `json:"total"`
	Matched  int             `json:"matched"`
	Page     int             `json:"page"`
	PageSize int             `json:"page_size"`
	Members  json.RawMessage `json:"members"`
}

// memberPageFilters are the page's filters on member properties, matched
// as the list's own filters are.
var memberPageFilters = []listFilter{{param: "role"}, {param: "membership_state"}}

// membersPage is the list operation's own search and order, without a
// token and out of the journal: query matches email and names as the
// API's does, or, when it is a uuid, the member id or user id. role and
// membership_state filter. Without organization_id it is the profile's
// organization.
func (s *Server) membersPage(q url.Values) *response {
	orgID := strings.ToLower(strings.TrimSpace(q.Get("organization_id")))
	if q.Has("organization_id") && orgID == "" {
		return errorResponse(errorf(http.StatusBadRequest, "organization_id is empty: leave it out for the profile's organization"))
	}
	page, aerr := intParam(q, "page", 1, 1, math.MaxInt32)
	if aerr != nil {
		return errorResponse(aerr)
	}
	size, aerr := intParam(q, "page_size", 50, 1, 100)
	if aerr != nil {
		return errorResponse(aerr)
	}
	for _, f := range []struct {
		param string
		known []string
	}{{"role", s.vocab.Roles}, {"membership_state", s.vocab.States}} {
		if v := q.Get(f.param); v != "" && !slices.Contains(f.known, v) {
			return errorResponse(errorf(http.StatusBadRequest, "%s %q: want one of %s", f.param, v, strings.Join(f.known, ", ")))
		}
	}
	keep := keepFor(memberPageFilters, func(name string) (string, bool) { v := q.Get(name); return v, v != "" })
	search := strings.TrimSpace(q.Get("query"))
	if isUUID(search) {
		id, filtered := strings.ToLower(search), keep
		keep = func(m *Membership) bool {
			return filtered(m) && (m.ID() == id || m.UserID() == id)
		}
		search = ""
	}
	filtered := search != "" || q.Get("role") != "" || q.Get("membership_state") != "" || isUUID(strings.TrimSpace(q.Get("query")))
	var resp *response
	s.store.read(func(w *world) {
		if orgID == "" {
			// The page's first read goes out before it knows any id.
			orgID = w.organizationID
		}
		if w.organizations[orgID] == nil {
			resp = errorResponse(errorf(http.StatusNotFound, detailOrgNotFound))
			return
		}
		members := listMembers(w, orgID, listQuery{page: page, size: size, limited: true, search: search}, keep)
		total := countMembers(w, orgID, "", func(*Membership) bool { return true })
		matched := total
		if filtered {
			matched = countMembers(w, orgID, search, keep)
		}
		resp = jsonResponse(http.StatusOK, MembersPage{OrganizationID: orgID, Page: page, PageSize: size,
			Total: total, Matched: matched, Members: s.listResponse(w, members).Body})
	})
	return resp
}

// countMembers counts what listMembers would list on every page: a keep
// that never lets a member into the page visits them all.
func countMembers(w *world, orgID, query string, keep func(*Membership) bool) int {
	n := 0
	listMembers(w, orgID, listQuery{page: 1, size: 1, limited: true, search: query}, func(m *Membership) bool {
		if keep(m) {
			n++
		}
		return false
	})
	return n
}

// Overview is GET /__mock/overview: the profile's organization ids, the
// organizations with their member counts, and each development token with
// its user, for the page's first paint. (The page does not wait on
// /__mock/profile, whose candidate users take a scan of every user.)
type Overview struct {
	OrganizationID      string `json:"organization_id"`
	OtherOrganizationID string `json:"other_organization_id"`
	// Credential says where a token goes, as the document's security has
	// it: `Authorization: Bearer <token>`, `header X-API-Key: <token>`.
	Credential    string                `json:"credential"`
	Organizations []OrganizationSummary `json:"organizations"`
	Identities    []IdentitySummary     `json:"identities"`
}

// OrganizationSummary is an organization and how many members it has.
type OrganizationSummary struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// IdentitySummary is a development token and its user, as the API
// renders users.
type IdentitySummary struct {
	Standing string          `json:"standing"`
	Token    string          `json:"token"`
	UserID   string          `json:"user_id"`
	User     json.RawMessage `json:"user"`
}

func (s *Server) overview() *response {
	out := Overview{Organizations: []OrganizationSummary{}, Identities: []IdentitySummary{}}
	var aerr *apiError
	s.store.read(func(w *world) {
		out.OrganizationID, out.OtherOrganizationID = w.organizationID, w.otherOrganizationID
		out.Credential = s.credential.Where()
		for _, id := range w.orgOrder {
			out.Organizations = append(out.Organizations, OrganizationSummary{ID: id, Name: w.organizations[id].Name,
				Members: countMembers(w, id, "", func(*Membership) bool { return true })})
		}
		for _, ident := range w.identities {
			user, err := encodeUser(callerOf(w, ident.Token).user)
			if err != nil {
				aerr = errorf(http.StatusInternalServerError, "encode the user of %s: %v", ident.Standing, err)
				return
			}
			out.Identities = append(out.Identities, IdentitySummary{Standing: ident.Standing, Token: ident.Token, UserID: ident.UserID, User: user})
		}
	})
	if aerr != nil {
		return errorResponse(aerr)
	}
	return jsonResponse(http.StatusOK, out)
}

// intParam reads an optional integer query parameter of the control API
// within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, *apiError) {
	if !q.Has(name) {
		return def, nil
	}
	raw := q.Get(name)
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "%s must be an integer from %d to %d, got %q", name, lo, hi, raw)
	}
	return n, nil
}

// uintParam reads an optional non-negative integer query parameter.
func uintParam(q url.Values, name string, def uint64) (uint64, *apiError) {
	if !q.Has(name) {
		return def, nil
	}
	raw := q.Get(name)
	n, err := strconv.ParseUint(strings.TrimSpace(raw), 10, 64)
	if err != nil {
		return 0, errorf(http.StatusBadRequest, "%s must be a number from 0, got %q", name, raw)
	}
	return n, nil
}
