// Command humm-mock serves the stateful mock of the organization-members
// API on loopback.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "humm-mock:", err)
		os.Exit(2)
	}
}

// adminTokenEnv holds the admin token when --admin-token is not given.
const adminTokenEnv = "HUMM_MOCK_ADMIN_TOKEN"

// maxHeaderBytes bounds a request's headers: far above what a browser
// sends, far below net/http's default of 1 MiB.
const maxHeaderBytes = 64 << 10

// run parses flags, starts the mock and serves until ctx ends. ready, when
// set, receives the address once the listener is open. Help (-h, --help,
// help) goes to stdout and is not an error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("humm-mock", flag.ContinueOnError)
	// The flag package would print each error followed by the whole usage;
	// main prints the error alone, on one line.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	// Backquoted words are the value names help shows: -addr ADDR.
	addr := fs.String("addr", "127.0.0.1:4010", "listen on `ADDR`; keep it on loopback unless others must reach the mock")
	seed := fs.Int64("seed", 1, "seed the generated world with `N`, not 0: the same seed gives the same world")
	members := fs.Int("members", 0, "grow the profile's organization to `N` members (0: the default world)")
	specPath := fs.String("spec", "", "serve the OpenAPI document at `FILE|URL` instead of the embedded one: "+spec.SourceHelp)
	lenient := fs.Bool("lenient", false, "log responses that break the spec and send them anyway, instead of a 500")
	fullValidation := fs.Bool("full-validation", false, "validate every response whole, every time (slower; by default each stored member once)")
	origins := fs.String("cors-origins", "", "comma-separated `ORIGINS` that CORS allows (default: any)")
	statePath := fs.String("state", "", "load the state from `FILE` (and its log) at start; log each change beside it before answering")
	stateLogBytes := fs.Int64("state-log-bytes", 0, "fold the state's log into the file in the background past `N` bytes (0: a quarter of the file, at least 4 MB)")
	logFormat := fs.String("log-format", "text", "log `FORMAT`: text or json")
	defect := fs.String("defect", "", "switch on the backend bug `NAME`, to test the contract suite (see -list-defects)")
	listDefects := fs.Bool("list-defects", false, "list the defects and exit")
	// Not defaulted from the environment here: help would print the token.
	adminToken := fs.String("admin-token", "", "require `TOKEN` on /__mock/* but health, as a bearer token or X-Mock-Admin-Token (default: $"+adminTokenEnv+")")
	headerTimeout := fs.Duration("read-header-timeout", 10*time.Second, "cut off a client whose request headers take longer than `DURATION`")
	readTimeout := fs.Duration("read-timeout", 30*time.Second, "cut off a client whose whole request takes longer than `DURATION`")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) || (err == nil && fs.NArg() == 1 && fs.Arg(0) == "help") {
		printUsage(stdout, fs)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 1 && fs.Arg(0) == "help":
		return fmt.Errorf("unexpected argument %q after help", fs.Arg(1))
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q (humm-mock has no subcommands; see humm-mock --help)", fs.Arg(0))
	case *seed == 0:
		return errors.New("--seed 0 is refused: pick a number, the same number gives the same world")
	case *members < 0:
		return fmt.Errorf("--members %d: want 0 or more", *members)
	case *headerTimeout <= 0:
		return fmt.Errorf("--read-header-timeout %s: want a positive duration", *headerTimeout)
	case *readTimeout <= 0:
		return fmt.Errorf("--read-timeout %s: want a positive duration", *readTimeout)
	}
	if *listDefects {
		for _, name := range mock.Defects() {
			// The rule is the id, in fixtures/rules.yaml, of the clause of
			// BEHAVIOUR.md the defect breaks.
			fmt.Fprintf(stdout, "%-34s %-34s %s\n", name, mock.DefectRule(name), mock.DefectDescription(name))
		}
		return nil
	}
	if *adminToken == "" {
		*adminToken = os.Getenv(adminTokenEnv)
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		return fmt.Errorf("--log-format %q: want text or json", *logFormat)
	}
	logger := slog.New(handler)
	sp, err := spec.FromFlag(*specPath)
	if err != nil {
		return err
	}
	var allowed []string
	if *origins != "" {
		allowed = strings.Split(*origins, ",")
	}
	m, err := mock.New(mock.Config{Spec: sp, Seed: *seed, Members: *members, Lenient: *lenient, FullValidation: *fullValidation,
		AllowedOrigins: allowed, Logger: logger, StatePath: *statePath, StateLogBytes: *stateLogBytes, Defect: *defect,
		AdminToken: *adminToken})
	if err != nil {
		return err
	}
	limitMemory()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
		logger.Warn("listening beyond loopback: anyone who can reach this address can use the mock", "addr", ln.Addr().String())
	}
	base := "http://" + ln.Addr().String()
	// Slow clients are cut off by the header and read timeouts; headers are
	// bounded by maxHeaderBytes (431 past it), bodies by the mock (413).
	srv := &http.Server{Handler: m, ReadHeaderTimeout: *headerTimeout, ReadTimeout: *readTimeout,
		WriteTimeout: 90 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: maxHeaderBytes}
	served := make(chan error, 1)
	// Serving starts before the banner: its profile scans every user (a
	// tenth of a second at 100,000 members), which a client need not wait for.
	// The front rewrites what uvicorn's h11 takes and Go refuses or reads
	// otherwise (mock/framing.go).
	go func() { served <- srv.Serve(m.Listener(ln, maxHeaderBytes)) }()
	printBanner(stdout, base, m.Profile(base), m.Operations(), m.Learned(), m.TryIt())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Shutdown waits for requests in flight, so every acknowledged write
	// is saved before the final save.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	// Saved even when requests outlived the bound: every acknowledged write
	// is already in the file, and this keeps the last word consistent.
	if err := m.Close(); err != nil {
		return err
	}
	return shutdownErr
}

// limitMemory hands the garbage of building the world back to the system
// and, unless GOMEMLIMIT says otherwise, keeps the heap near what the world
// needs: by default Go lets a heap grow to twice its live size, which for a
// 100,000-member world is 90 MB of members and 90 MB of slack.
func limitMemory() {
	debug.FreeOSMemory()
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc < 64<<20 {
		return // a small world: the default is small too
	}
	// A soft limit: past it the collector works harder, it never fails an
	// allocation (a larger state imported later still fits).
	debug.SetMemoryLimit(int64(ms.HeapAlloc) + 48<<20)
}

// printUsage is the help: humm-mock has no subcommands, only flags.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `usage: humm-mock [flags]

humm-mock serves a stateful mock of the organization-members API.
It has no subcommands: help, -h and --help print this.

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func printBanner(w io.Writer, base string, p mock.Profile, ops []mock.OperationClass, learned []string, tryIt string) {
	fmt.Fprintf(w, "humm-mock listening on %s\n\n", base)
	fmt.Fprintln(w, "# how each operation of the spec is served (also GET /__mock/operations):")
	for _, op := range ops {
		fmt.Fprintf(w, "#   %-9s %-7s %s (%s)\n#             %s\n", op.Kind, op.Method, op.Path, op.OperationID, op.Reason)
	}
	fmt.Fprintln(w)
	if len(learned) > 0 {
		fmt.Fprintln(w, "# what the spec's other properties and list filters become:")
		for _, line := range learned {
			fmt.Fprintf(w, "#   %s\n", line)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "# paste into a shell, or: eval \"$(curl -s "+base+"/__mock/profile?format=shell)\"")
	_ = p.WriteShell(w) // a terminal that went away is no reason to stop serving
	if tryIt != "" {
		fmt.Fprintf(w, "\n%s\n", tryIt)
	}
	fmt.Fprintf(w, "# QA page: %s/__mock/\n", base)
	fmt.Fprintf(w, "# the spec, as FastAPI serves it: %s/openapi.json, %s/docs, %s/redoc\n\n", base, base, base)
}
