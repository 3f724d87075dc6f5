package mock

// Durable state: the --state file is a snapshot in today's JSON (exports,
// imports and hand-edited files read it as they always did), and beside it
// a log of the changes since, in segments FILE.log.000001, ... of JSON
// lines, one record per accepted write. A write appends its record and
// waits for the sync before its answer; writers that arrive while a sync
// runs share the next one (group commit). When the log has grown past a
// size, the segments written so far are folded into a new snapshot in the
// background, off every request's path.
//
// Records hold absolute values (a member's whole row, or null for a
// removed one; a user's row; a parent's whole list of resource rows; the
// whole state for an import or a reset), so replaying a record twice is
// harmless: a crash between a new snapshot's rename and the removal of the
// segments it folded in loses nothing and breaks nothing.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// minCompactBytes is the least log size that is folded into the snapshot;
// past it, a quarter of the snapshot's size: a 100,000-member world (74 MB)
// compacts every ~18 MB of log, which a start replays in a fraction of a
// second.
const minCompactBytes = 4 << 20

// logRecord is one line of the log.
type logRecord struct {
	Seq uint64 `json:"seq"`
	// State replaces the whole world (import, reset, or a write whose
	// change was not itemised).
	State *State `json:"state,omitempty"`
	// Members by id: the row, or null when it was removed.
	Members map[string]*Row `json:"members,omitempty"`
	// Users by id: the row.
	Users map[string]Row `json:"users,omitempty"`
	// Resources by collection path, then parent: the parent's whole list.
	Resources map[string]map[string][]Row `json:"resources,omitempty"`
}

// changeSet is what a write touched, gathered while it runs under the
// store's lock; the record is made from the world as the write left it.
type changeSet struct {
	whole     bool
	members   map[string]bool
	users     map[string]bool
	resources map[string]map[string]bool
}

func (c *changeSet) empty() bool {
	return !c.whole && len(c.members) == 0 && len(c.users) == 0 && len(c.resources) == 0
}

// The world's writers report what they touch; without a log (no --state)
// changes is nil and nothing is gathered.
func (w *world) touchMember(id string) {
	if w.changes != nil {
		if w.changes.members == nil {
			w.changes.members = map[string]bool{}
		}
		w.changes.members[id] = true
	}
}

func (w *world) touchUser(id string) {
	if w.changes != nil {
		if w.changes.users == nil {
			w.changes.users = map[string]bool{}
		}
		w.changes.users[id] = true
	}
}

func (w *world) touchResource(collection, parent string) {
	if w.changes != nil {
		if w.changes.resources == nil {
			w.changes.resources = map[string]map[string]bool{}
		}
		if w.changes.resources[collection] == nil {
			w.changes.resources[collection] = map[string]bool{}
		}
		w.changes.resources[collection][parent] = true
	}
}

// record encodes the change as a log line (without its seq). A write that
// reports a change without saying what it touched is logged whole: slow,
// never wrong.
func (c *changeSet) record(w *world) ([]byte, error) {
	var rec logRecord
	if c.whole || c.empty() {
		st := w.state()
		rec.State = &st
		return json.Marshal(rec)
	}
	if len(c.members) > 0 {
		rec.Members = make(map[string]*Row, len(c.members))
		for id := range c.members {
			var row *Row
			if m := w.members[id]; m != nil {
				row = &m.Row
			}
			rec.Members[id] = row
		}
	}
	if len(c.users) > 0 {
		rec.Users = make(map[string]Row, len(c.users))
		for id := range c.users {
			if u := w.users[id]; u != nil {
				rec.Users[id] = u.Row
			}
		}
	}
	for collection, parents := range c.resources {
		if rec.Resources == nil {
			rec.Resources = map[string]map[string][]Row{}
		}
		rec.Resources[collection] = map[string][]Row{}
		for parent := range parents {
			rows := []Row{}
			for _, r := range w.resources[collection][parent] {
				rows = append(rows, *r)
			}
			rec.Resources[collection][parent] = rows
		}
	}
	return json.Marshal(rec)
}

// stateLog is the log of one state file.
type stateLog struct {
	path      string // the snapshot
	vocab     vocabulary
	logger    *slog.Logger
	compactAt int64
	mu        sync.Mutex
	// sync makes a segment's writes durable; a test swaps it for a failing
	// disk (setTestHooks).
	sync func(*os.File) error
	// hook, when a test sets it, runs at each step of a compaction.
	hook func(step string) error
	// waiting, when a test sets it, is told of each wait for a sync in
	// flight (under mu: it must not block).
	waiting func(seq uint64)
	cond    *sync.Cond
	// pending are the records enqueued and not yet written, up to seq
	// appended; durable is the last seq synced.
	pending  []byte
	appended uint64
	durable  uint64
	syncing  bool
	// failed is set when a sync failed: records up to failedUpTo were not
	// saved, and the store must reload the world from disk (needsReload).
	failed      error
	failedUpTo  uint64
	needsReload bool
	// seg is the segment appended to (nil until the first write after a
	// start or a seal); segNo its number; segSize its synced size.
	seg     *os.File
	segNo   int
	segSize int64
	// logBytes is the size of the segments not being folded in: past
	// compactAt, they are.
	logBytes int64
	// compacting is set while a background compaction runs; done is
	// closed when it ends.
	compacting bool
	done       chan struct{}

	// filesMu orders a compaction's swap of files (snapshot rename,
	// segment removal) with a reader of all of them (a reload).
	filesMu sync.Mutex
}

// newStateLog opens the log of a state file read at start: lastSeg is its
// last segment (the next write starts a new one), logBytes the segments'
// size.
func newStateLog(path string, vocab vocabulary, logger *slog.Logger, compactAt int64, lastSeg int, snapshotBytes, logBytes int64) *stateLog {
	if compactAt <= 0 {
		compactAt = max(minCompactBytes, snapshotBytes/4)
	}
	l := &stateLog{path: path, vocab: vocab, logger: logger, compactAt: compactAt, segNo: lastSeg, logBytes: logBytes,
		sync: func(f *os.File) error { return f.Sync() }}
	l.cond = sync.NewCond(&l.mu)
	return l
}

func segmentName(path string, n int) string { return fmt.Sprintf("%s.log.%06d", path, n) }

// segments are the numbers of the state file's log segments, in order.
func segments(path string) ([]int, error) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	prefix := filepath.Base(path) + ".log."
	var out []int
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || len(rest) != 6 || n <= 0 {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

// logSize is the size of the state file's log segments.
func logSize(path string) int64 {
	nums, _ := segments(path)
	var n int64
	for _, num := range nums {
		if fi, err := os.Stat(segmentName(path, num)); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// enqueue adds a record; it runs under the store's write lock, so records
// are in the order of the changes. It returns the record's seq, or the
// failure of a sync since the write began: the world it changed holds
// records that were not saved, and is read back.
func (l *stateLog) enqueue(body []byte) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.needsReload {
		return 0, l.failed
	}
	l.appended++
	l.pending = append(l.pending, `{"seq":`...)
	l.pending = strconv.AppendUint(l.pending, l.appended, 10)
	if len(body) > 2 {
		l.pending = append(l.pending, ',')
	}
	l.pending = append(l.pending, body[1:]...)
	l.pending = append(l.pending, '\n')
	return l.appended, nil
}

// last is the seq of the last record enqueued.
func (l *stateLog) last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.appended
}

func (l *stateLog) reloadNeeded() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.needsReload
}

// reloaded: the world matches the disk again; later writes may succeed.
// It returns the last seq synced, the world's last change.
func (l *stateLog) reloaded() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.needsReload = false
	return l.durable
}

// waitDurable returns when record seq is synced, or with the error that
// kept it from being. The first waiter that finds no sync running writes
// and syncs everything pending: those who arrive meanwhile share the next.
func (l *stateLog) waitDurable(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		switch {
		case seq <= l.durable:
			return nil
		case seq <= l.failedUpTo:
			return l.failed
		case !l.syncing:
			l.flushLocked()
			l.cond.Broadcast()
		default:
			if l.waiting != nil {
				l.waiting(seq)
			}
			l.cond.Wait()
		}
	}
}

// flushLocked writes and syncs what is pending, with l.mu released during
// the I/O; syncing keeps every other writer of the segment out.
func (l *stateLog) flushLocked() {
	buf, upTo := l.pending, l.appended
	l.pending = nil
	l.syncing = true
	seg, segNo, size, syncFile := l.seg, l.segNo, l.segSize, l.sync
	l.mu.Unlock()
	var err error
	if seg == nil {
		segNo++
		seg, err = createSegment(segmentName(l.path, segNo))
		size = 0
	}
	if err == nil {
		_, err = seg.Write(buf)
		if err == nil {
			err = syncFile(seg)
		}
		if err != nil {
			// Cut the segment back to what was synced: the records not saved
			// must not come back at the next start.
			if terr := seg.Truncate(size); terr != nil {
				err = fmt.Errorf("%w (and the log could not be cut back: %v)", err, terr)
			} else if _, serr := seg.Seek(size, 0); serr != nil {
				err = fmt.Errorf("%w (%v)", err, serr)
			}
		}
	}
	l.mu.Lock()
	l.syncing = false
	l.seg, l.segNo = seg, segNo
	if err != nil {
		// Everything enqueued so far was built on the failed records: it
		// fails with them, and the world is read back from disk.
		l.failed = fmt.Errorf("state not saved: %w", err)
		l.failedUpTo = l.appended
		l.pending = nil
		l.needsReload = true
		return
	}
	l.durable = upTo
	l.segSize = size + int64(len(buf))
	l.logBytes += int64(len(buf))
	if l.logBytes >= l.compactAt && !l.compacting {
		l.sealAndCompactLocked()
	}
}

// createSegment creates a segment and syncs its folder, so that a crash
// cannot lose the file with the records synced into it.
func createSegment(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syncDir(filepath.Dir(name)); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sealAndCompactLocked closes the segment (the next write opens a new
// one) and folds the sealed segments into the snapshot in the background.
func (l *stateLog) sealAndCompactLocked() {
	if l.seg != nil {
		_ = l.seg.Close()
		l.seg, l.segSize = nil, 0
	}
	upTo, hook := l.segNo, l.hook
	l.logBytes = 0
	l.compacting = true
	l.done = make(chan struct{})
	done := l.done
	go func() {
		defer close(done)
		err := l.compact(upTo, hook)
		l.mu.Lock()
		l.compacting = false
		l.mu.Unlock()
		if err != nil {
			// The segments stay: the state is whole on disk, only longer to
			// read at the next start; a later seal folds them in.
			l.logger.Error("state log: compaction failed, the log is kept", "state", l.path, "error", err.Error())
		}
	}()
}

// setTestHooks swaps the sync (nil: keep it) and the compaction's hook.
func (l *stateLog) setTestHooks(sync func(*os.File) error, hook func(step string) error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sync != nil {
		l.sync = sync
	}
	l.hook = hook
}

// setWaitHook tells waiting of each wait for a sync in flight.
func (l *stateLog) setWaitHook(waiting func(seq uint64)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waiting = waiting
}

// compact folds the snapshot and the segments up to upTo into a new
// snapshot, then removes those segments.
func (l *stateLog) compact(upTo int, hook func(string) error) error {
	step := func(name string) error {
		if hook != nil {
			return hook(name)
		}
		return nil
	}
	l.logger.Info("state log: compacting", "state", l.path, "segments_up_to", upTo)
	st, _, err := readDurableState(l.path, l.logger, upTo)
	if err != nil {
		return err
	}
	w, err := newWorld(st, l.vocab)
	if err != nil {
		return err
	}
	if err := step("read"); err != nil {
		return err
	}
	l.filesMu.Lock()
	defer l.filesMu.Unlock()
	var half func(string) error
	if hook != nil {
		half = step
	}
	if err := writeStateFile(l.path, w.state(), half); err != nil {
		return err
	}
	if err := step("renamed"); err != nil {
		return err
	}
	if err := removeSegments(l.path, upTo); err != nil {
		return err
	}
	l.logger.Info("state log: compacted", "state", l.path, "segments_up_to", upTo)
	return step("removed")
}

func removeSegments(path string, upTo int) error {
	nums, err := segments(path)
	if err != nil {
		return err
	}
	for _, n := range nums {
		if n <= upTo {
			if err := os.Remove(segmentName(path, n)); err != nil {
				return err
			}
		}
	}
	return syncDir(filepath.Dir(path))
}

// waitCompaction returns when no compaction runs.
func (l *stateLog) waitCompaction() {
	l.mu.Lock()
	done := l.done
	l.mu.Unlock()
	if done != nil {
		<-done
	}
}

// checkpoint writes st (the world, read under the store's write lock, with
// every record synced) as the snapshot and removes every segment: the
// state file alone is then the state, to share or keep.
func (l *stateLog) checkpoint(st State) error {
	l.waitCompaction()
	l.mu.Lock()
	if l.seg != nil {
		_ = l.seg.Close()
		l.seg, l.segSize = nil, 0
	}
	last := l.segNo
	l.logBytes = 0
	l.mu.Unlock()
	l.filesMu.Lock()
	defer l.filesMu.Unlock()
	if err := writeStateFile(l.path, st, nil); err != nil {
		return fmt.Errorf("save state file %s: %w", l.path, err)
	}
	return removeSegments(l.path, last)
}

// readDurableState reads the snapshot and the log segments (up to upTo;
// all when upTo is 0) and replays them. A torn last record of the last
// segment is dropped with a warning (the process stopped while writing it:
// it was never acknowledged); anything else unreadable is an error, and
// the files are left as they are. It reports the last segment's number.
func readDurableState(path string, logger *slog.Logger, upTo int) (State, int, error) {
	var st State
	data, err := os.ReadFile(path)
	if err != nil {
		return st, 0, fmt.Errorf("state file %s: %w", path, err)
	}
	if err := parseState(data, &st); err != nil {
		return st, 0, fmt.Errorf("state file %s is not a valid state (left untouched; fix or remove it): %w", path, err)
	}
	nums, err := segments(path)
	if err != nil {
		return st, 0, err
	}
	r := newReplay(st)
	last := 0
	for i, n := range nums {
		if upTo > 0 && n > upTo {
			break
		}
		last = n
		name := segmentName(path, n)
		seg, err := os.ReadFile(name)
		if err != nil {
			return st, 0, err
		}
		isLast := i == len(nums)-1
		if err := r.segment(name, seg, isLast && upTo == 0, logger); err != nil {
			return st, 0, err
		}
	}
	return r.state(), last, nil
}

// replay applies records to a state by id, leniently: a record replayed
// over a snapshot that holds it already may meet its own rows; the world
// built at the end checks the result.
type replay struct {
	st      State
	members map[string]int // lower-cased id → index in st.Memberships
	removed map[int]bool
	users   map[string]int
}

func newReplay(st State) *replay {
	r := &replay{}
	r.reset(st)
	return r
}

func (r *replay) reset(st State) {
	r.st = st
	r.members = make(map[string]int, len(st.Memberships))
	r.removed = map[int]bool{}
	for i := range st.Memberships {
		r.members[strings.ToLower(st.Memberships[i].Text("id"))] = i
	}
	r.users = make(map[string]int, len(st.Users))
	for i := range st.Users {
		r.users[strings.ToLower(st.Users[i].Text("id"))] = i
	}
}

// segment replays one segment's lines; torn allows its last line to be
// incomplete (dropped, truncated away, with a warning naming it).
func (r *replay) segment(name string, data []byte, mayBeTorn bool, logger *slog.Logger) error {
	offset := int64(0)
	for line := 1; len(data) > 0; line++ {
		end := bytes.IndexByte(data, '\n')
		var text []byte
		complete := end >= 0
		if complete {
			text = data[:end]
		} else {
			text = data
		}
		var rec logRecord
		err := json.Unmarshal(text, &rec)
		if err == nil && !complete {
			err = errors.New("the record has no end of line")
		}
		if err != nil {
			if mayBeTorn && (!complete || end == len(data)-1) {
				logger.Warn("state log: the last record was torn by a stop while it was written (never acknowledged); dropped",
					"segment", name, "line", line, "byte", offset, "error", err.Error())
				if terr := os.Truncate(name, offset); terr != nil {
					return fmt.Errorf("state log %s: cut the torn record at line %d: %w", name, line, terr)
				}
				return nil
			}
			return fmt.Errorf("state log %s line %d is not a valid record (left untouched; fix or remove it): %w", name, line, err)
		}
		r.apply(rec)
		offset += int64(len(text)) + 1
		if !complete {
			break
		}
		data = data[end+1:]
	}
	return nil
}

func (r *replay) apply(rec logRecord) {
	if rec.State != nil {
		r.reset(*rec.State)
	}
	for id, row := range rec.Members {
		i, ok := r.members[id]
		switch {
		case row == nil && ok:
			r.removed[i] = true
			delete(r.members, id)
		case row != nil && ok:
			r.st.Memberships[i] = *row
		case row != nil:
			r.members[id] = len(r.st.Memberships)
			r.st.Memberships = append(r.st.Memberships, *row)
		}
	}
	for id, row := range rec.Users {
		if i, ok := r.users[id]; ok {
			r.st.Users[i] = row
		} else {
			r.users[id] = len(r.st.Users)
			r.st.Users = append(r.st.Users, row)
		}
	}
	for collection, parents := range rec.Resources {
		if r.st.Resources == nil {
			r.st.Resources = map[string]map[string][]Row{}
		}
		if r.st.Resources[collection] == nil {
			r.st.Resources[collection] = map[string][]Row{}
		}
		for parent, rows := range parents {
			if len(rows) == 0 {
				delete(r.st.Resources[collection], parent)
			} else {
				r.st.Resources[collection][parent] = rows
			}
		}
	}
}

// state is the replayed state; a member added by the log comes last (the
// world orders them).
func (r *replay) state() State {
	r.dropRemoved()
	r.reindexMembers()
	return r.st
}

func (r *replay) dropRemoved() {
	if len(r.removed) == 0 {
		return
	}
	kept := make([]Row, 0, len(r.st.Memberships)-len(r.removed))
	for i, m := range r.st.Memberships {
		if !r.removed[i] {
			kept = append(kept, m)
		}
	}
	r.st.Memberships = kept
	r.removed = map[int]bool{}
}

func (r *replay) reindexMembers() {
	r.members = make(map[string]int, len(r.st.Memberships))
	for i := range r.st.Memberships {
		r.members[strings.ToLower(r.st.Memberships[i].Text("id"))] = i
	}
}

// loadDurable is the state at start: the snapshot with its log replayed.
// found is false when there is no snapshot (a log without one is refused:
// it would be replayed over the seed).
func loadDurable(path string, vocab vocabulary, logger *slog.Logger) (w *world, lastSeg int, err error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		nums, lerr := segments(path)
		if lerr == nil && len(nums) > 0 {
			return nil, 0, fmt.Errorf("state file %s is missing but its log %s is there (left untouched): restore the file, or remove the log to start from the seed", path, segmentName(path, nums[0]))
		}
		return nil, 0, nil
	}
	st, lastSeg, err := readDurableState(path, logger, 0)
	if err != nil {
		return nil, 0, err
	}
	if w, err = newWorld(st, vocab); err != nil {
		return nil, 0, fmt.Errorf("state file %s is not a valid state (left untouched; fix or remove it): %w", path, err)
	}
	return w, lastSeg, nil
}
