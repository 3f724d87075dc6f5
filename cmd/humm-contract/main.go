// Command humm-contract replays the contract suite against an
// implementation of the organization-members API (the mock, a local
// backend, a staging deployment) and reports every way it disagrees with
// openapi.yaml and behaviour.md.
//
//	humm-contract --base-url http://127.0.0.1:4010 --profile-from-mock
//	humm-contract --profile staging.yaml --junit report.xml
//
// Exit status: 0 when every case passes, 1 when one fails, 2 for a usage,
// profile or fixture error or a target that does not answer.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/mock/spec"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, errCasesFailed) {
		fmt.Fprintln(os.Stderr, "humm-contract:", err)
	}
	os.Exit(exitCode(err))
}

// errCasesFailed ends a run that completed with failed cases; the report
// has already said which.
var errCasesFailed = errors.New("some cases failed")

func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errCasesFailed):
		return 1
	}
	return 2
}

// run dispatches to a subcommand; without one it runs the suite, so
// `humm-contract --profile p.yaml` and `humm-contract run --profile p.yaml`
// are the same.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "run":
			return runSuite(ctx, args[1:], stdout, stderr)
		case "gen":
			return runGen(args[1:], stdout, stderr)
		case "diff":
			return runDiff(args[1:], stdout, stderr)
		case "record":
			return runRecord(ctx, args[1:], stdout, stderr)
		}
	}
	return runSuite(ctx, args, stdout, stderr)
}

// parseFlags parses a subcommand's flags; help reports that -h was asked
// for, which prints the usage and does nothing else.
func parseFlags(flags *flag.FlagSet, args []string) (help bool, err error) {
	err = flags.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	return false, err
}

// runSuite replays the suite against a target.
func runSuite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("humm-contract run", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var (
		baseURL     = flags.String("base-url", "", "the target's base URL (overrides the profile's base_url)")
		profilePath = flags.String("profile", "", "target profile, YAML or JSON; ${ENV_VAR} is expanded in any value")
		fromMock    = flags.Bool("profile-from-mock", false, "fetch the profile from the mock at --base-url (GET /__mock/profile)")
		specPath    = flags.String("spec", "", "another version of openapi.yaml (default: the embedded one)")
		fixturesDir = flags.String("fixtures", "", "a fixtures directory to run instead of the embedded suite")
		generated   = flags.Bool("generated", false, "also run the cases gen derives from the spec, generated in memory (nothing is written)")
		runPattern  = flags.String("run", "", "run only the cases whose names match this regular expression")
		shardFlag   = flags.String("shard", "", "run the I-th of N slices of the cases, as I/N")
		parallel    = flags.Int("parallel", 4, "cases run at once (the steps of a case always run in order)")
		timeout     = flags.Duration("timeout", 10*time.Second, "bound on each request")
		junitPath   = flags.String("junit", "", "write a JUnit XML report to this file")
		jsonPath    = flags.String("json", "", "write a JSON report to this file")
	)
	if help, err := parseFlags(flags, args); help || err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", flags.Args())
	}
	if *parallel < 1 || *timeout <= 0 {
		return errors.New("--parallel and --timeout must be positive")
	}
	cfg := contract.Config{Parallel: *parallel, Timeout: *timeout, Progress: stdout}
	var err error
	if *runPattern != "" {
		if cfg.Run, err = regexp.Compile(*runPattern); err != nil {
			return fmt.Errorf("--run: %w", err)
		}
	}
	if *shardFlag != "" {
		if cfg.Shard, err = contract.ParseShard(*shardFlag); err != nil {
			return fmt.Errorf("--shard: %w", err)
		}
	}
	if cfg.Profile, err = loadProfile(ctx, *profilePath, *fromMock, *baseURL, *timeout); err != nil {
		return err
	}
	if cfg.Spec, err = spec.FromFlag(*specPath); err != nil {
		return err
	}
	if *fixturesDir != "" {
		cfg.Suite, err = fixtures.LoadDir(*fixturesDir)
	} else {
		cfg.Suite, err = fixtures.Embedded()
	}
	if err != nil {
		return fmt.Errorf("invalid fixtures, nothing was run:\n%w", err)
	}
	if *generated {
		var skipped []string
		if cfg.Suite, skipped, err = contract.WithGenerated(cfg.Suite, cfg.Spec, specSource(*specPath)); err != nil {
			return err
		}
		for _, name := range skipped {
			fmt.Fprintf(stderr, "--generated: %s is in the suite already; running the suite's copy\n", name)
		}
	}

	report, err := contract.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if err := writeReport(*junitPath, report.WriteJUnit); err != nil {
		return err
	}
	if err := writeReport(*jsonPath, report.WriteJSON); err != nil {
		return err
	}
	if report.Failed > 0 {
		return errCasesFailed
	}
	return nil
}

func loadProfile(ctx context.Context, path string, fromMock bool, baseURL string, timeout time.Duration) (*contract.Profile, error) {
	switch {
	case fromMock && path != "":
		return nil, errors.New("give --profile or --profile-from-mock, not both")
	case fromMock && baseURL == "":
		return nil, errors.New("--profile-from-mock needs --base-url")
	case fromMock:
		return contract.FetchMockProfile(ctx, &http.Client{Timeout: timeout}, baseURL)
	case path == "":
		return nil, errors.New("give --profile FILE, or --base-url URL --profile-from-mock")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return contract.ParseProfile(data, baseURL, os.LookupEnv)
}

// writeReport writes a report file when its flag is set.
func writeReport(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
