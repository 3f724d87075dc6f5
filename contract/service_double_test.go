package contract_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heyhumm/humm-members-mock/contract"
)

// double is a small, real implementation of the members API for testing
// the runner: one organization, a few users, and one bug that can be
// switched on. Its ids and clock are deterministic, so its responses are
// the same run after run.
type double struct {
	bug string

	mu      sync.Mutex
	members []*doubleMember
	nextID  int
	clock   time.Time
}

// Bugs the double can have, each breaking one thing the test suite checks.
const (
	bugNone              = ""
	bugCreate201         = "create-201"          // create answers 201
	bugFrozenUpdatedAt   = "frozen-updated-at"   // update leaves updated_at as it was
	bugNoWWWAuthenticate = "no-www-authenticate" // 401 without the header
	bugKeepsDeleted      = "keeps-deleted"       // delete answers 200 and keeps the row
)

const (
	doubleOrgID      = "0a000000-0000-4000-8000-000000000001"
	doubleOtherOrgID = "0a000000-0000-4000-8000-000000000002"
)

// Users: the first three are members of the organization; the rest are
// the profile's candidates.
var doubleUsers = []string{
	"0b000000-0000-4000-8000-000000000001", // org admin
	"0b000000-0000-4000-8000-000000000002", // analyst
	"0b000000-0000-4000-8000-000000000003", // suspended
	"0b000000-0000-4000-8000-000000000004",
	"0b000000-0000-4000-8000-000000000005",
	"0b000000-0000-4000-8000-000000000006",
}

// doubleTokens maps each token to its user (-1: a system admin, -2: an
// outsider).
var doubleTokens = map[string]int{"t-system-admin": -1, "t-org-admin": 0, "t-analyst": 1, "t-suspended": 2, "t-outsider": -2}

type doubleMember struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	UserID         string `json:"user_id"`
	Role           string `json:"role"`
	State          string `json:"membership_state"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

func newDouble(bug string) *double {
	d := &double{bug: bug, clock: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	for i, role := range []string{"ORGANIZATION_ADMIN", "ANALYST", "ANALYST"} {
		m := d.add(doubleUsers[i], role)
		if i == 2 {
			m.State = "suspended"
		}
	}
	return d
}

// serve starts the double on loopback and returns its profile.
func (d *double) serve(t *testing.T) *contract.Profile {
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	return d.profile(srv.URL)
}

func (d *double) profile(baseURL string) *contract.Profile {
	return &contract.Profile{
		BaseURL:             baseURL,
		Tokens:              map[string]string{"system_admin": "t-system-admin", "org_admin": "t-org-admin", "analyst": "t-analyst", "suspended": "t-suspended", "outsider": "t-outsider"},
		OrganizationID:      doubleOrgID,
		OtherOrganizationID: doubleOtherOrgID,
		CandidateUserIDs:    doubleUsers[3:],
	}
}

// now advances the clock a millisecond per call: strictly later each time.
func (d *double) now() string {
	d.clock = d.clock.Add(time.Millisecond)
	return d.clock.Format(time.RFC3339Nano)
}

func (d *double) add(userID, role string) *doubleMember {
	d.nextID++
	now := d.now()
	m := &doubleMember{ID: fmt.Sprintf("0c000000-0000-4000-8000-%012d", d.nextID), OrganizationID: doubleOrgID, UserID: userID, Role: role, State: "active", CreatedAt: now, UpdatedAt: now}
	d.members = append(d.members, m)
	return m
}

// memberCount is how many members the organization has.
func (d *double) memberCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.members)
}

func (d *double) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	detail := func(status int, msg string) { reply(status, map[string]string{"detail": msg}) }

	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) < 4 || len(parts) > 5 || parts[0] != "api" || parts[1] != "organization" || parts[3] != "member" {
		detail(http.StatusNotFound, "Not Found")
		return
	}
	caller, ok := doubleTokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		if d.bug != bugNoWWWAuthenticate {
			w.Header().Set("WWW-Authenticate", "Bearer")
		}
		detail(http.StatusUnauthorized, "Not authenticated")
		return
	}
	if parts[2] != doubleOrgID {
		detail(http.StatusNotFound, "Organization not found")
		return
	}
	canWrite := caller == -1 || caller == 0
	canRead := canWrite || caller == 1
	if !canRead || (r.Method != http.MethodGet && !canWrite) {
		detail(http.StatusForbidden, "Not enough permissions for this organization")
		return
	}
	var body struct {
		UserID string `json:"user_id"`
		Role   string `json:"role"`
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			reply(http.StatusUnprocessableEntity, map[string]any{"detail": []map[string]any{{"loc": []string{"body"}, "msg": "JSON decode error", "type": "json_invalid"}}})
			return
		}
		if body.Role == "" {
			body.Role = "ANALYST"
		}
	}
	if len(parts) == 4 {
		switch r.Method {
		case http.MethodGet:
			items := []map[string]any{}
			for _, m := range d.members {
				items = append(items, withUser(m))
			}
			reply(http.StatusOK, items)
		case http.MethodPost:
			if slices.ContainsFunc(d.members, func(m *doubleMember) bool { return m.UserID == body.UserID }) {
				detail(http.StatusConflict, "User is already a member of this organization")
				return
			}
			status := http.StatusOK
			if d.bug == bugCreate201 {
				status = http.StatusCreated
			}
			reply(status, d.add(body.UserID, body.Role))
		default:
			w.Header().Set("Allow", "GET, POST")
			detail(http.StatusMethodNotAllowed, "Method Not Allowed")
		}
		return
	}
	i := slices.IndexFunc(d.members, func(m *doubleMember) bool { return m.ID == parts[4] })
	if i < 0 {
		detail(http.StatusNotFound, "Member not found")
		return
	}
	m := d.members[i]
	switch r.Method {
	case http.MethodPut:
		m.Role = body.Role
		if d.bug != bugFrozenUpdatedAt {
			m.UpdatedAt = d.now()
		}
		reply(http.StatusOK, withUser(m))
	case http.MethodDelete:
		if d.bug != bugKeepsDeleted {
			d.members = slices.Delete(d.members, i, i+1)
		}
		reply(http.StatusOK, m)
	default:
		w.Header().Set("Allow", "PUT, DELETE")
		detail(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
}

func withUser(m *doubleMember) map[string]any {
	var v map[string]any
	b, _ := json.Marshal(m)
	_ = json.Unmarshal(b, &v)
	v["user"] = map[string]any{"id": m.UserID, "email": "user-" + m.UserID[len(m.UserID)-2:] + "@example.com"}
	return v
}
