package contract

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

var (
	lowerUUID   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	lowerUUIDv4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// maxShownBody bounds how much of an unexpected body a failure quotes.
const maxShownBody = 600

// checkResponse compares a response with a step's expectations and returns
// one message per difference, expected against actual.
func (f *flow) checkResponse(e fixtures.Expect, resp *http.Response, raw []byte, body any, isJSON bool) []string {
	if !slices.Contains(e.Status, resp.StatusCode) {
		// The rest was written for the expected status: comparing it with
		// another response would only bury the difference that matters.
		return []string{fmt.Sprintf("status: expected %s, got %d", statusList(e.Status), resp.StatusCode)}
	}
	var problems []string
	for _, h := range e.Headers {
		values := resp.Header.Values(h.Name)
		var actual any
		if len(values) > 0 {
			actual = strings.Join(values, ", ")
		}
		problems = append(problems, f.match(h.Pattern, actual, len(values) > 0, "header "+h.Name, "")...)
	}
	if (e.Body != nil || e.List != nil) && !isJSON {
		return append(problems, "body: expected JSON, got a body that does not parse")
	}
	if e.Body != nil {
		problems = append(problems, f.match(e.Body, body, true, "body", "")...)
	}
	if e.List != nil {
		problems = append(problems, f.checkList(e.List, body)...)
	}
	if e.KeysInSchemaOrder {
		problems = append(problems, f.keysInSchemaOrder(resp.StatusCode, raw)...)
	}
	return problems
}

// keysInSchemaOrder checks that each object of a JSON body has its keys
// in the order the response schema of the step's operation declares them
// for the status: FastAPI serializes a success through the route's
// response model, and pydantic writes a model's fields in declaration
// order (fastapi/routing.py: serialize_response; the spec's order is
// internal/spec's PropertyOrder). Keys the schema does not declare are not
// placed. One message, for the first object out of order.
func (f *flow) keysInSchemaOrder(status int, raw []byte) []string {
	route, _, err := f.step.route(f.step.method)
	if err != nil {
		return []string{fmt.Sprintf("body: cannot read the response schema's key order: the spec has no operation %s %s", f.step.method, f.step.path)}
	}
	var schema *openapi3.SchemaRef
	if ref := route.Operation.Responses.Status(status); ref != nil && ref.Value != nil {
		if media := ref.Value.Content.Get("application/json"); media != nil {
			schema = media.Schema
		}
	}
	if schema == nil {
		return nil // no JSON body documented: the spec check judges what came
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	problem, err := f.objectKeysInOrder(dec, schema, "")
	if err != nil {
		return []string{"body: expected JSON, got a body that does not parse: " + err.Error()}
	}
	if problem != "" {
		return []string{problem}
	}
	return nil
}

// maxKeyOrderDepth bounds the schema a body is walked along: past it,
// values are read without their keys checked.
const maxKeyOrderDepth = 16

// objectKeysInOrder reads one JSON value from dec, checking the keys of
// each object in it against schema's declared order (nil: not checked);
// the first problem found, at its JSON pointer.
func (f *flow) objectKeysInOrder(dec *json.Decoder, ref *openapi3.SchemaRef, pointer string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	delim, isDelim := tok.(json.Delim)
	if !isDelim {
		return "", nil
	}
	var schema *openapi3.Schema
	if ref != nil && strings.Count(pointer, "/") < maxKeyOrderDepth {
		schema, _ = spec.Underlying(ref)
	}
	first := ""
	keep := func(problem string) {
		if first == "" {
			first = problem
		}
	}
	switch delim {
	case '[':
		var items *openapi3.SchemaRef
		if schema != nil {
			items = schema.Items
		}
		for i := 0; dec.More(); i++ {
			problem, err := f.objectKeysInOrder(dec, items, pointer+"/"+strconv.Itoa(i))
			if err != nil {
				return "", err
			}
			keep(problem)
		}
	case '{':
		var keys []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", err
			}
			key, _ := tok.(string)
			keys = append(keys, key)
			var property *openapi3.SchemaRef
			if schema != nil {
				property = schema.Properties[key]
			}
			problem, err := f.objectKeysInOrder(dec, property, pointer+"/"+escapePointer(key))
			if err != nil {
				return "", err
			}
			keep(problem)
		}
		if schema != nil && len(schema.Properties) > 0 {
			// The object's own order is the first problem a reader sees.
			declared := f.cfg.Spec.PropertyOrder(schema)
			if problem := outOfOrder(declared, keys); problem != "" {
				first = fmt.Sprintf("body %s: expected keys in the order the response schema declares (%s), got %s: %s",
					cmp.Or(pointer, "/"), strings.Join(declared, ", "), problem, strings.Join(keys, ", "))
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return "", err
	}
	return first, nil
}

// outOfOrder names the first key of keys that comes before one the
// declared order puts ahead of it ("id before organization_id"), or "".
// Keys the order does not declare are not placed.
func outOfOrder(declared, keys []string) string {
	last, lastKey := -1, ""
	for _, k := range keys {
		at := slices.Index(declared, k)
		if at < 0 {
			continue
		}
		if at < last {
			return fmt.Sprintf("%s before %s", lastKey, k)
		}
		last, lastKey = at, k
	}
	return ""
}

func statusList(statuses []int) string {
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, " or ")
}

// match compares a value with a pattern. where names the value in
// messages ("body", "header Allow"); pointer is its JSON pointer in the
// body, which step-relative matchers look up in the earlier step's body.
func (f *flow) match(p *fixtures.Pattern, actual any, present bool, where, pointer string) []string {
	mismatch := func(format string, args ...any) []string {
		got := "nothing"
		if present {
			got = show(actual)
		}
		at := where
		if pointer != "" {
			at += " " + pointer
		}
		return []string{fmt.Sprintf("%s: expected %s, got %s", at, fmt.Sprintf(format, args...), got)}
	}
	switch p.Kind {
	case fixtures.Object:
		obj, ok := actual.(map[string]any)
		if !ok {
			return mismatch("an object")
		}
		var problems []string
		for _, field := range p.Fields {
			v, has := obj[field.Key]
			problems = append(problems, f.match(field.Pattern, v, has, where, pointer+"/"+escapePointer(field.Key))...)
		}
		return problems
	case fixtures.Array:
		arr, ok := actual.([]any)
		if !ok || len(arr) != len(p.Items) {
			return mismatch("%s: %s", itemCount(len(p.Items)), f.render(p))
		}
		var problems []string
		for i, item := range p.Items {
			problems = append(problems, f.match(item, arr[i], true, where, pointer+"/"+strconv.Itoa(i))...)
		}
		return problems
	case fixtures.Match:
		if !present {
			return mismatch("%s", p.Matcher)
		}
		if reason := f.applyMatcher(p.Matcher, actual, pointer); reason != "" {
			return mismatch("%s", reason)
		}
		return nil
	}
	want, err := f.literal(p)
	if err != nil {
		return []string{fmt.Sprintf("%s %s: cannot compute the expected value: %v", where, pointer, err)}
	}
	if !present || !reflect.DeepEqual(want, actual) {
		return mismatch("%s", show(want))
	}
	return nil
}

// render shows a pattern with its placeholders filled in where they can
// be.
func (f *flow) render(p *fixtures.Pattern) string {
	switch p.Kind {
	case fixtures.Object:
		parts := make([]string, len(p.Fields))
		for i, field := range p.Fields {
			parts[i] = show(field.Key) + ": " + f.render(field.Pattern)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case fixtures.Array:
		parts := make([]string, len(p.Items))
		for i, item := range p.Items {
			parts[i] = f.render(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case fixtures.Match:
		return p.Matcher.String()
	}
	v, err := f.literal(p)
	if err != nil {
		return p.Value.(fixtures.Template).Source
	}
	return show(v)
}

// literal is a Literal pattern's value, its template filled in.
func (f *flow) literal(p *fixtures.Pattern) (any, error) {
	if t, ok := p.Value.(fixtures.Template); ok {
		if ref, whole := t.Whole(); whole && fixtures.IsSpecValue(ref.Name) && ref.Filter == "" {
			return f.step.value(ref) // a bound stays a number
		}
		return f.expand(t)
	}
	return p.Value, nil
}

// applyMatcher says how actual fails the matcher, or "" when it does not.
func (f *flow) applyMatcher(m fixtures.Matcher, actual any, pointer string) string {
	s, isString := actual.(string)
	switch m.Name {
	case fixtures.MatchUUID:
		if !isString || !lowerUUID.MatchString(s) {
			return "a lowercase uuid"
		}
	case fixtures.MatchUUIDv4:
		if !isString || !lowerUUIDv4.MatchString(s) {
			return "a lowercase version 4 uuid"
		}
	case fixtures.MatchDateTime:
		if _, ok := utcTime(actual); !ok {
			return "an RFC 3339 date-time in UTC, with a Z"
		}
	case fixtures.MatchNow:
		t, ok := utcTime(actual)
		if !ok {
			return "an RFC 3339 date-time in UTC, with a Z, of the step's exchange"
		}
		skew := f.clockSkew()
		if t.Before(f.sent.Add(-skew)) || t.After(f.received.Add(skew)) {
			return fmt.Sprintf("a date-time between the request's send (%s) and its answer (%s) on the runner's clock, within the clock skew of %s (--clock-skew); it is %s",
				f.sent.UTC().Format(time.RFC3339Nano), f.received.UTC().Format(time.RFC3339Nano), skew, offClock(t, f.sent, f.received))
		}
	case fixtures.MatchString:
		if !isString || s == "" {
			return "a non-empty string"
		}
	case fixtures.MatchRegexp:
		if !isString || !m.Regexp.MatchString(s) {
			return "a string matching " + m.Regexp.String()
		}
	case fixtures.MatchUnchangedSince:
		before, ok := resolvePointer(f.bodies[m.Step], pointer)
		if !ok {
			return fmt.Sprintf("the value of step %q at %s, which it did not have", m.Step, pointer)
		}
		if !reflect.DeepEqual(before, actual) {
			return fmt.Sprintf("%s unchanged since step %q", show(before), m.Step)
		}
	case fixtures.MatchLaterThan:
		before, ok := resolvePointer(f.bodies[m.Step], pointer)
		beforeTime, isTime := utcTime(before)
		if !ok || !isTime {
			return fmt.Sprintf("a date-time later than step %q's at %s, which had none", m.Step, pointer)
		}
		if t, ok := utcTime(actual); !ok || !t.After(beforeTime) {
			return fmt.Sprintf("a date-time later than %s (step %q)", show(before), m.Step)
		}
	}
	return ""
}

// utcTime parses an RFC 3339 time written in UTC with a Z, as the service
// writes them.
func utcTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || !strings.HasSuffix(s, "Z") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func (f *flow) checkList(l *fixtures.ListExpect, body any) []string {
	where := "body " + cmp.Or(l.At, "/")
	v, ok := resolvePointer(body, l.At)
	items, isList := v.([]any)
	if !ok || !isList {
		return []string{fmt.Sprintf("%s: expected an array, got %s", where, show(v))}
	}
	var problems []string
	if l.Length != nil {
		length := *l.Length
		if length.MaxTemplate != nil {
			ref, _ := length.MaxTemplate.Whole()
			v, err := f.step.value(ref)
			bound, isNumber := v.(float64)
			if err != nil || !isNumber {
				return []string{fmt.Sprintf("%s: cannot read the length's max %s: %v", where, ref, err)}
			}
			length.Max = int(bound)
		}
		if n := len(items); n < length.Min || (length.Max >= 0 && n > length.Max) {
			problems = append(problems, fmt.Sprintf("%s: expected %s, got %d", where, lengthText(length), n))
		}
	}
	if len(l.SortedBy) > 0 {
		for i := 1; i < len(items); i++ {
			if compareBy(items[i-1], items[i], l.SortedBy) > 0 {
				problems = append(problems, fmt.Sprintf("%s: expected items sorted by %s, got item %d %s before item %d %s",
					where, strings.Join(l.SortedBy, ", "), i-1, show(sortKeys(items[i-1], l.SortedBy)), i, show(sortKeys(items[i], l.SortedBy))))
				break
			}
		}
	}
	if l.InDeclarationOrder {
		if problem := f.step.declarationOrder(items); problem != "" {
			problems = append(problems, where+": "+problem)
		}
	}
	itemPointer := func(i int) string { return l.At + "/" + strconv.Itoa(i) }
	if l.Each != nil {
		for i, item := range items {
			if p := f.match(l.Each, item, true, "body", itemPointer(i)); len(p) > 0 {
				problems = append(problems, p...)
				break // one item shows the fault; all of them would drown it
			}
		}
	}
	for i, p := range l.StartsWith {
		if i >= len(items) {
			problems = append(problems, fmt.Sprintf("%s: expected item %d to match %s, got %s", where, i, f.render(p), itemCount(len(items))))
			break
		}
		problems = append(problems, f.match(p, items[i], true, "body", itemPointer(i))...)
	}
	for _, p := range l.Contains {
		if f.find(p, items, l.At) < 0 {
			problems = append(problems, fmt.Sprintf("%s: expected an item matching %s, got none among %d", where, f.render(p), len(items)))
		}
	}
	for _, p := range l.Excludes {
		if i := f.find(p, items, l.At); i >= 0 {
			problems = append(problems, fmt.Sprintf("%s: expected no item matching %s, got item %d %s", where, f.render(p), i, show(items[i])))
		}
	}
	return problems
}

// find is the index of the first item matching p, or -1.
func (f *flow) find(p *fixtures.Pattern, items []any, at string) int {
	for i, item := range items {
		if len(f.match(p, item, true, "", at+"/"+strconv.Itoa(i))) == 0 {
			return i
		}
	}
	return -1
}

func lengthText(l fixtures.Length) string {
	switch {
	case l.Min == l.Max:
		return itemCount(l.Min)
	case l.Max < 0:
		return "at least " + itemCount(l.Min)
	}
	return fmt.Sprintf("%d to %d items", l.Min, l.Max)
}

func itemCount(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}

// compareBy orders two items by keys in turn; date-times compare as
// times, so that 05:31:56Z sorts before 05:31:56.5Z.
func compareBy(a, b any, keys []string) int {
	am, _ := a.(map[string]any)
	bm, _ := b.(map[string]any)
	for _, k := range keys {
		if c := compareValues(am[k], bm[k]); c != 0 {
			return c
		}
	}
	return 0
}

func compareValues(a, b any) int {
	if at, ok := utcTime(a); ok {
		if bt, ok := utcTime(b); ok {
			return at.Compare(bt)
		}
	}
	if an, ok := a.(float64); ok {
		if bn, ok := b.(float64); ok {
			return cmp.Compare(an, bn)
		}
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func sortKeys(item any, keys []string) map[string]any {
	m, _ := item.(map[string]any)
	out := map[string]any{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// resolvePointer follows a JSON pointer (RFC 6901) into a decoded body.
func resolvePointer(v any, pointer string) (any, bool) {
	if pointer == "" {
		return v, true
	}
	for _, token := range strings.Split(pointer[1:], "/") {
		token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[token]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(token)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func escapePointer(key string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// show renders a value as JSON, shortened.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > maxShownBody {
		return string(b[:maxShownBody]) + "…"
	}
	return string(b)
}

// DefaultClockSkew is how far a server's clock may be from the runner's
// for @now: NTP keeps servers within milliseconds; a second more covers a
// container's drift and a time written before the row is committed.
const DefaultClockSkew = 2 * time.Second

func (f *flow) clockSkew() time.Duration {
	if f.cfg.ClockSkew > 0 {
		return f.cfg.ClockSkew
	}
	return DefaultClockSkew
}

// offClock says how far t lies outside [sent, received].
func offClock(t, sent, received time.Time) string {
	if t.Before(sent) {
		return sent.Sub(t).Round(time.Millisecond).String() + " before the send"
	}
	return t.Sub(received).Round(time.Millisecond).String() + " after the answer"
}
