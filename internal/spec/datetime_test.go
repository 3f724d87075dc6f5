package spec

import (
	"regexp"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// kinDateTime is kin-openapi's own check of the format: its pattern, then
// the day in its month.
func kinDateTime(s string) bool {
	if !regexp.MustCompile(openapi3.FormatOfStringDateTime).MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s[:len(time.DateOnly)])
	return err == nil
}

var dateTimeCases = []string{
	"2024-02-07T02:06:30.748333Z", "2024-02-07T02:06:30Z", "2024-02-07T02:06:30+01:00", "2024-02-07T02:06:30.1-23:59",
	"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-12-31T23:59:60Z",
	"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z",
	"2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:61Z", "2024-01-01T23:59:59.Z",
	"2024-01-01T23:59:59+24:00", "2024-01-01T23:59:59+23:60", "2024-01-01T23:59:59+2300", "2024-01-01t23:59:59Z",
	"2024-01-01 23:59:59Z", "2024-01-01T23:59:59z", "2024-01-01T23:59:59", "2024-01-01T23:59:59ZZ",
	"2024-01-01", "", "x", "2024-01-01T23:59:59.123456789Z", "02024-01-01T00:00:00Z", "2024-1-01T00:00:00Z",
	"2024-01-01T00:00:00+01:00\n", "2024-01-01T00:00:00.+01:00", "２０２４-01-01T00:00:00Z",
}

// TestDateTimeValidatorAgreesWithKinOpenAPI: the hand-written check gives
// kin-openapi's verdict on each case, edges of every field included.
func TestDateTimeValidatorAgreesWithKinOpenAPI(t *testing.T) {
	for _, s := range dateTimeCases {
		require.Equal(t, kinDateTime(s), dateTimeValidator.Validate(s) == nil, "%q", s)
	}
}

// FuzzDateTime holds the check to kin-openapi's verdict on any string.
func FuzzDateTime(f *testing.F) {
	for _, s := range dateTimeCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if kinDateTime(s) != (dateTimeValidator.Validate(s) == nil) {
			t.Fatalf("%q: kin-openapi says %v", s, kinDateTime(s))
		}
	})
}
