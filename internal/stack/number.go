package stack

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// pydanticFloat is a float field in python lax mode (pydantic-core
// src/validators/float.rs: ConstrainedFloatValidator::validate): a str is
// parsed as str_as_float does, an int or a bool is taken as a float;
// then multiple_of, le, lt, ge, gt in that order. NaN fails every bound
// (the checks are negated comparisons). allow_inf_nan is pydantic's
// default (true): FastAPI publishes nothing for it, so finite_number is
// not a float field's answer here.
func pydanticFloat(loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	var f float64
	switch v := value.(type) {
	case string:
		parsed, ok := pyStrAsFloat(v)
		if !ok {
			return nil, []Issue{issue("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", value, nil)}, true
		}
		f = parsed
	case float64:
		f = v
	case *big.Int:
		f, _ = new(big.Float).SetInt(v).Float64()
	case bool:
		if v {
			f = 1
		}
	default:
		return nil, []Issue{issue("float_type", loc, "Input should be a valid number", value, nil)}, true
	}
	if s.MultipleOf != nil {
		m := *s.MultipleOf
		rem := math.Mod(f, m)
		// pydantic-core 2.46's tolerance, as measured on thousands of values
		// against pydantic 2.13.4 (its source is not at hand): 1e-9, or
		// 1e-16 of the value when that is more, either side of a multiple;
		// exact but for a few values past 1e16. A NaN remainder (of inf or
		// nan) passes: the comparisons fail.
		threshold := math.Max(1e-9, math.Abs(f)*1e-16)
		if math.Abs(rem) > threshold && math.Abs(math.Abs(rem)-math.Abs(m)) > threshold {
			return nil, []Issue{issue("multiple_of", loc, "Input should be a multiple of "+rustFloat(m), value,
				map[string]any{"multiple_of": pyFloatNumber(m)})}, true
		}
	}
	le, lt, ge, gt := exclusiveBounds(s)
	checks := []struct {
		limit            *float64
		holds            func(f, limit float64) bool
		typ, key, phrase string
	}{
		{le, func(f, l float64) bool { return f <= l }, "less_than_equal", "le", "less than or equal to"},
		{lt, func(f, l float64) bool { return f < l }, "less_than", "lt", "less than"},
		{ge, func(f, l float64) bool { return f >= l }, "greater_than_equal", "ge", "greater than or equal to"},
		{gt, func(f, l float64) bool { return f > l }, "greater_than", "gt", "greater than"},
	}
	for _, c := range checks {
		if c.limit != nil && !c.holds(f, *c.limit) {
			return nil, []Issue{issue(c.typ, loc, "Input should be "+c.phrase+" "+rustFloat(*c.limit), value,
				map[string]any{c.key: pyFloatNumber(*c.limit)})}, true
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, nil, true // valid to pydantic; JSON cannot hold it
	}
	return f, nil, true
}

// boundCheck is one of pydantic's le, lt, ge and gt, in the order it checks
// them: the schema's limit (nil for none), whether a comparison of the
// value with it (-1, 0, 1) fails, and the entry's words. Integers and
// Decimals compare exactly; a float compares as floats do (a NaN fails
// every bound), so pydanticFloat keeps its own table.
type boundCheck struct {
	limit            *float64
	fails            func(cmp int) bool
	typ, key, phrase string
}

func boundChecks(s *openapi3.Schema) []boundCheck {
	le, lt, ge, gt := exclusiveBounds(s)
	return []boundCheck{
		{le, func(c int) bool { return c > 0 }, "less_than_equal", "le", "less than or equal to"},
		{lt, func(c int) bool { return c >= 0 }, "less_than", "lt", "less than"},
		{ge, func(c int) bool { return c < 0 }, "greater_than_equal", "ge", "greater than or equal to"},
		{gt, func(c int) bool { return c <= 0 }, "greater_than", "gt", "greater than"},
	}
}

// exclusiveBounds reads a schema's bounds as pydantic's le, lt, ge and gt:
// 3.0 says an exclusive bound with a boolean beside maximum/minimum, 3.1
// with a number of its own.
func exclusiveBounds(s *openapi3.Schema) (le, lt, ge, gt *float64) {
	le, lt, ge, gt = s.Max, s.ExclusiveMax.Value, s.Min, s.ExclusiveMin.Value
	if s.ExclusiveMax.IsTrue() {
		le, lt = nil, s.Max
	}
	if s.ExclusiveMin.IsTrue() {
		ge, gt = nil, s.Min
	}
	return le, lt, ge, gt
}

// rustFloat is a float as pydantic-core words it in a message (Rust's
// Display for f64: shortest round trip, never an exponent): 1, 0.5,
// 0.00001, 100000000000000000000.
func rustFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// pyFloatNumber is a float of a ctx as FastAPI renders it (Python's repr:
// 1.0, 0.5, 1e-05).
func pyFloatNumber(f float64) json.Number { return json.Number(pyFloatRepr(f)) }

// floatLiteral is what Rust's f64::from_str takes once the words are
// handled: digits with an optional fraction and exponent.
var floatLiteral = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// pyStrAsFloat is pydantic-core's str_as_float (src/input/shared.rs): the
// string with its surrounding whitespace stripped (Rust's str::trim,
// Unicode White_Space) as Rust's f64::from_str reads it (inf, infinity
// and nan in any case, with a sign; a number too large is infinity);
// failing that, the string as sent without its '_' (none first or last,
// no two together), not stripped: " 1_0" fails where " 10" passes.
func pyStrAsFloat(s string) (float64, bool) {
	if f, ok := rustParseFloat(strings.TrimSpace(s)); ok {
		return f, true
	}
	if !strings.Contains(s, "_") || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, false
	}
	return rustParseFloat(strings.ReplaceAll(s, "_", ""))
}

// rustParseFloat is Rust's f64::from_str.
func rustParseFloat(s string) (float64, bool) {
	word := strings.ToLower(strings.TrimLeft(s, "+-"))
	if len(s)-len(word) <= 1 {
		negative := strings.HasPrefix(s, "-")
		switch word {
		case "inf", "infinity":
			if negative {
				return math.Inf(-1), true
			}
			return math.Inf(1), true
		case "nan":
			return math.NaN(), true
		}
	}
	if !floatLiteral.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
