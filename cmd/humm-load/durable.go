package main

import (
	"context"
	"fmt"
	"io"
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
		r := drive(ctx, srv.URL, req, ro)
		srv.Close()
		members := "24"
		if run.members > 0 {
			members = fmt.Sprint(run.members)
		}
		fmt.Fprintf(stdout, "durable put  %7s members  %3d writers  %s  (world built and saved in %s)\n", members, run.writers, r, built.Round(time.Millisecond))
		if err := m.Close(); err != nil {
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
