package stack

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Dates and times as pydantic 2 reads them in python lax mode
// (pydantic-core src/validators/date.rs, datetime.rs, time.rs), strings
// parsed by the speedate crate (RFC 3339 and unix timestamps). Errors
// carry speedate's words (ParseError's documentation) as ctx.error.

// speedate's errors, as pydantic-core words them.
const (
	errTooShort       = "input is too short"
	errExtra          = "unexpected extra characters at the end of the input"
	errYearChar       = "invalid character in year"
	errDateSep        = "invalid date separator, expected `-`"
	errMonthChar      = "invalid character in month"
	errDayChar        = "invalid character in day"
	errMonthRange     = "month value is outside expected range of 1-12"
	errDayRange       = "day value is outside expected range"
	errDateTimeSep    = "invalid datetime separator, expected `T`, `t`, `_` or space"
	errHourChar       = "invalid character in hour"
	errTimeSep        = "invalid time separator, expected `:`"
	errMinuteChar     = "invalid character in minute"
	errSecondChar     = "invalid character in second"
	errFractionDigits = "second fraction digits missing after `.`"
	errHourRange      = "hour value is outside expected range of 0-23"
	errMinuteRange    = "minute value is outside expected range of 0-59"
	errSecondRange    = "second value is outside expected range of 0-59"
	errTzSign         = "invalid timezone sign"
	errTzHour         = "invalid timezone hour"
	errTzMinute       = "invalid timezone minute"
	errTzRange        = "timezone offset must be less than 24 hours"
	errTzMinuteRange  = "timezone minute value is outside expected range of 0-59"
	errYearZero       = "year 0 is out of range"
	errAfter9999      = "dates after 9999 are not supported as unix timestamps"
	errBefore0000     = "dates before 0000 are not supported as unix timestamps"
	errNaN            = "NaN values not permitted"
	errTimeNegative   = "time in seconds should be positive"
	errTimeTooLarge   = "numeric times may not exceed 86,399 seconds"
)

type civilDate struct{ year, month, day int }

type civilTime struct {
	hour, minute, second, micro int
	offset                      *int // seconds east of UTC
}

func digits2(b string, i int, problem string) (int, string) {
	if i+1 >= len(b) {
		return 0, errTooShort
	}
	if !isDigit(b[i]) || !isDigit(b[i+1]) {
		return 0, problem
	}
	return int(b[i]-'0')*10 + int(b[i+1]-'0'), ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseDatePrefix is speedate's Date::parse_bytes_partial: YYYY-MM-DD at
// the start of b, checked.
func parseDatePrefix(b string) (civilDate, string) {
	if len(b) < 10 {
		return civilDate{}, errTooShort
	}
	year := 0
	for i := 0; i < 4; i++ {
		if !isDigit(b[i]) {
			return civilDate{}, errYearChar
		}
		year = year*10 + int(b[i]-'0')
	}
	if b[4] != '-' {
		return civilDate{}, errDateSep
	}
	month, problem := digits2(b, 5, errMonthChar)
	if problem != "" {
		return civilDate{}, problem
	}
	if b[7] != '-' {
		return civilDate{}, errDateSep
	}
	day, problem := digits2(b, 8, errDayChar)
	if problem != "" {
		return civilDate{}, problem
	}
	if month < 1 || month > 12 {
		return civilDate{}, errMonthRange
	}
	if day < 1 || day > daysIn(year, month) {
		return civilDate{}, errDayRange
	}
	return civilDate{year, month, day}, ""
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseTimeAt is speedate's Time::parse_bytes_offset: HH:MM[:SS[.f]] and
// an optional Z or ±HH[:]MM from offset, and nothing after.
func parseTimeAt(b string, at int) (civilTime, string) {
	var t civilTime
	if len(b)-at < 5 {
		return t, errTooShort
	}
	var problem string
	if t.hour, problem = digits2(b, at, errHourChar); problem != "" {
		return t, problem
	}
	if b[at+2] != ':' {
		return t, errTimeSep
	}
	if t.minute, problem = digits2(b, at+3, errMinuteChar); problem != "" {
		return t, problem
	}
	switch {
	case t.hour > 23:
		return t, errHourRange
	case t.minute > 59:
		return t, errMinuteRange
	}
	i := at + 5
	if i < len(b) && b[i] == ':' {
		if t.second, problem = digits2(b, i+1, errSecondChar); problem == errTooShort {
			problem = errSecondChar
		}
		if problem != "" {
			return t, problem
		}
		if t.second > 59 {
			return t, errSecondRange
		}
		i += 3
		if i < len(b) && (b[i] == '.' || b[i] == ',') {
			i++
			start, micro, n := i, 0, 0
			for i < len(b) && isDigit(b[i]) {
				if n < 6 {
					micro = micro*10 + int(b[i]-'0')
					n++
				}
				i++
			}
			if i == start {
				return t, errFractionDigits
			}
			for ; n < 6; n++ {
				micro *= 10
			}
			t.micro = micro
		}
	}
	if i < len(b) {
		switch c := b[i]; {
		case c == 'Z' || c == 'z':
			zero := 0
			t.offset = &zero
			i++
		case c == '+' || c == '-':
			h, problem := digits2(b, i+1, errTzHour)
			if problem != "" {
				return t, errTzHour
			}
			i += 3
			if i < len(b) && b[i] == ':' {
				i++
			}
			m, problem := digits2(b, i, errTzMinute)
			if problem != "" {
				return t, errTzMinute
			}
			i += 2
			if m > 59 {
				return t, errTzMinuteRange
			}
			off := h*3600 + m*60
			if off >= 24*3600 {
				return t, errTzRange
			}
			if c == '-' {
				off = -off
			}
			t.offset = &off
		default:
			return t, errTzSign
		}
	}
	if i < len(b) {
		return t, errExtra
	}
	return t, ""
}

// timestampNumber is a string as speedate reads a number: an int
// (digits with a sign), or, with a '.', what Rust's f64::from_str takes
// (".5", "5.", "5.e3"; "1e3" is no number).
func timestampNumber(s string) (float64, bool) {
	if intText.MatchString(s) {
		f, _ := strconv.ParseFloat(s, 64)
		return f, true
	}
	if !strings.Contains(s, ".") || !floatLiteral.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil || math.IsInf(f, 0)
}

var intText = regexp.MustCompile(`^[+-]?[0-9]+$`)

// timestamp is a unix time as speedate takes it: seconds, or milliseconds
// past 2e10 in magnitude; seconds since the epoch and the microseconds.
func timestamp(f float64) (secs int64, micros int64, problem string) {
	if math.IsNaN(f) {
		return 0, 0, errNaN
	}
	if math.Abs(f) > 2e10 {
		f /= 1000
	}
	const first, last = -62167219200, 253402300799 // 0000-01-01, 9999-12-31T23:59:59
	switch {
	case f < first:
		return 0, 0, errBefore0000
	case f >= 1<<63 && !math.IsInf(f, 1):
		// Past i64, speedate's whole seconds saturate and the rest is read
		// as a time of day.
		return 0, 0, errTimeTooLarge
	case f > last:
		return 0, 0, errAfter9999
	}
	whole := math.Floor(f)
	return int64(whole), int64(math.Round((f - whole) * 1e6)), ""
}

// numberInput is a JSON number or a bool as a float, for the temporal
// validators; ok is false for anything else.
func numberInput(value any) (float64, bool) {
	switch v := value.(type) {
	case float64:
		return v, true
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return f, true
	}
	return 0, false
}

// parseDateTime is speedate's DateTime::parse_bytes: RFC 3339 (a date
// alone is midnight), else a unix timestamp; exact tells whether the
// time is midnight with no fraction.
func parseDateTime(s string) (string, bool, string) {
	d, problem := parseDatePrefix(s)
	if problem == "" {
		if len(s) == 10 {
			return formatDate(d) + "T00:00:00", true, ""
		}
		if c := s[10]; c != 'T' && c != 't' && c != ' ' && c != '_' {
			problem = errDateTimeSep
		} else {
			t, problem := parseTimeAt(s, 11)
			if problem == "" {
				exact := t.hour == 0 && t.minute == 0 && t.second == 0 && t.micro == 0
				return formatDate(d) + "T" + formatTime(t), exact, ""
			}
			return "", false, problem
		}
	}
	if f, ok := timestampNumber(s); ok {
		if math.IsInf(f, 1) {
			return "", false, errTimeTooLarge // saturated, as past i64
		}
		return fromTimestamp(f)
	}
	return "", false, problem
}

func fromTimestamp(f float64) (string, bool, string) {
	secs, micros, problem := timestamp(f)
	if problem != "" {
		return "", false, problem
	}
	days := floorDiv(secs, 86400)
	rest := secs - days*86400
	y, m, d := civilFromDays(days)
	zero := 0
	t := civilTime{hour: int(rest / 3600), minute: int(rest % 3600 / 60), second: int(rest % 60), micro: int(micros), offset: &zero}
	return formatDate(civilDate{y, m, d}) + "T" + formatTime(t), rest == 0 && micros == 0, ""
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// civilFromDays is the proleptic Gregorian date of a day since 1970-01-01
// (Howard Hinnant's days_from_civil, inverted).
func civilFromDays(z int64) (int, int, int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

func formatDate(d civilDate) string { return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day) }

// formatTime writes a time as pydantic serializes it to JSON (what the
// service would answer with): isoformat, but UTC as Z.
func formatTime(t civilTime) string {
	out := fmt.Sprintf("%02d:%02d:%02d", t.hour, t.minute, t.second)
	if t.micro != 0 {
		out += fmt.Sprintf(".%06d", t.micro)
	}
	if t.offset != nil && *t.offset == 0 {
		return out + "Z"
	}
	if t.offset != nil {
		off, sign := *t.offset, "+"
		if off < 0 {
			off, sign = -off, "-"
		}
		out += fmt.Sprintf("%s%02d:%02d", sign, off/3600, off%3600/60)
	}
	return out
}

// pydanticDate is a date field: the string as a date; failing that, as a
// datetime that must be midnight (date_from_datetime_parsing with the
// datetime's error, date_from_datetime_inexact); a number is a unix time.
func pydanticDate(loc []any, value any) (any, []Issue, bool) {
	var canon string
	var exact bool
	var problem string
	switch v := value.(type) {
	case string:
		if d, p := parseDatePrefix(v); p == "" && len(v) == 10 {
			if d.year == 0 {
				return nil, []Issue{issue("date_parsing", loc, "Input should be a valid date in the format YYYY-MM-DD, "+errYearZero, value,
					map[string]any{"error": errYearZero})}, true
			}
			return formatDate(d), nil, true
		}
		canon, exact, problem = parseDateTime(v)
	default:
		f, ok := numberInput(value)
		if !ok {
			return nil, []Issue{issue("date_type", loc, "Input should be a valid date", value, nil)}, true
		}
		canon, exact, problem = fromTimestamp(f)
	}
	if problem != "" {
		return nil, []Issue{issue("date_from_datetime_parsing", loc, "Input should be a valid date or datetime, "+problem, value,
			map[string]any{"error": problem})}, true
	}
	if !exact {
		return nil, []Issue{issue("date_from_datetime_inexact", loc, "Datetimes provided to dates should have zero time - e.g. be exact dates", value, nil)}, true
	}
	return canon[:10], nil, true
}

// pydanticDateTime is a datetime field: the string as a datetime; failing
// that, as a date (datetime_from_date_parsing with the date's error); a
// number is a unix time (datetime_parsing).
func pydanticDateTime(loc []any, value any) (any, []Issue, bool) {
	switch v := value.(type) {
	case string:
		canon, _, problem := parseDateTime(v)
		if problem == "" {
			if canon[:4] == "0000" {
				return nil, []Issue{issue("datetime_parsing", loc, "Input should be a valid datetime, "+errYearZero, value,
					map[string]any{"error": errYearZero})}, true
			}
			return canon, nil, true
		}
		// The date's own error: the whole string as a date.
		if _, problem = parseDatePrefix(v); problem == "" {
			problem = errExtra
		}
		if intText.MatchString(v) { // a date reads an int as a unix time, no float
			f, _ := strconv.ParseFloat(v, 64)
			_, _, problem = fromTimestamp(f)
		}
		return nil, []Issue{issue("datetime_from_date_parsing", loc, "Input should be a valid datetime or date, "+problem, value,
			map[string]any{"error": problem})}, true
	default:
		f, ok := numberInput(value)
		if !ok {
			return nil, []Issue{issue("datetime_type", loc, "Input should be a valid datetime", value, nil)}, true
		}
		canon, _, problem := fromTimestamp(f)
		if problem != "" {
			return nil, []Issue{issue("datetime_parsing", loc, "Input should be a valid datetime, "+problem, value,
				map[string]any{"error": problem})}, true
		}
		return canon, nil, true
	}
}

// pydanticTime is a time field: HH:MM[:SS[.f]][Z|±HH:MM], or a number of
// seconds in the day (UTC).
func pydanticTime(loc []any, value any) (any, []Issue, bool) {
	fail := func(problem string) (any, []Issue, bool) {
		return nil, []Issue{issue("time_parsing", loc, "Input should be in a valid time format, "+problem, value,
			map[string]any{"error": problem})}, true
	}
	switch v := value.(type) {
	case string:
		t, problem := parseTimeAt(v, 0)
		if problem != "" {
			return fail(problem)
		}
		return formatTime(t), nil, true
	default:
		f, ok := numberInput(value)
		if !ok {
			return nil, []Issue{issue("time_type", loc, "Input should be a valid time", value, nil)}, true
		}
		switch {
		case math.IsNaN(f):
			return fail(errNaN)
		case f < 0:
			return fail(errTimeNegative)
		case f >= 86400:
			return fail(errTimeTooLarge)
		}
		secs := int(f)
		zero := 0
		return formatTime(civilTime{hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60,
			micro: int(math.Round((f - math.Floor(f)) * 1e6)), offset: &zero}), nil, true
	}
}
