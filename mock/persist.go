package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/heyhumm/humm-members-mock/internal/atomicfile"
)

// maxStateBytes bounds a state import (a world of 100,000 members is about
// 60 MB as JSON).
const maxStateBytes = 256 << 20

// loadStateFile reads a saved state. A missing file is not an error (the
// seed is used and saved there); a corrupt one is, and is left untouched.
func loadStateFile(path string, vocab vocabulary) (State, bool, error) {
	var st State
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("state file %s: %w", path, err)
	}
	if err := parseState(data, &st); err != nil {
		return st, false, fmt.Errorf("state file %s is not a valid state (left untouched; fix or remove it): %w", path, err)
	}
	if _, err := newWorld(st, vocab); err != nil {
		return st, false, fmt.Errorf("state file %s is not a valid state (left untouched; fix or remove it): %w", path, err)
	}
	return st, true, nil
}

// parseState accepts exactly one JSON object, and no unknown field (a typo
// in a hand-edited state should not silently drop data). A decoder alone
// reads the first value and ignores what follows, and decodes null as an
// empty world: either would start or import a half-read state, then save it
// over the good one.
//
// The users and memberships (200,000 rows in a 100,000-member world) are
// read as raw JSON first, then decoded on every core: half the start-up.
func parseState(data []byte, st *State) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return errors.New("the state is empty")
	}
	if trimmed[0] != '{' {
		// The parser's own message for what is not JSON at all.
		if err := json.Unmarshal(trimmed, new(json.RawMessage)); err != nil {
			return err
		}
		return errors.New("want a JSON object")
	}
	// The quick path splits the rows out by hand and leaves the rest to the
	// decoder; whatever it does not take, or any error, is read again the
	// plain way, which gives the parser's own message.
	if split, ok := splitRows(trimmed); ok {
		if parseSplitState(split, st) == nil {
			return nil
		}
	}
	return parseSplitState(splitState{skeleton: trimmed}, st)
}

// parseSplitState decodes a state whose rows may have been split out
// (splitRows): the skeleton through the decoder, the rows on every core.
func parseSplitState(split splitState, st *State) error {
	var raw struct {
		OrganizationID      string                      `json:"organization_id"`
		OtherOrganizationID string                      `json:"other_organization_id"`
		Organizations       []Organization              `json:"organizations"`
		Users               []json.RawMessage           `json:"users"`
		Memberships         []json.RawMessage           `json:"memberships"`
		Identities          []Identity                  `json:"identities"`
		Resources           map[string]map[string][]Row `json:"resources,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(split.skeleton))
	dec.DisallowUnknownFields()
	err := dec.Decode(&raw)
	if err == nil && dec.InputOffset() != int64(len(split.skeleton)) {
		err = errors.New("data after the state")
	}
	if err != nil {
		// The parser's own message for broken JSON and trailing data.
		if jerr := json.Unmarshal(split.skeleton, new(json.RawMessage)); jerr != nil {
			return jerr
		}
		return err
	}
	if split.users != nil {
		raw.Users = split.users
	}
	if split.memberships != nil {
		raw.Memberships = split.memberships
	}
	*st = State{OrganizationID: raw.OrganizationID, OtherOrganizationID: raw.OtherOrganizationID,
		Organizations: raw.Organizations, Identities: raw.Identities, Resources: raw.Resources,
		Users: make([]Row, len(raw.Users)), Memberships: make([]Row, len(raw.Memberships))}
	for _, part := range []struct {
		raw  []json.RawMessage
		rows []Row
		name string
	}{{raw.Users, st.Users, "users"}, {raw.Memberships, st.Memberships, "memberships"}} {
		errs := make([]error, len(part.raw))
		inParallel(len(part.raw), func(i int) { errs[i] = part.rows[i].UnmarshalJSON(part.raw[i]) })
		for i, err := range errs {
			if err != nil {
				return fmt.Errorf("%s[%d]: %w", part.name, i, err)
			}
		}
	}
	return nil
}

// splitState is a state with its users' and memberships' rows taken out:
// the skeleton holds their arrays empty. A nil list was not taken out.
type splitState struct {
	skeleton    []byte
	users       []json.RawMessage
	memberships []json.RawMessage
}

// stateKeys are the state's own keys, spelled as it writes them: the
// quick path takes no other (a decoder matches keys case-insensitively and
// keeps the last of two: the plain path keeps those rules).
var stateKeys = []string{"organization_id", "other_organization_id", "organizations", "users", "memberships", "identities", "resources"}

// splitRows takes the users' and memberships' rows out of a state, so
// that they are read on every core, and the decoder reads the rest alone
// (the decoder reading 70 MB of rows alone was a third of the start of
// 100,000 members). It walks the top object's keys and the two arrays' items by
// their brackets and quotes, and declines (ok false) anything it does not
// expect: a key not in stateKeys, one given twice or escaped, a row that
// is not an object, a misplaced separator. It does not check what it
// skips: the decoder checks the skeleton, and each row is decoded on its
// own; each of them valid, and the separators between them right, the
// whole is valid JSON with the same values.
func splitRows(data []byte) (splitState, bool) {
	var out splitState
	seen := map[string]bool{}
	skeleton := make([]byte, 0, 4096)
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return out, false
	}
	i = skipSpace(data, i+1)
	kept := 0 // data[kept:i] is still to be copied to the skeleton
	for i < len(data) && data[i] != '}' {
		if len(seen) > 0 {
			if data[i] != ',' {
				return out, false
			}
			i = skipSpace(data, i+1)
		}
		if i >= len(data) || data[i] != '"' {
			return out, false
		}
		end := bytes.IndexByte(data[i+1:], '"')
		if end < 0 {
			return out, false
		}
		key := string(data[i+1 : i+1+end])
		if strings.ContainsRune(key, '\\') || !slices.Contains(stateKeys, key) || seen[key] {
			return out, false
		}
		seen[key] = true
		i = skipSpace(data, i+end+2)
		if i >= len(data) || data[i] != ':' {
			return out, false
		}
		i = skipSpace(data, i+1)
		if (key == "users" || key == "memberships") && i < len(data) && data[i] == '[' {
			items, after, ok := splitArray(data, i)
			if !ok {
				return out, false
			}
			if key == "users" {
				out.users = items
			} else {
				out.memberships = items
			}
			skeleton = append(skeleton, data[kept:i+1]...)
			kept = after - 1 // the closing bracket
			i = after
		} else {
			after, ok := skipValue(data, i)
			if !ok {
				return out, false
			}
			i = after
		}
		i = skipSpace(data, i)
	}
	if i >= len(data) {
		return out, false
	}
	out.skeleton = append(skeleton, data[kept:]...)
	return out, true
}

// splitArray splits the array of objects at data[start] ('[') into its
// items; after is the offset past its closing bracket.
func splitArray(data []byte, start int) (items []json.RawMessage, after int, ok bool) {
	items = []json.RawMessage{}
	i := skipSpace(data, start+1)
	if i < len(data) && data[i] == ']' {
		return items, i + 1, true
	}
	for i < len(data) {
		if data[i] != '{' {
			return nil, 0, false
		}
		end, ok := skipValue(data, i)
		if !ok {
			return nil, 0, false
		}
		items = append(items, data[i:end])
		i = skipSpace(data, end)
		switch {
		case i >= len(data):
			return nil, 0, false
		case data[i] == ']':
			return items, i + 1, true
		case data[i] != ',':
			return nil, 0, false
		}
		i = skipSpace(data, i+1)
	}
	return nil, 0, false
}

// skipValue is the offset past the value at data[start], found by its
// brackets and quotes alone (a scalar ends at a separator); the value is
// checked by whoever decodes it.
func skipValue(data []byte, start int) (int, bool) {
	depth := 0
	for i := start; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if i >= len(data) {
				return 0, false
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i, i > start
			}
			depth--
		case ',':
			if depth == 0 {
				return i, i > start
			}
		}
		if depth == 0 && (data[i] == '}' || data[i] == ']' || data[i] == '"') {
			return i + 1, true
		}
	}
	return 0, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// saveStateFile writes the whole state as the snapshot (the seed's, at
// the first start on a path); later writes go to its log (statelog.go).
func saveStateFile(path string, st State) error {
	if err := writeStateFile(path, st, nil); err != nil {
		return fmt.Errorf("save state file %s: %w", path, err)
	}
	return nil
}

// writeStateFile writes atomically: a temporary file in the same folder,
// synced, then renamed over the old one, then the folder synced. A crash
// leaves the old file or the new one, never half of one. step, when set,
// runs once the temporary file is half written (a test stops there, as a
// crash would).
func writeStateFile(path string, st State, step func(string) error) error {
	return atomicfile.Write(path, 0o600, func(w io.Writer) error { return writeStateJSON(w, st, step) })
}

func writeStateJSON(w io.Writer, st State, step func(string) error) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if step != nil {
		if _, err := w.Write(b[:len(b)/2]); err != nil {
			return err
		}
		if err := step("half-written"); err != nil {
			return err
		}
		b = b[len(b)/2:]
	}
	_, err = w.Write(b)
	return err
}
