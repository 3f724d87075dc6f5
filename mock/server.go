// Package mock is the stateful mock of the organization-members API: it
// routes from the spec, validates every request and every response against
// it, and behaves as BEHAVIOUR.md describes (see policy.go).
package mock

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// Config sets up a mock. Seed is required; with the rest left zero it is
// the embedded spec, strict responses and CORS for any origin.
type Config struct {
	Spec *spec.Spec
	// Seed makes the world and the ids of new rows. 0 is refused, whatever
	// else is set: gofakeit reads it as "random", and a state file that is
	// missing or reset would then give a different world on every run.
	Seed int64
	// Members grows the profile's organization to this many members.
	Members int
	// Lenient logs a response that breaks the spec and sends it anyway;
	// otherwise it becomes a 500 naming the violation.
	Lenient bool
	// AllowedOrigins for CORS; empty allows any origin.
	AllowedOrigins []string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger gets one line per request; discarded when nil.
	Logger *slog.Logger
	// StatePath, when set, is loaded at start (with its log) and each
	// change is logged beside it before it is answered (statelog.go).
	StatePath string
	// StateLogBytes is the log size past which it is folded into the state
	// file, in the background; 0: a quarter of the file, at least 4 MB.
	StateLogBytes int64
	// Defect switches on one realistic backend bug (see Defects).
	Defect string
	// AdminToken, when set, protects /__mock/* (except /__mock/health):
	// requests need `Authorization: Bearer <AdminToken>` or
	// `X-Mock-Admin-Token: <AdminToken>`, else a 401.
	AdminToken string
	// FullValidation checks every response whole, every time, instead of
	// validating each stored member once (see responsecheck.go).
	FullValidation bool
}

// Server is the mock's http.Handler.
type Server struct {
	cfg   Config
	spec  *spec.Spec
	store *store
	vocab vocabulary // the spec's roles and states
	// listFilters are the list's query parameters that filter on a property.
	listFilters []listFilter
	// kinds says how each operation is served; operations lists them;
	// resources are the ones inferred, by collection path.
	kinds   map[*openapi3.Operation]operationKind
	members *spec.MemberOperations
	// credential is where the document's security puts the token, and
	// credentials each operation's (spec.Credential).
	credential  spec.Credential
	credentials map[*openapi3.Operation]spec.Credential
	// successCodes are each operation's successCode, read once.
	successCodes map[*openapi3.Operation]int
	corsHeaders  corsHeaders
	operations   []OperationClass
	resources    map[string]*resource
	log          *slog.Logger
	journal      *journal
	// operate and rewrite are the stages a defect can take over (defects.go).
	operate operation
	rewrite func(x *exchange, r *response)
	// goRows are the rows of the HTTP server's table a defect leaves to Go
	// (defects_server.go; Listener).
	goRows    frontRows
	scenarios *scenarios
	check     *checker
	routeMemo verdictMemo
	documents documents // FastAPI's own: /openapi.json, /docs, /redoc

	idMu  sync.Mutex
	idGen *faker // new ids come from the seed too: a replayed run matches
}

// New builds a mock: the spec loaded once, the world generated once.
func New(cfg Config) (*Server, error) {
	if cfg.Spec == nil {
		sp, err := spec.Embedded()
		if err != nil {
			return nil, err
		}
		cfg.Spec = sp
	}
	if cfg.Seed == 0 {
		return nil, errors.New("seed 0 is refused: pick a number, the same number gives the same world")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	d, err := lookupDefect(cfg.Defect)
	if err != nil {
		return nil, err
	}
	vocab, err := vocabularyOf(cfg.Spec)
	if err != nil {
		return nil, err
	}
	filters, unruledParams := listFiltersOf(cfg.Spec, vocab.member)
	members := cfg.Spec.Members()
	for _, unruled := range slices.Concat(members.Missing, members.Others, vocab.unruled(), unruledParams) {
		cfg.Logger.Warn(unruled)
	}
	s := &Server{cfg: cfg, spec: cfg.Spec, log: cfg.Logger, vocab: vocab, listFilters: filters, kinds: map[*openapi3.Operation]operationKind{},
		members: members,
		journal: newJournal(journalSize), idGen: newFaker(cfg.Seed ^ 0x5eed),
		scenarios: newScenarios(cfg.Seed, cfg.Now), check: newChecker(cfg.Spec, cfg.FullValidation, cfg.Lenient, cfg.Logger)}
	if s.documents, err = newDocuments(cfg.Spec); err != nil {
		return nil, err
	}
	if s.credential, err = cfg.Spec.Credentials(); err != nil {
		return nil, err
	}
	s.credentials = map[*openapi3.Operation]spec.Credential{}
	s.successCodes = map[*openapi3.Operation]int{}
	for _, item := range cfg.Spec.Doc.Paths.Map() {
		for _, op := range item.Operations() {
			s.credentials[op], _ = cfg.Spec.CredentialFor(op) // checked by Credentials
			s.successCodes[op] = successCode(op)
		}
	}
	s.corsHeaders = corsHeadersOf(cfg.Spec, s.credentials)
	s.resources = inferResources(cfg.Spec, func(op *openapi3.Operation) bool { return members.Of(op) != "" })
	for collection, r := range s.resources {
		vocab.resources[collection] = r.shape
	}
	s.vocab = vocab
	if err := checkGenerable(cfg.Spec, vocab, s.resources); err != nil {
		return nil, err
	}
	s.operations = classifyOperations(cfg.Spec, s.resourceOf)
	for _, c := range s.operations {
		s.kinds[c.op] = c.Kind
	}
	s.operate = func(x *exchange) (*response, *apiError) { return s.operateAs(x, ownRights) }
	s.rewrite = func(*exchange, *response) {}
	if d != nil {
		d.install(s)
	}
	var w *world
	lastSeg := 0
	if cfg.StatePath != "" {
		if w, lastSeg, err = loadDurable(cfg.StatePath, vocab, cfg.Logger); err != nil {
			return nil, err
		}
	}
	if w == nil {
		initial, err := s.seedWorld()
		if err != nil {
			return nil, err
		}
		if w, err = newWorld(initial, vocab); err != nil {
			return nil, fmt.Errorf("state: %w", err)
		}
		if cfg.StatePath != "" {
			if err := saveStateFile(cfg.StatePath, w.state()); err != nil {
				return nil, err
			}
		}
	}
	s.store = &store{w: w, vocab: vocab}
	if cfg.StatePath != "" {
		var snapshotBytes int64
		if fi, err := os.Stat(cfg.StatePath); err == nil {
			snapshotBytes = fi.Size()
		}
		s.store.log = newStateLog(cfg.StatePath, vocab, cfg.Logger, cfg.StateLogBytes, lastSeg, snapshotBytes, logSize(cfg.StatePath))
	}
	return s, nil
}

// seedWorld generates the world of the seed. It is generated again on
// reset rather than kept: a copy of a 100,000-member world would double the
// mock's memory.
func (s *Server) seedWorld() (State, error) {
	st := seedState(newFaker(s.cfg.Seed), s.vocab, primaryMembers(defaultPageSize(s.spec)), s.cfg.Members)
	st.Resources = s.seedResources(st.Organizations)
	return st, nil
}

// Close folds the log into the state file, when the state is kept in one:
// the file alone is then the state, to share or keep.
func (s *Server) Close() error { return s.store.checkpoint() }

// newID is a new member id: from the seed, so a replayed run matches, and
// never one the world already holds (a state saved by an earlier run used
// the same sequence).
func (s *Server) newID(w *world) string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	for {
		if id := s.idGen.uuid4(); w.members[id] == nil {
			return id
		}
	}
}

// ServeHTTP: CORS, FastAPI's own documents, the control API, then the API
// pipeline; every exchange is logged, and API exchanges journaled.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	r = withFrontRecords(r)
	if later, refused := r.Context().Value(uvicornRefusalKey{}).(bool); refused {
		s.logRequest(r, http.StatusBadRequest, time.Since(start))
		writeUvicornRefusal(w, later)
		return
	}
	if h11RejectsTarget(r.RequestURI) && s.goRows&rowRawTarget == 0 {
		s.logRequest(r, http.StatusBadRequest, time.Since(start))
		writeUvicorn400(w)
		return
	}
	r = withUvicornPath(r)
	if s.cors(w, r) {
		s.finish(start, &exchange{request: plainRequest(r)}, &response{Status: http.StatusNoContent}, nil)
		return
	}
	if s.serveDocument(w, r, start) {
		return
	}
	if r.URL.Path == strings.TrimSuffix(controlPrefix, "/") {
		// The QA page lives at /__mock/; a typed /__mock finds it too.
		http.Redirect(w, r, controlPrefix, http.StatusMovedPermanently)
		return
	}
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.control(w, r)
		return
	}
	x, resp, problems, fault := s.serveAPI(r)
	if fault != "" {
		s.finish(start, x, &response{}, append(problems, "scenario fault: "+fault))
		if err := writeFault(w, fault, resp); err != nil {
			s.log.Error("scenario fault", "fault", fault, "error", err.Error())
		}
		return
	}
	resp = s.inDeclaredOrder(x, resp)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.Body)))
	// Logged and journaled before the client can see the response, so the
	// journal never lags behind what a client has received.
	s.finish(start, x, resp, problems)
	s.store.settle(x.seen)
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// finish writes the log line and the journal entry. The Authorization
// header is never kept: the journal names the standing of a development
// token instead.
func (s *Server) finish(start time.Time, x *exchange, resp *response, problems []string) {
	d := time.Since(start)
	s.logRequest(x.incoming, resp.Status, d)
	s.journal.add(journalEntry{Time: start.UTC(), Method: x.method, Path: x.path, Query: x.rawQuery,
		Operation: x.operation, member: x.op, As: x.caller.standing, RequestBody: journalBody(x.header, x.rawBody),
		Status: resp.Status, ResponseBody: journalBody(resp.Header, resp.Body),
		DurationMS: float64(d.Microseconds()) / 1000, Problems: problems})
}

func (s *Server) logRequest(r *http.Request, status int, d time.Duration) {
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", status, "duration_ms", float64(d.Microseconds())/1000)
}

// slashRedirect is Starlette's redirect_slashes (starlette/routing.py:
// Router.app): a path no route takes, but that a route takes (with any
// method) once its trailing slashes are stripped or one is added, is a 307
// to the URL of that path, query kept, built as Starlette builds it
// (starlette/datastructures.py: URL(scope=...); requestScheme,
// requestNetloc). "" when there is none.
func (s *Server) slashRedirect(r *http.Request) string {
	path := r.URL.Path
	if path == "/" {
		return ""
	}
	other := path + "/"
	if strings.HasSuffix(path, "/") {
		other = strings.TrimRight(path, "/")
	}
	probe := r.Clone(r.Context())
	probe.URL.Path, probe.URL.RawPath = other, ""
	if s.routeOrDocument(probe) != nil {
		return ""
	}
	scheme := requestScheme(r)
	location := other
	if netloc := requestNetloc(r, scheme); netloc != "" {
		location = scheme + "://" + netloc + other
	}
	if r.URL.RawQuery != "" {
		location += "?" + r.URL.RawQuery
	}
	return pyQuoteURL(location)
}

// pyQuoteURL escapes as Starlette's RedirectResponse does:
// urllib.parse.quote(url, safe=":/%#?=@[]!$&'()*+,;").
func pyQuoteURL(u string) string {
	const safe = ":/%#?=@[]!$&'()*+,;_.-~"
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// asDocumented gives a member operation's success the status its operation
// documents (a create declared 201, a delete 204: FastAPI's status_code),
// without a body where that success has no content, and fills the headers
// the success declares that no rule sets with values of their schemas.
func (s *Server) asDocumented(x *exchange, resp *response) {
	if resp == nil || resp.Status < 200 || resp.Status > 299 {
		return
	}
	if x.op != "" {
		if code := s.successCodes[x.route.Operation]; code != resp.Status {
			resp.Status = code
		}
	}
	ref := x.route.Operation.Responses.Status(resp.Status)
	if ref == nil || ref.Value == nil {
		return
	}
	if x.op != "" && (resp.Status == http.StatusNoContent || len(ref.Value.Content) == 0) {
		resp.Body, resp.partsChecked, resp.partsViolation = nil, false, nil
		resp.Header.Del("Content-Type")
	}
	for _, name := range slices.Sorted(maps.Keys(ref.Value.Headers)) {
		h := ref.Value.Headers[name]
		if h.Value == nil || h.Value.Schema == nil || resp.Header.Get(name) != "" {
			continue
		}
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		resp.Header.Set(name, fmt.Sprint(s.generate(name, h.Value.Schema)))
	}
}

// operation is the stage that acts on the store, once a request is valid.
type operation func(x *exchange) (*response, *apiError)

// ownRights: the caller acts with its own rights.
func ownRights(own rights) rights { return own }

// operateAs runs the organization check, authorization and the operation
// under the store's lock, with the rights as gives for the caller's own in
// the organization (the pipeline's: ownRights).
func (s *Server) operateAs(x *exchange, as func(own rights) rights) (*response, *apiError) {
	orgID := s.orgID(x)
	var resp *response
	run := func(w *world) (bool, *apiError) {
		if w.organizations[orgID] == nil {
			return false, errorf(http.StatusNotFound, detailOrgNotFound)
		}
		st := as(rightsIn(w, x.caller.user, orgID))
		public := x.caller.user == nil && anonymousMayAct(s.kinds[x.route.Operation], needsToken(s.spec.Doc, x.route.Operation))
		if err := authorize(st, x.route.Method); err != nil && !public {
			return false, err
		}
		switch x.op {
		case opList:
			keep := keepFor(s.listFilters, func(name string) (string, bool) { return x.query.Get(name), x.query.Has(name) })
			resp = s.listResponse(w, listMembers(w, orgID, x.list, keep))
			if s.members.ListProperty != "" {
				resp = s.inEnvelope(x, resp, func() int { return countMembers(w, orgID, x.list.search, keep) })
			}
			return false, nil
		case opCreate:
			req, err := createRequestOf(s.vocab, x.body)
			if err != nil {
				return false, err
			}
			m, err := createMember(w, st, orgID, req, s.newMemberRow(req.Written), s.newID(w), s.cfg.Now())
			if err != nil {
				return false, err
			}
			resp = jsonResponse(http.StatusOK, m)
			return true, nil
		case opUpdate:
			req, err := updateRequestOf(s.vocab, x.body)
			if err != nil {
				return false, err
			}
			m, err := updateMember(w, st, orgID, s.memberID(x), req, s.cfg.Now())
			if err != nil {
				return false, err
			}
			resp = s.viewResponse(w, m)
			return true, nil
		case opPatch:
			req, err := patchRequestOf(s.vocab, x.body)
			if err != nil {
				return false, err
			}
			m, err := patchMember(w, st, orgID, s.memberID(x), req, s.cfg.Now())
			if err != nil {
				return false, err
			}
			resp = s.patchResponse(w, m)
			return true, nil
		case opDelete:
			m, err := deleteMember(w, st, orgID, s.memberID(x))
			if err != nil {
				return false, err
			}
			resp = s.deleteResponse(x, m)
			return true, nil
		}
		switch r := s.resourceOf(x.route); {
		case r != nil:
			var changed bool
			var err *apiError
			if resp, changed, err = s.operateResource(w, r, x); err != nil {
				return false, err
			}
			return changed, nil
		case s.kinds[x.route.Operation] == kindResource:
			m, err := findMember(w, orgID, s.memberID(x))
			if err != nil {
				return false, err
			}
			resp = s.viewResponse(w, m)
		default:
			resp = s.specResponse(x, preference{code: s.successCodes[x.route.Operation]})
		}
		return false, nil
	}
	var aerr *apiError
	if _, underOrganization := x.params[s.members.OrganizationParam]; !underOrganization {
		// Outside any organization, nothing the policy knows applies.
		return s.specResponse(x, preference{code: s.successCodes[x.route.Operation]}), nil
	}
	if x.route.Method == http.MethodGet {
		s.store.read(func(w *world) { _, aerr = run(w) })
	} else {
		err := s.store.write(func(w *world) (bool, error) {
			changed, e := run(w)
			if e != nil {
				return false, e
			}
			return changed, nil
		})
		if err != nil && !errors.As(err, &aerr) {
			aerr = errorf(http.StatusInternalServerError, "%v", err)
		}
	}
	return resp, aerr
}

// orgID is the organization the request's path names, memberID the
// member: both canonical (exchange.validated).
func (s *Server) orgID(x *exchange) string { return x.params[s.members.OrganizationParam] }

func (s *Server) memberID(x *exchange) string { return x.params[s.members.MemberParam] }

// Operations is how the mock serves each operation of its spec.
func (s *Server) Operations() []OperationClass { return s.operations }

// successCode is the first 2xx status an operation documents, 200 when it
// documents none.
func successCode(op *openapi3.Operation) int {
	for _, code := range definedCodes(op.Responses) {
		if code >= 200 && code < 300 {
			return code
		}
	}
	return http.StatusOK
}

// newMemberRow is a new member's row with the required properties that no
// rule sets and the body does not write generated, as the seed would: the
// response needs them.
func (s *Server) newMemberRow(written map[string]any) Row {
	row := newRow(s.vocab.member)
	for _, name := range s.vocab.unruledMember {
		if _, ok := written[name]; !ok && slices.Contains(s.vocab.member.required, name) {
			row.Set(name, s.generate(name, s.vocab.member.props[s.vocab.member.slots[name]]))
		}
	}
	return row
}

// seedResources are the inferred resources' rows for the seed, in every
// organization of the world.
func (s *Server) seedResources(orgs []Organization) map[string]map[string][]Row {
	out := map[string]map[string][]Row{}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	for collection, r := range s.resources {
		out[collection] = r.seedRows(s.cfg.Seed, s.members.OrganizationParam, ids)
	}
	return out
}
