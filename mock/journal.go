package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

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

// counters are what the QA page polls: the writes seen, the newest seq and
// the clears.
func (j *journal) counters() (writes, lastSeq, clears uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.writes, j.lastSeq, j.clears
}
