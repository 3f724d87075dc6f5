// Command humm-load measures the mock under load, side by side with two
// baselines that serve the same bytes: a bare net/http handler, and one that
// runs kin-openapi's request and response validation on every request. It
// prints req/s and p50/p99 for each, and the ratios.
//
//	humm-load [--duration 5s] [--connections 50] [--ops put,list]
//	humm-load --target http://127.0.0.1:4010 ...   # drive another server (e.g. Prism) with the same requests
//	humm-load --startup ./humm-mock                # process start to first 200, and memory at --members
//	humm-load --durable [--durable-members 100000] # PUTs with --state: latency at 24 and N members, PUT/s with --connections writers, the disk's fdatasync
//
// Traffic goes to 127.0.0.1 only; every run is bounded by --duration.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "humm-load:", err)
		os.Exit(2)
	}
}

type options struct {
	duration    time.Duration
	connections int
	ops         []string
	target      string
	prism       string
	members     int
	startup     string
	durable     bool
	bigWorld    int
	jsonServer  string
	jsonDB      string
	// firstRequest numbers a connection's first request: rounds of one
	// load continue the numbers, so that no round repeats another's bytes.
	firstRequest int
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("humm-load", flag.ContinueOnError)
	var o options
	var ops string
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each server is driven, per operation")
	fs.IntVar(&o.connections, "connections", 50, "concurrent keep-alive connections")
	fs.StringVar(&ops, "ops", "put,list", "operations to drive: put, list, search")
	fs.StringVar(&o.target, "target", "", "drive this server instead of the three in-process ones (loopback only)")
	fs.StringVar(&o.prism, "prism", "", "also drive this server (Prism's mock of the same spec) in the same rounds, and report the ratio")
	fs.IntVar(&o.members, "members", 200, "members of the profile's organization")
	fs.StringVar(&o.startup, "startup", "", "a humm-mock binary: measure start-up and memory instead")
	fs.BoolVar(&o.durable, "durable", false, "measure PUTs with --state (a temporary folder) instead: p50/p99 one writer at a time at 24 and at --durable-members members, PUT/s with --connections writers at 24, and the disk's own fdatasync")
	fs.IntVar(&o.bigWorld, "durable-members", 100_000, "the large world of --durable")
	fs.StringVar(&o.jsonServer, "json-server", "", "with --durable: also drive this json-server (serving --json-server-db's members) with the same writers, in turns with the mock, and report the ratio")
	fs.StringVar(&o.jsonDB, "json-server-db", "", "write the default world's members as a json-server db.json to this file, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.ops = strings.Split(ops, ",")
	if o.jsonDB != "" {
		return writeJSONServerDB(o.jsonDB)
	}
	if o.startup != "" {
		return measureStartup(ctx, o, stdout)
	}
	if o.durable {
		return measureDurable(ctx, o, stdout)
	}
	m, err := mock.New(mock.Config{Seed: 1, Members: o.members})
	if err != nil {
		return err
	}
	mockSrv := httptest.NewServer(m)
	defer mockSrv.Close()
	profile := m.Profile(mockSrv.URL)
	for _, op := range o.ops {
		req, err := requestFor(op, mockSrv.URL, profile)
		if err != nil {
			return err
		}
		if o.target != "" {
			if err := loopbackOnly(o.target); err != nil {
				return err
			}
			r := drive(ctx, o.target, req, o)
			fmt.Fprintf(stdout, "%-6s %-28s %s\n", op, o.target, r)
			continue
		}
		if err := compare(ctx, op, mockSrv.URL, req, o, stdout); err != nil {
			return err
		}
	}
	return nil
}

func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--target %s: only loopback addresses are driven", target)
	}
	return nil
}

// loadRequest is the first request of an operation, and variant makes the
// n-th request that a connection sends: never the same bytes twice, as real
// clients send (another member, another body, another page, a unique
// access-context id), so that no memo of a repeated request can answer.
type loadRequest struct {
	method, path string
	header       http.Header
	body         []byte
	variant      func(conn, n int) (path string, body []byte)
}

func requestFor(op, base string, p mock.Profile) (loadRequest, error) {
	auth := http.Header{"Authorization": {"Bearer " + mock.TokenOrgAdmin}}
	list := "/api/organization/" + p.OrganizationID + "/member"
	unique := func(conn, n int) string {
		return fmt.Sprintf("job_id=00000000-0000-4000-8000-%06x%06x", conn&0xffffff, n&0xffffff)
	}
	switch op {
	case "list":
		return loadRequest{method: http.MethodGet, path: list + "?page_size=50", header: auth,
			variant: func(conn, n int) (string, []byte) {
				return fmt.Sprintf("%s?page_size=%d&page=%d&%s", list, 40+n%21, 1+n%2, unique(conn, n)), nil
			}}, nil
	case "search":
		needles := []string{"an", "er", "li", "ma", "on", "ie", "ra", "el"}
		return loadRequest{method: http.MethodGet, path: list + "?page_size=50&query=an", header: auth,
			variant: func(conn, n int) (string, []byte) {
				return fmt.Sprintf("%s?page_size=50&query=%s&%s", list, needles[n%len(needles)], unique(conn, n)), nil
			}}, nil
	case "put":
		resp, err := http.DefaultClient.Do(mustRequest(http.MethodGet, base+list+"?page_size=100", auth, nil))
		if err != nil {
			return loadRequest{}, err
		}
		defer resp.Body.Close()
		var members []struct{ ID, Role string }
		if err := json.NewDecoder(resp.Body).Decode(&members); err != nil {
			return loadRequest{}, err
		}
		var targets []string
		for _, m := range members {
			if m.Role == "ANALYST" {
				targets = append(targets, m.ID)
			}
		}
		if len(targets) == 0 {
			return loadRequest{}, errors.New("no ANALYST member to update")
		}
		bodies := [][]byte{[]byte(`{"role":"ANALYST"}`), []byte(`{"role":"ORGANIZATION_ADMIN"}`),
			[]byte(`{"organization_id":"` + p.OrganizationID + `","role":"ANALYST"}`), []byte(`{}`)}
		h := auth.Clone()
		h.Set("Content-Type", "application/json")
		return loadRequest{method: http.MethodPut, path: list + "/" + targets[0], header: h, body: bodies[0],
			variant: func(conn, n int) (string, []byte) {
				return fmt.Sprintf("%s/%s?%s", list, targets[(conn*7+n)%len(targets)], unique(conn, n)), bodies[(conn+n)%len(bodies)]
			}}, nil
	}
	return loadRequest{}, fmt.Errorf("unknown operation %q (want put, list or search)", op)
}

func mustRequest(method, url string, h http.Header, body []byte) *http.Request {
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header = h.Clone()
	return r
}

// compare drives the mock and the two baselines, which replay the mock's
// own response to the same request.
func compare(ctx context.Context, op, mockURL string, req loadRequest, o options, stdout io.Writer) error {
	resp, err := http.DefaultClient.Do(mustRequest(req.method, mockURL+req.path, req.header, req.body))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: the mock answered %d: %s", op, resp.StatusCode, body)
	}
	sp, err := spec.Embedded()
	if err != nil {
		return err
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer bare.Close()
	naive := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, params, err := sp.FindRoute(r)
		if err == nil {
			err = openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
				Request: r, PathParams: params, Route: route, Options: sp.RequestOptions()})
		}
		header := http.Header{"Content-Type": {"application/json"}}
		if err == nil {
			err = sp.ValidateResponse(r.Context(), r, route, params, http.StatusOK, header, body)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer naive.Close()

	// The three servers take turns in short rounds, so that a noisy
	// neighbour slows them alike and the ratios stay meaningful.
	servers := []struct{ name, url string }{{"bare net/http", bare.URL}, {"kin-openapi naive", naive.URL}, {"humm-mock", mockURL}}
	if o.prism != "" {
		if err := loopbackOnly(o.prism); err != nil {
			return err
		}
		servers = append(servers, struct{ name, url string }{"prism", o.prism})
	}
	samples := make([]sample, len(servers))
	round := o
	round.duration = o.duration / rounds
	for r := 0; r < rounds; r++ {
		round.firstRequest = r * requestsPerRound
		for i, srv := range servers {
			samples[i].add(driveOnce(ctx, srv.url, req, round))
		}
	}
	results := map[string]result{}
	for i, srv := range servers {
		results[srv.name] = samples[i].result()
		fmt.Fprintf(stdout, "%-6s %-18s %s\n", op, srv.name, results[srv.name])
	}
	m, b, n := results["humm-mock"], results["bare net/http"], results["kin-openapi naive"]
	fmt.Fprintf(stdout, "%-6s ratios: mock/bare %.2f  mock/naive %.2f  p99 mock/bare %.2f", op, m.rps/b.rps, m.rps/n.rps, float64(m.p99)/float64(b.p99))
	if p, ok := results["prism"]; ok && p.rps > 0 {
		fmt.Fprintf(stdout, "  mock/prism %.1f", m.rps/p.rps)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout)
	return nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
	requests int
}

func (r result) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %8s  p99 %8s  (%d requests, %d errors)", r.rps,
		r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.requests, r.errors)
}

// rounds is how many turns each server gets in a comparison.
const rounds = 5

// requestsPerRound bounds what one connection sends in a round: the next
// round's requests are numbered from there.
const requestsPerRound = 1 << 20

// sample is what one or more runs of a load measured.
type sample struct {
	latencies []time.Duration
	errors    int
	elapsed   time.Duration
}

func (s *sample) add(o sample) {
	s.latencies = append(s.latencies, o.latencies...)
	s.errors += o.errors
	s.elapsed += o.elapsed
}

func (s *sample) result() result {
	r := result{requests: len(s.latencies), errors: s.errors}
	if len(s.latencies) == 0 {
		return r
	}
	sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
	r.rps = float64(len(s.latencies)) / s.elapsed.Seconds()
	r.p50, r.p99 = s.latencies[len(s.latencies)/2], s.latencies[len(s.latencies)*99/100]
	return r
}

// drive sends req over o.connections keep-alive connections for
// o.duration, each waiting for its response before the next request.
func drive(ctx context.Context, base string, req loadRequest, o options) result {
	s := driveOnce(ctx, base, req, o)
	return s.result()
}

func driveOnce(ctx context.Context, base string, req loadRequest, o options) sample {
	u, _ := url.Parse(base)
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var wg sync.WaitGroup
	latencies := make([][]time.Duration, o.connections)
	errs := make([]int, o.connections)
	start := time.Now()
	for i := 0; i < o.connections; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			latencies[i], errs[i] = connectionLoop(ctx, u.Host, func(n int) []byte { return rawRequest(u.Host, req, i, o.firstRequest+n) })
		}()
	}
	wg.Wait()
	out := sample{elapsed: time.Since(start)}
	for i := range latencies {
		out.latencies = append(out.latencies, latencies[i]...)
		out.errors += errs[i]
	}
	return out
}

// rawRequest is the n-th request of a connection, as bytes.
func rawRequest(host string, req loadRequest, conn, n int) []byte {
	path, body := req.path, req.body
	if req.variant != nil {
		path, body = req.variant(conn, n)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.method, path, host)
	for k, vs := range req.header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.Bytes()
}

// connectionLoop is one keep-alive client with a minimal HTTP/1.1 reader,
// so that the client's own cost stays small next to the servers'.
func connectionLoop(ctx context.Context, host string, next func(n int) []byte) ([]time.Duration, int) {
	var latencies []time.Duration
	errs := 0
	var conn net.Conn
	var reader *bufio.Reader
	for n := 0; ctx.Err() == nil; n++ {
		if conn == nil {
			c, err := net.DialTimeout("tcp", host, time.Second)
			if err != nil {
				errs++
				time.Sleep(10 * time.Millisecond)
				continue
			}
			conn, reader = c, bufio.NewReaderSize(c, 64<<10)
		}
		raw := next(n)
		deadline, _ := ctx.Deadline()
		_ = conn.SetDeadline(deadline.Add(time.Second))
		t := time.Now()
		_, err := conn.Write(raw)
		if err == nil {
			err = readResponse(reader)
		}
		if err != nil {
			if ctx.Err() == nil {
				errs++
			}
			conn.Close()
			conn = nil
			continue
		}
		latencies = append(latencies, time.Since(t))
	}
	if conn != nil {
		conn.Close()
	}
	return latencies, errs
}

func readResponse(r *bufio.Reader) error {
	status, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if len(status) < 12 || status[9] != '2' {
		return fmt.Errorf("status %q", bytes.TrimSpace(status))
	}
	length := -1
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(bytes.TrimSpace(k), []byte("Content-Length")) {
			length, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if length < 0 {
		return errors.New("no Content-Length")
	}
	_, err = r.Discard(length)
	return err
}

// measureStartup starts the binary, times process start to the first 200 of
// a list, then reports its resident memory and a search's latency.
func measureStartup(ctx context.Context, o options, stdout io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.startup, "--addr", addr, "--members", strconv.Itoa(o.members))
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	// The organization's id from the overview, the QA page's first read:
	// the profile also names candidate users, a scan of every user.
	var profile mock.Overview
	for {
		if ctx.Err() != nil {
			return errors.New("the mock did not start within 2 minutes")
		}
		resp, err := client.Get("http://" + addr + "/__mock/overview")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&profile)
			resp.Body.Close()
			if err == nil {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	list := mustRequest(http.MethodGet, "http://"+addr+"/api/organization/"+profile.OrganizationID+"/member",
		http.Header{"Authorization": {"Bearer " + mock.TokenOrgAdmin}}, nil)
	resp, err := client.Do(list)
	if err != nil {
		return err
	}
	resp.Body.Close()
	ready := time.Since(start)
	fmt.Fprintf(stdout, "start-up with %d members: %s to the first 200\n", o.members, ready.Round(time.Millisecond))
	r := drive(ctx, "http://"+addr, loadRequest{method: http.MethodGet,
		path:   "/api/organization/" + profile.OrganizationID + "/member?page_size=50&query=zz",
		header: http.Header{"Authorization": {"Bearer " + mock.TokenOrgAdmin}}}, options{duration: o.duration, connections: 1})
	fmt.Fprintf(stdout, "search (query=zz, 1 connection): %s\n", r)
	rss, err := residentMemory(cmd.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "resident memory: %d MB\n", rss>>20)
	return nil
}

func residentMemory(pid int) (int64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}
