package stack

// Decimal, which pydantic 2 publishes as a number or a string of a
// pattern (spec.DecimalLimits), validated as pydantic-core's
// DecimalValidator does (src/validators/decimal.rs): a str (stripped,
// its '_' dropped), an int or a float (through its repr) read as
// Python's Decimal reads it; not finite is finite_number; then, on the
// normalized value, max_digits, decimal_places and the digits before the
// point; then multiple_of, le, lt, ge and gt. The value is written as
// str(Decimal) writes it ("1.50", "1E+3"), as the service answers it.

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// decimalSchema tells a Decimal's schema: an anyOf of a number (with
// the field's bounds) and a Decimal's string, or that string alone;
// number is the member with the bounds, nil for the string alone.
func decimalSchema(s *openapi3.Schema) (number, text *openapi3.Schema, ok bool) {
	if _, _, isDecimal := spec.DecimalLimits(s); isDecimal {
		return nil, s, true
	}
	if len(s.AnyOf) == 0 || len(s.OneOf)+len(s.AllOf) > 0 || s.Not != nil {
		return nil, nil, false
	}
	for _, m := range s.AnyOf {
		v := m.Value
		switch {
		case v == nil:
			return nil, nil, false
		case v.Type != nil && v.Type.Is(openapi3.TypeNull) && len(v.Type.Slice()) == 1:
		case v.Type != nil && v.Type.Is(openapi3.TypeNumber) && v.Format == "":
			number = v
		default:
			if _, _, isDecimal := spec.DecimalLimits(v); !isDecimal {
				return nil, nil, false
			}
			text = v
		}
	}
	return number, text, number != nil && text != nil
}

// pyDecimal is a finite Python Decimal: sign, coefficient digits (no
// leading zeros; "0" for zero) and exponent.
type pyDecimal struct {
	negative bool
	coeff    string
	exp      int
}

// decimalLiteral is Python's Decimal syntax for a finite number, ASCII
// digits.
var decimalLiteral = regexp.MustCompile(`^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$`)

// decimalSpecial is Decimal's infinities and NaNs, any case.
var decimalSpecial = regexp.MustCompile(`(?i)^[+-]?(?:inf|infinity|s?nan\d*)$`)

func pydanticDecimal(loc []any, number, text *openapi3.Schema, value any) (any, []Issue, bool) {
	fail := func(typ, msg string, ctx map[string]any) (any, []Issue, bool) {
		return nil, []Issue{issue(typ, loc, msg, value, ctx)}, true
	}
	var literal string
	switch v := value.(type) {
	case string:
		literal = strings.ReplaceAll(strings.Trim(v, " \t\n\r\v\f"), "_", "")
	case *big.Int:
		literal = v.String()
	case float64:
		literal = pyFloatRepr(v)
		if strings.Contains(literal, "inf") || strings.Contains(literal, "nan") {
			return fail("finite_number", "Input should be a finite number", nil)
		}
	default:
		return fail("decimal_type", "Decimal input should be an integer, float, string or Decimal object", nil)
	}
	for _, r := range literal {
		if r >= 0x80 {
			return nil, nil, false // Unicode digits: not modelled
		}
	}
	if decimalSpecial.MatchString(literal) {
		return fail("finite_number", "Input should be a finite number", nil)
	}
	m := decimalLiteral.FindStringSubmatch(literal)
	if m == nil {
		return fail("decimal_parsing", "Input should be a valid decimal", nil)
	}
	digits := m[2] + m[3] + m[4]
	exp := -len(m[3]) - len(m[4])
	if m[5] != "" {
		e, ok := new(big.Int).SetString(m[5], 10)
		if !ok || !e.IsInt64() || e.Int64() > 1<<40 || e.Int64() < -(1<<40) {
			return nil, nil, false
		}
		exp += int(e.Int64())
	}
	d := pyDecimal{negative: m[1] == "-", coeff: strings.TrimLeft(digits, "0"), exp: exp}
	if d.coeff == "" {
		d.coeff = "0"
	}
	maxDigits, places, _ := spec.DecimalLimits(text)
	if issues := decimalDigitIssues(loc, d, maxDigits, places, value); issues != nil {
		return nil, issues, true
	}
	if number != nil {
		if issues, ok := decimalBoundIssues(loc, number, d, value); !ok || issues != nil {
			return nil, issues, ok
		}
	}
	return d.String(), nil, true
}

// decimalDigitIssues counts the normalized value's digits as decimal.rs
// does: a positive exponent adds its zeros, a negative one is the
// places (at least as many digits).
func decimalDigitIssues(loc []any, d pyDecimal, maxDigits, places int, value any) []Issue {
	if maxDigits < 0 && places < 0 {
		return nil
	}
	coeff, exp := strings.TrimRight(d.coeff, "0"), d.exp+len(d.coeff)-len(strings.TrimRight(d.coeff, "0"))
	if coeff == "" {
		coeff, exp = "0", 0
	}
	digits, decimals := len(coeff), 0
	if exp >= 0 {
		digits += exp
	} else {
		decimals = -exp
		digits = max(digits, decimals)
	}
	if maxDigits >= 0 && digits > maxDigits {
		return []Issue{issue("decimal_max_digits", loc, fmt.Sprintf("Decimal input should have no more than %d digit%s in total", maxDigits, plural(uint64(maxDigits))),
			value, map[string]any{"max_digits": maxDigits})}
	}
	if places >= 0 && decimals > places {
		return []Issue{issue("decimal_max_places", loc, fmt.Sprintf("Decimal input should have no more than %d decimal place%s", places, plural(uint64(places))),
			value, map[string]any{"decimal_places": places})}
	}
	if maxDigits >= 0 && places >= 0 {
		whole := maxDigits - places
		if digits-decimals > whole {
			return []Issue{issue("decimal_whole_digits", loc, fmt.Sprintf("Decimal input should have no more than %d digit%s before the decimal point", whole, plural(uint64(whole))),
				value, map[string]any{"whole_digits": whole})}
		}
	}
	return nil
}

// decimalBoundIssues: multiple_of, le, lt, ge, gt, compared exactly; a
// bound is worded as the field wrote it (its shortest repr), its ctx as
// jsonable_encoder renders a Decimal (an int when whole).
func decimalBoundIssues(loc []any, s *openapi3.Schema, d pyDecimal, value any) ([]Issue, bool) {
	if le, lt, ge, gt := exclusiveBounds(s); le == nil && lt == nil && ge == nil && gt == nil && s.MultipleOf == nil {
		return nil, true
	}
	if abs(d.exp) > maxIntStringDigits {
		return nil, false // 10 to the power of it is no number to compare
	}
	v := d.rat()
	if s.MultipleOf != nil {
		m, ok := new(big.Rat).SetString(pyFloatRepr(*s.MultipleOf))
		if !ok || m.Sign() == 0 {
			return nil, false
		}
		if !new(big.Rat).Quo(v, m).IsInt() {
			return []Issue{issue("multiple_of", loc, "Input should be a multiple of "+decimalBoundText(*s.MultipleOf), value,
				map[string]any{"multiple_of": decimalBoundCtx(*s.MultipleOf)})}, true
		}
	}
	for _, c := range boundChecks(s) {
		if c.limit == nil {
			continue
		}
		if c.fails(v.Cmp(new(big.Rat).SetFloat64(*c.limit))) {
			return []Issue{issue(c.typ, loc, "Input should be "+c.phrase+" "+decimalBoundText(*c.limit), value,
				map[string]any{c.key: decimalBoundCtx(*c.limit)})}, true
		}
	}
	return nil, true
}

func decimalBoundText(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return pyFloatRepr(f)
}

func decimalBoundCtx(f float64) any {
	if f == float64(int64(f)) {
		return int64(f)
	}
	return pyFloatNumber(f)
}

func (d pyDecimal) rat() *big.Rat {
	r, _ := new(big.Rat).SetString(d.coeff)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(d.exp))), nil))
	if d.exp >= 0 {
		r.Mul(r, scale)
	} else {
		r.Quo(r, scale)
	}
	if d.negative {
		r.Neg(r)
	}
	return r
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// String is Python's str(Decimal) (the to-scientific-string of the
// General Decimal Arithmetic specification, _pydecimal.py: __str__).
func (d pyDecimal) String() string {
	left := d.exp + len(d.coeff)
	dot := 1
	if d.exp <= 0 && left > -6 {
		dot = left
	}
	var intPart, fracPart string
	switch {
	case dot <= 0:
		intPart, fracPart = "0", "."+strings.Repeat("0", -dot)+d.coeff
	case dot >= len(d.coeff):
		intPart = d.coeff + strings.Repeat("0", dot-len(d.coeff))
	default:
		intPart, fracPart = d.coeff[:dot], "."+d.coeff[dot:]
	}
	expPart := ""
	if left != dot {
		expPart = fmt.Sprintf("E%+d", left-dot)
	}
	sign := ""
	if d.negative {
		sign = "-"
	}
	return sign + intPart + fracPart + expPart
}
