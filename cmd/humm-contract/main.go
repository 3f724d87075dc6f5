// Command humm-contract replays the contract suite against an
// implementation of the organization-members API (the mock, a local
// backend, a staging deployment) and reports every way it disagrees with
// openapi.yaml and BEHAVIOUR.md.
//
//	humm-contract --base-url http://127.0.0.1:4010 --profile-from-mock
//	humm-contract --profile staging.yaml --junit report.xml
//	humm-contract help    # the subcommands: run (the default), gen, diff, record
//
// Exit status: 0 when no case fails (cases that need a token or an id the
// profile leaves out are skipped), 1 when one fails, 2 for a usage,
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
	"strings"
	"syscall"
	"time"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
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

// commands are the subcommands, in the order help lists them.
var commands = []struct{ name, args, summary string }{
	{"run", "[flags]", "replay the suite against a target (the default when the first argument is a flag)"},
	{"gen", "[flags]", "write the negative and boundary cases derived from the spec as fixture files"},
	{"diff", "[flags] OLD NEW", "list the changes between two specs (paths or http(s) URLs) that break clients, with the cases they touch"},
	{"record", "[flags]", "proxy a client's session to a target and write it as a flow fixture"},
	{"help", "[COMMAND]", "print this help, or a command's flags"},
}

// run dispatches to a subcommand; without one it runs the suite, so
// `humm-contract --profile p.yaml` and `humm-contract run --profile p.yaml`
// are the same.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	command, rest := "run", args
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || isHelpFlag(args[0])) {
		command, rest = args[0], args[1:]
	}
	switch command {
	case "run":
		return runSuite(ctx, rest, stdout, stderr)
	case "gen":
		return runGen(rest, stdout)
	case "diff":
		return runDiff(rest, stdout)
	case "record":
		return runRecord(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		return runHelp(ctx, rest, stdout, stderr)
	}
	return unknownCommand(command)
}

func unknownCommand(name string) error {
	return fmt.Errorf("unknown command %q (see humm-contract help)", name)
}

func isCommand(name string) bool {
	for _, c := range commands {
		if c.name == name {
			return true
		}
	}
	return false
}

func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// runHelp lists the subcommands or, given one, prints its flags.
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return fmt.Errorf("unexpected argument %q: help takes one command", args[1])
	}
	if len(args) == 1 && args[0] != "help" && !isHelpFlag(args[0]) {
		if !isCommand(args[0]) {
			return unknownCommand(args[0])
		}
		return run(ctx, []string{args[0], "--help"}, stdout, stderr)
	}
	fmt.Fprint(stdout, `usage: humm-contract [COMMAND] [flags]

humm-contract checks an implementation of the organization-members API
against openapi.yaml and BEHAVIOUR.md.

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(stdout, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(stdout, `
Run 'humm-contract help COMMAND' or 'humm-contract COMMAND --help' for a
command's flags. Exit status: 0 when no case fails, 1 when one fails
(or diff finds a breaking change), 2 for any other error.
`)
	return nil
}

// parseFlags parses a subcommand's flags. help reports that -h was asked
// for: the command's usage is on stdout and there is nothing else to do.
// The flag package's own output (an error, then the whole usage) is
// dropped: main prints the error alone, on one line.
func parseFlags(flags *flag.FlagSet, args []string, stdout io.Writer) (help bool, err error) {
	flags.SetOutput(io.Discard)
	flags.Usage = func() {}
	err = flags.Parse(args)
	if !errors.Is(err, flag.ErrHelp) {
		return false, err
	}
	for _, c := range commands {
		if c.name == flags.Name() {
			fmt.Fprintf(stdout, "usage: humm-contract %s %s\n\n%s.\n\nFlags:\n", c.name, c.args, capitalized(c.summary))
		}
	}
	flags.SetOutput(stdout)
	flags.PrintDefaults()
	return true, nil
}

func capitalized(s string) string {
	return strings.ToUpper(s[:1]) + s[1:]
}

// noArguments refuses what the flags left over.
func noArguments(flags *flag.FlagSet) error {
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	return nil
}

// runSuite replays the suite against a target.
func runSuite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("run", flag.ContinueOnError)
	// Backquoted words are the value names help shows: -profile FILE.
	var (
		baseURL     = flags.String("base-url", "", "the target's base `URL` (overrides the profile's base_url)")
		profilePath = flags.String("profile", "", "read the target profile from `FILE`, YAML or JSON; ${ENV_VAR} is expanded in any value")
		fromMock    = flags.Bool("profile-from-mock", false, "fetch the profile from the mock at --base-url (GET /__mock/profile)")
		strict      = flags.Bool("strict-profile", false, "refuse a profile that leaves out a token or an id (else the cases that need it are skipped)")
		specPath    = flags.String("spec", "", "check against the OpenAPI document at `FILE|URL` instead of the embedded one: "+spec.SourceHelp)
		fixturesDir = flags.String("fixtures", "", "run the fixtures in `DIR` instead of the embedded suite")
		generated   = flags.Bool("generated", false, "also run the cases gen derives from the spec, generated in memory (nothing is written)")
		runPattern  = flags.String("run", "", "run only the cases whose names match `REGEXP`")
		shardFlag   = flags.String("shard", "", "run slice I of N of the selected cases, given as `I/N`")
		parallel    = flags.Int("parallel", 4, "run `N` cases at once (the steps of a case always run in order)")
		timeout     = flags.Duration("timeout", 10*time.Second, "give each request at most `DURATION`")
		clockSkew   = flags.Duration("clock-skew", contract.DefaultClockSkew, "allow the target's clock to be `DURATION` off the runner's (a time the server sets is checked against the request's send and answer)")
		junitPath   = flags.String("junit", "", "write a JUnit XML report to `FILE`")
		jsonPath    = flags.String("json", "", "write a JSON report to `FILE`")
		checkData   = flags.Bool("check-data", false, "only check what the target's data can prove: list the clauses it cannot and the data that would, run no case")
	)
	if help, err := parseFlags(flags, args, stdout); help || err != nil {
		return err
	}
	if err := noArguments(flags); err != nil {
		return err
	}
	switch {
	case *parallel < 1:
		return fmt.Errorf("--parallel %d: want 1 or more", *parallel)
	case *timeout <= 0:
		return fmt.Errorf("--timeout %s: want a positive duration", *timeout)
	case *clockSkew <= 0:
		return fmt.Errorf("--clock-skew %s: want a positive duration", *clockSkew)
	}
	cfg := contract.Config{Parallel: *parallel, Timeout: *timeout, Progress: stdout, StrictProfile: *strict, ClockSkew: *clockSkew, DataOnly: *checkData}
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
	if *strict {
		if err := cfg.Profile.Complete(); err != nil {
			return err
		}
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
