package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/heyhumm/humm-members-mock/mock"
)

// measureDurable drives PUTs against mocks that keep their state in a
// file (--state), side by side in one run: one writer at a time at 24
// members (the default world) and at o.bigWorld, then o.connections
// writers at 24; and the disk's own cost of a small append and its
// fdatasync, in the same folder, which no durable write can beat.
func measureDurable(ctx context.Context, o options, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "humm-load-durable-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p50, p99, err := measureFsync(dir, 300)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "disk: 400-byte append + fdatasync, 300 times: p50 %s  p99 %s\n", p50.Round(time.Microsecond), p99.Round(time.Microsecond))
	for _, run := range []struct {
		members, writers int
	}{{0, 1}, {0, o.connections}, {o.bigWorld, 1}} {
		path := filepath.Join(dir, fmt.Sprintf("state-%d.json", run.members))
		start := time.Now()
		m, err := mock.New(mock.Config{Seed: 1, Members: run.members, StatePath: path})
		if err != nil {
			return err
		}
		built := time.Since(start)
		srv := httptest.NewServer(m)
		req, err := requestFor("put", srv.URL, m.Profile(srv.URL))
		if err != nil {
			srv.Close()
			return err
		}
		ro := o
		ro.connections = run.writers
		members := fmt.Sprint(run.members)
		if run.members == 0 {
			listed, err := organizationMembers(srv.URL, m.Profile(srv.URL))
			if err != nil {
				srv.Close()
				return err
			}
			members = fmt.Sprint(len(listed))
		}
		if run.writers > 1 && o.jsonServer != "" {
			err = besideJSONServer(ctx, srv.URL, req, ro, members, stdout)
		} else {
			r := drive(ctx, srv.URL, req, ro)
			fmt.Fprintf(stdout, "durable put  %7s members  %3d writers  %s  (world built and saved in %s)\n", members, run.writers, r, built.Round(time.Millisecond))
		}
		srv.Close()
		if cerr := m.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// measureFsync appends n small records to a file in dir, each followed by
// a sync, and returns the p50 and p99 of one append and sync.
func measureFsync(dir string, n int) (p50, p99 time.Duration, err error) {
	f, err := os.CreateTemp(dir, "fsync-*")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	record := make([]byte, 400)
	record[len(record)-1] = '\n'
	took := make([]time.Duration, n)
	for i := range took {
		start := time.Now()
		if _, err := f.Write(record); err != nil {
			return 0, 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, 0, err
		}
		took[i] = time.Since(start)
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	return took[n/2], took[n*99/100], nil
}

// besideJSONServer drives the durable mock and json-server with the same
// number of writers, in turns (rounds), so that a noisy machine slows both
// alike: never-identical PUTs of a member, each synced by the mock before
// its answer; json-server (0.17) rewrites its whole db.json on each change
// and never syncs.
func besideJSONServer(ctx context.Context, mockURL string, req loadRequest, o options, members string, stdout io.Writer) error {
	if err := loopbackOnly(o.jsonServer); err != nil {
		return err
	}
	jreq, err := jsonServerRequest(o.jsonServer)
	if err != nil {
		return err
	}
	// The ceiling: a bare handler that answers the same canned bytes and
	// writes nothing, driven by the same writers on the same machine.
	canned := []byte(`{"role":"ANALYST"}`)
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(canned)
	}))
	defer bare.Close()
	var mockRuns, jsonRuns, bareRuns sample
	round := o
	round.duration = o.duration / rounds
	for r := 0; r < rounds; r++ {
		round.firstRequest = r * requestsPerRound
		mockRuns.add(driveOnce(ctx, mockURL, req, round))
		jsonRuns.add(driveOnce(ctx, o.jsonServer, jreq, round))
		bareRuns.add(driveOnce(ctx, bare.URL, req, round))
	}
	m, j, b := mockRuns.result(), jsonRuns.result(), bareRuns.result()
	fmt.Fprintf(stdout, "durable put  %7s members  %3d writers  %s\n", members, o.connections, m)
	fmt.Fprintf(stdout, "json-server  %7s members  %3d writers  %s\n", members, o.connections, j)
	fmt.Fprintf(stdout, "bare net/http (writes nothing)   %3d writers  %s\n", o.connections, b)
	if j.rps > 0 && b.rps > 0 {
		fmt.Fprintf(stdout, "durable put ratios: mock/json-server %.1f  p99 mock/json-server %.2f  ceiling bare/json-server %.1f  mock/bare %.2f\n",
			m.rps/j.rps, float64(m.p99)/float64(j.p99), b.rps/j.rps, m.rps/b.rps)
	}
	return nil
}

// jsonServerRequest is a PUT of one of json-server's members, never the
// same bytes twice: another member, another role, a unique note.
func jsonServerRequest(base string) (loadRequest, error) {
	resp, err := http.Get(base + "/members")
	if err != nil {
		return loadRequest{}, err
	}
	defer resp.Body.Close()
	var members []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&members); err != nil {
		return loadRequest{}, fmt.Errorf("json-server %s/members: %w", base, err)
	}
	if len(members) == 0 {
		return loadRequest{}, fmt.Errorf("json-server %s/members holds no member (start it on --json-server-db's file)", base)
	}
	roles := []string{"ANALYST", "ORGANIZATION_ADMIN"}
	put := func(conn, n int) (string, []byte) {
		member := members[(conn*7+n)%len(members)]
		changed := make(map[string]any, len(member)+1)
		for k, v := range member {
			changed[k] = v
		}
		changed["role"] = roles[(conn+n)%len(roles)]
		changed["note"] = fmt.Sprintf("%d-%d", conn, n)
		body, _ := json.Marshal(changed)
		return fmt.Sprintf("/members/%v", member["id"]), body
	}
	path, body := put(0, 0)
	return loadRequest{method: http.MethodPut, path: path, body: body,
		header:  http.Header{"Content-Type": {"application/json"}},
		variant: put}, nil
}

// writeJSONServerDB writes the default world's members, as the mock lists
// them (each with its user), as json-server's db.json: {"members": [...]}.
func writeJSONServerDB(path string) error {
	m, err := mock.New(mock.Config{Seed: 1})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	members, err := organizationMembers(srv.URL, m.Profile(srv.URL))
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(map[string]any{"members": members}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// organizationMembers are all the members of the profile's organization,
// as an org admin lists them, page after page.
func organizationMembers(base string, p mock.Profile) ([]json.RawMessage, error) {
	var all []json.RawMessage
	for page := 1; ; page++ {
		resp, err := http.DefaultClient.Do(mustRequest(http.MethodGet, fmt.Sprintf("%s/api/organization/%s/member?page_size=100&page=%d", base, p.OrganizationID, page),
			http.Header{"Authorization": {"Bearer " + mock.TokenOrgAdmin}}, nil))
		if err != nil {
			return nil, err
		}
		var members []json.RawMessage
		err = json.NewDecoder(resp.Body).Decode(&members)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, members...)
		if len(members) < 100 {
			return all, nil
		}
	}
}
