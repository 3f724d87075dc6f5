package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	var raw struct {
		OrganizationID      string                      `json:"organization_id"`
		OtherOrganizationID string                      `json:"other_organization_id"`
		Organizations       []Organization              `json:"organizations"`
		Users               []json.RawMessage           `json:"users"`
		Memberships         []json.RawMessage           `json:"memberships"`
		Identities          []Identity                  `json:"identities"`
		Resources           map[string]map[string][]Row `json:"resources,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	err := dec.Decode(&raw)
	if err == nil && dec.InputOffset() != int64(len(trimmed)) {
		err = errors.New("data after the state")
	}
	if err != nil {
		// The parser's own message for broken JSON and trailing data.
		if jerr := json.Unmarshal(trimmed, new(json.RawMessage)); jerr != nil {
			return jerr
		}
		return err
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
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := writeStateJSON(tmp, st, step); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
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
