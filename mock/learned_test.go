package mock

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock/spec"
)

// TestStartUpSaysWhatItLearned: each property no rule reads is named at
// start with what its schema asks and examples drawn as the seed draws
// them, each list filter with what it keeps; saying so changes nothing in
// the world (the examples come from a faker of their own).
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
			var log bytes.Buffer
			quiet := newTestMock(t, Config{Spec: sp})
			told := newTestMock(t, Config{Spec: sp, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			for _, line := range tc.lines {
				require.Contains(t, log.String(), `level=INFO msg="`+escapeLogged(line))
			}
			require.Equal(t, quiet.do("GET", "/__mock/state", "", nil).Body, told.do("GET", "/__mock/state", "", nil).Body)
		})
	}
}

// escapeLogged is a text as slog's text handler quotes it.
func escapeLogged(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		if r == '"' {
			b.WriteString(`\"`)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
