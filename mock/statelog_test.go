package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// logLines are the records of a state file's log, in order.
func logLines(t *testing.T, path string) []map[string]json.RawMessage {
	t.Helper()
	nums, err := segments(path)
	require.NoError(t, err)
	var out []map[string]json.RawMessage
	for _, n := range nums {
		data, err := os.ReadFile(segmentName(path, n))
		require.NoError(t, err)
		for line := range bytes.Lines(data) {
			var rec map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(line, &rec), "%s", line)
			out = append(out, rec)
		}
	}
	return out
}

// syncWatch replaces the log's sync: it syncs, and notes how many bytes
// the segment held when it did.
type syncWatch struct {
	mu     sync.Mutex
	syncs  int
	synced map[string]int64 // segment → size at its last sync
}

func watchSyncs(l *stateLog) *syncWatch {
	sw := &syncWatch{synced: map[string]int64{}}
	l.setTestHooks(func(f *os.File) error {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		sw.mu.Lock()
		defer sw.mu.Unlock()
		sw.syncs++
		sw.synced[f.Name()] = fi.Size()
		return nil
	}, nil)
	return sw
}

// requireAllSynced: every byte of every segment was synced.
func (sw *syncWatch) requireAllSynced(t *testing.T, path string, msgAndArgs ...any) {
	t.Helper()
	nums, err := segments(path)
	require.NoError(t, err)
	sw.mu.Lock()
	defer sw.mu.Unlock()
	for _, n := range nums {
		fi, err := os.Stat(segmentName(path, n))
		require.NoError(t, err)
		require.Equal(t, fi.Size(), sw.synced[segmentName(path, n)], msgAndArgs...)
	}
}

// TestEachWriteIsOneRecordSyncedBeforeItsAnswer: every kind of write
// appends one record of what it changed (the whole state only for an
// import or a reset), synced before the answer, and the state file with
// its log reads back as the state served.
func TestEachWriteIsOneRecordSyncedBeforeItsAnswer(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/resource-crud.yaml")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{Spec: sp, StatePath: path})
	sw := watchSyncs(m.srv.store.log)
	org := m.profile.OrganizationID
	labels := "/api/organization/" + org + "/label"
	var memberID, labelID string
	plain := m.plainMember()

	steps := []struct {
		name string
		do   func() result
		kind string // the record's one key beside seq
	}{
		{"API create", func() result {
			return m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": m.profile.CandidateUserIDs[0]})
		}, "members"},
		{"API update", func() result {
			return m.do(http.MethodPut, m.memberPath(org, memberID), TokenOrgAdmin, map[string]any{"role": RoleOrgAdmin})
		}, "members"},
		{"API delete", func() result { return m.do(http.MethodDelete, m.memberPath(org, memberID), TokenOrgAdmin, nil) }, "members"},
		{"hand edit of a member", func() result {
			return m.do(http.MethodPatch, "/__mock/members/"+plain.ID, "", map[string]any{"membership_state": "suspended"})
		}, "members"},
		{"hand edit of a user", func() result {
			return m.do(http.MethodPatch, "/__mock/users/"+plain.UserID, "", map[string]any{"given_name": "Zebulon"})
		}, "users"},
		{"resource create", func() result {
			return m.do(http.MethodPost, labels, TokenOrgAdmin, map[string]any{"name": "urgent", "color": "red"})
		}, "resources"},
		{"resource patch", func() result {
			return m.do(http.MethodPatch, labels+"/"+labelID, TokenOrgAdmin, map[string]any{"name": "later"})
		}, "resources"},
		{"resource delete", func() result { return m.do(http.MethodDelete, labels+"/"+labelID, TokenOrgAdmin, nil) }, "resources"},
		{"import", func() result {
			st := m.srv.store.export()
			st.Organizations[4].Name = "Imported Inc."
			return m.do(http.MethodPut, "/__mock/state", "", st)
		}, "state"},
		{"reset", func() result { return m.do(http.MethodPost, "/__mock/reset", "", nil) }, "state"},
	}
	for i, step := range steps {
		res := step.do()
		require.Contains(t, []int{http.StatusOK, http.StatusNoContent}, res.Status, "%s: %s", step.name, res.Body)
		switch step.name {
		case "API create":
			memberID = res.Object(t)["id"].(string)
		case "resource create":
			labelID = res.Object(t)["id"].(string)
		}
		recs := logLines(t, path)
		require.Len(t, recs, i+1, "%s: one record per write", step.name)
		keys := slices.Sorted(maps.Keys(recs[i]))
		require.ElementsMatch(t, []string{step.kind, "seq"}, keys, "%s: the record holds the change, not the world", step.name)
		sw.requireAllSynced(t, path, "%s: synced before the answer", step.name)
		requireSameState(t, m.srv.store.export(), normalizedWith(t, sp, readStateFile(t, path)), "%s: the file and its log are the state served", step.name)
	}

	// Reads and refused writes log nothing.
	m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil)
	m.do(http.MethodDelete, m.memberPath(org, memberID), TokenOrgAdmin, nil) // gone: 404
	require.Len(t, logLines(t, path), len(steps))

	// Close folds the log into the file: the file alone is the state.
	require.NoError(t, m.srv.Close())
	require.Equal(t, []string{"state.json"}, dirNames(t, filepath.Dir(path)))
	requireSameState(t, m.srv.store.export(), normalizedWith(t, sp, readStateFile(t, path)))
}

func normalizedWith(t *testing.T, sp *spec.Spec, st State) State {
	t.Helper()
	m, err := New(Config{Seed: 1, Spec: sp})
	require.NoError(t, err)
	w, err := newWorld(st, m.vocab)
	require.NoError(t, err)
	return w.state()
}

// TestConcurrentWritersShareSyncs: while one sync runs, the writers that
// arrive wait for the next, and one sync then covers them all.
func TestConcurrentWritersShareSyncs(t *testing.T) {
	const writers = 12
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{StatePath: path, Members: 60})
	l := m.srv.store.log
	release := make(chan struct{})
	var syncs atomic.Int32
	l.setTestHooks(func(f *os.File) error {
		if syncs.Add(1) == 1 {
			<-release // the first sync holds until every writer has enqueued
		}
		return f.Sync()
	}, nil)
	org := m.profile.OrganizationID
	var ids []string
	m.srv.store.read(func(w *world) {
		for _, mm := range w.byOrg[org][:writers] {
			ids = append(ids, mm.ID())
		}
	})
	statuses := make(chan int, writers)
	for _, id := range ids {
		go func() {
			statuses <- m.do(http.MethodPut, m.memberPath(org, id), TokenSystemAdmin, map[string]any{"role": RoleAnalyst}).Status
		}()
	}
	for l.last() < writers {
		runtime.Gosched() // until every writer's record is enqueued: a condition, not a delay
	}
	close(release)
	for range writers {
		require.Equal(t, http.StatusOK, <-statuses)
	}
	require.Equal(t, int32(2), syncs.Load(), "the first writer's sync, then one for the %d that waited", writers-1)
	require.Len(t, logLines(t, path), writers)
}

// TestATornLastRecordIsDroppedWithAWarning: a stop in the middle of an
// append leaves part of a line; the next start drops it, says which, and
// cuts it off. A bad record anywhere else stops the start, files untouched.
func TestATornLastRecordIsDroppedWithAWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := newTestMock(t, Config{StatePath: path})
	org := first.profile.OrganizationID
	for _, user := range first.profile.CandidateUserIDs[:2] {
		r := first.do(http.MethodPost, first.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	}
	want := first.srv.store.export()
	seg := segmentName(path, 1)
	good, err := os.ReadFile(seg)
	require.NoError(t, err)
	torn := `{"seq":3,"members":{"0b9e0f5e-6d2c-4c7e-9a51-2d1e0c8f1a77":{"id":"0b9e`
	require.NoError(t, os.WriteFile(seg, append(slices.Clone(good), torn...), 0o644))

	var logs bytes.Buffer
	second := newTestMock(t, Config{StatePath: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	requireSameState(t, want, second.srv.store.export(), "every acknowledged write, nothing of the torn one")
	require.Contains(t, logs.String(), "torn")
	require.Contains(t, logs.String(), "segment="+seg)
	require.Contains(t, logs.String(), "line=3")
	after, err := os.ReadFile(seg)
	require.NoError(t, err)
	require.Equal(t, good, after, "the torn record is cut off")

	// A bad record that is not the last: refused, left as it is.
	bad := append([]byte(`{"seq":1,"members":{"x":`+"\n"), good...)
	require.NoError(t, os.WriteFile(seg, bad, 0o644))
	_, err = New(Config{Seed: 1, StatePath: path})
	require.ErrorContains(t, err, seg+" line 1 is not a valid record (left untouched")
	after, err = os.ReadFile(seg)
	require.NoError(t, err)
	require.Equal(t, bad, after)
}

// TestALogWithoutItsStateFileIsRefused: replayed over the seed, it would
// make a world that never was.
func TestALogWithoutItsStateFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	m := newTestMock(t, Config{StatePath: path})
	r := m.do(http.MethodPost, m.membersPath(m.profile.OrganizationID), TokenOrgAdmin, map[string]any{"user_id": m.profile.CandidateUserIDs[0]})
	require.Equal(t, http.StatusOK, r.Status)
	require.NoError(t, os.Remove(path))
	_, err := New(Config{Seed: 1, StatePath: path})
	require.ErrorContains(t, err, "is missing but its log")
}

// crashImage is a copy of the state's folder taken at one instant: what a
// SIGKILL at that instant leaves (the page cache survives a process).
type crashImage struct {
	step string
	dir  string
	// history index of each pair's value acknowledged before the copy.
	acked []int
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if os.IsNotExist(err) {
			continue // removed while copying, as a kill could find it
		}
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(to, e.Name()), data, 0o644))
	}
}

// TestACrashDuringCompactionLosesNothing takes crash images at every step
// of compactions (read, temporary file half written, renamed, segments
// removed) while writers run, and starts a mock on each: it loads, and
// holds every write acknowledged before the image, each pair's value being
// that one or a later one.
func TestACrashDuringCompactionLosesNothing(t *testing.T) {
	const (
		writers = 4
		writes  = 60 // per writer
	)
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	m := newTestMock(t, Config{StatePath: path, StateLogBytes: 4 << 10})
	org := m.profile.OrganizationID
	users := m.profile.CandidateUserIDs[:writers]

	// history[w] are the roles writer w's pair went through ("" for no
	// membership), in order; acked[w] the index of the last acknowledged.
	var mu sync.Mutex
	history := make([][]string, writers)
	acked := make([]int, writers)
	for w := range history {
		history[w] = []string{""}
	}
	var images []crashImage
	m.srv.store.log.setTestHooks(nil, func(step string) error {
		mu.Lock()
		img := crashImage{step: step, dir: t.TempDir(), acked: slices.Clone(acked)}
		mu.Unlock()
		copyDir(t, dir, img.dir)
		mu.Lock()
		images = append(images, img)
		mu.Unlock()
		return nil
	})

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			roles := []string{RoleAnalyst, RoleOrgAdmin}
			id := ""
			for i := range writes {
				var method, p, role string
				var body any
				switch {
				case id == "":
					method, p, role, body = http.MethodPost, m.membersPath(org), roles[i%2], map[string]any{"user_id": users[w], "role": roles[i%2]}
				case i%5 == 0:
					method, p, role = http.MethodDelete, m.memberPath(org, id), ""
				default:
					method, p, role, body = http.MethodPut, m.memberPath(org, id), roles[i%2], map[string]any{"role": roles[i%2]}
				}
				mu.Lock()
				history[w] = append(history[w], role)
				mu.Unlock()
				r := m.do(method, p, TokenOrgAdmin, body)
				if r.Status != http.StatusOK {
					t.Errorf("%s %s: %d %s", method, p, r.Status, r.Body)
					return
				}
				if role == "" {
					id = ""
				} else {
					// Not r.Object: its require would stop this goroutine, not the test.
					var created struct{ ID string }
					if err := json.Unmarshal(r.Body, &created); err != nil || created.ID == "" {
						t.Errorf("%s %s answered %s", method, p, r.Body)
						return
					}
					id = created.ID
				}
				mu.Lock()
				acked[w] = len(history[w]) - 1
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	m.srv.store.log.waitCompaction()

	steps := map[string]int{}
	for _, img := range images {
		steps[img.step]++
		var logs bytes.Buffer
		got, err := New(Config{Seed: 1, StatePath: filepath.Join(img.dir, "state.json"), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		require.NoError(t, err, "image at %s: the state loads", img.step)
		st := got.store.export()
		for w, user := range users {
			role := ""
			for _, row := range st.Memberships {
				if row.Text("organization_id") == org && row.Text("user_id") == user {
					role = row.Text("role")
				}
			}
			require.Contains(t, history[w][img.acked[w]:], role,
				"image at %s: writer %d holds %q; acknowledged %q before the image", img.step, w, role, history[w][img.acked[w]])
		}
	}
	for _, step := range []string{"read", "half-written", "renamed", "removed"} {
		require.Positive(t, steps[step], "no image at %s: %v", step, steps)
	}
	t.Logf("%d crash images: %v", len(images), steps)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.Regexp(t, `^state\.json(\.log\.\d{6})?$`, e.Name(), "no temporary files left: %s", fmt.Sprint(dirNames(t, dir)))
	}
}

// heldSync holds the log's next sync back until free is called, and tells
// of each wait for a sync in flight: a test sees a request wait, or be
// answered, while a change it could see is not yet durable.
type heldSync struct {
	held  chan struct{} // closed when the held sync starts
	waits chan uint64   // the record each waiter waits for
	free  func()
}

func holdNextSync(t *testing.T, l *stateLog) *heldSync {
	release := make(chan struct{})
	h := &heldSync{held: make(chan struct{}), waits: make(chan uint64, 64), free: sync.OnceFunc(func() { close(release) })}
	var first sync.Once
	l.setTestHooks(func(f *os.File) error {
		first.Do(func() {
			close(h.held)
			<-release
		})
		return f.Sync()
	}, nil)
	l.setWaitHook(func(seq uint64) {
		select {
		case h.waits <- seq:
		default:
		}
	})
	t.Cleanup(h.free) // before the test server's Close, which waits for the held request
	return h
}

// TestAReaderIsAnsweredOnlyOnceWhatItSawIsSynced: a list that reads a
// change whose sync is held back is not answered until that sync is done
// (issue 23 point 2: no client sees a change a crash could undo).
func TestAReaderIsAnsweredOnlyOnceWhatItSawIsSynced(t *testing.T) {
	m := newTestMock(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json")})
	org, id := m.profile.OrganizationID, m.plainMember().ID
	h := holdNextSync(t, m.srv.store.log)
	put := make(chan result, 1)
	go func() {
		put <- m.do(http.MethodPut, m.memberPath(org, id), TokenSystemAdmin, map[string]any{"role": RoleOrgAdmin})
	}()
	<-h.held // the change is made; its record is in a sync that does not end
	record := m.srv.store.log.last()

	get := make(chan result, 1)
	go func() { get <- m.do(http.MethodGet, m.membersPath(org), TokenSystemAdmin, nil) }() // the member is on its first page
	select {
	case res := <-get:
		t.Fatalf("the GET was answered (%d, %d bytes) while the change it could see was not synced", res.Status, len(res.Body))
	case seq := <-h.waits:
		require.Equal(t, record, seq, "the GET waits for the PUT's record")
	}
	h.free()
	require.Equal(t, http.StatusOK, (<-put).Status)
	res := <-get
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	roles := map[any]any{}
	for _, item := range res.List(t) {
		roles[item.(map[string]any)["id"]] = item.(map[string]any)["role"]
	}
	require.Equal(t, RoleOrgAdmin, roles[id], "the GET saw the change it waited for")
}

// TestARefusedWriteIsAnsweredOnlyOnceWhatItSawIsSynced: a hand edit of a
// member that an API delete removed is refused (404) from what the delete
// left, so it is not answered until the delete is synced.
func TestARefusedWriteIsAnsweredOnlyOnceWhatItSawIsSynced(t *testing.T) {
	m := newTestMock(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json")})
	org, id := m.profile.OrganizationID, m.plainMember().ID
	h := holdNextSync(t, m.srv.store.log)
	del := make(chan result, 1)
	go func() { del <- m.do(http.MethodDelete, m.memberPath(org, id), TokenSystemAdmin, nil) }()
	<-h.held

	edit := make(chan result, 1)
	go func() {
		edit <- m.do(http.MethodPatch, "/__mock/members/"+id, "", map[string]any{"membership_state": "suspended"})
	}()
	select {
	case res := <-edit:
		t.Fatalf("the edit was answered (%d %s) while the delete it could see was not synced", res.Status, res.Body)
	case <-h.waits:
	}
	h.free()
	require.Equal(t, http.StatusOK, (<-del).Status)
	require.Equal(t, http.StatusNotFound, (<-edit).Status, "the edit saw the delete it waited for")
}

// TestAReaderIsNotHeldByALaterWritersSync: a request waits for the changes
// it could have seen, not for those of writers that came after its read:
// its answer is not held by their syncs.
func TestAReaderIsNotHeldByALaterWritersSync(t *testing.T) {
	m := newTestMock(t, Config{StatePath: filepath.Join(t.TempDir(), "state.json")})
	org, id := m.profile.OrganizationID, m.plainMember().ID
	require.Equal(t, http.StatusOK, m.do(http.MethodPut, m.memberPath(org, id), TokenSystemAdmin, map[string]any{"role": RoleOrgAdmin}).Status)
	read := new(seen)
	var role string
	m.srv.store.readFor(read, func(w *world) { role = w.members[id].Role() })
	require.Equal(t, RoleOrgAdmin, role, "the reader saw the first change")

	h := holdNextSync(t, m.srv.store.log)
	put := make(chan result, 1)
	go func() {
		put <- m.do(http.MethodPut, m.memberPath(org, id), TokenSystemAdmin, map[string]any{"role": RoleAnalyst})
	}()
	<-h.held // a later writer's record is in a sync that does not end
	settled := make(chan struct{})
	go func() {
		m.srv.store.settle(read)
		close(settled)
	}()
	select {
	case <-settled:
	case seq := <-h.waits:
		t.Fatalf("the reader waits for record %d, a writer's after its read", seq)
	}
	h.free()
	require.Equal(t, http.StatusOK, (<-put).Status)
}
