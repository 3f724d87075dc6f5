package spec

import (
	"fmt"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// dateTimeValidator checks the "date-time" format as kin-openapi does
// (openapi3/schema_formats.go: newDateFormatValidator with
// FormatOfStringDateTime: the RFC 3339 pattern, then the day must exist in
// its month), by hand: the pattern's regexp was a sixteenth of the time the
// mock spends on an update, which validates the updated_at it returns.
// TestDateTimeValidatorAgreesWithKinOpenAPI and FuzzDateTime hold it to
// kin-openapi's verdicts.
var dateTimeValidator = openapi3.NewCallbackValidator(func(s string) error {
	if !matchesDateTimePattern(s) {
		return fmt.Errorf("string doesn't match pattern %q", openapi3.FormatOfStringDateTime)
	}
	_, err := time.Parse(time.DateOnly, s[:len(time.DateOnly)])
	return err
})

// matchesDateTimePattern is FormatOfStringDateTime:
// ^[0-9]{4}-(0[1-9]|10|11|12)-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)([0-1][0-9]|2[0-3]):[0-5][0-9])$
func matchesDateTimePattern(s string) bool {
	digit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	at := func(i int, c byte) bool { return i < len(s) && s[i] == c }
	between := func(i int, lo, hi string) bool { // two characters, lo <= s[i:i+2] <= hi
		return digit(i) && digit(i+1) && s[i:i+2] >= lo && s[i:i+2] <= hi
	}
	if !(digit(0) && digit(1) && digit(2) && digit(3) && at(4, '-') &&
		between(5, "01", "12") && at(7, '-') && between(8, "01", "31") && at(10, 'T') &&
		between(11, "00", "23") && at(13, ':') && between(14, "00", "59") && at(16, ':') && between(17, "00", "60")) {
		return false
	}
	i := 19
	if at(i, '.') {
		i++
		if !digit(i) {
			return false
		}
		for digit(i) {
			i++
		}
	}
	switch {
	case at(i, 'Z'):
		return i+1 == len(s)
	case at(i, '+') || at(i, '-'):
		return between(i+1, "00", "23") && at(i+3, ':') && between(i+4, "00", "59") && i+6 == len(s)
	}
	return false
}
