package mock

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// timeLayout renders times as the service does: RFC 3339 in UTC with a Z and
// microseconds, so that two writes within a second still order. Stored
// times are strings in this layout: fixed width, so they order as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// formatTime renders t with timeLayout, by hand for the years time.Format
// renders in four digits (a sixth of the work: a 100,000-member world
// renders 200,000 times at start).
func formatTime(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(timeLayout)
	}
	hour, minute, second := t.Clock()
	var b [len(timeLayout)]byte
	digits := func(at, width, v int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	digits(0, 4, year)
	digits(5, 2, int(month))
	digits(8, 2, day)
	digits(11, 2, hour)
	digits(14, 2, minute)
	digits(17, 2, second)
	digits(20, 6, t.Nanosecond()/1000)
	b[4], b[7], b[10], b[13], b[16], b[19], b[26] = '-', '-', 'T', ':', ':', '.', 'Z'
	return string(b[:])
}

// normalizeTime reads any RFC 3339 instant and renders it with timeLayout.
func normalizeTime(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("want an RFC 3339 time, got %v", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", err
	}
	return formatTime(t.Truncate(time.Microsecond)), nil
}

// inTimeLayout: s is a time rendered with timeLayout already (the seed's,
// a saved state's), which a state keeps as it is.
func inTimeLayout(s string) bool {
	if len(s) != len(timeLayout) || s[len(s)-1] != 'Z' {
		return false
	}
	_, err := time.Parse(timeLayout, s)
	return err == nil
}

// Organization is kept only so that the mock knows which organizations
// exist; the organization resource itself is out of scope.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is a row of UserResponse; the rules read it through these
// accessors.
type User struct {
	Row
	// search is what `query` matches of the user, lower-cased; each of
	// the user's memberships holds it too.
	search string
}

func (u *User) ID() string    { return u.ruledString(userID) }
func (u *User) Email() string { return u.ruledString(userEmail) }

// IsSystemAdmin: false when the schema has no is_system_admin.
func (u *User) IsSystemAdmin() bool {
	if i := u.shape.ruled[userIsSystemAdmin]; i >= 0 {
		return u.kinds[i] == kindTrue
	}
	return false
}

// Membership is a row of the member (OrganizationMemberResponse without
// its user); the rules read it through these accessors.
type Membership struct {
	Row
	// search is the user's searchable text, lower-cased, kept on the row so
	// that a search over 100,000 members is a scan of one slice.
	search string
}

func (m *Membership) ID() string              { return m.ruledString(memberID) }
func (m *Membership) OrganizationID() string  { return m.ruledString(memberOrganizationID) }
func (m *Membership) UserID() string          { return m.ruledString(memberUserID) }
func (m *Membership) Role() string            { return m.ruledString(memberRole) }
func (m *Membership) MembershipState() string { return m.ruledString(memberState) }
func (m *Membership) CreatedAt() string       { return m.ruledString(memberCreatedAt) }
func (m *Membership) UpdatedAt() string       { return m.ruledString(memberUpdatedAt) }

// MemberView is OrganizationMemberResponse: the row with its user.
type MemberView struct {
	Member *Membership
	User   *User
}

// MarshalJSON is the member's properties with its user in the joined one.
func (v MemberView) MarshalJSON() ([]byte, error) {
	user, err := encodeUser(v.User)
	if err != nil {
		return nil, err
	}
	return encodeView(v.Member, user)
}

// encodeUser and encodeView encode a member and its user by hand, in the
// spec's order, and let a user's bytes, which no request changes, be
// reused for each new version of a member.
func encodeUser(u *User) ([]byte, error) {
	if u == nil {
		return []byte("null"), nil
	}
	return u.appendJSON(make([]byte, 0, 256), nil)
}

func encodeView(m *Membership, user []byte) ([]byte, error) {
	return m.appendJSON(make([]byte, 0, 256+len(user)), user)
}

// Identity ties a development token to a user and names the standing it was
// made for (system_admin, org_admin, analyst, suspended, outsider).
type Identity struct {
	Standing string `json:"standing"`
	Token    string `json:"token"`
	UserID   string `json:"user_id"`
}

// State is the whole world, as exported, imported and saved. Users and
// memberships are rows of the spec's schemas; resources holds the inferred
// resources' rows, by collection path, then by parent (the path's other
// parameters, "organization_id=<id>").
type State struct {
	// OrganizationID is the organization the identities were made for;
	// OtherOrganizationID one that none of them but the system admin
	// belongs to. Both feed the contract runner's profile.
	OrganizationID      string                      `json:"organization_id"`
	OtherOrganizationID string                      `json:"other_organization_id"`
	Organizations       []Organization              `json:"organizations"`
	Users               []Row                       `json:"users"`
	Memberships         []Row                       `json:"memberships"`
	Identities          []Identity                  `json:"identities"`
	Resources           map[string]map[string][]Row `json:"resources,omitempty"`
}

// world is State indexed for the operations. Members of an organization are
// kept sorted by (created_at, id), the list order.
type world struct {
	organizationID, otherOrganizationID string

	organizations map[string]*Organization
	orgOrder      []string
	users         map[string]*User
	userOrder     []string
	members       map[string]*Membership
	byOrg         map[string][]*Membership
	byOrgUser     map[orgUser]*Membership
	identities    []Identity
	byToken       map[string]*User
	// resources are the inferred resources' rows, by collection path, then
	// by parent, in list order.
	resources map[string]map[string][]*Row
	// views caches each member's encoded view (responsecheck.go); a new
	// world starts with an empty cache.
	views *sync.Map
	// searchIndexes are built on the first search of an organization after
	// a change; readers build them concurrently, hence the lock.
	indexMu       *sync.Mutex
	searchIndexes map[string]*searchIndex
	// changes gathers what a write touches, while it runs with a log.
	changes *changeSet
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

// orgUser keys a membership by its organization and user: a struct, not a
// joined string, so that the index holds no copy of the ids.
type orgUser struct{ org, user string }

func orgUserKey(orgID, userID string) orgUser { return orgUser{orgID, userID} }

func memberLess(a, b *Membership) bool {
	if ac, bc := a.CreatedAt(), b.CreatedAt(); ac != bc {
		return ac < bc
	}
	return a.ID() < b.ID()
}

// sortMembers puts members in list order. The keys are read once, into
// one slice: a comparison then touches no row (a third of the time for
// 100,000 members).
func sortMembers(list []*Membership) {
	type key struct {
		created, id string
		m           *Membership
	}
	keys := make([]key, len(list))
	for i, m := range list {
		keys[i] = key{m.CreatedAt(), m.ID(), m}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.created, b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	for i, k := range keys {
		list[i] = k.m
	}
}

// sortRows orders rows as lists return them: by created_at, then id.
func sortRows(rows []*Row) {
	slices.SortFunc(rows, func(a, b *Row) int {
		if c := strings.Compare(a.Text("created_at"), b.Text("created_at")); c != 0 {
			return c
		}
		return strings.Compare(a.Text("id"), b.Text("id"))
	})
}

// newWorld indexes a state, refusing one that is inconsistent. It takes
// the state's rows, bound to the vocabulary's shapes, as its own: a state
// is built (seed) or read (file, import) for one world, and an export
// copies them.
func newWorld(s State, vocab vocabulary) (*world, error) {
	w := &world{
		organizationID:      strings.ToLower(s.OrganizationID),
		otherOrganizationID: strings.ToLower(s.OtherOrganizationID),
		organizations:       make(map[string]*Organization, len(s.Organizations)),
		users:               make(map[string]*User, len(s.Users)),
		members:             make(map[string]*Membership, len(s.Memberships)),
		byOrg:               make(map[string][]*Membership),
		byOrgUser:           make(map[orgUser]*Membership, len(s.Memberships)),
		byToken:             make(map[string]*User, len(s.Identities)),
		resources:           map[string]map[string][]*Row{},
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
	// Each row is checked on its own on every core, then indexed in order
	// (a third of the start-up of 100,000 members); the first error in
	// the state's order is the one reported, as one pass would report it.
	users := make([]User, len(s.Users))
	userErrs := make([]error, len(s.Users))
	inParallel(len(users), func(i int) { userErrs[i] = users[i].adopt(s.Users[i], vocab) })
	for i := range users {
		u := &users[i]
		if userErrs[i] != nil {
			return nil, fmt.Errorf("users[%d]: %w", i, userErrs[i])
		}
		if _, dup := w.users[u.ID()]; dup {
			return nil, fmt.Errorf("users[%d]: duplicate id %s", i, u.ID())
		}
		w.users[u.ID()] = u
		w.userOrder = append(w.userOrder, u.ID())
	}
	members := make([]Membership, len(s.Memberships))
	memberErrs := make([]error, len(s.Memberships))
	inParallel(len(members), func(i int) { memberErrs[i] = members[i].adopt(s.Memberships[i], vocab) })
	for i := range members {
		m := &members[i]
		if memberErrs[i] != nil {
			return nil, fmt.Errorf("memberships[%d]: %w", i, memberErrs[i])
		}
		switch {
		case w.organizations[m.OrganizationID()] == nil:
			return nil, fmt.Errorf("memberships[%d]: unknown organization %s", i, m.OrganizationID())
		case w.users[m.UserID()] == nil:
			return nil, fmt.Errorf("memberships[%d]: unknown user %s", i, m.UserID())
		case w.members[m.ID()] != nil:
			return nil, fmt.Errorf("memberships[%d]: duplicate id %s", i, m.ID())
		case w.byOrgUser[orgUserKey(m.OrganizationID(), m.UserID())] != nil:
			return nil, fmt.Errorf("memberships[%d]: user %s is already a member of %s", i, m.UserID(), m.OrganizationID())
		}
		m.search = w.users[m.UserID()].search
		w.members[m.ID()] = m
		w.byOrgUser[orgUserKey(m.OrganizationID(), m.UserID())] = m
		w.byOrg[m.OrganizationID()] = append(w.byOrg[m.OrganizationID()], m)
	}
	for _, list := range w.byOrg {
		sortMembers(list)
	}
	for collection, parents := range s.Resources {
		sh := vocab.resources[collection]
		if sh == nil {
			return nil, fmt.Errorf("resources: the spec has no resource %s", collection)
		}
		w.resources[collection] = map[string][]*Row{}
		for parent, rows := range parents {
			list := make([]*Row, len(rows))
			for i := range rows {
				row := rows[i]
				if err := row.bind(sh); err != nil {
					return nil, fmt.Errorf("resources[%s][%s][%d]: %w", collection, parent, i, err)
				}
				list[i] = &row
			}
			sortRows(list)
			w.resources[collection][parent] = list
		}
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
		id.UserID = u.ID()
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

// adopt makes a state's row a user: bound to the user's shape, its id a
// lower-cased uuid, an email, its search text.
func (u *User) adopt(row Row, vocab vocabulary) error {
	if err := row.bind(vocab.user); err != nil {
		return err
	}
	u.Row = row
	id := u.ID()
	if !isUUID(id) {
		return fmt.Errorf("id %q is not a uuid", id)
	}
	u.setRuled(userID, strings.ToLower(id))
	if u.Email() == "" {
		return errors.New("email is required")
	}
	u.search = searchableText(u)
	return nil
}

// inParallel runs do(i) for every i below n, spread over the machine's
// cores; each i runs once.
func inParallel(n int, do func(i int)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/1024))
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				do(i)
			}
		})
	}
	wg.Wait()
}

// adopt makes a state's row a member: bound to the member's shape, ids
// lower-cased, times in timeLayout, role and state from the spec's enums.
func (m *Membership) adopt(row Row, vocab vocabulary) error {
	if err := row.bind(vocab.member); err != nil {
		return err
	}
	m.Row = row
	for _, n := range []int{memberID, memberOrganizationID, memberUserID} {
		id := m.ruledString(n)
		if !isUUID(id) {
			return fmt.Errorf("%s %q is not a uuid", memberRuled[n].name, id)
		}
		m.setRuled(n, strings.ToLower(id))
	}
	for _, n := range []int{memberCreatedAt, memberUpdatedAt} {
		if inTimeLayout(m.ruledString(n)) {
			continue
		}
		v, _ := m.Get(memberRuled[n].name)
		t, err := normalizeTime(v)
		if err != nil {
			return fmt.Errorf("created_at and updated_at are required times: %s: %w", memberRuled[n].name, err)
		}
		m.setRuled(n, t)
	}
	switch {
	case !vocab.hasRole(m.Role()):
		return fmt.Errorf("unknown role %q", m.Role())
	case !vocab.hasState(m.MembershipState()):
		return fmt.Errorf("unknown membership_state %q", m.MembershipState())
	case m.UpdatedAt() < m.CreatedAt():
		return errors.New("updated_at is before created_at")
	}
	return nil
}

// state exports the world in a stable order.
func (w *world) state() State {
	s := State{
		OrganizationID:      w.organizationID,
		OtherOrganizationID: w.otherOrganizationID,
		Organizations:       make([]Organization, 0, len(w.orgOrder)),
		Users:               make([]Row, 0, len(w.userOrder)),
		Memberships:         make([]Row, 0, len(w.members)),
		Identities:          append([]Identity(nil), w.identities...),
	}
	for _, id := range w.orgOrder {
		s.Organizations = append(s.Organizations, *w.organizations[id])
		for _, m := range w.byOrg[id] {
			s.Memberships = append(s.Memberships, m.Row.clone())
		}
	}
	for _, id := range w.userOrder {
		s.Users = append(s.Users, w.users[id].Row.clone())
	}
	for collection, parents := range w.resources {
		if s.Resources == nil {
			s.Resources = map[string]map[string][]Row{}
		}
		s.Resources[collection] = map[string][]Row{}
		for parent, rows := range parents {
			out := make([]Row, len(rows))
			for i, r := range rows {
				out[i] = r.clone()
			}
			s.Resources[collection][parent] = out
		}
	}
	return s
}

func (w *world) view(m *Membership) MemberView {
	return MemberView{Member: m, User: w.users[m.UserID()]}
}

func (w *world) insert(m *Membership) {
	w.touchMember(m.ID())
	w.dropSearchIndex(m.OrganizationID())
	m.search = w.users[m.UserID()].search
	w.members[m.ID()] = m
	w.byOrgUser[orgUserKey(m.OrganizationID(), m.UserID())] = m
	list := w.byOrg[m.OrganizationID()]
	i := sort.Search(len(list), func(i int) bool { return memberLess(m, list[i]) })
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = m
	w.byOrg[m.OrganizationID()] = list
}

func (w *world) remove(m *Membership) {
	w.touchMember(m.ID())
	w.dropSearchIndex(m.OrganizationID())
	w.views.Delete(m.ID())
	delete(w.members, m.ID())
	delete(w.byOrgUser, orgUserKey(m.OrganizationID(), m.UserID()))
	list := w.byOrg[m.OrganizationID()]
	i := sort.Search(len(list), func(i int) bool { return !memberLess(list[i], m) })
	if i < len(list) && list[i] == m {
		w.byOrg[m.OrganizationID()] = append(list[:i], list[i+1:]...)
	}
}

// store guards the world. Operations run whole under its lock, so a rule
// checked is still true when the write lands. With a state file, a write's
// change is enqueued on the log under the lock (in the order of the
// changes) and synced after it, before the answer: writers share syncs.
type store struct {
	mu    sync.RWMutex
	w     *world
	vocab vocabulary // what a state may hold
	log   *stateLog  // nil without a state file
	// applied is the seq of the last change made to w (set under mu's
	// write lock): what a reader of w could see, its answer waits for.
	applied uint64
}

// seen is the last change one request's reads could have shown it. Its
// answer waits until that change is synced (settle), and for no later one:
// a reader is not held by the syncs of writers that came after it. A
// request's copies share it (a pointer on the request).
type seen struct{ seq atomic.Uint64 }

func (v *seen) saw(seq uint64) {
	for {
		cur := v.seq.Load()
		if seq <= cur || v.seq.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// read runs fn on the world and returns once every change fn could have
// seen is synced: what a caller answers from it cannot be undone by a
// crash.
func (s *store) read(fn func(w *world)) { s.waitSynced(s.look(fn)) }

// readFor is read for a request whose answer waits for it later
// (settle(v)), so that a request that reads and then writes waits once, for
// its own record. Without a request to wait (v nil), it waits as read does.
func (s *store) readFor(v *seen, fn func(w *world)) {
	seq := s.look(fn)
	if v == nil {
		s.waitSynced(seq)
		return
	}
	v.saw(seq)
}

// look runs fn under the read lock and returns the last change it could
// see, read under that lock: no write lands while fn runs.
func (s *store) look(fn func(w *world)) uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.w)
	return s.applied
}

// waitSynced returns when change seq is synced (at once without a log). A
// failed sync is its writers' to report: the world is read back.
func (s *store) waitSynced(seq uint64) {
	if s.log != nil && seq > 0 {
		_ = s.log.waitDurable(seq)
	}
}

// settle waits until every change a request's reads could have seen is
// synced: a response waits for it, so that no client sees a change a crash
// could undo. It is called once a request is done with the store. Its
// writes waited for their own records already, which come after anything
// it read before them; what it read after them (v) is waited for here.
func (s *store) settle(v *seen) {
	if v != nil {
		s.waitSynced(v.seq.Load())
	}
}

// write runs fn; when it reports a change and the state is kept in a
// file, the change is logged and synced before write returns. A change
// that could not be saved is undone: the world is read back from disk, and
// what a client was told failed did not happen. A write that changes
// nothing (or is refused) returns once what it read is synced, as read.
func (s *store) write(fn func(w *world) (changed bool, err error)) error {
	s.mu.Lock()
	if err := s.reloadIfFailedLocked(); err != nil {
		s.mu.Unlock()
		return err
	}
	var changes *changeSet
	if s.log != nil {
		changes = &changeSet{}
		s.w.changes = changes
	}
	read := s.applied
	changed, err := fn(s.w)
	s.w.changes = nil
	if err != nil || !changed || s.log == nil {
		s.mu.Unlock()
		s.waitSynced(read)
		return err
	}
	rec, err := changes.record(s.w)
	if err != nil {
		s.mu.Unlock()
		return errorf(500, "state not saved: %v", err)
	}
	seq, err := s.log.enqueue(rec)
	if err != nil {
		rerr := s.reloadIfFailedLocked()
		s.mu.Unlock()
		if rerr != nil {
			return rerr
		}
		return errorf(500, "%v", err)
	}
	s.applied = seq
	s.mu.Unlock()
	if err := s.log.waitDurable(seq); err != nil {
		s.mu.Lock()
		rerr := s.reloadIfFailedLocked()
		s.mu.Unlock()
		if rerr != nil {
			return rerr
		}
		return errorf(500, "%v", err)
	}
	return nil
}

// reloadIfFailedLocked reads the world back from disk after a failed
// sync (the log was cut back to what was synced).
func (s *store) reloadIfFailedLocked() error {
	if s.log == nil || !s.log.reloadNeeded() {
		return nil
	}
	s.log.filesMu.Lock()
	st, _, err := readDurableState(s.log.path, s.log.logger, 0)
	s.log.filesMu.Unlock()
	var w *world
	if err == nil {
		w, err = newWorld(st, s.vocab)
	}
	if err != nil {
		return errorf(500, "state not saved, and could not be read back: %v", err)
	}
	*s.w = *w
	// The world is what was synced again: a reader of it waits for nothing.
	s.applied = s.log.reloaded()
	return nil
}

// replace swaps in a whole new world (import, reset): one record.
func (s *store) replace(st State) error {
	w, err := newWorld(st, s.vocab)
	if err != nil {
		return err
	}
	return s.write(func(cur *world) (bool, error) {
		changes := cur.changes
		*cur = *w
		if changes != nil {
			changes.whole = true
			cur.changes = changes
		}
		return true, nil
	})
}

// checkpoint writes the world as the snapshot and removes the log: the
// state file alone is then the state.
func (s *store) checkpoint() error {
	if s.log == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadIfFailedLocked(); err != nil {
		return err
	}
	if err := s.log.waitDurable(s.log.last()); err != nil {
		return err
	}
	return s.log.checkpoint(s.w.state())
}

func (s *store) export() State {
	var st State
	s.read(func(w *world) { st = w.state() })
	return st
}
