package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock"
)

// buildMock builds humm-mock into a temporary folder, for tests that need
// a real process to kill.
func buildMock(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build humm-mock with")
	}
	bin := filepath.Join(t.TempDir(), "humm-mock")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// process is one humm-mock process on 127.0.0.1:0.
type process struct {
	cmd  *exec.Cmd
	base string
	out  *syncBuffer
	// compacting gets a signal when the process logs that a compaction of
	// its state log starts.
	compacting chan struct{}
}

// markerWriter passes stderr on, and signals each line holding marker.
type markerWriter struct {
	w      io.Writer
	marker string
	ch     chan struct{}
}

func (m *markerWriter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(m.marker)) {
		select {
		case m.ch <- struct{}{}:
		default:
		}
	}
	return m.w.Write(p)
}

func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &process{cmd: cmd, out: &syncBuffer{}, compacting: make(chan struct{}, 1)}
	cmd.Stderr = &markerWriter{w: p.out, marker: "state log: compacting", ch: p.compacting}
	require.NoError(t, cmd.Start())
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if base, ok := strings.CutPrefix(sc.Text(), "humm-mock listening on "); ok {
				found <- base
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("humm-mock exited before listening: %s", p.out)
		}
		p.base = base
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("humm-mock did not listen within 30 s: %s", p.out)
	}
	return p
}

// kill sends SIGKILL: no deferred save, no shutdown.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// slot is what one (organization, user) pair holds: no membership, or one
// with an id (empty when not known yet) and a role.
type slot struct {
	present  bool
	id, role string
}

func (s slot) matches(m *mock.Row) bool {
	if !s.present || m == nil {
		return !s.present && m == nil
	}
	return (s.id == "" || s.id == m.Text("id")) && s.role == m.Text("role")
}

type crashPair struct {
	org, user string
	acked     slot  // after the last write the server acknowledged
	pending   *slot // after the write in flight at the kill, if any
}

// TestSIGKILLNeverLosesAnAcknowledgedWrite kills the real process with
// SIGKILL while writers are busy, restarts it on the same --state file and
// log, and checks each time that they load and hold every write
// acknowledged before the kill. A write in flight at the kill may have
// landed or not; nothing else may differ. The log is folded into the file
// every 4 KB (about ten writes), so kills land during appends and during
// compactions: a round kills after a random count of acknowledged writes,
// or, every other round, as soon as the process reports a compaction
// starting after that count. Counts and signals, no delays.
func TestSIGKILLNeverLosesAnAcknowledgedWrite(t *testing.T) {
	const (
		rounds   = 8
		writers  = 4
		owned    = 3 // pairs per writer
		logBytes = "4096"
	)
	bin := buildMock(t)
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))

	p := startProcess(t, bin, "--state", statePath, "--state-log-bytes", logBytes)
	st := fetchState(t, p.base)
	var pairs []*crashPair
	members := map[string]bool{}
	for _, m := range st.Memberships {
		members[m.Text("organization_id")+"/"+m.Text("user_id")] = true
	}
	for _, o := range st.Organizations {
		for _, u := range st.Users {
			if !members[o.ID+"/"+u.Text("id")] && len(pairs) < writers*owned {
				pairs = append(pairs, &crashPair{org: o.ID, user: u.Text("id")})
			}
		}
	}
	require.Len(t, pairs, writers*owned)

	acknowledged, uncertain, compactions := 0, 0, 0
	for round := range rounds {
		transport := &http.Transport{}
		client := &http.Client{Timeout: 10 * time.Second, Transport: transport}
		var wg sync.WaitGroup
		counts := make([]int, writers)
		target := int64(20 + rng.IntN(60))
		var total atomic.Int64
		reached := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				wrng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				mine := pairs[w*owned : (w+1)*owned]
				for {
					cp := mine[wrng.IntN(len(mine))]
					next, method, path, body := plannedWrite(cp, wrng)
					cp.pending = &next
					status, resp, err := sysAdminDo(client, method, p.base+path, body)
					if err != nil {
						return // the process is gone: this write may or may not have landed
					}
					if status != http.StatusOK {
						t.Errorf("%s %s: %d %s", method, path, status, resp)
						cp.pending = nil
						return
					}
					if !next.present {
						next.id = ""
					} else {
						var m mock.Row
						if json.Unmarshal(resp, &m) != nil {
							t.Errorf("%s %s: %s", method, path, resp)
							return
						}
						next.id = m.Text("id")
					}
					cp.acked, cp.pending = next, nil
					counts[w]++
					if total.Add(1) == target {
						close(reached)
					}
				}
			})
		}
		select {
		case <-reached:
		case <-time.After(2 * time.Minute): // a safeguard, not a synchronisation
			t.Fatalf("round %d: the writers did not reach %d writes: %s", round, target, p.out)
		}
		if round%2 == 1 {
			// Kill as a compaction starts: drain the signal of an earlier one.
			select {
			case <-p.compacting:
			default:
			}
			select {
			case <-p.compacting:
			case <-time.After(2 * time.Minute):
				t.Fatalf("round %d: no compaction started: %s", round, p.out)
			}
		}
		p.kill()
		compactions += strings.Count(p.out.String(), "state log: compacting")
		wg.Wait()
		transport.CloseIdleConnections()
		for _, c := range counts {
			acknowledged += c
		}

		// The file must load (a corrupt one stops start-up) and hold every
		// acknowledged write.
		p = startProcess(t, bin, "--state", statePath, "--state-log-bytes", logBytes)
		st = fetchState(t, p.base)
		rows := map[string]*mock.Row{}
		for i := range st.Memberships {
			m := &st.Memberships[i]
			rows[m.Text("organization_id")+"/"+m.Text("user_id")] = m
		}
		for _, cp := range pairs {
			got := rows[cp.org+"/"+cp.user]
			ok := cp.acked.matches(got) || cp.pending != nil && cp.pending.matches(got)
			require.True(t, ok, "round %d: %s/%s holds %+v; acknowledged %+v, in flight %+v", round, cp.org, cp.user, got, cp.acked, cp.pending)
			if cp.pending != nil {
				uncertain++
			}
			// What the file holds is the truth for the next round.
			cp.acked, cp.pending = slot{}, nil
			if got != nil {
				cp.acked = slot{present: true, id: got.Text("id"), role: got.Text("role")}
			}
		}
	}
	p.kill()
	t.Logf("%d rounds, %d acknowledged writes kept, %d writes in flight at a kill, %d compactions started", rounds, acknowledged, uncertain, compactions)
	require.Greater(t, acknowledged, rounds*writers, "the writers got too little done for the test to mean anything")
	require.GreaterOrEqual(t, compactions, rounds, "the log was folded into the file while writers ran")

	// Temporary files a kill left behind are in the state's own folder and
	// nowhere else.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() != "state.json" {
			require.Regexp(t, `^(\.state\.json\..*\.tmp|state\.json\.log\.\d{6})$`, e.Name())
		}
	}
}

// plannedWrite picks a write for a pair: a create when it has no
// membership, else an update or a delete; next is what the pair holds if
// the write lands.
func plannedWrite(cp *crashPair, r *rand.Rand) (next slot, method, path string, body any) {
	roles := []string{mock.RoleAnalyst, mock.RoleOrgAdmin, mock.RoleSystemAdmin}
	members := "/api/organization/" + cp.org + "/member"
	role := roles[r.IntN(len(roles))]
	switch {
	case !cp.acked.present:
		return slot{present: true, role: role}, http.MethodPost, members, map[string]string{"user_id": cp.user, "role": role}
	case r.IntN(3) == 0:
		return slot{}, http.MethodDelete, members + "/" + cp.acked.id, nil
	default:
		return slot{present: true, id: cp.acked.id, role: role}, http.MethodPut, members + "/" + cp.acked.id, map[string]string{"role": role}
	}
}

func sysAdminDo(client *http.Client, method, url string, body any) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+mock.TokenSystemAdmin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

func fetchState(t *testing.T, base string) mock.State {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(base + "/__mock/state")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var st mock.State
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	return st
}
