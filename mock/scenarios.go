package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Scenario is a sticky override set through the control API, for clients
// that cannot add a Prefer header (a browser app): requests that match get
// the effect, for a count of requests or a duration.
type Scenario struct {
	ID         string         `json:"id"`
	Match      ScenarioMatch  `json:"match"`
	Effect     ScenarioEffect `json:"effect"`
	Count      int            `json:"count,omitempty"`
	DurationMS int            `json:"duration_ms,omitempty"`
	// Remaining and ExpiresAt are the scenario's life left.
	Remaining int        `json:"remaining,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// ScenarioMatch selects requests: an operation, and optionally the
// standing of the caller's token and path parameters. A scenario applies
// after identity, so a request without a valid token still gets its 401,
// unless BeforeIdentity says it answers those requests too.
type ScenarioMatch struct {
	Operation      string            `json:"operation"`
	Role           string            `json:"role,omitempty"`
	Path           map[string]string `json:"path,omitempty"`
	BeforeIdentity bool              `json:"before_identity,omitempty"`
}

// ScenarioEffect is what a matching request gets: a documented status with
// a spec-valid body (an example or generated), a delay, or a fault.
type ScenarioEffect struct {
	Status  int    `json:"status,omitempty"`
	Example string `json:"example,omitempty"`
	Dynamic bool   `json:"dynamic,omitempty"`
	DelayMS int    `json:"delay_ms,omitempty"`
	// Fault is reset, empty, truncated, or random (one of the three,
	// picked from the seed so a run can be replayed).
	Fault string `json:"fault,omitempty"`
}

const (
	faultReset     = "reset"
	faultEmpty     = "empty"
	faultTruncated = "truncated"
	faultRandom    = "random"
)

var faults = []string{faultReset, faultEmpty, faultTruncated}

// scenarios holds the active scenarios, first added first matched.
type scenarios struct {
	mu     sync.Mutex
	list   []*Scenario
	nextID int
	rand   *rand.Rand // faults picked at random come from the seed
	now    func() time.Time
	// version moves whenever the list or what is left of a scenario
	// changes, so that the QA page polls a number, not the list.
	version uint64
}

func newScenarios(seed int64, now func() time.Time) *scenarios {
	return &scenarios{rand: rand.New(rand.NewSource(seed)), now: now}
}

// add checks a scenario against the spec and stores it.
func (s *Server) addScenario(sc Scenario) (*Scenario, *apiError) {
	route := s.spec.OperationByID(sc.Match.Operation)
	if route == nil {
		return nil, errorf(http.StatusBadRequest, "match.operation %q is not an operation of openapi.yaml; want one of: %s",
			sc.Match.Operation, strings.Join(s.spec.OperationIDs(), ", "))
	}
	if sc.Match.Role != "" && !slices.ContainsFunc(s.identityStandings(), func(r string) bool { return r == sc.Match.Role }) {
		return nil, errorf(http.StatusBadRequest, "match.role %q: want one of %s", sc.Match.Role, strings.Join(s.identityStandings(), ", "))
	}
	e := sc.Effect
	if e.Status == 0 && e.Example == "" && !e.Dynamic && e.DelayMS == 0 && e.Fault == "" {
		return nil, errorf(http.StatusBadRequest, "effect is empty: give status, example, dynamic, delay_ms or fault")
	}
	if e.Fault != "" && e.Fault != faultRandom && !slices.Contains(faults, e.Fault) {
		return nil, errorf(http.StatusBadRequest, "effect.fault %q: want reset, empty, truncated or random", e.Fault)
	}
	if e.DelayMS < 0 || time.Duration(e.DelayMS)*time.Millisecond > maxPreferDelay {
		return nil, errorf(http.StatusBadRequest, "effect.delay_ms must be between 0 and %d", maxPreferDelay.Milliseconds())
	}
	if e.Status != 0 && route.Operation.Responses.Status(e.Status) == nil {
		return nil, errorf(http.StatusBadRequest, "effect.status %d is not defined for %s; defined codes: %s",
			e.Status, sc.Match.Operation, joinInts(definedCodes(route.Operation.Responses)))
	}
	if aerr := checkScenarioExample(sc.Match.Operation, route.Operation.Responses, e); aerr != nil {
		return nil, aerr
	}
	if aerr := checkScenarioPath(sc.Match.Operation, route.Path, sc.Match.Path); aerr != nil {
		return nil, aerr
	}
	if sc.Count < 0 || sc.DurationMS < 0 || sc.Count == 0 && sc.DurationMS == 0 {
		return nil, errorf(http.StatusBadRequest, "give count (requests) or duration_ms, or both, above 0")
	}
	reg := s.scenarios
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.nextID++
	sc.ID = strconv.Itoa(reg.nextID)
	sc.Remaining = sc.Count
	if sc.DurationMS > 0 {
		at := reg.now().Add(time.Duration(sc.DurationMS) * time.Millisecond).UTC()
		sc.ExpiresAt = &at
	}
	reg.list = append(reg.list, &sc)
	reg.version++
	return &sc, nil
}

// checkScenarioExample refuses an example the answer could not carry, at
// creation rather than as a 422 about a Prefer header the client never
// sent.
func checkScenarioExample(operation string, responses *openapi3.Responses, e ScenarioEffect) *apiError {
	if e.Example == "" {
		return nil
	}
	if e.Dynamic {
		return errorf(http.StatusBadRequest, "effect: give example or dynamic, not both")
	}
	if e.Status != 0 {
		if exampleNamed(responses.Status(e.Status), e.Example) != nil {
			return nil
		}
		return errorf(http.StatusBadRequest, "effect.example %q: response %d of %s has no such example; %s",
			e.Example, e.Status, operation, examplesOf(responses))
	}
	for _, code := range definedCodes(responses) {
		if exampleNamed(responses.Status(code), e.Example) != nil {
			return nil
		}
	}
	return errorf(http.StatusBadRequest, "effect.example %q: no response of %s has such an example; %s",
		e.Example, operation, examplesOf(responses))
}

// examplesOf lists the named examples of each response, for messages.
func examplesOf(responses *openapi3.Responses) string {
	var parts []string
	for _, code := range definedCodes(responses) {
		if names := responseExampleNames(responses.Status(code)); len(names) > 0 {
			parts = append(parts, fmt.Sprintf("%d: %s", code, strings.Join(names, ", ")))
		}
	}
	if len(parts) == 0 {
		return "it has no named examples"
	}
	return "its examples are " + strings.Join(parts, "; ")
}

func responseExampleNames(ref *openapi3.ResponseRef) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	media := ref.Value.Content.Get("application/json")
	if media == nil {
		return nil
	}
	return exampleNames(media)
}

// pathParamPattern finds the {name} segments of a path template.
var pathParamPattern = regexp.MustCompile(`\{([^{}]+)\}`)

// pathParamsOf names an operation's path parameters, in path order.
func pathParamsOf(template string) []string {
	var names []string
	for _, m := range pathParamPattern.FindAllStringSubmatch(template, -1) {
		names = append(names, m[1])
	}
	return names
}

// checkScenarioPath refuses a path parameter the operation does not have:
// such a scenario would never match.
func checkScenarioPath(operation, template string, path map[string]string) *apiError {
	names := pathParamsOf(template)
	for _, name := range slices.Sorted(maps.Keys(path)) {
		if !slices.Contains(names, name) {
			return errorf(http.StatusBadRequest, "match.path.%s: %s has no such path parameter; it has: %s",
				name, operation, strings.Join(names, ", "))
		}
		if path[name] == "" {
			return errorf(http.StatusBadRequest, "match.path.%s is empty: leave it out to match any value", name)
		}
	}
	return nil
}

func (s *Server) identityStandings() []string {
	var out []string
	s.store.read(func(w *world) {
		for _, id := range w.identities {
			out = append(out, id.Standing)
		}
	})
	return out
}

// take finds the first live scenario matching an exchange and uses it up
// by one request. A caller that is not identified (no valid token) matches
// only the scenarios that apply before identity.
func (reg *scenarios) take(operation, standing string, identified bool, params map[string]string) (ScenarioEffect, string, bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.dropExpired()
	var effect *ScenarioEffect
	for i, sc := range reg.list {
		if !sc.matches(operation, standing, identified, params) {
			continue
		}
		e := sc.Effect
		effect = &e
		if sc.Count > 0 {
			sc.Remaining--
			reg.version++
			if sc.Remaining == 0 {
				reg.list = slices.Delete(reg.list, i, i+1)
			}
		}
		break
	}
	if effect == nil {
		return ScenarioEffect{}, "", false
	}
	fault := effect.Fault
	if fault == faultRandom {
		fault = faults[reg.rand.Intn(len(faults))]
	}
	return *effect, fault, true
}

// dropExpired forgets the scenarios whose duration has run out.
func (reg *scenarios) dropExpired() {
	now := reg.now()
	before := len(reg.list)
	reg.list = slices.DeleteFunc(reg.list, func(sc *Scenario) bool { return sc.ExpiresAt != nil && !now.Before(*sc.ExpiresAt) })
	if len(reg.list) != before {
		reg.version++
	}
}

func (sc *Scenario) matches(operation, standing string, identified bool, params map[string]string) bool {
	if sc.Match.Operation != operation || sc.Match.Role != "" && sc.Match.Role != standing {
		return false
	}
	if !identified && !sc.Match.BeforeIdentity {
		return false
	}
	for k, v := range sc.Match.Path {
		if !strings.EqualFold(params[k], v) {
			return false
		}
	}
	return true
}

// all is the live scenarios, first match first.
func (reg *scenarios) all() []Scenario {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.dropExpired()
	out := make([]Scenario, 0, len(reg.list))
	for _, sc := range reg.list {
		out = append(out, *sc)
	}
	return out
}

func (reg *scenarios) clear() {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.list = nil
	reg.version++
}

// remove ends one scenario; false when no live scenario has that id.
func (reg *scenarios) remove(id string) bool {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.dropExpired()
	i := slices.IndexFunc(reg.list, func(sc *Scenario) bool { return sc.ID == id })
	if i < 0 {
		return false
	}
	reg.list = slices.Delete(reg.list, i, i+1)
	reg.version++
	return true
}

// changes is the version of the list, for the QA page's poll.
func (reg *scenarios) changes() uint64 {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.dropExpired()
	return reg.version
}

// reset clears the scenarios and restarts the fault sequence of the seed.
func (reg *scenarios) reset(seed int64) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.list, reg.nextID, reg.rand = nil, 0, rand.New(rand.NewSource(seed))
	reg.version++
}

// postScenario is POST /__mock/scenarios: one scenario, checked against
// the spec, added.
func (s *Server) postScenario(r *http.Request) *response {
	var sc Scenario
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return errorResponse(errorf(http.StatusBadRequest, "scenario: %v", err))
	}
	if dec.More() {
		return errorResponse(errorf(http.StatusBadRequest, "scenario: one JSON object, nothing after it"))
	}
	added, aerr := s.addScenario(sc)
	if aerr != nil {
		return errorResponse(aerr)
	}
	return jsonResponse(http.StatusCreated, added)
}

// endScenario is DELETE /__mock/scenarios/{id}.
func (s *Server) endScenario(id string) *response {
	if !s.scenarios.remove(id) {
		return errorResponse(errorf(http.StatusNotFound, "no active scenario %q: it may have been used up, expired or ended", id))
	}
	return jsonResponse(http.StatusOK, map[string]string{"status": "ended", "id": id})
}

// ScenarioOptions is what the QA page's form offers: each operation with
// its path parameters and documented answers, the standings of the
// development tokens and the faults.
type ScenarioOptions struct {
	Operations []ScenarioOperation `json:"operations"`
	Standings  []string            `json:"standings"`
	Faults     []string            `json:"faults"`
	MaxDelayMS int64               `json:"max_delay_ms"`
}

// ScenarioOperation is one operation of the spec, as a scenario can match
// and answer it.
type ScenarioOperation struct {
	OperationID string             `json:"operation_id"`
	Method      string             `json:"method"`
	Path        string             `json:"path"`
	PathParams  []string           `json:"path_params"`
	Responses   []ScenarioResponse `json:"responses"`
	// Member says which member operation it is (list, create, update,
	// delete), whatever its id; "" for any other.
	Member memberOp `json:"member,omitempty"`
}

// ScenarioResponse is a documented status and its named examples.
type ScenarioResponse struct {
	Status   int      `json:"status"`
	Examples []string `json:"examples"`
}

func (s *Server) scenarioOptions() ScenarioOptions {
	out := ScenarioOptions{Standings: s.identityStandings(), Faults: append(slices.Clone(faults), faultRandom),
		MaxDelayMS: maxPreferDelay.Milliseconds()}
	for _, id := range s.spec.OperationIDs() {
		route := s.spec.OperationByID(id)
		op := ScenarioOperation{OperationID: id, Method: route.Method, Path: route.Path, PathParams: pathParamsOf(route.Path),
			Member: s.members.Of(route.Operation)}
		for _, code := range definedCodes(route.Operation.Responses) {
			examples := responseExampleNames(route.Operation.Responses.Status(code))
			if examples == nil {
				examples = []string{}
			}
			op.Responses = append(op.Responses, ScenarioResponse{Status: code, Examples: examples})
		}
		out.Operations = append(out.Operations, op)
	}
	return out
}

// writeFault breaks the exchange on purpose: the connection is reset, closed
// with no response, or closed halfway through the body.
func writeFault(w http.ResponseWriter, fault string, resp *response) error {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return fmt.Errorf("fault %s needs a connection that can be hijacked", fault)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return err
	}
	defer conn.Close()
	switch fault {
	case faultReset:
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // close sends RST
		}
	case faultTruncated:
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
			resp.Status, http.StatusText(resp.Status), len(resp.Body))
		_, _ = buf.Write(resp.Body[:len(resp.Body)/2])
		_ = buf.Flush()
	}
	return nil
}
