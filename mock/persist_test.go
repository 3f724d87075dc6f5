package mock

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// readStateFile reads the state file and its log as a new mock would.
func readStateFile(t *testing.T, path string) State {
	t.Helper()
	st, _, err := readDurableState(path, slog.New(slog.DiscardHandler), 0)
	require.NoError(t, err)
	// In the world's order: by organization, then created_at and id.
	org := map[string]int{}
	for i, o := range st.Organizations {
		org[o.ID] = i
	}
	slices.SortStableFunc(st.Memberships, func(a, b Row) int {
		return cmp.Or(cmp.Compare(org[a.Text("organization_id")], org[b.Text("organization_id")]),
			strings.Compare(a.Text("created_at"), b.Text("created_at")), strings.Compare(a.Text("id"), b.Text("id")))
	})
	return st
}

// normalized is st in the world's order (memberships by organization, then
// list order), so that two equal states compare equal however they were
// built.
func normalized(t *testing.T, st State) State {
	t.Helper()
	sp, err := spec.Embedded()
	require.NoError(t, err)
	vocab, err := vocabularyOf(sp)
	require.NoError(t, err)
	w, err := newWorld(st, vocab)
	require.NoError(t, err)
	return w.state()
}

func findMembership(t *testing.T, st State, id string) *memberRow {
	for _, m := range membersOf(t, st.Memberships) {
		if m.ID == id {
			return &m
		}
	}
	return nil
}

// dirNames lists a folder, hidden files included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestStateIsSavedAfterEachChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	m := newTestMock(t, Config{Seed: 1, StatePath: path})
	org := m.profile.OrganizationID
	user := m.profile.CandidateUserIDs[0]
	var memberID string

	steps := []struct {
		name  string
		do    func() result
		check func(t *testing.T, st State)
	}{
		{"create", func() result {
			return m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user, "role": RoleOrgAdmin})
		}, func(t *testing.T, st State) {
			saved := findMembership(t, st, memberID)
			require.NotNil(t, saved, "the new member is in the file")
			require.Equal(t, user, saved.UserID)
			require.Equal(t, RoleOrgAdmin, saved.Role)
		}},
		{"update", func() result {
			return m.do(http.MethodPut, m.memberPath(org, memberID), TokenOrgAdmin, map[string]any{})
		}, func(t *testing.T, st State) {
			require.Equal(t, RoleAnalyst, findMembership(t, st, memberID).Role, "the demotion is in the file")
		}},
		{"delete", func() result {
			return m.do(http.MethodDelete, m.memberPath(org, memberID), TokenOrgAdmin, nil)
		}, func(t *testing.T, st State) {
			require.Nil(t, findMembership(t, st, memberID), "the deleted member is gone from the file")
		}},
		{"import", func() result {
			st := m.srv.store.export()
			st.Organizations[4].Name = "Imported Inc."
			return m.do(http.MethodPut, "/__mock/state", "", st)
		}, func(t *testing.T, st State) {
			require.Equal(t, "Imported Inc.", st.Organizations[4].Name)
		}},
		{"reset", func() result {
			return m.do(http.MethodPost, "/__mock/reset", "", nil)
		}, func(t *testing.T, st State) {
			seed, err := m.srv.seedWorld()
			require.NoError(t, err)
			requireSameState(t, normalized(t, seed), st, "the file holds the seed again")
		}},
	}
	for _, step := range steps {
		res := step.do()
		require.Equal(t, http.StatusOK, res.Status, "%s: %s", step.name, res.Body)
		if step.name == "create" {
			memberID = res.Object(t)["id"].(string)
		}
		st := readStateFile(t, path)
		requireSameState(t, m.srv.store.export(), st, "%s: the file is the state the mock serves", step.name)
		step.check(t, st)
	}
}

func TestRequestsThatChangeNothingDoNotRewriteTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{Seed: 1, StatePath: path})
	before, err := os.Stat(path)
	require.NoError(t, err)
	org := m.profile.OrganizationID
	cases := []struct {
		name   string
		res    result
		status int
	}{
		{"a list", m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil), http.StatusOK},
		{"a forbidden create", m.do(http.MethodPost, m.membersPath(org), TokenAnalyst, map[string]any{"user_id": m.profile.CandidateUserIDs[0]}), http.StatusForbidden},
		{"a duplicate create", m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": m.identity(TokenAnalyst)}), http.StatusConflict},
		{"a delete of no one", m.do(http.MethodDelete, m.memberPath(org, "00000000-0000-4000-8000-000000000000"), TokenOrgAdmin, nil), http.StatusNotFound},
	}
	for _, tc := range cases {
		require.Equal(t, tc.status, tc.res.Status, "%s: %s", tc.name, tc.res.Body)
	}
	after, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, os.SameFile(before, after), "a read or a refused write leaves the file as it was")
}

func TestStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newTestMock(t, Config{Seed: 1, StatePath: path})
	org := first.profile.OrganizationID
	res := first.do(http.MethodPost, first.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": first.profile.CandidateUserIDs[0]})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	created := res.Object(t)
	require.NoError(t, first.srv.Close())

	second := newTestMock(t, Config{Seed: 1, StatePath: path})
	requireSameState(t, first.srv.store.export(), second.srv.store.export(), "the new mock starts from the file")
	got := second.memberOf(org, first.profile.CandidateUserIDs[0])
	require.Equal(t, created["id"], got.ID)
	require.Equal(t, created["created_at"], got.CreatedAt.UTC().Format(timeLayout))

	res = second.do(http.MethodPut, second.memberPath(org, got.ID), TokenOrgAdmin, map[string]any{"role": RoleOrgAdmin})
	require.Equal(t, http.StatusOK, res.Status, "the restored member is served: %s", res.Body)
	require.NotContains(t, second.profile.CandidateUserIDs, first.profile.CandidateUserIDs[0], "no longer free to add")
}

func TestStateIsSavedAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	m := newTestMock(t, Config{Seed: 1, StatePath: path})
	org := m.profile.OrganizationID

	// A reader polls the file while writers change the state: it must
	// always find a whole state, never a truncated or half-written one.
	stop := make(chan struct{})
	var reads atomic.Int64
	var readErr atomic.Value
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			data, err := os.ReadFile(path)
			if err == nil {
				var st State
				err = json.Unmarshal(data, &st)
				if err == nil && len(st.Users) == 0 {
					err = fmt.Errorf("empty state")
				}
			}
			if err != nil {
				readErr.Store(err.Error())
				return
			}
			reads.Add(1)
		}
	}()

	var wg sync.WaitGroup
	statuses := make(chan int, len(m.profile.CandidateUserIDs)*2)
	for _, user := range m.profile.CandidateUserIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user})
			statuses <- res.Status
			if res.Status != http.StatusOK {
				return
			}
			// Decoded here, not with res.Object: its require would stop this
			// goroutine, not the test.
			var created struct{ ID string }
			if err := json.Unmarshal(res.Body, &created); err != nil || created.ID == "" {
				t.Errorf("create answered %s", res.Body)
				return
			}
			statuses <- m.do(http.MethodPut, m.memberPath(org, created.ID), TokenOrgAdmin, map[string]any{"role": RoleOrgAdmin}).Status
		}()
	}
	wg.Wait()
	close(stop)
	<-readerDone
	close(statuses)
	for s := range statuses {
		require.Equal(t, http.StatusOK, s)
	}
	require.Nil(t, readErr.Load(), "a reader saw a partial file")
	require.Positive(t, reads.Load())

	st := readStateFile(t, path)
	for _, user := range m.profile.CandidateUserIDs {
		found := false
		for _, mm := range membersOf(t, st.Memberships) {
			if mm.OrganizationID == org && mm.UserID == user {
				found = mm.Role == RoleOrgAdmin
			}
		}
		require.True(t, found, "every acknowledged write is in the file: %s", user)
	}
	for _, name := range dirNames(t, dir) {
		require.Regexp(t, `^state\.json(\.log\.\d{6})?$`, name, "no temporary files left behind: the snapshot and its log only")
	}
}

func TestCorruptStateFileStopsStartUpAndIsLeftUntouched(t *testing.T) {
	seed, err := New(Config{Seed: 1})
	require.NoError(t, err)
	valid, err := json.MarshalIndent(seed.store.export(), "", "  ")
	require.NoError(t, err)
	withState := func(edit func(st *State)) string {
		st := seed.store.export()
		edit(&st)
		b, err := json.MarshalIndent(st, "", "  ")
		require.NoError(t, err)
		return string(b)
	}

	cases := []struct {
		name    string
		content string
		want    string
	}{
		{"bad json", `{"organizations": [`, "unexpected end of JSON input"},
		{"not json at all", "organization_id=1\n", "invalid character"},
		{"empty file", "", "empty"},
		{"only whitespace", " \n\t", "empty"},
		{"null", "null", "want a JSON object"},
		{"an array", "[]", "want a JSON object"},
		{"data after the state", string(valid) + "\n{}", "after top-level value"},
		{"two states", string(valid) + string(valid), "after top-level value"},
		{"unknown user in a membership", withState(func(st *State) {
			st.Memberships[0].Set("user_id", "00000000-0000-4000-8000-000000000000")
		}), "unknown user 00000000-0000-4000-8000-000000000000"},
		{"unknown organization in a membership", withState(func(st *State) {
			st.Memberships[1].Set("organization_id", "00000000-0000-4000-8000-000000000001")
		}), "unknown organization"},
		{"role outside the enum", withState(func(st *State) { st.Memberships[2].Set("role", "boss") }), `role "boss": value is not one of the allowed values`},
		{"user id not a uuid", withState(func(st *State) { st.Users[7].Set("id", "bob") }), `id "bob": string doesn't match the format "uuid"`},
		{"duplicate membership", withState(func(st *State) {
			st.Memberships = append(st.Memberships, st.Memberships[0])
		}), "duplicate id"},
		{"token for an unknown user", withState(func(st *State) {
			st.Identities[1].UserID = "00000000-0000-4000-8000-000000000002"
		}), "unknown user"},
		{"unknown field", strings.Replace(string(valid), `"organization_id"`, `"organisation_id"`, 1), "unknown field"},
		{"wrong type", strings.Replace(string(valid), `"is_system_admin": true`, `"is_system_admin": "yes"`, 1), "is_system_admin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			before, err := os.Stat(path)
			require.NoError(t, err)

			m, err := New(Config{Seed: 1, StatePath: path})
			require.Error(t, err)
			require.Nil(t, m)
			msg := err.Error()
			require.Contains(t, msg, path, "the message names the file")
			require.Contains(t, msg, "not a valid state")
			require.Contains(t, msg, "left untouched")
			require.Contains(t, msg, tc.want)

			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, tc.content, string(data), "byte for byte untouched")
			after, err := os.Stat(path)
			require.NoError(t, err)
			require.True(t, os.SameFile(before, after), "not replaced")
			require.Equal(t, before.ModTime(), after.ModTime())
			require.Equal(t, []string{"state.json"}, dirNames(t, dir), "nothing else written")
		})
	}
}

func TestMissingStateFileStartsFromTheSeedAndCreatesIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	m := newTestMock(t, Config{Seed: 1, StatePath: path})
	plain := newTestMock(t, Config{Seed: 1})
	requireSameState(t, plain.srv.store.export(), m.srv.store.export(), "the seed's world")
	require.Equal(t, plain.profile.OrganizationID, m.profile.OrganizationID)
	requireSameState(t, m.srv.store.export(), normalized(t, readStateFile(t, path)), "the file is created with the seed's world")
	require.Equal(t, []string{"state.json"}, dirNames(t, dir))
}

func TestStateFileInAMissingFolderIsAClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", "state.json")
	m, err := New(Config{Seed: 1, StatePath: path})
	require.Error(t, err)
	require.Nil(t, m)
	require.Contains(t, err.Error(), "save state file "+path)
}

func TestCloseSavesTheState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{Seed: 1, StatePath: path})
	require.NoError(t, os.Remove(path))
	require.NoError(t, m.srv.Close())
	requireSameState(t, m.srv.store.export(), readStateFile(t, path))

	plain := newTestMock(t, Config{Seed: 1})
	require.NoError(t, plain.srv.Close(), "without a state file Close is a no-op")
}

// TestSeedZeroIsRefusedWhateverElseIsSet: seed 0 is gofakeit's "random", so
// a missing or reset state file would give another world on every run.
func TestSeedZeroIsRefusedWhateverElseIsSet(t *testing.T) {
	for name, cfg := range map[string]Config{
		"alone":           {},
		"with state path": {StatePath: filepath.Join(t.TempDir(), "state.json")},
		"with members":    {Members: 30},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := New(cfg)
			require.Nil(t, m)
			require.ErrorContains(t, err, "seed 0 is refused")
			if cfg.StatePath != "" {
				_, statErr := os.Stat(cfg.StatePath)
				require.True(t, os.IsNotExist(statErr), "a refused start writes no state file")
			}
		})
	}
}

// FuzzSplitRowsReadsAsTheDecoder: a state the quick split reads is one the
// plain decoder reads to the same rows (and what it cannot read, the plain
// path reads or refuses: parseState falls back to it).
func FuzzSplitRowsReadsAsTheDecoder(f *testing.F) {
	seed, err := os.ReadFile("testdata/world-seed-1.json")
	require.NoError(f, err)
	f.Add(seed)
	for _, s := range []string{`{}`, `{"users":[],"memberships":[]}`, `{"users":[{"a":1}] , "memberships" : [ {"b":"}"} , {"c":"\"]"} ] }`,
		`{"users":[{"a":1},]}`, `{"users":[{"a":1}],"users":[]}`, `{"Users":[{"a":1}]}`, `{"users":[{"a":1}}`, `{"users":null}`,
		`{"users":[{"a":"\\"}]}`, `{"users":[{"a":1}]} x`, `{"users":[1]}`, `{"organizations":[{"id":"x"}],"users":[{}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		trimmed := bytes.TrimSpace(data)
		split, ok := splitRows(trimmed)
		if !ok {
			return
		}
		var quick, plain State
		if parseSplitState(split, &quick) != nil {
			return
		}
		require.NoError(t, parseSplitState(splitState{skeleton: trimmed}, &plain), "read quickly, refused plainly: %q", trimmed)
		require.Equal(t, plain, quick)
	})
}

// TestStateTempFileIsWrittenNextToTheStateFile: saves never go through
// the system's temporary folder (a rename across file systems is not
// atomic) nor anywhere outside the state file's folder, and leave nothing
// behind.
func TestStateTempFileIsWrittenNextToTheStateFile(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "does-not-exist"))
	outer := t.TempDir()
	dir := filepath.Join(outer, "state")
	require.NoError(t, os.Mkdir(dir, 0o755))
	statePath := filepath.Join(dir, "state.json")
	m := newTestMock(t, Config{StatePath: statePath})
	r := m.do(http.MethodPost, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, map[string]any{"user_id": m.profile.CandidateUserIDs[0]})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.NoError(t, m.srv.Close())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the state file is left in its folder")
	require.Equal(t, "state.json", entries[0].Name())
	entries, err = os.ReadDir(outer)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing is written beside the state folder")

	loaded, found, err := loadStateFile(statePath, m.srv.vocab)
	require.NoError(t, err)
	require.True(t, found)
	requireSameState(t, m.srv.store.export(), loaded)
}
