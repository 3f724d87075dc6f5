package mock

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
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
// standing of the caller's token and path parameters.
type ScenarioMatch struct {
	Operation string            `json:"operation"`
	Role      string            `json:"role,omitempty"`
	Path      map[string]string `json:"path,omitempty"`
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
	return &sc, nil
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
// by one request.
func (reg *scenarios) take(operation, standing string, params map[string]string) (ScenarioEffect, string, bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	now := reg.now()
	live := reg.list[:0]
	var effect *ScenarioEffect
	for _, sc := range reg.list {
		if sc.ExpiresAt != nil && !now.Before(*sc.ExpiresAt) {
			continue
		}
		if effect == nil && sc.matches(operation, standing, params) {
			e := sc.Effect
			effect = &e
			if sc.Count > 0 {
				sc.Remaining--
				if sc.Remaining == 0 {
					continue
				}
			}
		}
		live = append(live, sc)
	}
	reg.list = live
	if effect == nil {
		return ScenarioEffect{}, "", false
	}
	fault := effect.Fault
	if fault == faultRandom {
		fault = faults[reg.rand.Intn(len(faults))]
	}
	return *effect, fault, true
}

func (sc *Scenario) matches(operation, standing string, params map[string]string) bool {
	if sc.Match.Operation != operation || sc.Match.Role != "" && sc.Match.Role != standing {
		return false
	}
	for k, v := range sc.Match.Path {
		if !strings.EqualFold(params[k], v) {
			return false
		}
	}
	return true
}

func (reg *scenarios) all() []Scenario {
	reg.mu.Lock()
	defer reg.mu.Unlock()
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
}

// reset clears the scenarios and restarts the fault sequence of the seed.
func (reg *scenarios) reset(seed int64) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.list, reg.nextID, reg.rand = nil, 0, rand.New(rand.NewSource(seed))
}

func (s *Server) controlScenarios(r *http.Request) *response {
	switch r.Method {
	case http.MethodGet:
		return jsonResponse(http.StatusOK, s.scenarios.all())
	case http.MethodDelete:
		s.scenarios.clear()
		return jsonResponse(http.StatusOK, map[string]string{"status": "cleared"})
	case http.MethodPost:
		var sc Scenario
		dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&sc); err != nil {
			return errorResponse(errorf(http.StatusBadRequest, "scenario: %v", err))
		}
		added, aerr := s.addScenario(sc)
		if aerr != nil {
			return errorResponse(aerr)
		}
		return jsonResponse(http.StatusCreated, added)
	}
	return errorResponse(&apiError{Status: http.StatusMethodNotAllowed, Detail: "Method Not Allowed",
		Header: http.Header{"Allow": {"GET, POST, DELETE"}}})
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
