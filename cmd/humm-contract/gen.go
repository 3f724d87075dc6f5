package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// runGen writes the cases generated from the spec, one fixture file per
// operation.
func runGen(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("gen", flag.ContinueOnError)
	var (
		specPath = flags.String("spec", "", "generate from the OpenAPI document at `FILE|URL` instead of the embedded one: "+spec.SourceHelp)
		outDir   = flags.String("out", ".", "write the gen-*.yaml files to `DIR`, created if missing")
	)
	if help, err := parseFlags(flags, args, stdout); help || err != nil {
		return err
	}
	if err := noArguments(flags); err != nil {
		return err
	}
	sp, err := spec.FromFlag(*specPath)
	if err != nil {
		return err
	}
	files, err := contract.Generate(sp, specSource(*specPath))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	total := 0
	for _, f := range files {
		path := filepath.Join(*outDir, f.Name)
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return err
		}
		total += f.Cases
		fmt.Fprintf(stdout, "wrote %s: %d cases for %s\n", path, f.Cases, f.OperationID)
		for _, why := range f.LeftOut {
			fmt.Fprintf(stdout, "  %s\n", why)
		}
	}
	fmt.Fprintf(stdout, "%d cases in %d files\n", total, len(files))
	return nil
}

// specSource names the document in generated headers: stable, so that the
// files do not change with the directory gen ran in, nor with the port of
// the service it was fetched from (http://127.0.0.1:8000/openapi.json is
// openapi.json).
func specSource(source string) string {
	switch {
	case source == "":
		return "openapi.yaml"
	case spec.IsURL(source):
		u, err := url.Parse(source)
		if err != nil || path.Base(u.Path) == "/" || path.Base(u.Path) == "." {
			return "openapi.json"
		}
		return path.Base(u.Path)
	}
	return filepath.Base(source)
}
