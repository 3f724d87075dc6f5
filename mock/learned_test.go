package mock

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestStartUpSaysWhatItLearned: each property no rule reads is named, for
// humm-mock's banner, with what its schema asks and examples drawn as the
// seed draws them, each list filter with what it keeps; saying so changes
// nothing in the world (the examples come from a faker of their own).
func TestStartUpSaysWhatItLearned(t *testing.T) {
	for _, tc := range []struct {
		file  string
		lines []string
	}{
		{"testdata/specs/new-properties.yaml", []string{
			`member property department: generated from its schema (string), e.g. "`,
			`member property title: generated from its schema (string, length-bounded, nullable, optional), e.g. `,
			`user property phone_number: generated from its schema (string, nullable, optional), e.g. "`,
		}},
		{"testdata/specs/list-filters.yaml", []string{
			`list filter ?role=: keeps the members whose role equals it exactly`,
			`list filter ?user_id=: keeps the members whose user_id equals it exactly`,
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			sp, err := spec.LoadFile(tc.file)
			require.NoError(t, err)
			quiet := newTestMock(t, Config{Spec: sp})
			told := newTestMock(t, Config{Spec: sp})
			learned := told.srv.Learned()
			for _, want := range tc.lines {
				found := false
				for _, line := range learned {
					found = found || len(line) >= len(want) && line[:len(want)] == want
				}
				require.True(t, found, "%q in %q", want, learned)
			}
			require.Equal(t, quiet.do("GET", "/__mock/state", "", nil).Body, told.do("GET", "/__mock/state", "", nil).Body)
		})
	}
}
