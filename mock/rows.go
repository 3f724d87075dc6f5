package mock

// Rows in the shape of the spec's schemas. The store keeps users, members
// and the inferred resources' rows as a value per property of their
// schema, in the order the spec declares them: a property added to
// openapi.yaml is generated, stored, exported and returned without a Go
// change. The rules read the few properties they need (policy.go:
// memberRuled, userRuled) through accessors, by slot.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// shape is the properties a schema's rows hold, in the spec's order. One
// per schema, shared by its rows.
type shape struct {
	what     string // "member", "user", or a resource's name, for errors
	schema   *openapi3.Schema
	names    []string
	slots    map[string]int
	props    []*openapi3.SchemaRef
	required []string
	// ruled are the slots of the properties the rules read, in the order
	// the rules name them (memberRuled, userRuled); -1 for one the schema
	// lacks.
	ruled []int
	// join is the slot of the property filled from another row when the
	// row is returned (the member's user), never stored; -1 for none.
	join int
	// options check a value read from a state against its property.
	options []openapi3.SchemaValidationOption
	// quick are the properties' quick checks (quickAccept), by slot; nil
	// for a property that has none.
	quick []quickCheck
}

// newShape reads a schema's properties. ruled are the properties the
// rules read: required ones must be in the schema (the rules cannot run
// without them), optional ones may be missing. join names a property
// filled from another row, or "".
func newShape(sp *spec.Spec, what string, schema *openapi3.Schema, ruled []ruledProperty, join string) (*shape, error) {
	if schema == nil {
		return nil, fmt.Errorf("spec: no schema for the %s", what)
	}
	sh := &shape{what: what, schema: schema, slots: map[string]int{}, required: schema.Required, join: -1,
		options: append(sp.SchemaOptions(), openapi3.VisitAsResponse())}
	for _, name := range sp.PropertyOrder(schema) {
		sh.slots[name] = len(sh.names)
		sh.names = append(sh.names, name)
		sh.props = append(sh.props, schema.Properties[name])
		var quick quickCheck
		if prop := schema.Properties[name]; prop != nil {
			quick = quickAccept(prop.Value)
		}
		sh.quick = append(sh.quick, quick)
	}
	if join != "" {
		if i, ok := sh.slots[join]; ok {
			sh.join = i
		}
	}
	for _, r := range ruled {
		i, ok := sh.slots[r.name]
		if !ok {
			if r.needed {
				return nil, fmt.Errorf("spec: the %s needs a %q property: the rules read it", what, r.name)
			}
			i = -1
		}
		sh.ruled = append(sh.ruled, i)
	}
	return sh, nil
}

// ruledProperty is a property the rules read; needed ones must exist.
type ruledProperty struct {
	name   string
	needed bool
}

// valueKind is what one slot of a row holds. Strings, nulls and booleans,
// nearly every value, are kept without an interface around them: a
// 100,000-member world stays as small as Go structs would keep it.
type valueKind uint8

const (
	kindAbsent valueKind = iota // the row does not carry the property
	kindNull
	kindFalse
	kindTrue
	kindText  // texts[i]
	kindOther // other[i]: a number, an object or an array
)

// absentValue marks, where values are passed as any, a property a row does
// not carry: it is left out of the row's JSON (null is a value).
type absentValue struct{}

var absent any = absentValue{}

// Row is one stored object: a value per property of its shape.
type Row struct {
	shape *shape
	kinds []valueKind
	texts []string
	// rest is allocated for the first number, object or array, and for a
	// row read before its shape is known: kept apart, a row is 64 bytes.
	rest *rowRest
}

type rowRest struct {
	other []any // by slot
	// loose holds a row read from JSON before its shape is known (a state
	// file, an import); bind gives it its shape.
	loose map[string]any
}

func looseRow(m map[string]any) Row { return Row{rest: &rowRest{loose: m}} }

func newRow(sh *shape) Row {
	return Row{shape: sh, kinds: make([]valueKind, len(sh.names)), texts: make([]string, len(sh.names))}
}

// put sets slot i to v (absent leaves the property out).
func (r *Row) put(i int, v any) {
	r.texts[i] = ""
	if r.rest != nil {
		r.rest.other[i] = nil
	}
	switch v := v.(type) {
	case absentValue:
		r.kinds[i] = kindAbsent
	case nil:
		r.kinds[i] = kindNull
	case bool:
		r.kinds[i] = kindFalse
		if v {
			r.kinds[i] = kindTrue
		}
	case string:
		r.kinds[i], r.texts[i] = kindText, v
	default:
		if r.rest == nil {
			r.rest = &rowRest{other: make([]any, len(r.kinds))}
		}
		r.kinds[i], r.rest.other[i] = kindOther, v
	}
}

// at is slot i's value, absent when the row does not carry it.
func (r *Row) at(i int) any {
	switch r.kinds[i] {
	case kindNull:
		return nil
	case kindFalse:
		return false
	case kindTrue:
		return true
	case kindText:
		return r.texts[i]
	case kindOther:
		return r.rest.other[i]
	}
	return absent
}

// Get is a property's value, and whether the row carries it.
func (r *Row) Get(name string) (any, bool) {
	if r.shape == nil {
		v, ok := r.rest.loose[name]
		return v, ok
	}
	i, ok := r.shape.slots[name]
	if !ok || r.kinds[i] == kindAbsent {
		return nil, false
	}
	return r.at(i), true
}

// Set sets a property the shape has; it reports whether it did.
func (r *Row) Set(name string, v any) bool {
	if r.shape == nil {
		r.rest.loose[name] = v
		return true
	}
	i, ok := r.shape.slots[name]
	if ok && i != r.shape.join {
		r.put(i, v)
	}
	return ok
}

// ruledString is the string value of the rules' n-th property, "" when
// the row has none.
func (r *Row) ruledString(n int) string {
	if i := r.shape.ruled[n]; i >= 0 {
		return r.texts[i]
	}
	return ""
}

func (r *Row) setRuled(n int, v any) { r.put(r.shape.ruled[n], v) }

// clone copies the row's values: a new version of the row.
func (r Row) clone() Row {
	r.kinds = slices.Clone(r.kinds)
	r.texts = slices.Clone(r.texts)
	if r.rest != nil {
		r.rest = &rowRest{other: slices.Clone(r.rest.other), loose: r.rest.loose}
	}
	return r
}

// Text is a property rendered as a filter compares it: a string as it
// is, another value as JSON, "" when absent or null.
func (r *Row) Text(name string) string {
	if r.shape != nil {
		if i, ok := r.shape.slots[name]; ok && r.kinds[i] == kindText {
			return r.texts[i]
		}
	}
	v, ok := r.Get(name)
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		if !ok {
			return ""
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// appendJSON writes the row as a JSON object in its shape's order; join,
// when the shape has a joined property, is its encoded value.
func (r *Row) appendJSON(b []byte, join []byte) ([]byte, error) {
	if r.shape == nil {
		out, err := json.Marshal(r.rest.loose)
		return append(b, out...), err
	}
	b = append(b, '{')
	first := true
	for i, name := range r.shape.names {
		var err error
		switch {
		case i == r.shape.join:
			if join == nil {
				continue
			}
			b = appendKey(b, name, first)
			b = append(b, join...)
		case r.kinds[i] == kindAbsent:
			continue
		default:
			b = appendKey(b, name, first)
			if b, err = r.appendValue(b, i); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", r.shape.what, name, err)
			}
		}
		first = false
	}
	return append(b, '}'), nil
}

func appendKey(b []byte, name string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendJSONString(b, name)
	return append(b, ':')
}

// appendValue writes slot i: strings, nulls and booleans by hand; the
// rest through encoding/json.
func (r *Row) appendValue(b []byte, i int) ([]byte, error) {
	switch r.kinds[i] {
	case kindText:
		return appendJSONString(b, r.texts[i]), nil
	case kindNull:
		return append(b, "null"...), nil
	case kindFalse:
		return append(b, "false"...), nil
	case kindTrue:
		return append(b, "true"...), nil
	}
	out, err := json.Marshal(r.rest.other[i])
	return append(b, out...), err
}

// appendJSONString writes s as a JSON string: directly when it needs no
// escaping (ids, enums, times), through encoding/json otherwise.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s)
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// MarshalJSON writes the row's stored properties (a joined one is not
// stored: it is left out).
func (r Row) MarshalJSON() ([]byte, error) { return r.appendJSON(make([]byte, 0, 256), nil) }

// UnmarshalJSON reads a JSON object; bind gives it its shape.
func (r *Row) UnmarshalJSON(data []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("null")) {
		return errors.New("a row is an object, not null")
	}
	if m, ok := decodeFlatObject(data); ok {
		*r = looseRow(m)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*r = looseRow(m)
	return nil
}

// decodeFlatObject reads the objects nearly every stored row is (keys and
// values plain strings, null, true, false) without reflection: a
// 100,000-member start reads 200,000 of them. ok is false for anything
// else (a number, an object, an array, an escape, a control character,
// bytes that are not UTF-8, broken JSON): json.Unmarshal reads that as it
// always did. FuzzFlatObjectReadsAsUnmarshal proves what it reads is what
// json.Unmarshal reads.
func decodeFlatObject(data []byte) (map[string]any, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	m := map[string]any{}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return m, skipSpace(data, i+1) == len(data)
	}
	for {
		key, next, ok := plainString(data, i)
		if !ok {
			return nil, false
		}
		i = skipSpace(data, next)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		var v any
		switch {
		case i >= len(data):
			return nil, false
		case data[i] == '"':
			if v, i, ok = plainString(data, i); !ok {
				return nil, false
			}
		case bytes.HasPrefix(data[i:], []byte("null")):
			v, i = nil, i+4
		case bytes.HasPrefix(data[i:], []byte("true")):
			v, i = true, i+4
		case bytes.HasPrefix(data[i:], []byte("false")):
			v, i = false, i+5
		default:
			return nil, false
		}
		m[key] = v
		i = skipSpace(data, i)
		switch {
		case i >= len(data):
			return nil, false
		case data[i] == '}':
			return m, skipSpace(data, i+1) == len(data)
		case data[i] != ',':
			return nil, false
		}
		i = skipSpace(data, i+1)
	}
}

// plainString reads the JSON string at data[i] when it holds no escape,
// no control character and only UTF-8; next is the offset past it.
func plainString(data []byte, i int) (text string, next int, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return "", 0, false
	}
	end := bytes.IndexByte(data[i+1:], '"')
	if end < 0 {
		return "", 0, false
	}
	raw := data[i+1 : i+1+end]
	for _, c := range raw {
		if c < 0x20 || c == '\\' {
			return "", 0, false
		}
	}
	if !utf8.Valid(raw) {
		return "", 0, false
	}
	return string(raw), i + end + 2, true
}

// bind gives a row read from JSON its shape, refusing a property the
// shape does not have (a typo in an edited state must not pass as data), a
// value its schema refuses, and a missing required property: the API
// would answer with them.
func (r *Row) bind(sh *shape) error {
	if r.shape == sh {
		return nil
	}
	if r.shape != nil {
		// Bound to another spec's shape (a state from another mock): read
		// it again by its properties.
		*r = looseRow(r.asMap())
	}
	if row, ok := sh.bindQuickly(r.rest.loose); ok {
		*r = row
		return nil
	}
	// Something is refused: read again in the properties' order, so that
	// the error named is the same from one load to the next.
	row := newRow(sh)
	for _, name := range slices.Sorted(maps.Keys(r.rest.loose)) {
		i, ok := sh.slots[name]
		if !ok || i == sh.join {
			return fmt.Errorf("unknown field %q", name)
		}
		v := r.rest.loose[name]
		if prop := sh.props[i]; prop != nil && prop.Value != nil {
			if err := prop.Value.VisitJSON(v, sh.options...); err != nil {
				shown, _ := json.Marshal(v)
				return fmt.Errorf("%s %s: %s", name, shown, firstLine(err))
			}
		}
		row.put(i, v)
	}
	for _, name := range sh.required {
		if i, ok := sh.slots[name]; ok && i != sh.join && row.kinds[i] == kindAbsent {
			return fmt.Errorf("%s is required", name)
		}
	}
	*r = row
	return nil
}

// bindQuickly places values in a new row of the shape, in the map's own
// order, when every one is accepted and no required property is missing;
// ok is false at the first problem (bind then names it).
func (sh *shape) bindQuickly(values map[string]any) (Row, bool) {
	row := newRow(sh)
	for name, v := range values {
		i, ok := sh.slots[name]
		if !ok || i == sh.join {
			return Row{}, false
		}
		if prop := sh.props[i]; prop != nil && prop.Value != nil {
			if quick := sh.quick[i]; (quick == nil || !quick(v)) && prop.Value.VisitJSON(v, sh.options...) != nil {
				return Row{}, false
			}
		}
		row.put(i, v)
	}
	for _, name := range sh.required {
		if i, ok := sh.slots[name]; ok && i != sh.join && row.kinds[i] == kindAbsent {
			return Row{}, false
		}
	}
	return row, true
}

// quickCheck accepts a value its schema surely accepts; false means only
// "ask the schema" (VisitJSON), which also says why it refuses.
type quickCheck func(v any) bool

// quickAccept is a check cheaper than kin-openapi's VisitJSON for the
// schemas nearly every stored value meets (a 100,000-member start checks
// 1.5 million values): a string (its maxLength, enum, and uuid or
// date-time format), a boolean, null, and anyOf of those. It accepts a
// subset of what VisitJSON accepts (a uuid as the format's own check
// reads it, a time in the store's own layout, a string whose bytes are
// within maxLength); rows_test.go's TestQuickAcceptIsVisitJSON proves it
// value by value. nil for a schema with any other keyword.
func quickAccept(s *openapi3.Schema) quickCheck {
	if s == nil || !onlyQuickKeywords(s) {
		return nil
	}
	if len(s.AnyOf) > 0 {
		if s.Type != nil || s.Format != "" || s.Enum != nil || s.MaxLength != nil {
			return nil
		}
		var branches []quickCheck
		for _, ref := range s.AnyOf {
			if ref == nil {
				return nil
			}
			branch := quickAccept(ref.Value)
			if branch == nil {
				return nil
			}
			branches = append(branches, branch)
		}
		return func(v any) bool {
			for _, branch := range branches {
				if branch(v) {
					return true
				}
			}
			return false
		}
	}
	if s.Type == nil || len(*s.Type) != 1 {
		return nil
	}
	plain := s.Format == "" && s.Enum == nil && s.MaxLength == nil
	switch (*s.Type)[0] {
	case openapi3.TypeNull:
		if plain {
			return func(v any) bool { return v == nil }
		}
	case openapi3.TypeBoolean:
		if plain {
			return func(v any) bool { _, ok := v.(bool); return ok }
		}
	case openapi3.TypeString:
		var format func(string) bool
		switch s.Format {
		case "":
		case "uuid":
			format = isUUID
		case "date-time":
			format = inTimeLayout
		default:
			return nil
		}
		var enum []string
		for _, e := range s.Enum {
			text, ok := e.(string)
			if !ok {
				return nil
			}
			enum = append(enum, text)
		}
		maxLength := s.MaxLength
		return func(v any) bool {
			text, ok := v.(string)
			return ok && (maxLength == nil || uint64(len(text)) <= *maxLength) &&
				(s.Enum == nil || slices.Contains(enum, text)) && (format == nil || format(text))
		}
	}
	return nil
}

// quickKeywords are the schema's fields quickAccept reads or that do not
// validate (annotations); a schema with any other set has no quick check.
var quickKeywords = map[string]bool{"Extensions": true, "Origin": true, "AnyOf": true, "Type": true, "Title": true,
	"Format": true, "Description": true, "Enum": true, "Default": true, "Example": true, "Examples": true,
	"ExternalDocs": true, "Deprecated": true, "MaxLength": true, "Comment": true}

func onlyQuickKeywords(s *openapi3.Schema) bool {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if quickKeywords[v.Type().Field(i).Name] || !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.Map, reflect.Slice:
			if f.Len() > 0 {
				return false
			}
		default:
			if !f.IsZero() {
				return false
			}
		}
	}
	return true
}

// holds says whether the shape's property name can hold v: it has the
// property and v passes its schema.
func (sh *shape) holds(name string, v any) bool {
	i, ok := sh.slots[name]
	if !ok {
		return false
	}
	prop := sh.props[i]
	return prop == nil || prop.Value == nil || prop.Value.VisitJSON(v, sh.options...) == nil
}

// firstLine is an error's first line: kin-openapi appends the schema and
// the value, which a state's reader does not need.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// asMap is the row's carried properties by name.
func (r *Row) asMap() map[string]any {
	if r.shape == nil {
		return r.rest.loose
	}
	out := make(map[string]any, len(r.kinds))
	for i, k := range r.kinds {
		if k != kindAbsent && i != r.shape.join {
			out[r.shape.names[i]] = r.at(i)
		}
	}
	return out
}

// rowFrom places the values of a generated or decoded object in a shape's
// slots; keys the shape lacks are dropped.
func rowFrom(sh *shape, values map[string]any) Row {
	row := newRow(sh)
	for name, v := range values {
		if i, ok := sh.slots[name]; ok && i != sh.join {
			row.put(i, v)
		}
	}
	return row
}

// sameValues reports whether two versions of a row hold equal values.
func sameValues(a, b *Row) bool {
	if !slices.Equal(a.kinds, b.kinds) || !slices.Equal(a.texts, b.texts) {
		return false
	}
	for i, k := range a.kinds {
		if k == kindOther && !reflect.DeepEqual(a.rest.other[i], b.rest.other[i]) {
			return false
		}
	}
	return true
}

// storable is a validated body's value as the store keeps values: numbers
// as float64, as a state file reads them back (json.Unmarshal), so that a
// value written and the same value read after a restart are equal
// (sameValues). An integer past float64's range keeps its digits.
func storable(v any) any {
	switch v := v.(type) {
	case json.Number:
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return f
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			out[k] = storable(item)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = storable(item)
		}
		return out
	}
	return v
}
