package spec

import (
	"regexp"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// pydantic publishes a Decimal as a number or a string of a pattern with a
// lookahead (pydantic/json_schema.py: GenerateJsonSchema.decimal_schema,
// _internal/_generate_schema.py: the decimal pattern), which Go's regexp
// cannot read. Load rewrites those patterns, and only those, to what Go
// reads, and marks the string with the Decimal's limits (decimalKey),
// which the stack's emulation and the faker read (DecimalLimits).
var (
	// decimalPlain: no limits; decimalPlaces: decimal_places;
	// decimalDigits: max_digits, with or without decimal_places (printed
	// with pydantic 2.13.4, TypeAdapter(Annotated[Decimal, Field(...)])).
	decimalPlain  = `^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$`
	decimalPlaces = regexp.MustCompile(`^\^\(\?!\^\[-\+\.\]\*\$\)\[\+-\]\?0\*\\d\*\\\.\?\\d\{0,(\d+)\}0\*\$$`)
	decimalDigits = regexp.MustCompile(`^\^\(\?!\^\[-\+\.\]\*\$\)\[\+-\]\?0\*\(\?:\\d\{0,(\d+)\}\|\(\?=\[\\d\.\]\{1,(\d+)\}0\*\$\)\\d(?:\*|\{0,\d+\})\\\.\\d(\*|\{0,(\d+)\})0\*\$\)$`)
)

// decimalKey is the extension Load marks a Decimal's string with: its
// max_digits and decimal_places, -1 where the field sets none.
const decimalKey = "x-mock-pydantic-decimal"

// DecimalLimits tells whether a string schema is a Decimal's, as
// pydantic publishes it, and its limits (-1: none).
func DecimalLimits(s *openapi3.Schema) (maxDigits, decimalPlaces int, ok bool) {
	limits, ok := s.Extensions[decimalKey].([2]int)
	return limits[0], limits[1], ok
}

// readDecimalPatterns rewrites the Decimal patterns of the document (see
// above) to Go's syntax, keeping what each accepts: the plain one and
// decimal_places' take a number's digits (and the exponent str(Decimal)
// writes, "1E+3", which the service answers with), max_digits' anything
// but a string of signs and dots only (its first branch has no end
// anchor). Other lookaround patterns stay, for unreadablePattern to
// refuse.
func readDecimalPatterns(doc *openapi3.T) {
	_ = walkSchemas(doc, func(_ string, s *openapi3.Schema) error {
		limits := [2]int{-1, -1}
		switch m := decimalPlaces.FindStringSubmatch(s.Pattern); {
		case s.Pattern == decimalPlain:
			s.Pattern = `^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$`
		case m != nil:
			limits[1], _ = strconv.Atoi(m[1])
			s.Pattern = `^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$`
		default:
			d := decimalDigits.FindStringSubmatch(s.Pattern)
			if d == nil {
				return nil
			}
			limits[0], _ = strconv.Atoi(d[2])
			limits[0]-- // the lookahead counts the point
			if d[4] != "" {
				limits[1], _ = strconv.Atoi(d[4])
			}
			s.Pattern = `[^-+.]`
		}
		if s.Extensions == nil {
			s.Extensions = map[string]any{}
		}
		s.Extensions[decimalKey] = limits
		return nil
	})
}
