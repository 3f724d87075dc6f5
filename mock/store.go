package mock

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// timeLayout renders times as the service does: RFC 3339 in UTC with a Z and
// microseconds, so that two writes within a second still order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Timestamp is a UTC instant rendered with timeLayout.
type Timestamp struct{ time.Time }

// MarshalJSON renders the instant with timeLayout.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(timeLayout) + `"`), nil
}

// UnmarshalJSON accepts any RFC 3339 instant.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	t.Time = parsed.UTC().Truncate(time.Microsecond)
	return nil
}

// Organization is kept only so that the mock knows which organizations
// exist; the organization resource itself is out of scope.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is UserResponse.
type User struct {
	ID            string  `json:"id"`
	Email         string  `json:"email"`
	GivenName     *string `json:"given_name"`
	FamilyName    *string `json:"family_name"`
	Nickname      *string `json:"nickname"`
	Name          *string `json:"name"`
	Picture       *string `json:"picture"`
	Auth0Sub      *string `json:"auth0_sub"`
	IsSystemAdmin bool    `json:"is_system_admin"`
	// Extra holds the properties of UserResponse not named above.
	Extra *Extras `json:"-"`
}

// Membership is the stored row, OrganizationMember.
type Membership struct {
	ID              string    `json:"id"`
	OrganizationID  string    `json:"organization_id"`
	UserID          string    `json:"user_id"`
	Role            string    `json:"role"`
	MembershipState string    `json:"membership_state"`
	CreatedAt       Timestamp `json:"created_at"`
	UpdatedAt       Timestamp `json:"updated_at"`
	// Extra holds the member's properties in the spec not named above.
	Extra *Extras `json:"-"`

	// search is the user's searchable text, lower-cased, kept on the row so
	// that a search over 100,000 members is a scan of one slice.
	search string
}

// memberFields are the properties a Membership row holds, for filters.
var memberFields = map[string]bool{"id": true, "organization_id": true, "user_id": true, "role": true,
	"membership_state": true, "created_at": true, "updated_at": true}

// field is a row's property as the API renders it.
func (m *Membership) field(name string) string {
	switch name {
	case "id":
		return m.ID
	case "organization_id":
		return m.OrganizationID
	case "user_id":
		return m.UserID
	case "role":
		return m.Role
	case "membership_state":
		return m.MembershipState
	case "created_at":
		return m.CreatedAt.UTC().Format(timeLayout)
	case "updated_at":
		return m.UpdatedAt.UTC().Format(timeLayout)
	}
	if m.Extra != nil {
		if v, ok := (*m.Extra)[name]; ok && v != nil {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// MemberView is OrganizationMemberResponse: the row with its user.
type MemberView struct {
	Membership
	User *User `json:"user"`
}

// Identity ties a development token to a user and names the standing it was
// made for (system_admin, org_admin, analyst, suspended, outsider).
type Identity struct {
	Standing string `json:"standing"`
	Token    string `json:"token"`
	UserID   string `json:"user_id"`
}

// State is the whole world, as exported, imported and saved.
type State struct {
	// OrganizationID is the organization the identities were made for;
	// OtherOrganizationID one that none of them but the system admin
	// belongs to. Both feed the contract runner's profile.
	OrganizationID      string         `json:"organization_id"`
	OtherOrganizationID string         `json:"other_organization_id"`
	Organizations       []Organization `json:"organizations"`
	Users               []User         `json:"users"`
	Memberships         []Membership   `json:"memberships"`
	Identities          []Identity     `json:"identities"`
}

// world is State indexed for the operations. Members of an organization are
// kept sorted by (created_at, id), the list order.
type world struct {
	organizationID, otherOrganizationID string

	organizations map[string]*Organization
	orgOrder      []string
	users         map[string]*User
	userOrder     []string
	searchText    map[string]string // user id -> lower-cased searchable fields
	members       map[string]*Membership
	byOrg         map[string][]*Membership
	byOrgUser     map[string]*Membership
	identities    []Identity
	byToken       map[string]*User
	// views caches each member's encoded view (responsecheck.go); a new
	// world starts with an empty cache.
	views *sync.Map
	// searchIndexes are built on the first search of an organization after
	// a change; readers build them concurrently, hence the lock.
	indexMu       *sync.Mutex
	searchIndexes map[string]*searchIndex
}

// searchIndex is an organization's members' searchable texts in list
// order, in one string: a search is one pass of strings.Index over
// contiguous memory instead of a pointer chase per member (about fifteen
// times faster at 100,000 members).
type searchIndex struct {
	text    string // each member's text, followed by searchSeparator
	starts  []int  // where each member's text starts in text
	members []*Membership
}

// searchSeparator never occurs in a user's text; a needle holding it
// matches nothing.
const searchSeparator = "\x00"

func newSearchIndex(members []*Membership) *searchIndex {
	idx := &searchIndex{starts: make([]int, len(members)), members: members}
	size := 0
	for _, m := range members {
		size += len(m.search) + 1
	}
	var b strings.Builder
	b.Grow(size)
	for i, m := range members {
		idx.starts[i] = b.Len()
		b.WriteString(m.search)
		b.WriteString(searchSeparator)
	}
	idx.text = b.String()
	return idx
}

// matching visits, in list order, the members whose text contains the
// lower-cased needle, until visit returns false.
func (idx *searchIndex) matching(needle string, visit func(*Membership) bool) {
	if needle == "" || strings.Contains(needle, searchSeparator) {
		return
	}
	for pos := 0; pos < len(idx.text); {
		i := strings.Index(idx.text[pos:], needle)
		if i < 0 {
			return
		}
		// The member whose text holds the match; continue after its text.
		n := sort.SearchInts(idx.starts, pos+i+1) - 1
		if !visit(idx.members[n]) {
			return
		}
		if n+1 < len(idx.starts) {
			pos = idx.starts[n+1]
		} else {
			return
		}
	}
}

// searchIndex returns the organization's index, building it if a change
// dropped it.
func (w *world) searchIndex(orgID string) *searchIndex {
	w.indexMu.Lock()
	defer w.indexMu.Unlock()
	idx := w.searchIndexes[orgID]
	if idx == nil {
		idx = newSearchIndex(append([]*Membership(nil), w.byOrg[orgID]...))
		w.searchIndexes[orgID] = idx
	}
	return idx
}

// dropSearchIndex is called under the store's write lock on every change
// to an organization's members.
func (w *world) dropSearchIndex(orgID string) {
	w.indexMu.Lock()
	defer w.indexMu.Unlock()
	delete(w.searchIndexes, orgID)
}

func orgUserKey(orgID, userID string) string { return orgID + "/" + userID }

func memberLess(a, b *Membership) bool {
	if !a.CreatedAt.Equal(b.CreatedAt.Time) {
		return a.CreatedAt.Before(b.CreatedAt.Time)
	}
	return a.ID < b.ID
}

// newWorld indexes a state, refusing one that is inconsistent.
func newWorld(s State, vocab vocabulary) (*world, error) {
	w := &world{
		organizationID:      strings.ToLower(s.OrganizationID),
		otherOrganizationID: strings.ToLower(s.OtherOrganizationID),
		organizations:       make(map[string]*Organization, len(s.Organizations)),
		users:               make(map[string]*User, len(s.Users)),
		searchText:          make(map[string]string, len(s.Users)),
		members:             make(map[string]*Membership, len(s.Memberships)),
		byOrg:               make(map[string][]*Membership),
		byOrgUser:           make(map[string]*Membership, len(s.Memberships)),
		byToken:             make(map[string]*User, len(s.Identities)),
		views:               new(sync.Map),
		indexMu:             new(sync.Mutex),
		searchIndexes:       map[string]*searchIndex{},
	}
	for i := range s.Organizations {
		o := s.Organizations[i]
		o.ID = strings.ToLower(o.ID)
		if !isUUID(o.ID) {
			return nil, fmt.Errorf("organizations[%d]: id %q is not a uuid", i, o.ID)
		}
		if _, dup := w.organizations[o.ID]; dup {
			return nil, fmt.Errorf("organizations[%d]: duplicate id %s", i, o.ID)
		}
		w.organizations[o.ID] = &o
		w.orgOrder = append(w.orgOrder, o.ID)
	}
	for i := range s.Users {
		u := s.Users[i]
		u.ID = strings.ToLower(u.ID)
		if !isUUID(u.ID) {
			return nil, fmt.Errorf("users[%d]: id %q is not a uuid", i, u.ID)
		}
		if u.Email == "" {
			return nil, fmt.Errorf("users[%d]: email is required", i)
		}
		if _, dup := w.users[u.ID]; dup {
			return nil, fmt.Errorf("users[%d]: duplicate id %s", i, u.ID)
		}
		if err := checkExtras(fmt.Sprintf("users[%d]", i), u.Extra, extraNames(vocab.userExtras)); err != nil {
			return nil, err
		}
		w.addUser(&u)
	}
	for i := range s.Memberships {
		m := s.Memberships[i]
		m.ID, m.OrganizationID, m.UserID = strings.ToLower(m.ID), strings.ToLower(m.OrganizationID), strings.ToLower(m.UserID)
		switch {
		case !isUUID(m.ID):
			return nil, fmt.Errorf("memberships[%d]: id %q is not a uuid", i, m.ID)
		case w.organizations[m.OrganizationID] == nil:
			return nil, fmt.Errorf("memberships[%d]: unknown organization %s", i, m.OrganizationID)
		case w.users[m.UserID] == nil:
			return nil, fmt.Errorf("memberships[%d]: unknown user %s", i, m.UserID)
		case checkExtras(fmt.Sprintf("memberships[%d]", i), m.Extra, extraNames(vocab.memberExtras)) != nil:
			return nil, checkExtras(fmt.Sprintf("memberships[%d]", i), m.Extra, extraNames(vocab.memberExtras))
		case !vocab.hasRole(m.Role):
			return nil, fmt.Errorf("memberships[%d]: unknown role %q", i, m.Role)
		case !vocab.hasState(m.MembershipState):
			return nil, fmt.Errorf("memberships[%d]: unknown membership_state %q", i, m.MembershipState)
		case m.CreatedAt.IsZero() || m.UpdatedAt.IsZero():
			return nil, fmt.Errorf("memberships[%d]: created_at and updated_at are required", i)
		case m.UpdatedAt.Before(m.CreatedAt.Time):
			return nil, fmt.Errorf("memberships[%d]: updated_at is before created_at", i)
		case w.members[m.ID] != nil:
			return nil, fmt.Errorf("memberships[%d]: duplicate id %s", i, m.ID)
		case w.byOrgUser[orgUserKey(m.OrganizationID, m.UserID)] != nil:
			return nil, fmt.Errorf("memberships[%d]: user %s is already a member of %s", i, m.UserID, m.OrganizationID)
		}
		m.search = w.searchText[m.UserID]
		w.members[m.ID] = &m
		w.byOrgUser[orgUserKey(m.OrganizationID, m.UserID)] = &m
		w.byOrg[m.OrganizationID] = append(w.byOrg[m.OrganizationID], &m)
	}
	for _, list := range w.byOrg {
		sort.Slice(list, func(i, j int) bool { return memberLess(list[i], list[j]) })
	}
	for i, id := range s.Identities {
		u := w.users[strings.ToLower(id.UserID)]
		switch {
		case id.Token == "":
			return nil, fmt.Errorf("identities[%d]: token is required", i)
		case u == nil:
			return nil, fmt.Errorf("identities[%d]: unknown user %s", i, id.UserID)
		case w.byToken[id.Token] != nil:
			return nil, fmt.Errorf("identities[%d]: duplicate token", i)
		}
		id.UserID = u.ID
		w.identities = append(w.identities, id)
		w.byToken[id.Token] = u
	}
	for _, id := range []string{w.organizationID, w.otherOrganizationID} {
		if id != "" && w.organizations[id] == nil {
			return nil, fmt.Errorf("unknown organization %s", id)
		}
	}
	return w, nil
}

func (w *world) addUser(u *User) {
	w.users[u.ID] = u
	w.userOrder = append(w.userOrder, u.ID)
	w.searchText[u.ID] = searchableText(u)
}

// state exports the world in a stable order.
func (w *world) state() State {
	s := State{
		OrganizationID:      w.organizationID,
		OtherOrganizationID: w.otherOrganizationID,
		Organizations:       make([]Organization, 0, len(w.orgOrder)),
		Users:               make([]User, 0, len(w.userOrder)),
		Memberships:         make([]Membership, 0, len(w.members)),
		Identities:          append([]Identity(nil), w.identities...),
	}
	for _, id := range w.orgOrder {
		s.Organizations = append(s.Organizations, *w.organizations[id])
		for _, m := range w.byOrg[id] {
			row := *m
			row.search = "" // derived, not state
			s.Memberships = append(s.Memberships, row)
		}
	}
	for _, id := range w.userOrder {
		s.Users = append(s.Users, *w.users[id])
	}
	return s
}

func (w *world) insert(m *Membership) {
	w.dropSearchIndex(m.OrganizationID)
	m.search = w.searchText[m.UserID]
	w.members[m.ID] = m
	w.byOrgUser[orgUserKey(m.OrganizationID, m.UserID)] = m
	list := w.byOrg[m.OrganizationID]
	i := sort.Search(len(list), func(i int) bool { return memberLess(m, list[i]) })
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = m
	w.byOrg[m.OrganizationID] = list
}

func (w *world) remove(m *Membership) {
	w.dropSearchIndex(m.OrganizationID)
	w.views.Delete(m.ID)
	delete(w.members, m.ID)
	delete(w.byOrgUser, orgUserKey(m.OrganizationID, m.UserID))
	list := w.byOrg[m.OrganizationID]
	i := sort.Search(len(list), func(i int) bool { return !memberLess(list[i], m) })
	if i < len(list) && list[i] == m {
		w.byOrg[m.OrganizationID] = append(list[:i], list[i+1:]...)
	}
}

// store guards the world. Operations run whole under its lock, so a rule
// checked is still true when the write lands; persist, when set, runs under
// the lock too, so an acknowledged write is a saved one.
type store struct {
	mu      sync.RWMutex
	w       *world
	vocab   vocabulary // what a state may hold
	persist func(State) error
	// restore reads back the last state persisted, to undo a change that
	// could not be saved: what a client was told failed did not happen.
	restore func() (State, error)
}

func (s *store) read(fn func(w *world)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.w)
}

// write runs fn; when it reports a change, the state is persisted before
// the lock is released.
func (s *store) write(fn func(w *world) (changed bool, err error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed, err := fn(s.w)
	if err != nil || !changed || s.persist == nil {
		return err
	}
	perr := s.persist(s.w.state())
	if perr == nil {
		return nil
	}
	if s.restore != nil {
		if st, rerr := s.restore(); rerr == nil {
			if w, werr := newWorld(st, s.vocab); werr == nil {
				*s.w = *w
			}
		}
	}
	return errorf(500, "state not saved: %v", perr)
}

// replace swaps in a whole new world (import, reset).
func (s *store) replace(st State) error {
	w, err := newWorld(st, s.vocab)
	if err != nil {
		return err
	}
	return s.write(func(cur *world) (bool, error) {
		*cur = *w
		return true, nil
	})
}

func (s *store) export() State {
	var st State
	s.read(func(w *world) { st = w.state() })
	return st
}
