package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// errBreaking ends a diff that found breaking changes (exit status 1, as
// for failed cases); the report has already listed them.
var errBreaking = fmt.Errorf("breaking changes: %w", errCasesFailed)

// runDiff lists the changes between two versions of the spec that break
// clients, with the fixture cases each one affects: the drift gate, as in
// `humm-contract diff openapi.yaml https://service/openapi.json` in CI.
func runDiff(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("diff", flag.ContinueOnError)
	var (
		fixturesDir = flags.String("fixtures", "", "check the fixtures in `DIR` instead of the embedded suite")
		generated   = flags.Bool("generated", false, "also check the cases gen derives from OLD")
	)
	if help, err := parseFlags(flags, args, stdout); help || err != nil {
		return err
	}
	if flags.NArg() != 2 {
		return fmt.Errorf("diff takes two specs, OLD NEW, each a path or an http(s) URL (flags first); got %q", flags.Args())
	}
	oldPath, newPath := flags.Arg(0), flags.Arg(1)
	oldSpec, err := spec.LoadSource(oldPath)
	if err != nil {
		return err
	}
	newSpec, err := spec.LoadSource(newPath)
	if err != nil {
		return err
	}
	var suite *fixtures.Suite
	if *fixturesDir != "" {
		suite, err = fixtures.LoadDir(*fixturesDir)
	} else {
		suite, err = fixtures.Embedded()
	}
	if err != nil {
		return fmt.Errorf("invalid fixtures:\n%w", err)
	}
	if *generated {
		if suite, _, err = contract.WithGenerated(suite, oldSpec, specSource(oldPath)); err != nil {
			return err
		}
	}
	drift, err := contract.Diff(oldSpec, newSpec, oldPath, newPath, suite)
	if err != nil {
		return err
	}
	if err := drift.Write(stdout); err != nil {
		return err
	}
	if drift.Breaking() > 0 {
		return errBreaking
	}
	return nil
}
