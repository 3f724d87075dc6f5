package mock

// The mock's policy: the rules of BEHAVIOUR.md on callers, members and
// their operations, and the list of the project's choices (below), each
// stated once in BEHAVIOUR.md. Change a rule here, with the fixtures. The
// order of the checks is the pipeline's (pipeline.go); what the stack
// itself does (routing, decoding, validation) is emulated in
// internal/stack.

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// Choices: where even the service's stack is silent, the project chooses,
// and BEHAVIOUR.md states each choice once, marked *choice*. By its
// section there, and where the code makes it (TestEveryChoiceIsListedAndCited,
// internal/docgen, holds this list to BEHAVIOUR.md):
//
//   - BEHAVIOUR.md#credentials: an unknown API key (resolveCaller); a member
//     operation without a caller (anonymousMayAct).
//   - BEHAVIOUR.md#standing: a SYSTEM_ADMIN-role member (rightsIn); a role
//     or state no rule names (roleStandings, stateRules, unruled).
//   - BEHAVIOUR.md#system_admin-memberships: the check before or after the
//     member lookup (changeMember, deleteMember).
//   - BEHAVIOUR.md#paths-and-methods: the one method Allow names
//     (internal/spec: order.go).
//   - BEHAVIOUR.md#validation-errors: a 422 the service cannot render
//     (internal/stack: appendPyJSON, pyDecodeText, rawBytesInput).
//   - BEHAVIOUR.md#list: a page envelope (envelope.go); the paging and
//     search known by shape, a list without a page size (paging.go,
//     internal/spec: listparams.go).
//   - BEHAVIOUR.md#update: membership_state in a body (declaredState); a
//     PATCH (opPatch).
//   - BEHAVIOUR.md#delete: a delete that answers something else
//     (server.go: asDocumented).
//   - BEHAVIOUR.md#body-size: maxBodyBytes.
//   - BEHAVIOUR.md#formats: times with microseconds (store.go: timeLayout);
//     a format no rule knows (internal/spec: unknownFormat); file and
//     directory paths (internal/stack: pydanticPath).
const (
	// maxBodyBytes: larger request bodies are a 413.
	maxBodyBytes = 1 << 20
	// journalSize bounds /__mock/requests, and journalBodyBytes each body
	// it keeps.
	journalSize      = 200
	journalBodyBytes = 64 << 10
	// candidateCount is how many users free to add the profile offers.
	candidateCount = 10
)

// Fixed development tokens, one per standing in the profile's organization.
const (
	TokenSystemAdmin = "dev-system-admin"
	TokenOrgAdmin    = "dev-org-admin"
	TokenAnalyst     = "dev-analyst"
	TokenSuspended   = "dev-suspended"
	TokenOutsider    = "dev-outsider"
)

// Roles and membership states, as the spec's Role and MembershipState enums
// (a test keeps them equal).
const (
	RoleSystemAdmin = "SYSTEM_ADMIN"
	RoleOrgAdmin    = "ORGANIZATION_ADMIN"
	RoleAnalyst     = "ANALYST"

	StateActive    = "active"
	StatePending   = "pending"
	StateSuspended = "suspended"
)

// roleStandings is what an active membership of each role may do. A role
// the spec adds and this table lacks grants nothing: it fails closed, and
// New names it at start-up.
var roleStandings = map[string]rights{RoleSystemAdmin: rightsAdmin, RoleOrgAdmin: rightsAdmin, RoleAnalyst: rightsMember}

// Only an active membership counts: pending, suspended and any state the
// spec adds count as none.
var stateRules = map[string]bool{StateActive: true, StatePending: true, StateSuspended: true}

// The properties the rules read, by position: the member's (all needed)
// and the user's (id and email needed; the rest read when the schema has
// them). Every other property of the spec is data the rules never read.
const (
	memberID = iota
	memberOrganizationID
	memberUserID
	memberRole
	memberState
	memberCreatedAt
	memberUpdatedAt
)

var memberRuled = []ruledProperty{{"id", true}, {"organization_id", true}, {"user_id", true},
	{"role", true}, {"membership_state", true}, {"created_at", true}, {"updated_at", true}}

const (
	userID = iota
	userEmail
	userIsSystemAdmin
)

var userRuled = []ruledProperty{{"id", true}, {"email", true}, {"is_system_admin", false}}

// memberUser is the member's property that embeds its user, filled from
// the user's row when a member is returned.
const memberUser = "user"

// searchedUserFields are what `query` matches: the user's email and names.
var searchedUserFields = []string{"email", "name", "given_name", "family_name", "nickname"}

// vocabulary is what the spec lets a state hold: the roles and membership
// states, in its order (what the store accepts, the seed world holds and
// the QA page filters on), and the shapes of the rows.
type vocabulary struct {
	Roles  []string `json:"role"`
	States []string `json:"membership_state"`
	// member and user are the rows' shapes; resources the inferred
	// resources', by collection path.
	member, user *shape
	resources    map[string]*shape
	// writable are the member's properties that the create or update bodies
	// write and no rule reads; bodies are those bodies' schemas.
	writable []string
	bodies   map[memberOp]*openapi3.Schema
	// unruledMember are the member's properties no rule reads (and not its
	// user), in the spec's order.
	unruledMember []string
}

// vocabularyOf reads the shape and the enums of the member the update or
// the list answers with (OrganizationMemberResponse, with its user) and of
// its user, and the roles the create and update bodies may write.
func vocabularyOf(sp *spec.Spec) (vocabulary, error) {
	ops := sp.Members()
	member := memberSchema(ops)
	if member == nil {
		return vocabulary{}, fmt.Errorf("spec: no member operations to read the roles and states from: %s", strings.Join(ops.Missing, "; "))
	}
	v := vocabulary{Roles: enumOf(member.Properties["role"]), States: enumOf(member.Properties["membership_state"]),
		resources: map[string]*shape{}, bodies: map[memberOp]*openapi3.Schema{}}
	var err error
	if v.member, err = newShape(sp, "member", member, memberRuled, memberUser); err != nil {
		return v, err
	}
	if v.user, err = newShape(sp, "user", underlying(member.Properties[memberUser]), userRuled, ""); err != nil {
		return v, err
	}
	for i, name := range v.member.names {
		if i != v.member.join && !slices.Contains(v.member.ruled, i) {
			v.unruledMember = append(v.unruledMember, name)
		}
	}
	unruled := v.unruledMember
	for _, op := range []memberOp{opCreate, opUpdate, opPatch} {
		body := requestSchema(ops.Route(op))
		if body == nil {
			continue
		}
		v.bodies[op] = body
		for _, role := range enumOf(body.Properties["role"]) {
			if !slices.Contains(v.Roles, role) {
				v.Roles = append(v.Roles, role)
			}
		}
		for name := range body.Properties {
			if slices.Contains(unruled, name) && !slices.Contains(v.writable, name) {
				v.writable = append(v.writable, name)
			}
		}
	}
	slices.Sort(v.writable)
	if len(v.Roles) == 0 || len(v.States) == 0 {
		return v, errors.New("spec: the member's role and membership_state need an enum each")
	}
	// The rules are written in these words (BEHAVIOUR.md: Authorization,
	// Standing): a spec may add roles and states, which grant nothing, but
	// without these the rules cannot run.
	for _, role := range []string{RoleSystemAdmin, RoleOrgAdmin, RoleAnalyst} {
		if !slices.Contains(v.Roles, role) {
			return v, fmt.Errorf("spec: the rules need the role %s, which the member's role enum does not list (it has %s)", role, strings.Join(v.Roles, ", "))
		}
	}
	if !slices.Contains(v.States, StateActive) {
		return v, fmt.Errorf("spec: the rules need the membership state %s, which the member's membership_state enum does not list (it has %s)", StateActive, strings.Join(v.States, ", "))
	}
	return v, nil
}

// memberSchema is the member as the operations return it with its user:
// the update's answer, else the list's items, else the create's answer.
func memberSchema(ops *spec.MemberOperations) *openapi3.Schema {
	var found *openapi3.Schema
	for _, op := range []memberOp{opUpdate, opList, opCreate, opDelete} {
		s := ops.ResponseSchema(op)
		if op == opList && s != nil {
			s = resolved(s.Items)
		}
		if s != nil && found == nil {
			found = s
		}
		if s != nil && s.Properties[memberUser] != nil {
			return s
		}
	}
	return found
}

// requestSchema is an operation's JSON request body schema, or nil.
func requestSchema(route *routers.Route) *openapi3.Schema {
	if route == nil || route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
		return nil
	}
	media := route.Operation.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	return media.Schema.Value
}

// writeProperties is what a create, a PUT or a PATCH does to the writable
// properties the body's schema has (the mock's own, docs/mock.md#its-own-choices):
// each takes the body's value, else the schema's default, else null (PUT
// replaces, as `{}` demotes the role); a PATCH writes only the properties
// sent (a merge); a value the member's own schema cannot hold is left out.
func writeProperties(vocab vocabulary, op memberOp, sent map[string]any) map[string]any {
	bodySchema := vocab.bodies[op]
	if len(vocab.writable) == 0 || bodySchema == nil {
		return nil
	}
	out := map[string]any{}
	for _, name := range vocab.writable {
		prop := bodySchema.Properties[name]
		if prop == nil {
			continue
		}
		v, ok := sent[name]
		if !ok && op == opPatch {
			continue
		}
		if !ok {
			v = schemaDefaultOf(prop)
		}
		v = storable(v)
		if !vocab.member.holds(name, v) {
			continue
		}
		out[name] = v
	}
	return out
}

// declaredState is the membership_state a body sent, where the
// operation's body schema declares one (BEHAVIOUR.md#update, *choice*);
// nil, not sent, elsewhere, for null, and for a body that only carries it
// as an extra property pydantic ignores.
func declaredState(vocab vocabulary, op memberOp, sent *string) *string {
	if body := vocab.bodies[op]; body == nil || body.Properties[memberRuled[memberState].name] == nil {
		return nil
	}
	return sent
}

// schemaDefaultOf is a property's default, through an allOf wrapper.
func schemaDefaultOf(ref *openapi3.SchemaRef) any {
	if s := resolved(ref); s != nil {
		return s.Default
	}
	return nil
}

// enumOf is a property's string enum (or const), through the wrappers
// spec.Underlying reads: FastAPI's allOf or $ref with a default, 3.1's
// anyOf with null.
func enumOf(ref *openapi3.SchemaRef) []string {
	s, _ := spec.Underlying(ref)
	if s == nil {
		return nil
	}
	values := s.Enum
	if len(values) == 0 && s.Const != nil {
		values = []any{s.Const}
	}
	var out []string
	for _, e := range values {
		if text, ok := e.(string); ok {
			out = append(out, text)
		}
	}
	return out
}

func (v vocabulary) hasRole(role string) bool   { return slices.Contains(v.Roles, role) }
func (v vocabulary) hasState(state string) bool { return slices.Contains(v.States, state) }

// unruled names each value of the spec's enums that no rule here covers,
// for the start-up log: it grants nothing.
func (v vocabulary) unruled() []string {
	var out []string
	for _, r := range v.Roles {
		if _, ok := roleStandings[r]; !ok {
			out = append(out, fmt.Sprintf("role %s: no rule, treated as no membership", r))
		}
	}
	for _, st := range v.States {
		if !stateRules[st] {
			out = append(out, fmt.Sprintf("membership_state %s: no rule, treated as no membership", st))
		}
	}
	return out
}

// Error details: the ones BEHAVIOUR.md fixes are the fixture format's
// words (package fixtures), written once; the rest are the mock's own.
const (
	detailNotAuthenticated   = fixtures.DetailNotAuthenticated
	detailInvalidCredentials = fixtures.DetailInvalidCredentials
	detailOrgNotFound        = fixtures.DetailOrgNotFound
	detailMemberNotFound     = fixtures.DetailMemberNotFound
	detailUserNotFound       = fixtures.DetailUserNotFound
	detailForbidden          = "Not enough permissions for this organization"
	detailSystemAdminOnly    = "Only a system admin may manage SYSTEM_ADMIN memberships"
	detailAlreadyMember      = "User is already a member of this organization"
)

// bearerToken takes the token of an Authorization header as FastAPI's
// HTTPBearer does (fastapi/security/http.py: HTTPBearer.__call__;
// fastapi/security/utils.py: get_authorization_scheme_param): the header
// as Starlette decodes it (latin-1, stack.HeaderText), the scheme up to
// the first space, compared lower-cased, the rest stripped as Python's
// str.strip() strips. The token comes back as that text: a byte A0 after
// it is a stripped no-break space; a UTF-8 one (C2 A0) leaves "\u00c2" on
// the token, which then names no one.
func bearerToken(authorization string) (string, bool) {
	scheme, param, _ := strings.Cut(stack.HeaderText(authorization), " ")
	token := stack.PyStrip(param)
	return token, strings.ToLower(scheme) == "bearer" && token != ""
}

// caller is who sends a request, resolved once, where the request enters.
type caller struct {
	user *User
	err  *apiError // the 401 to answer instead, once the body is decoded
	// standing names the development identity whose token was sent, for
	// scenarios and the journal; "" for any other token.
	standing string
}

// resolveCaller maps the request's credential, where the operation's
// security scheme puts it (spec.Credential), to a user: a 401 with the
// scheme's challenge when it is missing, not Bearer (for a Bearer
// scheme), empty, or names no known user. For an API key the unknown key's
// 401 is the service's own answer (the stack only checks that one is
// there): the mock gives it the same detail as an unknown Bearer token.
func resolveCaller(w *world, cred spec.Credential, r *http.Request) caller {
	token, ok := cred.Token(r, bearerToken)
	if !ok {
		return caller{err: unauthorizedAs(cred.Challenge, detailNotAuthenticated)}
	}
	c := callerOf(w, token)
	if c.user == nil {
		c.err = unauthorizedAs(cred.Challenge, detailInvalidCredentials)
	}
	return c
}

// callerOf is the user a token names, and its development standing.
func callerOf(w *world, token string) caller {
	c := caller{user: w.byToken[token]}
	for _, id := range w.identities {
		if id.Token == token {
			c.standing = id.Standing
		}
	}
	return c
}

func unauthorized(detail string) *apiError { return unauthorizedAs("Bearer", detail) }

func unauthorizedAs(challenge, detail string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Detail: detail, Header: http.Header{"Www-Authenticate": {challenge}}}
}

// rights are what a caller may do in one organization (a development
// identity's "standing" names who it is, not this).
type rights int

const (
	rightsNone rights = iota
	rightsMember
	rightsAdmin
	rightsSystemAdmin
)

// rightsIn: a system admin everywhere; otherwise through an active
// membership only, an active SYSTEM_ADMIN-role member administering as an
// ORGANIZATION_ADMIN (BEHAVIOUR.md#standing, *choice*).
func rightsIn(w *world, caller *User, orgID string) rights {
	if caller == nil {
		return rightsNone // no token, on an operation that needs none
	}
	if caller.IsSystemAdmin() {
		return rightsSystemAdmin
	}
	m := w.byOrgUser[orgUserKey(orgID, caller.ID())]
	if m == nil || m.MembershipState() != StateActive {
		return rightsNone
	}
	return roleStandings[m.Role()] // rightsNone for a role without a rule
}

// authorize is the table of BEHAVIOUR.md: any active member reads (the
// list, and any GET under the organization), admins write, the rest is
// 403.
func authorize(st rights, method string) *apiError {
	need := rightsAdmin
	if method == http.MethodGet {
		need = rightsMember
	}
	if st < need {
		return errorf(http.StatusForbidden, detailForbidden)
	}
	return nil
}

// needsToken: the operation's security (its own, else the document's)
// asks for credentials. `security: []` and an empty requirement `{}` among
// the alternatives make the token optional: the service's route then has
// no HTTPBearer dependency (fastapi/security/http.py: HTTPBearer.__call__
// is what raises the 401), so a missing or unknown token is not read.
func needsToken(doc *openapi3.T, op *openapi3.Operation) bool {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return false
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

// anonymousMayAct: a caller without a token passes authorization on an
// operation that needs none, unless the operation is a member operation or
// a resource, whose rules are about the caller's standing: those fail
// closed (403), whatever the spec's security says.
func anonymousMayAct(kind operationKind, tokenNeeded bool) bool {
	return !tokenNeeded && kind == kindExamples
}

// requireSystemAdminFor: only a system admin creates, changes or deletes a
// membership whose role is, or would become, SYSTEM_ADMIN.
func requireSystemAdminFor(st rights, roles ...string) *apiError {
	for _, r := range roles {
		if r == RoleSystemAdmin && st != rightsSystemAdmin {
			return errorf(http.StatusForbidden, detailSystemAdminOnly)
		}
	}
	return nil
}

// The list's query parameters with a rule are its paging and search,
// known by their shape (internal/spec: ListParameters; paging.go), and
// the six access-context parameters, checked as uuids and otherwise
// ignored.
var listParamsIgnore = []string{"resource_id", "source_id", "integration_source_id", "data_source_id", "context_source_id", "job_id"}

// listFilter is a query parameter of the list that names a property of the
// listed members: it keeps the members whose property equals its value, as
// json-server does (enums, uuids and formatted values exactly, plain
// strings case-insensitively).
type listFilter struct {
	param string
	fold  bool
}

// listFiltersOf classifies the list's other query parameters: a filter
// for each that names a property of the listed items, and for the rest a
// line for the start-up log (they are validated, then ignored).
func listFiltersOf(sp *spec.Spec, member *shape) (filters []listFilter, unruled []string) {
	route := sp.Members().Route(opList)
	items := sp.Members().ResponseSchema(opList)
	if route == nil || items == nil || items.Items == nil || items.Items.Value == nil {
		return nil, nil
	}
	props := items.Items.Value.Properties
	paging := sp.ListParameters(route)
	for _, group := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, ref := range group {
			p := ref.Value
			if p == nil || p.In != openapi3.ParameterInQuery || paging.Ruled(p.Name) || slices.Contains(listParamsIgnore, p.Name) {
				continue
			}
			if why, unclear := paging.Unclear[p.Name]; unclear {
				unruled = append(unruled, fmt.Sprintf("query parameter %s of the member list: %s; validated and ignored", p.Name, why))
				continue
			}
			prop := props[p.Name]
			slot, stored := member.slots[p.Name]
			if prop == nil || prop.Value == nil || !stored || slot == member.join {
				unruled = append(unruled, fmt.Sprintf("query parameter %s of the member list: no rule, validated and ignored", p.Name))
				continue
			}
			v := resolved(prop)
			filters = append(filters, listFilter{param: p.Name, fold: len(enumOf(prop)) == 0 && v.Format == "" && v.Type.Is(openapi3.TypeString)})
		}
	}
	return filters, unruled
}

// keepFor is the predicate of the filters a list request sets.
func keepFor(filters []listFilter, query func(string) (string, bool)) func(*Membership) bool {
	type wanted struct {
		field, value string
		fold         bool
	}
	var set []wanted
	for _, f := range filters {
		if v, ok := query(f.param); ok {
			set = append(set, wanted{f.param, v, f.fold})
		}
	}
	return func(m *Membership) bool {
		for _, w := range set {
			got := m.Text(w.field)
			if got != w.value && !(w.fold && strings.EqualFold(got, w.value)) {
				return false
			}
		}
		return true
	}
}

// operationKind is how the mock serves an operation of the spec.
type operationKind string

const (
	// kindPolicy: the four member operations, with every rule of BEHAVIOUR.md.
	kindPolicy operationKind = "policy"
	// kindResource: a read of the rows the policy operations change (a GET
	// on the member path), or an inferred resource (resources.go).
	kindResource operationKind = "resource"
	// kindExamples: anything else, answered from the spec's example of its
	// success, or a body generated from its schema, like Prism. Under
	// /api/organization/{organization_id} the organization's rules apply
	// first: 404 for an unknown organization, reads need an active
	// membership, writes admin rights.
	kindExamples operationKind = "examples"
)

// OperationClass is one row of the table humm-mock prints at start and
// GET /__mock/operations serves.
type OperationClass struct {
	Method      string        `json:"method"`
	Path        string        `json:"path"`
	OperationID string        `json:"operation_id"`
	Kind        operationKind `json:"kind"`
	// Reason says why the operation got its kind.
	Reason string `json:"reason"`
	op     *openapi3.Operation
}

// classifyOperations sorts the spec's operations into how they are served:
// the member operations by the policy (found by their shape, whatever
// their ids), a read of a member, the inferred resources' (resourceOf) and
// examples for the rest.
func classifyOperations(sp *spec.Spec, resourceOf func(*routers.Route) *resource) []OperationClass {
	ops := sp.Members()
	var out []OperationClass
	for _, r := range sp.Routes() {
		c := OperationClass{Method: r.Method, Path: r.Path, OperationID: r.Operation.OperationID, Kind: kindExamples, op: r.Operation}
		res := resourceOf(r)
		switch {
		case ops.Of(r.Operation) != "":
			c.Kind, c.Reason = kindPolicy, ops.Reasons[r.Operation]
		case r.Method == http.MethodGet && r.Path == ops.Item && ops.Item != "":
			c.Kind, c.Reason = kindResource, "member read: GET on the member item path, the stored member"
		case res != nil:
			c.Kind, c.Reason = kindResource, fmt.Sprintf("inferred resource %s: collection %s, item %s", res.name, res.collection, res.item)
		case underOrganization(ops, r):
			c.Reason = "no rule for it: under {" + ops.OrganizationParam + "}, the organization's rules first, then the spec's example or a body from its schema"
		default:
			c.Reason = "no rule for it: the spec's example or a body from its schema"
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b OperationClass) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	return out
}

// underOrganization: the route's path has the member collection's
// organization parameter, so the organization's rules apply to it.
func underOrganization(ops *spec.MemberOperations, r *routers.Route) bool {
	return ops.OrganizationParam != "" && strings.Contains(r.Path, "{"+ops.OrganizationParam+"}")
}

// memberOp is one of the four member operations the rules govern, found
// in the spec by what it is (spec.Members), whatever its operationId.
type memberOp = spec.MemberOp

const (
	opList   = spec.MemberList
	opCreate = spec.MemberCreate
	opUpdate = spec.MemberUpdate
	opDelete = spec.MemberDelete
	// opPatch: a PATCH on the member item path whose success is a member,
	// under the update's rules with only the properties sent changed
	// (BEHAVIOUR.md#update, *choice*).
	opPatch = spec.MemberPatch
)

// searchableText is what `query` matches: the user's email and names,
// lower-cased.
func searchableText(u *User) string {
	var b strings.Builder
	for _, name := range searchedUserFields {
		// The text slots as they are: no value boxed on the way.
		if i, ok := u.shape.slots[name]; ok && u.kinds[i] == kindText {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(u.texts[i])
		}
	}
	return strings.ToLower(b.String())
}

// listMembers: the organization's members ordered by (created_at, id), the
// search matched case-insensitively against the user's email and names,
// then the window the paging asks for (paging.go: window). The paging
// carries the spec's defaults.
func listMembers(w *world, orgID string, q listQuery, keep func(*Membership) bool) []*Membership {
	// The window of every member is a bound on the window of those kept:
	// past the end, however far, nothing is visited.
	skip, end := q.window(len(w.byOrg[orgID]))
	size := end - skip
	out := make([]*Membership, 0, size)
	if size == 0 {
		return out
	}
	take := func(m *Membership) bool {
		if !keep(m) {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, m)
		return len(out) < size
	}
	if q.search == "" {
		for _, m := range w.byOrg[orgID] {
			if !take(m) {
				break
			}
		}
		return out
	}
	w.searchIndex(orgID).matching(strings.ToLower(q.search), take)
	return out
}

// createRequest is OrganizationMemberCreate after validation and defaults.
type createRequest struct {
	UserID         string
	OrganizationID *string
	Role           string
	// MembershipState, where a spec's body has it and it is sent, is the
	// new member's state (else active); null is not sent.
	MembershipState *string
	// Written are the writable properties, as writeProperties sets them.
	Written map[string]any
}

// The member operations' requests are read from the validated body
// (stack.Request.Body: defaults written in, pydantic's coercions applied),
// the rules' properties by their names (memberRuled): nothing decodes the
// body again.

// createRequestOf is a create's request.
func createRequestOf(vocab vocabulary, body any) (createRequest, *apiError) {
	b := bodyOf(body)
	req := createRequest{UserID: b.text(memberUserID), OrganizationID: b.optionalText(memberOrganizationID),
		Role: b.text(memberRole)}
	req.MembershipState = declaredState(vocab, opCreate, b.optionalText(memberState))
	req.Written = writeProperties(vocab, opCreate, b.object)
	return req, b.err
}

// updateRequestOf is a PUT's request.
func updateRequestOf(vocab vocabulary, body any) (updateRequest, *apiError) {
	b := bodyOf(body)
	req := updateRequest{OrganizationID: b.optionalText(memberOrganizationID), UserID: b.optionalText(memberUserID),
		Role: b.text(memberRole)}
	req.MembershipState = declaredState(vocab, opUpdate, b.optionalText(memberState))
	req.Written = writeProperties(vocab, opUpdate, b.object)
	return req, b.err
}

// patchRequestOf is a PATCH's request.
func patchRequestOf(vocab vocabulary, body any) (patchRequest, *apiError) {
	b := bodyOf(body)
	req := patchRequest{OrganizationID: b.optionalText(memberOrganizationID), UserID: b.optionalText(memberUserID),
		Role: b.optionalText(memberRole)}
	req.MembershipState = declaredState(vocab, opPatch, b.optionalText(memberState))
	req.Written = writeProperties(vocab, opPatch, b.object)
	return req, b.err
}

// validatedBody reads the rules' properties of a validated body; err is
// the first it could not read.
type validatedBody struct {
	object map[string]any
	err    *apiError
}

// bodyOf is the validated body as an object: a member operation's body
// schema is a model, so anything else (no body where the spec makes it
// optional) is refused as pydantic refuses a model that is not an object.
func bodyOf(body any) *validatedBody {
	b := &validatedBody{}
	var ok bool
	if b.object, ok = body.(map[string]any); !ok {
		b.err = validationFailed(validationIssue{Loc: []any{"body"}, Type: "model_attributes_type",
			Msg: "Input should be a valid dictionary or object to extract fields from"})
	}
	return b
}

// optionalText is the rules' n-th property as sent: nil when the body
// does not carry it or carries null. A value that is no string (a spec
// whose schema says so: the rules cannot read it) is refused.
func (b *validatedBody) optionalText(n int) *string {
	name := memberRuled[n].name
	switch v := b.object[name].(type) {
	case nil:
		return nil
	case string:
		return &v
	}
	if b.err == nil {
		b.err = validationFailed(validationIssue{Loc: []any{"body", name}, Type: "string_type", Msg: "Input should be a valid string"})
	}
	return nil
}

// text is optionalText with "" for none.
func (b *validatedBody) text(n int) string {
	if v := b.optionalText(n); v != nil {
		return *v
	}
	return ""
}

// createMember adds an active member; newRow is an empty row of the
// member's shape, with any required property no one writes already
// generated.
func createMember(w *world, st rights, orgID string, req createRequest, newRow Row, newID string, now time.Time) (*Membership, *apiError) {
	if err := requireSystemAdminFor(st, req.Role); err != nil {
		return nil, err
	}
	if req.OrganizationID != nil && strings.ToLower(*req.OrganizationID) != orgID {
		return nil, errorf(http.StatusBadRequest, "organization_id in the body does not match the path")
	}
	userID := strings.ToLower(req.UserID)
	if w.users[userID] == nil {
		return nil, errorf(http.StatusNotFound, detailUserNotFound)
	}
	if w.byOrgUser[orgUserKey(orgID, userID)] != nil {
		return nil, errorf(http.StatusConflict, detailAlreadyMember)
	}
	ts := formatTime(now.Truncate(time.Microsecond))
	m := &Membership{Row: newRow}
	for name, v := range req.Written {
		m.Set(name, v)
	}
	// In the order of memberRuled.
	state := StateActive
	if req.MembershipState != nil {
		state = *req.MembershipState
	}
	for n, v := range [...]string{newID, orgID, userID, req.Role, state, ts, ts} {
		m.setRuled(n, v)
	}
	w.insert(m)
	return m, nil
}

// updateRequest is OrganizationMemberUpdate after validation and defaults:
// role is ANALYST when the body omits it.
type updateRequest struct {
	OrganizationID  *string
	UserID          *string
	Role            string
	MembershipState *string // as createRequest's
	// Written are the writable properties, as writeProperties sets them.
	Written map[string]any
}

// findMember is the organization's member with that id, or a 404.
func findMember(w *world, orgID, id string) (*Membership, *apiError) {
	m := w.members[strings.ToLower(id)]
	if m == nil || m.OrganizationID() != orgID {
		return nil, errorf(http.StatusNotFound, detailMemberNotFound)
	}
	return m, nil
}

func updateMember(w *world, st rights, orgID, id string, req updateRequest, now time.Time) (*Membership, *apiError) {
	return changeMember(w, st, orgID, id, &req.Role, req.MembershipState, req.OrganizationID, req.UserID, req.Written, now)
}

// patchRequest is a member PATCH's body: each field nil when not sent or
// null.
type patchRequest struct {
	OrganizationID  *string
	UserID          *string
	Role            *string
	MembershipState *string // as createRequest's
	// Written are the writable properties sent, as writeProperties sets them.
	Written map[string]any
}

// patchMember is the update's rules on the properties sent (opPatch).
func patchMember(w *world, st rights, orgID, id string, req patchRequest, now time.Time) (*Membership, *apiError) {
	return changeMember(w, st, orgID, id, req.Role, req.MembershipState, req.OrganizationID, req.UserID, req.Written, now)
}

// changeMember sets a member's role (when role is not nil) and written
// properties under the update's rules.
func changeMember(w *world, st rights, orgID, id string, role, state, bodyOrgID, bodyUserID *string, written map[string]any, now time.Time) (*Membership, *apiError) {
	if role != nil {
		if err := requireSystemAdminFor(st, *role); err != nil {
			return nil, err
		}
	}
	m, err := findMember(w, orgID, id)
	if err != nil {
		return nil, err
	}
	if err := requireSystemAdminFor(st, m.Role()); err != nil {
		return nil, err
	}
	if bodyUserID != nil && strings.ToLower(*bodyUserID) != m.UserID() {
		return nil, errorf(http.StatusBadRequest, "user_id in the body does not match the member")
	}
	if bodyOrgID != nil && strings.ToLower(*bodyOrgID) != m.OrganizationID() {
		return nil, errorf(http.StatusBadRequest, "organization_id in the body does not match the member")
	}
	if role != nil {
		m.setRuled(memberRole, *role)
	}
	if state != nil {
		m.setRuled(memberState, *state)
	}
	for name, v := range written {
		m.Set(name, v)
	}
	m.setRuled(memberUpdatedAt, laterThan(m.UpdatedAt(), now))
	w.touchMember(m.ID())
	return m, nil
}

// laterThan is now, or a microsecond after prev when the clock has not
// moved past it: updated_at strictly advances on every update.
func laterThan(prev string, now time.Time) string {
	t := now.UTC().Truncate(time.Microsecond)
	next := formatTime(t)
	if len(next) == len(timeLayout) && len(prev) == len(timeLayout) && next > prev {
		// Both in timeLayout, fixed width: the text orders as the time.
		return next
	}
	if p, err := time.Parse(timeLayout, prev); err == nil && !t.After(p) {
		return formatTime(p.Add(time.Microsecond))
	}
	return next
}

func deleteMember(w *world, st rights, orgID, id string) (*Membership, *apiError) {
	m, err := findMember(w, orgID, id)
	if err != nil {
		return nil, err
	}
	if err := requireSystemAdminFor(st, m.Role()); err != nil {
		return nil, err
	}
	w.remove(m)
	return m, nil
}

// candidateUsers are users free to add to orgID: not members, not system
// admins and holding no development token, in the world's order.
func candidateUsers(w *world, orgID string, n int) []string {
	holders := tokenHolders(w)
	var out []string
	for _, id := range w.userOrder {
		if len(out) == n {
			break
		}
		if holders[id] || w.users[id].IsSystemAdmin() || w.byOrgUser[orgUserKey(orgID, id)] != nil {
			continue
		}
		out = append(out, id)
	}
	return out
}

// untokenedAnalyst is the first active analyst membership of orgID whose
// user holds none of the development tokens, or "".
func untokenedAnalyst(w *world, orgID string) string {
	holders := tokenHolders(w)
	for _, m := range w.byOrg[orgID] {
		if m.Role() == RoleAnalyst && m.MembershipState() == StateActive && !holders[m.UserID()] {
			return m.ID()
		}
	}
	return ""
}

// tokenHolders are the users of the development tokens.
func tokenHolders(w *world) map[string]bool {
	holders := map[string]bool{}
	for _, id := range w.identities {
		holders[id.UserID] = true
	}
	return holders
}

func isUUID(s string) bool { return spec.IsUUID(s) }
