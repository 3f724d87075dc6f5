// Command docgen writes the generated parts of the repository's documents
// (internal/docgen: Parts) from the code, in place. `make docs` runs it
// from the repository's root.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/atomicfile"
	"github.com/heyhumm/humm-members-mock/internal/docgen"
)

func main() {
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	suite, err := fixtures.Embedded()
	if err != nil {
		return err
	}
	docs, err := docgen.Generate(root, suite)
	if err != nil {
		return err
	}
	files := make([]string, 0, len(docs))
	for file := range docs {
		files = append(files, file)
	}
	slices.Sort(files)
	for _, file := range files {
		path := filepath.Join(root, file)
		old, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if string(old) == string(docs[file]) {
			fmt.Println("docgen:", file, "unchanged")
			continue
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(path, info.Mode().Perm(), func(w io.Writer) error {
			_, err := w.Write(docs[file])
			return err
		}); err != nil {
			return err
		}
		fmt.Println("docgen: wrote", file)
	}
	return nil
}
