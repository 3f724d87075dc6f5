package stack

// timedelta, which pydantic 2 publishes as format duration, validated as
// pydantic-core's TimeDeltaValidator does with the speedate crate
// (src/validators/timedelta.rs; speedate src/duration.rs:
// Duration::parse_bytes): ISO 8601 ("P1DT2H", weeks too, a fraction in
// the last quantity), HH:MM[:SS[.f]] (hours past 23 carry into days), and
// "D days[,] HH:MM:SS" / "Dd"; a number is seconds. Written as pydantic
// writes a timedelta ("P1DT12H", "-PT1S", "PT0S").

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// speedate's duration errors (ParseError's documentation).
const (
	errDurationNumber   = "invalid digit in duration"
	errDurationT        = "`t` character repeated in duration"
	errDurationFraction = "quantity fraction invalid in duration"
	errDurationTimeUnit = "quantity invalid in time part of duration"
	errDurationDateUnit = "quantity invalid in date part of duration"
	errDurationDays     = `"day" identifier in duration not correctly formatted`
	errDurationValue    = "a numeric value in the duration is too large"
	errDurationTooLarge = "durations may not exceed 999,999,999 days"
)

// duration is a timedelta's magnitude and sign, normalized.
type duration struct {
	negative            bool
	day, second, micros uint64
}

const maxDurationDays = 999_999_999

// notModelled is parseDuration's answer for a form whose speedate
// answer is not known here.
const notModelled = "\x00not modelled"

func pydanticDuration(loc []any, value any) (any, []Issue, bool) {
	fail := func(problem string) (any, []Issue, bool) {
		return nil, []Issue{issue("time_delta_parsing", loc, "Input should be a valid timedelta, "+problem, value,
			map[string]any{"error": problem})}, true
	}
	var d duration
	switch v := value.(type) {
	case string:
		var problem string
		if d, problem = parseDuration(v); problem == notModelled {
			return nil, nil, false
		} else if problem != "" {
			return fail(problem)
		}
	case *big.Int, float64, bool:
		f, _ := numberInput(value)
		if b, isBool := value.(bool); isBool && b {
			f = 1
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil, false
		}
		if math.Abs(f) >= (maxDurationDays+1)*86400 {
			return fail(errDurationTooLarge)
		}
		d.negative = f < 0
		f = math.Abs(f)
		whole := math.Floor(f)
		d.second = uint64(whole)
		d.micros = uint64(math.Round((f - whole) * 1e6))
	default:
		return nil, []Issue{issue("time_delta_type", loc, "Input should be a valid timedelta", value, nil)}, true
	}
	if !d.normalize() {
		return fail(errDurationTooLarge)
	}
	return d.String(), nil, true
}

func (d *duration) normalize() bool {
	d.second += d.micros / 1_000_000
	d.micros %= 1_000_000
	d.day += d.second / 86400
	d.second %= 86400
	return d.day <= maxDurationDays
}

// String is a timedelta as pydantic writes it: P, years of 365 days,
// days, then T with hours, minutes and seconds (a fraction without its
// trailing zeros); PT0S for none.
func (d duration) String() string {
	var b strings.Builder
	if d.negative && (d.day|d.second|d.micros) != 0 {
		b.WriteByte('-')
	}
	b.WriteByte('P')
	if y := d.day / 365; y > 0 {
		fmt.Fprintf(&b, "%dY", y)
	}
	if days := d.day % 365; days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	h, m, s := d.second/3600, d.second%3600/60, d.second%60
	if h|m|s|d.micros != 0 {
		b.WriteByte('T')
		if h > 0 {
			fmt.Fprintf(&b, "%dH", h)
		}
		if m > 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
		if s > 0 || d.micros > 0 {
			b.WriteString(strconv.FormatUint(s, 10))
			if d.micros > 0 {
				b.WriteString("." + strings.TrimRight(fmt.Sprintf("%06d", d.micros), "0"))
			}
			b.WriteByte('S')
		}
	}
	if d.day|d.second|d.micros == 0 {
		b.WriteString("T0S")
	}
	return b.String()
}

// parseDuration is speedate's Duration::parse_bytes.
func parseDuration(s string) (duration, string) {
	var d duration
	at := 0
	switch {
	case s == "":
		return d, errTooShort
	case s[0] == '+':
		at = 1
	case s[0] == '-':
		d.negative, at = true, 1
	}
	var problem string
	switch {
	case at < len(s) && s[at] == 'P':
		problem = parseISODuration(s, at+1, &d)
	case len(s)-at < 5 || strings.ContainsAny(s[at:], "dD"):
		problem = parseDaysTime(s, at, &d)
	default:
		problem = parseDurationTime(s, at, &d)
	}
	return d, problem
}

// durationNumber is speedate's parse_number: ASCII digits into a u32.
func durationNumber(s string, at int) (uint64, int, string) {
	if at >= len(s) {
		return 0, at, errTooShort
	}
	if !isDigit(s[at]) {
		return 0, at, errDurationNumber
	}
	var v uint64
	for ; at < len(s) && isDigit(s[at]); at++ {
		v = v*10 + uint64(s[at]-'0')
		if v > math.MaxUint32 {
			return 0, at, errDurationValue
		}
	}
	return v, at, ""
}

// parseISODuration is speedate's parse_iso_duration (from after the P).
func parseISODuration(s string, at int, d *duration) string {
	gotT, lastFraction := false, false
	pos := at
	for ; pos < len(s); pos++ {
		if s[pos] == 'T' {
			if gotT {
				return errDurationT
			}
			gotT = true
			continue
		}
		value, next, problem := durationNumber(s, pos)
		if problem != "" {
			return problem
		}
		fraction, hasFraction := 0.0, false
		if next < len(s) && (s[next] == '.' || s[next] == ',') {
			hasFraction = true
			denominator := 1.0
			for next++; next < len(s) && isDigit(s[next]); next++ {
				fraction = fraction*10 + float64(s[next]-'0')
				denominator *= 10
			}
			fraction /= denominator
		}
		if lastFraction {
			return errDurationFraction
		}
		lastFraction = hasFraction
		pos = next
		unit := byte(0)
		if pos < len(s) {
			unit = s[pos]
		}
		if gotT {
			mult := map[byte]uint64{'H': 3600, 'M': 60, 'S': 1}[unit]
			if mult == 0 {
				return errDurationTimeUnit
			}
			d.second += mult * value
			if hasFraction {
				extra := fraction * float64(mult)
				d.second += uint64(math.Trunc(extra))
				d.micros += uint64(math.Round((extra - math.Trunc(extra)) * 1e6))
			}
		} else {
			mult := map[byte]uint64{'Y': 365, 'M': 30, 'W': 7, 'D': 1}[unit]
			if mult == 0 {
				return errDurationDateUnit
			}
			d.day += value * mult
			if hasFraction {
				extraDays := fraction * float64(mult)
				d.day += uint64(math.Trunc(extraDays))
				extraSeconds := (extraDays - math.Trunc(extraDays)) * 86400
				d.second += uint64(math.Trunc(extraSeconds))
				d.micros += uint64(math.Round((extraSeconds - math.Trunc(extraSeconds)) * 1e6))
			}
		}
		if d.day > math.MaxUint32 || d.second > math.MaxUint32 {
			return errDurationValue
		}
	}
	if pos < 3 {
		return errTooShort
	}
	return ""
}

// parseDurationTime is H:MM[:SS[.f]] with nothing after, the hours any
// number of digits (speedate's duration time, as pydantic 2.13.4 answers
// it: "100:00:00" is P4DT4H, "12345" and "10.0.0.7" fail on the hour,
// "10:0a" on the minute).
func parseDurationTime(s string, at int, d *duration) string {
	i := at
	var hours uint64
	for ; i < len(s) && isDigit(s[i]); i++ {
		if i-at >= 9 {
			return "durations may not exceed 999,999,999 hours"
		}
		hours = hours*10 + uint64(s[i]-'0')
	}
	if i >= len(s) || s[i] != ':' { // no hours at all are none (":10:00" is PT10M)
		return errHourChar
	}
	minute, problem := digits2(s, i+1, errMinuteChar)
	if problem == errTooShort {
		problem = errMinuteChar
	}
	if problem != "" {
		return problem
	}
	if minute > 59 {
		return errMinuteRange
	}
	i += 3
	second, micro := 0, 0
	if i < len(s) && s[i] == ':' {
		if second, problem = digits2(s, i+1, errSecondChar); problem == errTooShort {
			problem = errSecondChar
		}
		if problem != "" {
			return problem
		}
		if second > 59 {
			return errSecondRange
		}
		i += 3
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
			start, n := i, 0
			for ; i < len(s) && isDigit(s[i]); i++ {
				if n < 6 {
					micro = micro*10 + int(s[i]-'0')
					n++
				}
			}
			if i == start {
				return errFractionDigits
			}
			for ; n < 6; n++ {
				micro *= 10
			}
		}
	}
	if i < len(s) {
		return errExtra
	}
	d.second = hours*3600 + uint64(minute*60+second)
	d.micros = uint64(micro)
	return ""
}

// parseDaysTime is speedate's parse_days_time: "D d", "D day[s][,] [time]".
func parseDaysTime(s string, at int, d *duration) string {
	day, pos, problem := durationNumber(s, at)
	if problem != "" {
		return problem
	}
	d.day = day
	if pos < len(s) && s[pos] == ' ' {
		pos++
	} else if !(pos < len(s) && (s[pos] == 'd' || s[pos] == 'D')) {
		return errDurationDays
	}
	if !(pos < len(s) && (s[pos] == 'd' || s[pos] == 'D')) {
		return errDurationDays
	}
	pos++
	if pos < len(s) && (s[pos] == 'a' || s[pos] == 'A') {
		if !(pos+1 < len(s) && (s[pos+1] == 'y' || s[pos+1] == 'Y')) {
			return errDurationDays
		}
		switch {
		case pos+2 >= len(s):
			return ""
		case s[pos+2] == 's' || s[pos+2] == 'S':
			pos += 3
		default:
			pos += 2
		}
	}
	if pos < len(s) && s[pos] == ',' {
		pos++
	}
	if pos < len(s) && s[pos] == ' ' {
		pos++
	}
	if pos >= len(s) {
		return ""
	}
	t, problem := parseTimeAt(s, pos)
	if problem != "" && problem != errHourRange {
		return problem
	}
	if problem == errHourRange || t.offset != nil {
		return notModelled // past 23 hours, or a time zone: speedate's own words, not seen here
	}
	d.second = uint64(t.hour*3600 + t.minute*60 + t.second)
	d.micros = uint64(t.micro)
	return ""
}
