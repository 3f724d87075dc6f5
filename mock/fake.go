package mock

import (
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/mock/spec"
)

// seedEpoch anchors generated timestamps, so a seed gives the same world on
// every machine and every day.
var seedEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// faker generates values from the spec's schemas, picking by field name so
// that people look real. One faker, one seed: the same sequence of calls
// gives the same values.
type faker struct {
	f *gofakeit.Faker
	// person is the one that name-like fields of the object being generated
	// describe, so that email, name and picture agree.
	person *person
	email  string
	// names are each object schema's properties in name order, sorted once
	// (up to maxCachedSchemas schemas).
	names map[*openapi3.Schema][]string
}

const maxCachedSchemas = 64

// person is who the name-like fields of one generated object describe.
type person struct{ FirstName, LastName string }

// emailDomains are reserved for examples: generated people never mail anyone.
var emailDomains = []string{"example.com", "example.org", "example.net"}

// newFaker takes gofakeit's unlocked source: the same sequence as New's
// without a lock per number (a twentieth of a 100,000-member world). A
// faker is used by one goroutine at a time: the seed's, or under
// Server.idMu.
func newFaker(seed int64) *faker { return &faker{f: gofakeit.NewUnlocked(seed)} }

// uuid4 is a random version 4 uuid from the seeded source.
func (g *faker) uuid4() string { return strings.ToLower(g.f.UUID()) }

// value generates a value for a schema; name is the property's name, which
// picks realistic content for well-known fields.
func (g *faker) value(name string, ref *openapi3.SchemaRef, required bool) any {
	s, nullable := spec.Underlying(ref)
	if s == nil {
		return nil
	}
	// Null sometimes where the schema allows it (3.0's nullable, 3.1's
	// anyOf with null or type array), never where it does not.
	if nullable && !required && g.f.Number(1, 12) == 1 {
		return nil
	}
	if s.Const != nil {
		return s.Const
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.f.Number(0, len(s.Enum)-1)]
	}
	switch {
	case s.Type.Is("object"):
		return g.object(s)
	case s.Type.Is("array"):
		n := 1 + g.f.Number(0, 2)
		if s.MinItems > uint64(n) {
			n = int(s.MinItems)
		}
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		out := make([]any, n)
		for i := range out {
			out[i] = g.value(name, s.Items, true)
		}
		return out
	case s.Type.Is("integer"):
		lo, hi := integerBounds(s)
		return g.f.Number(lo, max(lo, hi))
	case s.Type.Is("number"):
		return g.f.Float64Range(0, 1000)
	case s.Type.Is("boolean"):
		if d, ok := s.Default.(bool); ok {
			return d
		}
		return g.f.Bool()
	}
	return g.text(name, s)
}

// integerBounds are the least and greatest integers a schema allows
// (within 0 to 1000 when it leaves a side open): 3.0 says an exclusive
// bound with a boolean beside minimum or maximum, 3.1 with a number.
func integerBounds(s *openapi3.Schema) (lo, hi int) {
	lo, hi = 0, 1000
	if s.Min != nil {
		lo = int(math.Ceil(*s.Min))
		if s.ExclusiveMin.IsTrue() && float64(lo) == *s.Min {
			lo++
		}
	}
	if v := s.ExclusiveMin.Value; v != nil && (s.Min == nil || *v >= *s.Min) {
		lo = int(math.Floor(*v)) + 1
	}
	if s.Max != nil {
		hi = int(math.Floor(*s.Max))
		if s.ExclusiveMax.IsTrue() && float64(hi) == *s.Max {
			hi--
		}
	}
	if v := s.ExclusiveMax.Value; v != nil && (s.Max == nil || *v <= *s.Max) {
		hi = int(math.Ceil(*v)) - 1
	}
	return lo, hi
}

// resolved is the schema a property's values meet, through the wrappers
// spec.Underlying reads (allOf, anyOf or oneOf with null, type arrays).
func resolved(ref *openapi3.SchemaRef) *openapi3.Schema {
	s, _ := spec.Underlying(ref)
	return s
}

// underlying is resolved, under the name the rules read the user's shape
// by: the document's own schema, whose declaration order the spec knows
// by its address.
func underlying(ref *openapi3.SchemaRef) *openapi3.Schema { return resolved(ref) }

// object generates every property in name order (map order would break
// reproducibility), required ones always.
func (g *faker) object(s *openapi3.Schema) map[string]any {
	out := make(map[string]any, len(s.Properties))
	g.eachProperty(s, func(name string, v any) { out[name] = v })
	return out
}

// eachProperty generates the properties of an object for one new person,
// in name order, required ones always, and hands each to visit.
func (g *faker) eachProperty(s *openapi3.Schema, visit func(name string, v any)) {
	outerPerson, outerEmail := g.person, g.email
	g.newPerson()
	defer func() { g.person, g.email = outerPerson, outerEmail }()
	names, ok := g.names[s]
	if !ok {
		names = slices.Sorted(maps.Keys(s.Properties))
		if g.names == nil {
			g.names = map[*openapi3.Schema][]string{}
		}
		// resolved copies a wrapped schema on every call: a long-lived
		// faker (the server's) would grow the cache without a bound.
		if len(g.names) < maxCachedSchemas {
			g.names[s] = names
		}
	}
	for _, n := range names {
		visit(n, g.value(n, s.Properties[n], contains(s.Required, n)))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (g *faker) text(name string, s *openapi3.Schema) string {
	if g.person == nil {
		g.newPerson()
	}
	p := g.person
	var v string
	switch {
	case s.Format == "uuid":
		v = g.uuid4()
	case s.Format == "date-time":
		v = seedEpoch.Add(time.Duration(g.f.Number(0, 540*24*3600)) * time.Second).Format(timeLayout)
	case name == "email" || s.Format == "email":
		v = g.email
	case name == "given_name":
		v = p.FirstName
	case name == "family_name":
		v = p.LastName
	case name == "name":
		v = p.FirstName + " " + p.LastName
	case name == "nickname":
		v = strings.ToLower(p.FirstName)
	case name == "picture" || s.Format == "uri":
		v = "https://i.pravatar.cc/300?u=" + url.QueryEscape(g.email)
	case name == "auth0_sub":
		v = "auth0|" + g.hex(12)
	case s.Format == "date":
		v = seedEpoch.Add(time.Duration(g.f.Number(0, 540)) * 24 * time.Hour).Format(time.DateOnly)
	case strings.Contains(name, "phone"):
		v = g.f.Phone()
	case name == "locale" || name == "language":
		v = g.f.LanguageBCP()
	case name == "timezone" || name == "time_zone":
		v = g.f.TimeZoneRegion()
	case name == "country":
		v = g.f.Country()
	case name == "city":
		v = g.f.City()
	case name == "company" || name == "organization_name":
		v = g.f.Company()
	case name == "url" || name == "website" || strings.HasSuffix(name, "_url"):
		v = g.f.URL()
	case name == "description" || name == "bio" || name == "about":
		v = g.f.Sentence(10)
	case name == "title" || name == "job_title":
		v = g.f.JobTitle()
	case name == "department":
		v = g.f.JobDescriptor()
	case name == "detail" || name == "msg":
		v = g.f.Sentence(6)
	default:
		v = g.f.Word()
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	return v
}

func (g *faker) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.f.Number(0, 255))
	}
	return hex.EncodeToString(b)
}

// newPerson picks the person the next name-like fields describe, with an
// email made from the name (a number keeps large worlds mostly unique).
func (g *faker) newPerson() {
	// FirstName and LastName only: gofakeit's Person() also makes an
	// address, a job and a card, ten times the work for a large world.
	g.person = &person{FirstName: g.f.FirstName(), LastName: g.f.LastName()}
	local := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r == '.' {
			return r
		}
		return -1
	}, strings.ToLower(g.person.FirstName+"."+g.person.LastName))
	g.email = fmt.Sprintf("%s%d@%s", local, g.f.Number(1, 999), emailDomains[g.f.Number(0, len(emailDomains)-1)])
}

// fill generates the named properties of a row, in order: required ones
// always, optional ones for most rows.
func (g *faker) fill(row *Row, names []string) {
	for _, name := range names {
		i := row.shape.slots[name]
		req := contains(row.shape.required, name)
		if !req && g.f.Number(1, 8) == 1 {
			continue
		}
		row.put(i, g.value(name, row.shape.props[i], req))
	}
}

// newUser generates a user of the user's shape from its schema.
func (g *faker) newUser(sh *shape) User {
	// As value would generate the object, straight into the row.
	u := User{Row: newRow(sh)}
	g.eachProperty(sh.schema, func(name string, v any) { u.Set(name, v) })
	u.setRuled(userID, g.uuid4())
	if sh.ruled[userIsSystemAdmin] >= 0 {
		u.setRuled(userIsSystemAdmin, false)
	}
	return u
}

// newMember generates a membership row: its times, id and the properties
// no rule reads.
func (g *faker) newMember(vocab vocabulary, unruled []string, org, user, role, state string) Row {
	created := seedEpoch.Add(time.Duration(g.f.Number(0, 540*24*3600))*time.Second + time.Duration(g.f.Number(0, 999999))*time.Microsecond)
	updated := created
	if g.f.Bool() {
		updated = created.Add(time.Duration(g.f.Number(1, 90*24*3600)) * time.Second)
	}
	m := Membership{Row: newRow(vocab.member)}
	// In the order of memberRuled.
	for n, v := range [...]string{g.uuid4(), org, user, role, state, formatTime(created), formatTime(updated)} {
		m.setRuled(n, v)
	}
	g.fill(&m.Row, unruled)
	return m.Row
}

// bulkChunk is how many rows of a large world's bulk one faker draws.
const bulkChunk = 2048

// bulkFaker is the faker of one chunk of the bulk: of kind (users,
// members) and chunk, from the world's bulk seed.
func bulkFaker(bulkSeed int64, kind, chunk int) *faker {
	return newFaker(bulkSeed ^ int64(kind+1)<<40 ^ int64(chunk+1)*0x5851f42d)
}

// inChunks runs do over [0, n) in bulkChunk-sized chunks, on every core;
// each chunk runs once.
func inChunks(n int, do func(chunk, lo, hi int)) {
	chunks := (n + bulkChunk - 1) / bulkChunk
	var nextChunk atomic.Int64
	var wg sync.WaitGroup
	for range min(chunks, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for c := int(nextChunk.Add(1) - 1); c < chunks; c = int(nextChunk.Add(1) - 1) {
				do(c, c*bulkChunk, min(n, (c+1)*bulkChunk))
			}
		})
	}
	wg.Wait()
}

// World layout for a seed. The first users hold the development tokens.
const (
	seedOrganizations  = 5
	seedUsers          = 60
	seedPrimaryMembers = 24 // members of the profile's organization
	seedOtherMembers   = 10
)

// Seeded organizations look real: most members are active analysts, a few
// admins, system admins are rare, pending and suspended a minority. A role
// or state the spec adds weighs 1.
var (
	seedRoleWeights  = map[string]int{RoleAnalyst: 16, RoleOrgAdmin: 3, RoleSystemAdmin: 1}
	seedStateWeights = map[string]int{StateActive: 17, StatePending: 2, StateSuspended: 1}
)

// weighted lists each value as often as its weight, in the spec's order,
// for a uniform pick.
func weighted(values []string, weights map[string]int) []string {
	var out []string
	for _, v := range values {
		for n := max(weights[v], 1); n > 0; n-- {
			out = append(out, v)
		}
	}
	return out
}

// seedState builds the world for a seed: several organizations, dozens of
// users, members across all roles and states, and the identities. members,
// when larger, is the size the profile's organization grows to.
func seedState(g *faker, vocab vocabulary, members int) State {
	var st State
	for i := 0; i < seedOrganizations; i++ {
		st.Organizations = append(st.Organizations, Organization{ID: g.uuid4(), Name: g.f.Company()})
	}
	primary, other := st.Organizations[0].ID, st.Organizations[1].ID
	st.OrganizationID, st.OtherOrganizationID = primary, other

	userCount := max(seedUsers, members+seedOtherMembers+10)
	users := make([]User, userCount)
	base := min(userCount, seedUsers)
	for i := range users[:base] {
		users[i] = g.newUser(vocab.user)
	}
	// A world grown past the base one (--members) draws its bulk from
	// fakers of its own, one per chunk, on every core: the base world's
	// values are today's, the bulk's are another seeded sequence.
	var bulkSeed int64
	if userCount > base || max(seedPrimaryMembers, members) > seedPrimaryMembers {
		bulkSeed = g.f.Int64()
	}
	inChunks(userCount-base, func(chunk, lo, hi int) {
		f := bulkFaker(bulkSeed, 0, chunk)
		for i := base + lo; i < base+hi; i++ {
			users[i] = f.newUser(vocab.user)
		}
	})
	if vocab.user.ruled[userIsSystemAdmin] >= 0 {
		users[0].setRuled(userIsSystemAdmin, true)
	}
	st.Users = make([]Row, 0, len(users))
	for _, u := range users {
		st.Users = append(st.Users, u.Row)
	}
	sysAdmin, orgAdmin, analyst, suspended, outsider := users[0].ID(), users[1].ID(), users[2].ID(), users[3].ID(), users[4].ID()
	st.Identities = []Identity{
		{Standing: "system_admin", Token: TokenSystemAdmin, UserID: sysAdmin},
		{Standing: "org_admin", Token: TokenOrgAdmin, UserID: orgAdmin},
		{Standing: "analyst", Token: TokenAnalyst, UserID: analyst},
		{Standing: "suspended", Token: TokenSuspended, UserID: suspended},
		{Standing: "outsider", Token: TokenOutsider, UserID: outsider},
	}

	roles, states := weighted(vocab.Roles, seedRoleWeights), weighted(vocab.States, seedStateWeights)
	unruled := vocab.unruledMember
	member := func(org, user, role, state string) {
		st.Memberships = append(st.Memberships, g.newMember(vocab, unruled, org, user, role, state))
	}
	pick := func(f *faker, list []string) string { return list[f.f.Number(0, len(list)-1)] }

	// The profile's organization: the standings, then a mix of everything.
	member(primary, orgAdmin, RoleOrgAdmin, StateActive)
	member(primary, analyst, RoleAnalyst, StateActive)
	member(primary, suspended, RoleOrgAdmin, StateSuspended)
	next := 5 // users 0..4 hold the tokens
	// Every role and state of the spec occurs, then the usual mix.
	for _, role := range vocab.Roles {
		member(primary, users[next].ID(), role, StateActive)
		next++
	}
	for _, state := range vocab.States {
		member(primary, users[next].ID(), RoleAnalyst, state)
		next++
	}
	mix := max(seedPrimaryMembers, members) - 3 - len(vocab.Roles) - len(vocab.States)
	baseMix := min(mix, seedPrimaryMembers-3-len(vocab.Roles)-len(vocab.States))
	for n := baseMix; n > 0; n-- {
		member(primary, users[next].ID(), pick(g, roles), pick(g, states))
		next++
	}
	bulk := make([]Row, max(0, mix-max(baseMix, 0)))
	inChunks(len(bulk), func(chunk, lo, hi int) {
		f := bulkFaker(bulkSeed, 1, chunk)
		for i := lo; i < hi; i++ {
			role, state := pick(f, roles), pick(f, states)
			bulk[i] = f.newMember(vocab, unruled, primary, users[next+i].ID(), role, state)
		}
	})
	st.Memberships = append(st.Memberships, bulk...)
	next += len(bulk)
	// The other organization: none of the token holders but the system admin.
	member(other, sysAdmin, RoleSystemAdmin, StateActive)
	for i := 0; i < seedOtherMembers; i++ {
		member(other, users[next].ID(), pick(g, roles), pick(g, states))
		next++
	}
	// The outsider administers an organization of its own; the rest spread
	// over the remaining ones. Users past next stay free to add.
	member(st.Organizations[2].ID, outsider, RoleOrgAdmin, StateActive)
	for i, org := range st.Organizations[2:] {
		for j := 0; j < 4; j++ {
			member(org.ID, users[5+i*4+j].ID(), pick(g, roles), pick(g, states))
		}
	}
	return st
}
