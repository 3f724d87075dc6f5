package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/atomicfile"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// notKebab is what a file name loses to become a case name.
var notKebab = regexp.MustCompile(`[^a-z0-9]+`)

// runRecord proxies a client's traffic to an implementation and, when ctx
// ends (Ctrl-C), writes the session as a flow fixture.
func runRecord(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("record", flag.ContinueOnError)
	var (
		upstream    = flags.String("upstream", "", "forward to the implementation at `URL`, such as http://127.0.0.1:4010")
		listen      = flags.String("listen", "127.0.0.1:4020", "listen on `ADDR`; point the frontend here")
		out         = flags.String("out", "", "write the session to the fixture `FILE` when the recording stops")
		name        = flags.String("name", "", "call the recorded case `NAME` (default: from --out)")
		profilePath = flags.String("profile", "", "read the target profile from `FILE`, YAML or JSON: its tokens become roles, its ids placeholders")
		fromMock    = flags.Bool("profile-from-mock", false, "fetch the profile from the mock at --upstream (GET /__mock/profile)")
		specPath    = flags.String("spec", "", "check against the OpenAPI document at `FILE|URL` instead of the embedded one: "+spec.SourceHelp)
		timeout     = flags.Duration("timeout", 10*time.Second, "give fetching the profile, and stopping, at most `DURATION` each")
	)
	if help, err := parseFlags(flags, args, stdout); help || err != nil {
		return err
	}
	if err := noArguments(flags); err != nil {
		return err
	}
	switch {
	case *timeout <= 0:
		return fmt.Errorf("--timeout %s: want a positive duration", *timeout)
	case *upstream == "" || *out == "":
		return errors.New("record needs --upstream URL and --out FILE")
	case *profilePath == "" && !*fromMock:
		return errors.New("give --profile FILE, or --profile-from-mock when the upstream is the mock: tokens are recorded as the profile's roles")
	}
	if u, err := url.Parse(*upstream); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--upstream %q is not an http(s) URL", *upstream)
	}
	caseName := *name
	if caseName == "" {
		base := strings.TrimSuffix(filepath.Base(*out), filepath.Ext(*out))
		caseName = strings.Trim(notKebab.ReplaceAllString(strings.ToLower(base), "-"), "-")
		if caseName == "" {
			caseName = "recorded-session"
		}
	}
	profile, err := loadProfile(ctx, *profilePath, *fromMock, *upstream, *timeout)
	if err != nil {
		return err
	}
	sp, err := spec.FromFlag(*specPath)
	if err != nil {
		return err
	}
	rec, err := contract.NewRecorder(*upstream, profile, sp, stdout)
	if err != nil {
		return err
	}
	// Checked before the session starts, so that it is not lost at the end.
	if dir := filepath.Dir(*out); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("--out: directory %s does not exist", dir)
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(*listen); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		fmt.Fprintf(stderr, "warning: the recorder listens on %s, beyond this machine\n", ln.Addr())
	}
	srv := &http.Server{Handler: rec, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "recording: http://%s -> %s; stop with Ctrl-C to write %s\n", ln.Addr(), redacted(*upstream), *out)

	select {
	case <-ctx.Done():
	case err := <-served:
		return err
	}
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), *timeout)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		fmt.Fprintf(stderr, "warning: stopping the proxy: %v\n", err)
	}
	if rec.Len() == 0 {
		return fmt.Errorf("nothing was recorded: %s not written", *out)
	}
	data, err := rec.Fixture(caseName, fmt.Sprintf("Recorded by humm-contract record from %s: %d exchanges.", redacted(*upstream), rec.Len()),
		"Run it with the suite: copy it into a fixtures directory and select it with --run.")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(*out, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d exchanges to %s as case %s\n", rec.Len(), *out, caseName)
	return nil
}

// redacted hides a password in a URL.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
