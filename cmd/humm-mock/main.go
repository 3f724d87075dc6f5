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

	"github.com/heyhumm/humm-members-mock/mock"
	"github.com/heyhumm/humm-members-mock/mock/spec"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "humm-mock:", err)
		}
		os.Exit(2)
	}
}

// maxHeaderBytes bounds a request's headers: far above what a browser
// sends, far below net/http's default of 1 MiB.
const maxHeaderBytes = 64 << 10

// run parses flags, starts the mock and serves until ctx ends. ready, when
// set, receives the address once the listener is open.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("humm-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4010", "address to listen on (loopback unless you mean otherwise)")
	seed := fs.Int64("seed", 1, "seed of the generated world (0 is refused: it would mean random)")
	members := fs.Int("members", 0, "grow the profile's organization to this many members")
	specPath := fs.String("spec", "", "OpenAPI document to serve instead of the embedded one")
	lenient := fs.Bool("lenient", false, "log responses that break the spec and send them anyway, instead of a 500")
	fullValidation := fs.Bool("full-validation", false, "check every response whole, every time (slower; the default validates each stored member once)")
	origins := fs.String("cors-origins", "", "comma-separated origins allowed by CORS (empty: any)")
	statePath := fs.String("state", "", "load the state from this file at start and save it after each change")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	defect := fs.String("defect", "", "switch on one backend bug, for testing the contract suite (see --list-defects)")
	listDefects := fs.Bool("list-defects", false, "list the defects and exit")
	adminToken := fs.String("admin-token", os.Getenv("HUMM_MOCK_ADMIN_TOKEN"),
		"when set, /__mock/* (but health) needs `Authorization: Bearer TOKEN` or X-Mock-Admin-Token (default $HUMM_MOCK_ADMIN_TOKEN)")
	headerTimeout := fs.Duration("read-header-timeout", 10*time.Second, "cut off a client that has not sent its request headers within this")
	readTimeout := fs.Duration("read-timeout", 30*time.Second, "cut off a client that has not sent its whole request within this")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *listDefects {
		for _, name := range mock.Defects() {
			fmt.Fprintf(stdout, "%-24s %s\n", name, mock.DefectDescription(name))
		}
		return nil
	}
	if *headerTimeout <= 0 || *readTimeout <= 0 {
		return errors.New("--read-header-timeout and --read-timeout must be positive")
	}
	if *seed == 0 {
		return errors.New("--seed 0 is refused: pick a number, the same number gives the same world")
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
		AllowedOrigins: allowed, Logger: logger, StatePath: *statePath, Defect: *defect,
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
	printBanner(stdout, base, m.Profile(base))
	// Slow clients are cut off by the header and read timeouts; headers are
	// bounded by maxHeaderBytes (431 past it), bodies by the mock (413).
	srv := &http.Server{Handler: m, ReadHeaderTimeout: *headerTimeout, ReadTimeout: *readTimeout,
		WriteTimeout: 90 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: maxHeaderBytes}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
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

func printBanner(w io.Writer, base string, p mock.Profile) {
	fmt.Fprintf(w, "humm-mock listening on %s\n\n", base)
	fmt.Fprintf(w, "organization_id=%s\nother_organization_id=%s\n\n", p.OrganizationID, p.OtherOrganizationID)
	fmt.Fprintln(w, "# development tokens, one per standing in organization_id:")
	for _, standing := range []string{"system_admin", "org_admin", "analyst", "suspended", "outsider"} {
		fmt.Fprintf(w, "export TOKEN_%s=%s\n", strings.ToUpper(standing), p.Tokens[standing])
	}
	fmt.Fprintf(w, "\ncurl -H \"Authorization: Bearer $TOKEN_ORG_ADMIN\" %s/api/organization/%s/member\n", base, p.OrganizationID)
	fmt.Fprintf(w, "# QA page: %s/__mock/\n\n", base)
}
