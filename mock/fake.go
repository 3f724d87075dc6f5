package mock

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"net/netip"
	"net/url"
	"regexp"
	"regexp/syntax"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// seedEpoch anchors generated timestamps, so a seed gives the same world on
// every machine and every day.
var seedEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// faker generates values from the spec's schemas, picking by field name so
// that people look real. One faker, one seed: the same sequence of calls
// gives the same values.
type faker struct {
	f *gofakeit.Faker
	// person is the one that name-like fields of the object being generated
	// describe, so that email, name and picture agree.
	person *person
	email  string
	// names are each object schema's properties in name order, sorted once
	// (up to maxCachedSchemas schemas).
	names map[*openapi3.Schema][]string
	// seed made f; sideF is drawn from it for what the main sequence never
	// drew (see side).
	seed  int64
	sideF *gofakeit.Faker
	// problem is the first schema the faker found no valid value for.
	problem error
}

const maxCachedSchemas = 64

// person is who the name-like fields of one generated object describe:
// the given and family names, the display name and nickname the person
// goes by (not always the given and family names: see newPerson).
type person struct{ FirstName, LastName, Name, Nickname string }

// emailDomains are reserved for examples: generated people never mail anyone.
var emailDomains = []string{"example.com", "example.org", "example.net"}

// newFaker takes gofakeit's unlocked source: the same sequence as New's
// without a lock per number (a twentieth of a 100,000-member world). A
// faker is used by one goroutine at a time: the seed's, or under
// Server.idMu.
func newFaker(seed int64) *faker { return &faker{f: gofakeit.NewUnlocked(seed), seed: seed} }

// uuid4 is a random version 4 uuid from the seeded source.
func (g *faker) uuid4() string { return strings.ToLower(g.f.UUID()) }

// value generates a value for a schema; name is the property's name, which
// picks realistic content for well-known fields. Every value is valid for
// the schema: a realistic one where the schema allows it, one drawn from
// the schema's own constraints (pattern, bounds, format, lengths) where it
// constrains more. Where the faker finds no valid value it says why in
// problem, which the start-up check (checkGenerable) turns into an error.
func (g *faker) value(name string, ref *openapi3.SchemaRef, required bool) any {
	s, nullable := spec.Underlying(ref)
	if s == nil {
		return nil
	}
	if nullable && s.Always == nil && !s.Nullable && spec.AcceptsAnything(s) {
		// 3.0's {} takes any value but null (kin-openapi's visitor: "Value
		// is not nullable"); 3.1's is JSON Schema's true (spec.Load).
		nullable = false
	}
	// Null sometimes where the schema allows it (3.0's nullable, 3.1's
	// anyOf with null or type array), never where it does not.
	if nullable && !required && g.f.Number(1, 12) == 1 {
		return nil
	}
	return g.valueOf(name, s)
}

// valueOf generates a value for a schema read through spec.Underlying.
func (g *faker) valueOf(name string, s *openapi3.Schema) any {
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil {
		return g.composed(name, s)
	}
	if s.Const != nil {
		return s.Const
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.f.Number(0, len(s.Enum)-1)]
	}
	if s.Type.IsMultiple() {
		// type: [integer, string]: one of them (null is Underlying's).
		types := s.Type.Slice()
		c := *s
		c.Type = &openapi3.Types{types[g.f.Number(0, len(types)-1)]}
		return g.valueOf(name, &c)
	}
	switch {
	case s.Type.Is("object"):
		return g.object(s)
	case s.Type.Is("array"):
		return g.array(name, s)
	case s.Type.Is("integer"):
		return g.integer(s)
	case s.Type.Is("number"):
		return g.number(s)
	case s.Type.Is("boolean"):
		if d, ok := s.Default.(bool); ok {
			// The default mostly, the other value sometimes: both occur in
			// a world. Drawn from the side source, so that the main
			// sequence, and with it every seeded world, stays the one it
			// was when a default was always taken.
			if g.side().Number(1, 4) == 1 {
				return !d
			}
			return d
		}
		return g.f.Bool()
	}
	return g.text(name, s)
}

// side is the faker's second source, from the same seed: for draws the
// generator did not make before (a boolean with a default), so that they
// leave the main sequence as it was.
func (g *faker) side() *gofakeit.Faker {
	if g.sideF == nil {
		g.sideF = gofakeit.NewUnlocked(g.seed ^ 0x51de)
	}
	return g.sideF
}

// fail records the first reason the faker could not make a valid value.
func (g *faker) fail(format string, args ...any) {
	if g.problem == nil {
		g.problem = fmt.Errorf(format, args...)
	}
}

// maxAttempts bounds every draw-and-check loop of the generator.
const maxAttempts = 64

// composed generates for a schema with allOf, anyOf, oneOf or not of its
// own (the wrappers spec.Underlying unwraps aside): a value of one branch
// (anyOf, oneOf) or of the branches merged (allOf), kept when the whole
// schema accepts it (oneOf: that branch alone), drawn again otherwise.
func (g *faker) composed(name string, s *openapi3.Schema) any {
	base := *s
	base.AllOf, base.AnyOf, base.OneOf, base.Not = nil, nil, nil, nil
	merged := mergeAllOf(&base, s.AllOf)
	// The null branches aside: value has drawn null already where it may.
	var branches []*openapi3.Schema
	for _, ref := range slices.Concat(s.AnyOf, s.OneOf) {
		if b, _ := spec.Underlying(ref); b != nil && !b.Type.Is(openapi3.TypeNull) {
			branches = append(branches, b)
		}
	}
	// A union that adds nothing of its own is generated by its branch
	// alone, which may be a union or an allOf itself.
	bare := spec.AcceptsAnything(merged)
	var v any
	for range maxAttempts {
		switch {
		case len(branches) == 0:
			v = g.valueOf(name, merged)
		case bare:
			v = g.valueOf(name, branches[g.f.Number(0, len(branches)-1)])
		default:
			branch := branches[g.f.Number(0, len(branches)-1)]
			v = g.valueOf(name, mergeAllOf(merged, openapi3.SchemaRefs{{Value: branch}}))
		}
		if conforms(s, v) {
			return v
		}
	}
	g.fail("no value of %s's branches meets the whole schema (allOf, anyOf, oneOf, not) in %d draws", orName(name), maxAttempts)
	return v
}

// orName is how a failure names the value: its property, or the body.
func orName(name string) string {
	if name == "" {
		return "the body"
	}
	return strconv.Quote(name)
}

// mergeAllOf is s with the constraints of the branches it lacks and their
// properties and required names: a value of it is one of every branch.
func mergeAllOf(s *openapi3.Schema, branches openapi3.SchemaRefs) *openapi3.Schema {
	if len(branches) == 0 {
		return s
	}
	m := *s
	m.Properties = maps.Clone(s.Properties)
	m.Required = slices.Clone(s.Required)
	for _, ref := range branches {
		b, _ := spec.Underlying(ref)
		if b == nil {
			continue
		}
		b = mergeAllOf(b, b.AllOf)
		if m.Type.IsEmpty() {
			m.Type = b.Type
		}
		if m.Format == "" {
			m.Format = b.Format
		}
		if m.Pattern == "" {
			m.Pattern = b.Pattern
		}
		if m.Enum == nil {
			m.Enum = b.Enum
		}
		if m.Const == nil {
			m.Const = b.Const
		}
		m.MinLength = max(m.MinLength, b.MinLength)
		if m.MaxLength == nil || b.MaxLength != nil && *b.MaxLength < *m.MaxLength {
			m.MaxLength = b.MaxLength
		}
		if m.Min == nil || b.Min != nil && *b.Min > *m.Min {
			m.Min, m.ExclusiveMin = b.Min, b.ExclusiveMin
		}
		if m.Max == nil || b.Max != nil && *b.Max < *m.Max {
			m.Max, m.ExclusiveMax = b.Max, b.ExclusiveMax
		}
		if m.MultipleOf == nil {
			m.MultipleOf = b.MultipleOf
		}
		if m.Items == nil {
			m.Items = b.Items
		}
		m.MinItems = max(m.MinItems, b.MinItems)
		if m.MaxItems == nil {
			m.MaxItems = b.MaxItems
		}
		m.UniqueItems = m.UniqueItems || b.UniqueItems
		if m.AdditionalProperties.Schema == nil && m.AdditionalProperties.Has == nil {
			m.AdditionalProperties = b.AdditionalProperties
		}
		for name, p := range b.Properties {
			if m.Properties == nil {
				m.Properties = openapi3.Schemas{}
			}
			if _, ok := m.Properties[name]; !ok {
				m.Properties[name] = p
			}
		}
		for _, r := range b.Required {
			if !slices.Contains(m.Required, r) {
				m.Required = append(m.Required, r)
			}
		}
	}
	return &m
}

// checkOptions are the formats the mock's documents validate with
// (spec.Load registers uuid on each; date and date-time are kin-openapi's
// own), for the generator's own check of a composed value.
var checkOptions = []openapi3.SchemaValidationOption{
	openapi3.VisitAsResponse(),
	openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
		"uuid": openapi3.NewCallbackValidator(func(s string) error {
			if !spec.IsUUID(s) {
				return errors.New("not a valid uuid")
			}
			return nil
		}),
	}),
}

// conforms tells whether v, once JSON, is valid for s.
func conforms(s *openapi3.Schema, v any) bool {
	return s.VisitJSON(jsonValue(v), checkOptions...) == nil
}

// array generates between minItems and maxItems items (one to three when
// the schema leaves it open), all different where uniqueItems says so.
func (g *faker) array(name string, s *openapi3.Schema) []any {
	n := 1 + g.f.Number(0, 2)
	if s.MinItems > uint64(n) {
		n = int(min(s.MinItems, 10000))
	}
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	// A tuple (3.1's prefixItems, pydantic's tuple[...]): its positions
	// first, as many as the bounds allow.
	prefix := s.PrefixItems
	if len(prefix) > 0 {
		n = max(n, len(prefix))
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		if s.Items == nil {
			n = min(n, len(prefix))
		}
	}
	items := s.Items
	if items == nil {
		items = &openapi3.SchemaRef{Value: &openapi3.Schema{}}
	}
	out := make([]any, 0, n)
	var seen map[string]bool
	if s.UniqueItems {
		seen = map[string]bool{}
	}
	outerPerson, outerEmail := g.person, g.email
	defer func() { g.person, g.email = outerPerson, outerEmail }()
	for tries := 0; len(out) < n && tries < n+maxAttempts; tries++ {
		of := items
		if len(out) < len(prefix) {
			of = prefix[len(out)]
		}
		v := g.value(name, of, true)
		if seen != nil {
			key, _ := json.Marshal(v)
			if seen[string(key)] {
				// The values of one person (email, picture) repeat
				// within an object: the next item is another's.
				g.newPerson()
				continue
			}
			seen[string(key)] = true
		}
		out = append(out, v)
	}
	if uint64(len(out)) < s.MinItems {
		g.fail("%s: %d distinct items found for minItems %d", orName(name), len(out), s.MinItems)
	}
	return out
}

// The open side of a numeric range lies this far from the other side.
const openSpan = 1000

// integer generates an integer within the schema's bounds, a multiple of
// multipleOf where it says one, within its format's range.
func (g *faker) integer(s *openapi3.Schema) int {
	for _, beyond := range []bool{s.Min != nil && *s.Min > safeInt, s.ExclusiveMin.Value != nil && *s.ExclusiveMin.Value > safeInt,
		s.Max != nil && *s.Max < -safeInt, s.ExclusiveMax.Value != nil && *s.ExclusiveMax.Value < -safeInt} {
		if beyond {
			g.fail("the integers the schema allows are beyond ±2^52, the ones the mock generates (exact as JSON numbers)")
			return 0
		}
	}
	lo, hi := integerBounds(s)
	if lo > hi {
		g.fail("no integer is at least %d and at most %d", lo, hi)
		return lo
	}
	if s.MultipleOf == nil {
		return g.f.Number(lo, hi)
	}
	step, ok := decimal(*s.MultipleOf)
	if !ok {
		g.fail("multipleOf %v is not a positive number", *s.MultipleOf)
		return lo
	}
	// The integers that are multiples of p/q are the multiples of p.
	p := new(big.Int).Set(step.Num())
	if !p.IsInt64() || p.Int64() <= 0 || p.Int64() > 1<<53 {
		g.fail("multipleOf %v is out of range", *s.MultipleOf)
		return lo
	}
	m := int(p.Int64())
	kLo, kHi := ceilDiv(lo, m), floorDiv(hi, m)
	if kLo > kHi {
		g.fail("no multiple of %v lies between %d and %d", *s.MultipleOf, lo, hi)
		return lo
	}
	return g.f.Number(kLo, kHi) * m
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int) int { return -floorDiv(-a, b) }

// decimal is x as the fraction its shortest decimal form says (0.1 is
// 1/10, not the binary float's fraction).
func decimal(x float64) (*big.Rat, bool) {
	if !(x > 0) || math.IsInf(x, 0) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	return r, ok
}

// safeInt bounds the integers generated: every one is exact as a JSON
// number (2^53) and gofakeit's ranges do not overflow.
const safeInt = 1 << 52

// integerBounds are the least and greatest integers a schema allows
// (openSpan from the other side, or 0 to 1000, where it leaves a side
// open): 3.0 says an exclusive bound with a boolean beside minimum or
// maximum, 3.1 with a number. A format's range (int32) applies too.
func integerBounds(s *openapi3.Schema) (lo, hi int) {
	lo, hi = 0, 1000
	clamp := func(f float64) float64 { return max(-safeInt, min(safeInt, f)) }
	loSet, hiSet := false, false
	if s.Min != nil {
		lo, loSet = int(math.Ceil(clamp(*s.Min))), true
		if s.ExclusiveMin.IsTrue() && float64(lo) == *s.Min {
			lo++
		}
	}
	if v := s.ExclusiveMin.Value; v != nil && (s.Min == nil || *v >= *s.Min) {
		lo, loSet = int(math.Floor(clamp(*v)))+1, true
	}
	if s.Max != nil {
		hi, hiSet = int(math.Floor(clamp(*s.Max))), true
		if s.ExclusiveMax.IsTrue() && float64(hi) == *s.Max {
			hi--
		}
	}
	if v := s.ExclusiveMax.Value; v != nil && (s.Max == nil || *v <= *s.Max) {
		hi, hiSet = int(math.Ceil(clamp(*v)))-1, true
	}
	switch {
	case loSet && !hiSet && lo > hi:
		hi = lo + openSpan
	case hiSet && !loSet && hi < lo:
		lo = hi - openSpan
	}
	if s.Format == "int32" {
		lo, hi = max(lo, math.MinInt32), min(hi, math.MaxInt32)
	}
	return lo, hi
}

// numberBounds are the range a number schema allows, with whether each
// side is exclusive, and whether it says any bound at all.
func numberBounds(s *openapi3.Schema) (lo, hi float64, loEx, hiEx, bounded bool) {
	loSet, hiSet := false, false
	if s.Min != nil {
		lo, loSet, loEx = *s.Min, true, s.ExclusiveMin.IsTrue()
	}
	if v := s.ExclusiveMin.Value; v != nil && (!loSet || *v >= lo) {
		lo, loSet, loEx = *v, true, true
	}
	if s.Max != nil {
		hi, hiSet, hiEx = *s.Max, true, s.ExclusiveMax.IsTrue()
	}
	if v := s.ExclusiveMax.Value; v != nil && (!hiSet || *v <= hi) {
		hi, hiSet, hiEx = *v, true, true
	}
	switch {
	case !loSet && !hiSet:
		lo, hi = 0, openSpan
	case !hiSet:
		hi = max(lo, 0) + openSpan
	case !loSet:
		lo = min(hi, 0) - openSpan
	}
	return lo, hi, loEx, hiEx, loSet || hiSet
}

// number generates a number within the schema's bounds, inclusive or
// exclusive, a multiple of multipleOf where it says one; two decimals
// where they fit.
func (g *faker) number(s *openapi3.Schema) float64 {
	lo, hi, loEx, hiEx, bounded := numberBounds(s)
	if !bounded && s.MultipleOf == nil {
		return g.f.Float64Range(0, 1000)
	}
	in := func(v float64) bool {
		return (v > lo || !loEx && v == lo) && (v < hi || !hiEx && v == hi)
	}
	if s.MultipleOf != nil {
		step, ok := decimal(*s.MultipleOf)
		if !ok {
			g.fail("multipleOf %v is not a positive number", *s.MultipleOf)
			return lo
		}
		m, _ := step.Float64()
		kLo, kHi := math.Ceil(lo/m), math.Floor(hi/m)
		kLo, kHi = max(kLo, -safeInt), min(kHi, safeInt)
		multiple := func(k float64) float64 {
			v, _ := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(k)), step).Float64()
			return v
		}
		for ; kLo <= kHi && !in(multiple(kLo)); kLo++ {
		}
		for ; kHi >= kLo && !in(multiple(kHi)); kHi-- {
		}
		if kLo > kHi {
			g.fail("no multiple of %v lies between %v and %v", *s.MultipleOf, lo, hi)
			return lo
		}
		return multiple(float64(g.f.Number(int(kLo), int(kHi))))
	}
	if lo > hi || lo == hi && (loEx || hiEx) {
		g.fail("no number lies between %v and %v", lo, hi)
		return lo
	}
	for range maxAttempts {
		v := g.f.Float64Range(lo, hi)
		if r := math.Round(v*100) / 100; in(r) {
			return r
		}
		if in(v) {
			return v
		}
	}
	return (lo + hi) / 2
}

// resolved is the schema a property's values meet, through the wrappers
// spec.Underlying reads (allOf, anyOf or oneOf with null, type arrays).
func resolved(ref *openapi3.SchemaRef) *openapi3.Schema {
	s, _ := spec.Underlying(ref)
	return s
}

// underlying is resolved, under the name the rules read the user's shape
// by: the document's own schema, whose declaration order the spec knows
// by its address.
func underlying(ref *openapi3.SchemaRef) *openapi3.Schema { return resolved(ref) }

// object generates every property in name order (map order would break
// reproducibility), required ones always.
// A dict (additionalProperties with a schema) gets one to three entries
// of it; a required name the properties do not declare gets a value of
// additionalProperties, or a word.
func (g *faker) object(s *openapi3.Schema) map[string]any {
	out := make(map[string]any, len(s.Properties))
	g.eachProperty(s, func(name string, v any) { out[name] = v })
	extra := s.AdditionalProperties.Schema
	for _, name := range s.Required {
		if _, ok := out[name]; !ok && s.Properties[name] == nil {
			if extra != nil {
				out[name] = g.value(name, extra, true)
			} else {
				out[name] = g.f.Word()
			}
		}
	}
	if extra != nil && len(s.Properties) == 0 {
		for n := g.f.Number(1, 3); n > 0; n-- {
			key := strings.ToLower(g.f.Word())
			if _, ok := out[key]; !ok {
				out[key] = g.value(key, extra, true)
			}
		}
	}
	if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
		for tries := 0; uint64(len(out)) < s.MinProps && tries < maxAttempts; tries++ {
			key := strings.ToLower(g.f.Word())
			if _, ok := out[key]; !ok && s.Properties[key] == nil {
				if extra != nil {
					out[key] = g.value(key, extra, true)
				} else {
					out[key] = g.f.Word()
				}
			}
		}
	}
	if s.MaxProps != nil {
		for _, name := range slices.Sorted(maps.Keys(out)) {
			if uint64(len(out)) <= *s.MaxProps {
				break
			}
			if !slices.Contains(s.Required, name) {
				delete(out, name)
			}
		}
	}
	return out
}

// eachProperty generates the properties of an object for one new person,
// in name order, required ones always, and hands each to visit.
func (g *faker) eachProperty(s *openapi3.Schema, visit func(name string, v any)) {
	outerPerson, outerEmail := g.person, g.email
	g.newPerson()
	defer func() { g.person, g.email = outerPerson, outerEmail }()
	names, ok := g.names[s]
	if !ok {
		names = slices.Sorted(maps.Keys(s.Properties))
		if g.names == nil {
			g.names = map[*openapi3.Schema][]string{}
		}
		// resolved copies a wrapped schema on every call: a long-lived
		// faker (the server's) would grow the cache without a bound.
		if len(g.names) < maxCachedSchemas {
			g.names[s] = names
		}
	}
	for _, n := range names {
		// A response never carries a write-only property.
		if p := s.Properties[n]; p != nil && p.Value != nil && p.Value.WriteOnly {
			continue
		}
		visit(n, g.value(n, s.Properties[n], slices.Contains(s.Required, n)))
	}
}

// text generates a string: a realistic one by the property's name or
// format, kept when the schema accepts it; else one drawn from the
// schema's pattern, format and lengths.
func (g *faker) text(name string, s *openapi3.Schema) string {
	if digits, places, ok := spec.DecimalLimits(s); ok {
		return g.decimal(digits, places)
	}
	v := g.realistic(name, s)
	if stringFits(s, v) {
		return v
	}
	return g.constrainedText(name, s)
}

// realistic is a string by the property's name or format; one of no
// format cut or padded to the schema's lengths.
func (g *faker) realistic(name string, s *openapi3.Schema) string {
	if g.person == nil {
		g.newPerson()
	}
	p := g.person
	var v string
	switch {
	case s.Format == "uuid":
		v = g.uuid4()
	case s.Format == "date-time":
		v = seedEpoch.Add(time.Duration(g.f.Number(0, 540*24*3600)) * time.Second).Format(timeLayout)
	case name == "email" || s.Format == "email":
		v = g.email
	case name == "given_name":
		v = p.FirstName
	case name == "family_name":
		v = p.LastName
	case name == "name":
		v = p.Name
	case name == "nickname":
		v = p.Nickname
	case name == "picture" || s.Format == "uri":
		v = "https://i.pravatar.cc/300?u=" + url.QueryEscape(g.email)
	case name == "auth0_sub":
		v = "auth0|" + g.hex(12)
	case s.Format == "date":
		v = seedEpoch.Add(time.Duration(g.f.Number(0, 540)) * 24 * time.Hour).Format(time.DateOnly)
	case strings.Contains(name, "phone"):
		v = g.f.Phone()
	case name == "locale" || name == "language":
		v = g.f.LanguageBCP()
	case name == "timezone" || name == "time_zone":
		v = g.f.TimeZoneRegion()
	case name == "country":
		v = g.f.Country()
	case name == "city":
		v = g.f.City()
	case name == "company" || name == "organization_name":
		v = g.f.Company()
	case name == "url" || name == "website" || strings.HasSuffix(name, "_url"):
		v = g.f.URL()
	case name == "description" || name == "bio" || name == "about":
		v = g.f.Sentence(10)
	case name == "title" || name == "job_title":
		v = g.f.JobTitle()
	case name == "department":
		v = g.f.JobDescriptor()
	case name == "detail" || name == "msg":
		v = g.f.Sentence(6)
	default:
		v = g.f.Word()
	}
	if s.Format != "" {
		// Cut or padded it would be no value of its format, or a
		// degenerate one (an avatar URL cut to its query): text draws
		// one from the format then.
		return v
	}
	if s.MaxLength != nil && uint64(utf8.RuneCountInString(v)) > *s.MaxLength {
		v = string([]rune(v)[:*s.MaxLength])
	}
	if n := utf8.RuneCountInString(v); uint64(n) < s.MinLength {
		v += strings.Repeat("x", int(min(s.MinLength, 1<<16))-n)
	}
	return v
}

func (g *faker) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.f.Number(0, 255))
	}
	return hex.EncodeToString(b)
}

// newPerson picks the person the next name-like fields describe, with an
// email made from the names they go by (a number keeps large worlds mostly
// unique). People are as a real organization's are, and so that a search
// can be proven on every field it reads (BEHAVIOUR.md, the list): a fifth
// have an accented given or family name; most go by their given and family
// names, some by an initial and a handle of their own as nickname (their
// given name appears in no other field), some by their given name alone
// (their family name appears in no other field).
func (g *faker) newPerson() {
	// FirstName and LastName only: gofakeit's Person() also makes an
	// address, a job and a card, ten times the work for a large world.
	p := &person{FirstName: g.f.FirstName(), LastName: g.f.LastName()}
	if g.f.Number(1, 5) == 1 {
		p.FirstName = accentedGivenNames[g.f.Number(0, len(accentedGivenNames)-1)]
	}
	if g.f.Number(1, 5) == 1 {
		p.LastName = accentedFamilyNames[g.f.Number(0, len(accentedFamilyNames)-1)]
	}
	var local string
	switch style := g.f.Number(1, 10); {
	case style <= 2: // an initial and a handle: "R. Okafor", "bravelion"
		initial, _ := utf8.DecodeRuneInString(p.FirstName)
		p.Name = string(initial) + ". " + p.LastName
		p.Nickname = strings.ToLower(g.f.Gamertag())
		local = string(initial) + "." + p.LastName
	case style <= 4: // the given name alone: "Renée"
		p.Name, p.Nickname = p.FirstName, strings.ToLower(p.FirstName)
		local = p.FirstName
	default:
		p.Name, p.Nickname = p.FirstName+" "+p.LastName, strings.ToLower(p.FirstName)
		local = p.FirstName + "." + p.LastName
	}
	g.person = p
	local = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r == '.' {
			return r
		}
		return -1
	}, asciiFold.Replace(strings.ToLower(local)))
	g.email = fmt.Sprintf("%s%d@%s", local, g.f.Number(1, 999), emailDomains[g.f.Number(0, len(emailDomains)-1)])
}

// Accented names (gofakeit's are all ASCII), so that the world holds
// non-ASCII letters where a search reads them.
var (
	accentedGivenNames  = []string{"José", "Zoë", "Renée", "Łukasz", "Søren", "Małgorzata", "François", "Jürgen", "Ángel", "Chloé", "Björn", "Inès", "Thérèse", "Dóra", "Çağla", "Håkon"}
	accentedFamilyNames = []string{"Müller", "Núñez", "Ødegaard", "Dvořák", "Çelik", "Gómez", "Lefèvre", "Sørensen", "Wójcik", "Håkansson", "Nguyễn", "Böhm", "García", "Kovačević", "Şahin", "Ström"}
)

// asciiFold spells the accented names' lower-case letters in ASCII, for
// email addresses.
var asciiFold = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "å", "a", "ã", "a", "ą", "a", "æ", "ae",
	"ç", "c", "č", "c", "ć", "c", "đ", "d",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "ę", "e", "ễ", "e", "ğ", "g",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ı", "i", "ł", "l", "ñ", "n", "ń", "n",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "ø", "o", "õ", "o", "ř", "r",
	"š", "s", "ś", "s", "ş", "s", "ß", "ss", "ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ý", "y", "ž", "z", "ź", "z", "ż", "z")

// fill generates the named properties of a row, in order: required ones
// always, optional ones for most rows.
func (g *faker) fill(row *Row, names []string) {
	for _, name := range names {
		i := row.shape.slots[name]
		req := slices.Contains(row.shape.required, name)
		if p := row.shape.props[i]; p != nil && p.Value != nil && p.Value.WriteOnly {
			continue
		}
		if !req && g.f.Number(1, 8) == 1 {
			continue
		}
		row.put(i, g.value(name, row.shape.props[i], req))
	}
}

// newUser generates a user of the user's shape from its schema.
func (g *faker) newUser(sh *shape) User {
	// As value would generate the object, straight into the row.
	u := User{Row: newRow(sh)}
	g.eachProperty(sh.schema, func(name string, v any) { u.Set(name, v) })
	u.setRuled(userID, g.uuid4())
	if sh.ruled[userIsSystemAdmin] >= 0 {
		u.setRuled(userIsSystemAdmin, false)
	}
	return u
}

// newMember generates a membership row: its times, id and the properties
// no rule reads.
func (g *faker) newMember(vocab vocabulary, unruled []string, org, user, role, state string) Row {
	created := seedEpoch.Add(time.Duration(g.f.Number(0, 540*24*3600))*time.Second + time.Duration(g.f.Number(0, 999999))*time.Microsecond)
	updated := created
	if g.f.Bool() {
		updated = created.Add(time.Duration(g.f.Number(1, 90*24*3600)) * time.Second)
	}
	m := Membership{Row: newRow(vocab.member)}
	// In the order of memberRuled.
	for n, v := range [...]string{g.uuid4(), org, user, role, state, formatTime(created), formatTime(updated)} {
		m.setRuled(n, v)
	}
	g.fill(&m.Row, unruled)
	return m.Row
}

// bulkChunk is how many rows of a large world's bulk one faker draws.
const bulkChunk = 2048

// bulkFaker is the faker of one chunk of the bulk: of kind (users,
// members) and chunk, from the world's bulk seed.
func bulkFaker(bulkSeed int64, kind, chunk int) *faker {
	return newFaker(bulkSeed ^ int64(kind+1)<<40 ^ int64(chunk+1)*0x5851f42d)
}

// inChunks runs do over [0, n) in bulkChunk-sized chunks, on every core;
// each chunk runs once.
func inChunks(n int, do func(chunk, lo, hi int)) {
	chunks := (n + bulkChunk - 1) / bulkChunk
	var nextChunk atomic.Int64
	var wg sync.WaitGroup
	for range min(chunks, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for c := int(nextChunk.Add(1) - 1); c < chunks; c = int(nextChunk.Add(1) - 1) {
				do(c, c*bulkChunk, min(n, (c+1)*bulkChunk))
			}
		})
	}
	wg.Wait()
}

// World layout for a seed. The first users hold the development tokens.
// The profile's organization holds more than two default pages of the
// list (primaryMembers): what the paging cases need.
const (
	seedOrganizations = 5
	seedOtherMembers  = 10 // members of the other organization, besides the system admin
	// seedFreeUsers are users of no organization, besides one interleaved
	// with each member of the other organization: the profile's candidates
	// are both.
	seedFreeUsers = 10
	// seedPrimaryMembers is the profile's organization on openapi.yaml
	// (page_size defaults to 50): primaryMembers(50).
	seedPrimaryMembers = 2*fallbackPageSize + 20
	// fallbackPageSize stands for a list that declares no page_size
	// default: the rulebook's (BEHAVIOUR.md: page_size defaults to 50).
	fallbackPageSize = 50
)

// primaryMembers is the size of the profile's organization in the default
// world: two default pages of the list and a part of a third, so that the
// pages tile, the second page is full and a page past the end is empty
// (BEHAVIOUR.md, the list).
func primaryMembers(defaultPageSize int) int {
	return max(24, 2*min(defaultPageSize, 1000)+20)
}

// defaultPageSize is the default of the member list's page size (the
// parameter of that shape, whatever its name: internal/spec's
// ListParameters) in the spec, fallbackPageSize where the list declares
// none.
func defaultPageSize(sp *spec.Spec) int {
	if n := sp.ListParameters(sp.Members().Route(opList)).SizeDefault; n >= 1 {
		return n
	}
	return fallbackPageSize
}

// Seeded organizations look real: most members are active analysts, a few
// admins, system admins are rare, pending and suspended a minority. A role
// or state the spec adds weighs 1.
var (
	seedRoleWeights  = map[string]int{RoleAnalyst: 16, RoleOrgAdmin: 3, RoleSystemAdmin: 1}
	seedStateWeights = map[string]int{StateActive: 17, StatePending: 2, StateSuspended: 1}
)

// weighted lists each value as often as its weight, in the spec's order,
// for a uniform pick.
func weighted(values []string, weights map[string]int) []string {
	var out []string
	for _, v := range values {
		for n := max(weights[v], 1); n > 0; n-- {
			out = append(out, v)
		}
	}
	return out
}

// seedState builds the world for a seed: several organizations, dozens of
// users, members across all roles and states, and the identities. primary
// is the size of the profile's organization in the default world;
// members, when larger, the size it grows to.
func seedState(g *faker, vocab vocabulary, primary, members int) State {
	var st State
	for i := 0; i < seedOrganizations; i++ {
		st.Organizations = append(st.Organizations, Organization{ID: g.uuid4(), Name: g.f.Company()})
	}
	orgID, other := st.Organizations[0].ID, st.Organizations[1].ID
	st.OrganizationID, st.OtherOrganizationID = orgID, other

	// Users: five token holders, the profile organization's other members,
	// then the other organization's members each after a free user, then
	// free users.
	baseMix := primary - 3 - len(vocab.Roles) - len(vocab.States)
	base := 5 + len(vocab.Roles) + len(vocab.States) + max(baseMix, 0) + 2*seedOtherMembers + seedFreeUsers
	grown := max(0, members-primary)
	userCount := base + grown
	users := make([]User, userCount)
	for i := range users[:base] {
		users[i] = g.newUser(vocab.user)
	}
	// A world grown past the base one (--members) draws its bulk from
	// fakers of its own, one per chunk, on every core: the base world's
	// values are today's, the bulk's are another seeded sequence.
	var bulkSeed int64
	if grown > 0 {
		bulkSeed = g.f.Int64()
	}
	inChunks(grown, func(chunk, lo, hi int) {
		f := bulkFaker(bulkSeed, 0, chunk)
		for i := base + lo; i < base+hi; i++ {
			users[i] = f.newUser(vocab.user)
		}
	})
	if vocab.user.ruled[userIsSystemAdmin] >= 0 {
		users[0].setRuled(userIsSystemAdmin, true)
	}
	st.Users = make([]Row, 0, len(users))
	for _, u := range users {
		st.Users = append(st.Users, u.Row)
	}
	sysAdmin, orgAdmin, analyst, suspended, outsider := users[0].ID(), users[1].ID(), users[2].ID(), users[3].ID(), users[4].ID()
	st.Identities = []Identity{
		{Standing: "system_admin", Token: TokenSystemAdmin, UserID: sysAdmin},
		{Standing: "org_admin", Token: TokenOrgAdmin, UserID: orgAdmin},
		{Standing: "analyst", Token: TokenAnalyst, UserID: analyst},
		{Standing: "suspended", Token: TokenSuspended, UserID: suspended},
		{Standing: "outsider", Token: TokenOutsider, UserID: outsider},
	}

	roles, states := weighted(vocab.Roles, seedRoleWeights), weighted(vocab.States, seedStateWeights)
	unruled := vocab.unruledMember
	member := func(org, user, role, state string) {
		st.Memberships = append(st.Memberships, g.newMember(vocab, unruled, org, user, role, state))
	}
	pick := func(f *faker, list []string) string { return list[f.f.Number(0, len(list)-1)] }

	// The profile's organization: the standings, then a mix of everything.
	member(orgID, orgAdmin, RoleOrgAdmin, StateActive)
	member(orgID, analyst, RoleAnalyst, StateActive)
	member(orgID, suspended, RoleOrgAdmin, StateSuspended)
	next := 5 // users 0..4 hold the tokens
	// Every role and state of the spec occurs, then the usual mix.
	for _, role := range vocab.Roles {
		member(orgID, users[next].ID(), role, StateActive)
		next++
	}
	for _, state := range vocab.States {
		member(orgID, users[next].ID(), RoleAnalyst, state)
		next++
	}
	for n := baseMix; n > 0; n-- {
		member(orgID, users[next].ID(), pick(g, roles), pick(g, states))
		next++
	}
	tieCreationTimes(st.Memberships)
	bulk := make([]Row, grown)
	inChunks(len(bulk), func(chunk, lo, hi int) {
		f := bulkFaker(bulkSeed, 1, chunk)
		for i := lo; i < hi; i++ {
			role, state := pick(f, roles), pick(f, states)
			bulk[i] = f.newMember(vocab, unruled, orgID, users[next+i].ID(), role, state)
		}
	})
	st.Memberships = append(st.Memberships, bulk...)
	next += len(bulk)
	// The other organization: none of the token holders but the system
	// admin; each of its members follows a user of no organization.
	member(other, sysAdmin, RoleSystemAdmin, StateActive)
	for i := 0; i < seedOtherMembers; i++ {
		member(other, users[next+1].ID(), pick(g, roles), pick(g, states))
		next += 2
	}
	// The outsider administers an organization of its own; the rest spread
	// over the remaining ones. Users past next stay free to add.
	member(st.Organizations[2].ID, outsider, RoleOrgAdmin, StateActive)
	for i, org := range st.Organizations[2:] {
		for j := 0; j < 4; j++ {
			member(org.ID, users[5+i*4+j].ID(), pick(g, roles), pick(g, states))
		}
	}
	return st
}

// tieGroups are where, in the order of the list (created_at), members
// share their created_at, and how many: all on the first default page, so
// that the list's tie-break by id (BEHAVIOUR.md, the list) shows on every
// page size.
var tieGroups = []struct{ at, size int }{{3, 2}, {11, 3}, {27, 2}}

// tieCreationTimes gives the members of each tie group the created_at of
// its first (the seed's members were created together, as by an import),
// and their ids in the reverse order of their user ids, so that a tie
// broken by the row's other uuid comes out otherwise than by id.
func tieCreationTimes(members []Row) {
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return strings.Compare(members[a].ruledString(memberCreatedAt), members[b].ruledString(memberCreatedAt))
	})
	for _, tie := range tieGroups {
		if tie.at+tie.size > len(order) {
			continue
		}
		group := slices.Clone(order[tie.at : tie.at+tie.size])
		slices.SortFunc(group, func(a, b int) int {
			return strings.Compare(members[a].ruledString(memberUserID), members[b].ruledString(memberUserID))
		})
		created := members[order[tie.at]].ruledString(memberCreatedAt)
		var ids []string
		for _, i := range group {
			members[i].setRuled(memberCreatedAt, created)
			ids = append(ids, members[i].ruledString(memberID))
		}
		slices.Sort(ids)
		slices.Reverse(ids)
		for k, i := range group {
			members[i].setRuled(memberID, ids[k])
		}
	}
}

// stringFits tells whether v meets a string schema's lengths (counted as
// kin-openapi counts them, in UTF-16 units, which are characters for the
// generator's characters: it draws none outside the Basic Multilingual
// Plane where it can help it), pattern and format.
func stringFits(s *openapi3.Schema, v string) bool {
	if s.MinLength > 0 || s.MaxLength != nil {
		n := uint64(0)
		for _, r := range v {
			n += uint64(utf16.RuneLen(r))
		}
		if n < s.MinLength || s.MaxLength != nil && n > *s.MaxLength {
			return false
		}
	}
	if s.Pattern != "" {
		re, err := compiledPattern(s.Pattern)
		if err != nil || !re.MatchString(v) {
			return false
		}
	}
	return spec.FormatHolds(s.Format, v)
}

// patterns are the schemas' patterns compiled, by their text.
var patterns sync.Map // string → *regexp.Regexp

func compiledPattern(p string) (*regexp.Regexp, error) {
	if re, ok := patterns.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(spec.GoPattern(p))
	if err != nil {
		return nil, err
	}
	patterns.Store(p, re)
	return re, nil
}

// constrainedText draws strings from the schema's pattern (see
// fromPattern), its format or plain words, at a length its bounds allow,
// until one meets the whole schema.
func (g *faker) constrainedText(name string, s *openapi3.Schema) string {
	lo := int(min(s.MinLength, 1<<12))
	hi := -1
	if s.MaxLength != nil {
		hi = int(min(*s.MaxLength, 1<<12))
	}
	var re *syntax.Regexp
	if s.Pattern != "" {
		var err error
		if re, err = syntax.Parse(spec.GoPattern(s.Pattern), syntax.Perl); err != nil {
			g.fail("%s: pattern %q: %v", orName(name), s.Pattern, err)
			return ""
		}
	}
	v := ""
	for attempt := range maxAttempts {
		switch {
		case re != nil && (s.Format == "" || attempt%2 == 1):
			v = g.fromPattern(re, lo, hi)
		case s.Format != "":
			v = g.formatted(s.Format, lo, hi)
		default:
			v = g.words(lo, hi)
		}
		if stringFits(s, v) {
			return v
		}
	}
	what := []string{}
	if s.Pattern != "" {
		what = append(what, fmt.Sprintf("pattern %q", s.Pattern))
	}
	if s.Format != "" {
		what = append(what, fmt.Sprintf("format %q", s.Format))
	}
	if s.MaxLength != nil {
		what = append(what, fmt.Sprintf("minLength %d, maxLength %d", s.MinLength, *s.MaxLength))
	} else if s.MinLength > 0 {
		what = append(what, fmt.Sprintf("minLength %d", s.MinLength))
	}
	g.fail("%s: no string found in %d draws that meets %s", orName(name), maxAttempts, strings.Join(what, ", "))
	return v
}

// targetLength is a length between lo and hi (hi < 0: no bound), near lo.
func (g *faker) targetLength(lo, hi, usual int) int {
	top := max(lo, usual) + 8
	if hi >= 0 {
		top = min(top, hi)
	}
	if top < lo {
		return lo
	}
	return g.f.Number(lo, top)
}

// words is plain text of a length between lo and hi.
func (g *faker) words(lo, hi int) string {
	n := g.targetLength(lo, hi, 6)
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(g.f.Word()))
	}
	v := []rune(b.String())[:n]
	// No space at either end: it reads as a typo.
	if n > 0 && v[n-1] == ' ' {
		v[n-1] = 'x'
	}
	return string(v)
}

// fromPattern draws a string the regular expression matches, aiming at a
// length between lo and hi (hi < 0: no bound). The generator walks the
// parsed expression (regexp/syntax): a branch of each alternation, a
// character of each class (printable ASCII where the class has some),
// a count of each repetition; anchors and boundaries emit nothing, so the
// caller checks the result. gofakeit's Regex walks it too, but aims at no
// length, returns its own panic text as a value when a repetition runs
// long, and draws a negated class's characters from a fixed alphabet.
func (g *faker) fromPattern(re *syntax.Regexp, lo, hi int) string {
	target := g.targetLength(lo, hi, 4)
	var b strings.Builder
	g.emit(&b, re, target, 0)
	out := b.String()
	// An unanchored pattern matches inside a longer string: pad to the
	// target after the match, the checks decide.
	if n := utf8.RuneCountInString(out); n < lo {
		out += strings.Repeat("x", lo-n)
	}
	return out
}

// maxRepeat bounds a repetition the pattern leaves open.
const maxRepeat = 1 << 12

func (g *faker) emit(b *strings.Builder, re *syntax.Regexp, target, depth int) {
	if depth > 200 || b.Len() > 1<<14 {
		return
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if r, ok := g.classRune(re.Rune); ok {
			b.WriteRune(r)
		}
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteByte(alphanumeric[g.f.Number(0, len(alphanumeric)-1)])
	case syntax.OpCapture:
		g.emit(b, re.Sub[0], target, depth+1)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			g.emit(b, sub, target, depth+1)
		}
	case syntax.OpAlternate:
		g.emit(b, re.Sub[g.f.Number(0, len(re.Sub)-1)], target, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := re.Min, re.Max
		switch re.Op {
		case syntax.OpStar:
			lo, hi = 0, -1
		case syntax.OpPlus:
			lo, hi = 1, -1
		case syntax.OpQuest:
			lo, hi = 0, 1
		}
		if hi < 0 {
			hi = maxRepeat
		}
		// A few at random, then more while the string is short of the
		// target.
		n := lo + g.f.Number(0, min(hi-lo, 3))
		for i := 0; i < hi; i++ {
			if i >= n && utf8.RuneCountInString(b.String()) >= target {
				break
			}
			before := b.Len()
			g.emit(b, re.Sub[0], target, depth+1)
			if i >= lo && b.Len() == before {
				break // the repeated part matched the empty string
			}
		}
	}
}

const alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// classRune picks a character of a class (pairs of inclusive ranges):
// printable ASCII where the class has some, else one of the Basic
// Multilingual Plane (surrogates aside), else any.
func (g *faker) classRune(ranges []rune) (rune, bool) {
	pick := func(lo, hi rune, skip func(rune) bool) (rune, bool) {
		var in []rune // the class cut to [lo, hi], as ranges
		total := 0
		for i := 0; i+1 < len(ranges); i += 2 {
			a, z := max(ranges[i], lo), min(ranges[i+1], hi)
			if a <= z {
				in = append(in, a, z)
				total += int(z-a) + 1
			}
		}
		for range maxAttempts {
			if total == 0 {
				return 0, false
			}
			k := g.f.Number(0, total-1)
			for i := 0; i < len(in); i += 2 {
				if span := int(in[i+1]-in[i]) + 1; k < span {
					if r := in[i] + rune(k); !skip(r) {
						return r, true
					}
					break
				} else {
					k -= span
				}
			}
		}
		return 0, false
	}
	if r, ok := pick(0x21, 0x7e, func(rune) bool { return false }); ok {
		return r, true
	}
	if r, ok := pick(0x20, 0xfffd, func(r rune) bool { return r >= 0xd800 && r <= 0xdfff || !unicode.IsPrint(r) }); ok {
		return r, true
	}
	return pick(0, unicode.MaxRune, func(r rune) bool { return r >= 0xd800 && r <= 0xdfff })
}

// formatted is a value of a string format, of a length between lo and hi
// where the format's shape allows.
func (g *faker) formatted(format string, lo, hi int) string {
	switch format {
	case "uuid":
		return g.uuid4()
	case "uuid1", "uuid3", "uuid4", "uuid5", "uuid6", "uuid7", "uuid8":
		return g.uuidOfVersion(format[4])
	case "date":
		return seedEpoch.Add(time.Duration(g.f.Number(0, 540)) * 24 * time.Hour).Format(time.DateOnly)
	case "date-time":
		return seedEpoch.Add(time.Duration(g.f.Number(0, 540*24*3600)) * time.Second).Format(timeLayout)
	case "time":
		return fmt.Sprintf("%02d:%02d:%02dZ", g.f.Number(0, 23), g.f.Number(0, 59), g.f.Number(0, 59))
	case "duration":
		return fmt.Sprintf("P%dDT%dH%dM", g.f.Number(0, 30), g.f.Number(0, 23), g.f.Number(0, 59))
	case "email", "idn-email":
		// local@domain: the local part takes what length the bounds want;
		// a domain of the length they leave (not a special-use one, which
		// email-validator refuses: spec.FormatHolds).
		domain := "@" + emailDomains[g.f.Number(0, len(emailDomains)-1)]
		if hi >= 0 && hi <= len(domain) {
			domain = "@e.io"
		}
		return strings.ReplaceAll(g.words(max(1, lo-len(domain)), shorter(hi, len(domain))), " ", ".") + domain
	case "name-email":
		return g.f.FirstName() + " <" + g.formatted("email", max(0, lo-12), shorter(hi, 12)) + ">"
	case "uri", "iri", "uri-reference", "iri-reference":
		site := "https://example.com/"
		if hi >= 0 && hi <= len(site) {
			site = "https://e.io/"
		}
		return site + strings.ReplaceAll(g.words(max(1, lo-len(site)), shorter(hi, len(site))), " ", "-")
	case "multi-host-uri":
		return fmt.Sprintf("postgres://app@db%d.example.com:5432,db%d.example.com:5432/%s",
			g.f.Number(1, 4), g.f.Number(5, 9), strings.ToLower(g.f.Word()))
	case "uri-template":
		return "https://example.com/{" + strings.ToLower(g.f.Word()) + "}"
	case "hostname", "idn-hostname":
		return strings.ToLower(g.f.DomainName())
	case "ipv4":
		return g.f.IPv4Address()
	case "ipv6":
		return g.f.IPv6Address()
	case "ipvanyaddress":
		if g.f.Bool() {
			return g.f.IPv4Address()
		}
		return g.f.IPv6Address()
	case "ipv4interface", "ipv4network":
		return g.ipv4Prefix(format == "ipv4network")
	case "ipv6interface", "ipv6network":
		return g.ipv6Prefix(format == "ipv6network")
	case "ipvanyinterface", "ipvanynetwork":
		network := format == "ipvanynetwork"
		if g.f.Bool() {
			return g.ipv4Prefix(network)
		}
		return g.ipv6Prefix(network)
	case "color":
		if g.f.Bool() {
			return spec.ColorNames[g.f.Number(0, len(spec.ColorNames)-1)]
		}
		return "#" + g.hex(3)
	case "path", "file-path":
		return "/srv/" + strings.ToLower(g.f.Word()) + "/" + strings.ToLower(g.f.Word()) + ".txt"
	case "directory-path":
		return "/srv/" + strings.ToLower(g.f.Word())
	case "byte", "base64", "base64url":
		b := make([]byte, max(1, g.targetLength(lo, hi, 8)*3/4))
		for i := range b {
			b[i] = byte(g.f.Number(0, 255))
		}
		if format == "base64url" {
			return base64.URLEncoding.EncodeToString(b)
		}
		return base64.StdEncoding.EncodeToString(b)
	case "json-string":
		return fmt.Sprintf(`{"%s":%d}`, strings.ToLower(g.f.Word()), g.f.Number(0, 99))
	case "payment-card-number":
		return g.cardNumber()
	case "json-pointer":
		return "/" + strings.ToLower(g.f.Word())
	case "relative-json-pointer":
		return "0/" + strings.ToLower(g.f.Word())
	case "regex":
		return "^[a-z]+$"
	}
	return g.words(lo, hi)
}

// decimal is a Decimal as str(Decimal) writes one, within the field's
// max_digits and decimal_places (-1: none; then four digits before the
// point and two after, an amount).
func (g *faker) decimal(maxDigits, places int) string {
	if places < 0 {
		places = 2
		if maxDigits >= 0 {
			places = min(places, maxDigits)
		}
	}
	whole := 4
	if maxDigits >= 0 {
		whole = min(whole, maxDigits-places)
	}
	v := "0"
	if whole > 0 {
		v = strconv.Itoa(g.f.Number(0, int(math.Pow10(whole))-1))
	}
	if places > 0 {
		frac := fmt.Sprintf("%0*d", places, g.f.Number(0, int(math.Pow10(places))-1))
		v += "." + frac
	}
	return v
}

// uuidOfVersion is a random uuid of a version ('1'..'8') and RFC 4122's
// variant, as pydantic's UUID1..UUID8 take.
func (g *faker) uuidOfVersion(version byte) string {
	b := []byte(g.uuid4())
	b[14] = version
	b[19] = "89ab"[g.f.Number(0, 3)]
	return string(b)
}

// ipv4Prefix is an address of the documentation range with a prefix
// length; a network's host bits are zero.
func (g *faker) ipv4Prefix(network bool) string {
	bits := []int{8, 16, 24, 28}[g.f.Number(0, 3)]
	p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(g.f.Number(0, 255)), byte(g.f.Number(0, 255)), byte(g.f.Number(1, 254))}), bits)
	if network {
		p = p.Masked()
	}
	return p.String()
}

func (g *faker) ipv6Prefix(network bool) string {
	var a [16]byte
	a[0], a[1], a[2], a[3] = 0x20, 0x01, 0x0d, 0xb8
	for i := 4; i < 16; i++ {
		a[i] = byte(g.f.Number(0, 255))
	}
	p := netip.PrefixFrom(netip.AddrFrom16(a), []int{48, 56, 64}[g.f.Number(0, 2)])
	if network {
		p = p.Masked()
	}
	return p.String()
}

// cardNumber is 16 digits starting with 4 whose last makes the Luhn sum
// whole.
func (g *faker) cardNumber() string {
	digits := make([]byte, 16)
	digits[0] = '4'
	for i := 1; i < 15; i++ {
		digits[i] = byte('0' + g.f.Number(0, 9))
	}
	sum := 0
	for i := 14; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (14-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	digits[15] = byte('0' + (10-sum%10)%10)
	return string(digits)
}

// shorter is the bound hi less n, at least 1; no bound (-1) stays none.
func shorter(hi, n int) int {
	if hi < 0 {
		return -1
	}
	return max(1, hi-n)
}

// Draws of the start-up check: from each of checkSeeds fakers,
// checkRounds values of each property and one of each response body
// (made of the same properties, mostly: a list of members is a tenth of
// a millisecond to check).
const (
	checkSeeds  = 2
	checkRounds = 4
)

// checkGenerable draws values for every property the mock generates (the
// user's, the member's its rules do not set, each resource's) and for
// every JSON response body (Prefer: dynamic=true), from a few seeds, and
// refuses the spec at start-up, naming the property, when a value breaks
// its schema or the faker found none: a schema that cannot be met (minimum
// above maximum, a pattern no string of its lengths matches) fails here,
// not as a 500 on the first list.
func checkGenerable(sp *spec.Spec, vocab vocabulary, resources map[string]*resource) error {
	type target struct {
		what, name string
		ref        *openapi3.SchemaRef
		rounds     int
	}
	var targets []target
	property := func(what string, s *openapi3.Schema, names []string) {
		for _, name := range names {
			if ref := s.Properties[name]; ref != nil {
				targets = append(targets, target{what, name, ref, checkRounds})
			}
		}
	}
	if vocab.user != nil {
		property("the user", vocab.user.schema, slices.Sorted(maps.Keys(vocab.user.schema.Properties)))
	}
	if vocab.member != nil {
		property("the member", vocab.member.schema, vocab.unruledMember)
	}
	for _, collection := range slices.Sorted(maps.Keys(resources)) {
		r := resources[collection]
		property("the resource "+r.name, r.schema, slices.Sorted(maps.Keys(r.schema.Properties)))
	}
	for _, id := range sp.OperationIDs() {
		route := sp.OperationByID(id)
		for _, code := range slices.Sorted(maps.Keys(route.Operation.Responses.Map())) {
			ref := route.Operation.Responses.Value(code)
			if ref == nil || ref.Value == nil {
				continue
			}
			if media := ref.Value.Content.Get("application/json"); media != nil && media.Schema != nil {
				targets = append(targets, target{"response " + code + " of " + id, "", media.Schema, 1})
			}
		}
	}
	opts := append(sp.SchemaOptions(), openapi3.VisitAsResponse())
	for seed := int64(1); seed <= checkSeeds; seed++ {
		g := newFaker(seed)
		for _, t := range targets {
			for range t.rounds {
				v := g.value(t.name, t.ref, false)
				err := g.problem
				if err == nil {
					err = t.ref.Value.VisitJSON(jsonValue(v), opts...)
				}
				if err != nil {
					where := t.what
					if t.name != "" {
						where = fmt.Sprintf("%s's property %q", t.what, t.name)
					}
					return fmt.Errorf("spec: the mock cannot generate a value of %s that its schema accepts: %v", where, err)
				}
			}
		}
	}
	return nil
}

// jsonValue is v as encoding/json reads it back (numbers as float64).
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}
