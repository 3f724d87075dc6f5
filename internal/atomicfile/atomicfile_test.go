package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/atomicfile"
)

// TestWriteIsWholeOrNothing: a write that fails halfway leaves the old
// file as it was and no temporary file; one that succeeds replaces it.
func TestWriteIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))

	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, _ = w.Write([]byte("half of the n"))
		return errors.New("stopped")
	})
	require.EqualError(t, err, "stopped")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "old", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")

	require.NoError(t, atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := w.Write([]byte("new"))
		return err
	}))
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "new", string(got))
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}
