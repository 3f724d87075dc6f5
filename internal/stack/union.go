package stack

// Unions (anyOf of two schemas or more, which pydantic 2 publishes for
// `X | Y`) in smart mode, and tuples (prefixItems), as pydantic-core
// validates them (src/validators/union.rs: UnionValidator::validate_smart;
// src/validators/tuple.rs: TupleValidator).

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// exactness is how exactly a union member took its input
// (pydantic-core src/validators/mod.rs: Exactness): a python int for an
// int is exact, for a float strict, a str for an int lax.
type exactness int

const (
	lax exactness = iota
	strict
	exact
)

// pydanticUnion is a union in smart mode: each member validates the
// value; the first exact success wins at once, else the best success
// (more model fields set, then more exact, then the earlier); with none,
// every member's entries, each at loc + the member's label
// (union.rs: validate_smart, MaybeErrors::push: the validator's name,
// "int", "constrained-str", "list[int]", a model's class name). Null
// members are the union's nullable (spec.Underlying). ok is false when a
// member is not modelled or has no label known.
func pydanticUnion(order PropertyOrder, loc []any, members openapi3.SchemaRefs, value any) (any, []Issue, bool) {
	type success struct {
		canon     any
		exactness exactness
		fieldsSet int // -1: not a model
	}
	var best *success
	var issues []Issue
	for _, member := range members {
		if m := member.Value; m != nil && m.Type != nil && m.Type.Is(openapi3.TypeNull) && len(m.Type.Slice()) == 1 {
			continue
		}
		label, ok := unionLabel(member)
		if !ok {
			return nil, nil, false
		}
		memberLoc := append(append(make([]any, 0, len(loc)+1), loc...), label)
		canon, memberIssues, ok := Value(order, memberLoc, member, value)
		if !ok {
			return nil, nil, false
		}
		if len(memberIssues) > 0 {
			if best == nil {
				issues = append(issues, memberIssues...)
			}
			continue
		}
		got := success{canon, exactnessOf(member, value), fieldsSetOf(member, value)}
		if got.exactness == exact && got.fieldsSet < 0 {
			return canon, nil, true
		}
		if best == nil || better(got.fieldsSet, got.exactness, best.fieldsSet, best.exactness) {
			best = &got
		}
	}
	if best != nil {
		return best.canon, nil, true
	}
	return nil, issues, true
}

// better tells whether a success beats the best so far: between two
// models the one with more fields set, else the more exact; a tie keeps
// the earlier.
func better(fieldsSet int, e exactness, bestFieldsSet int, bestExactness exactness) bool {
	if fieldsSet >= 0 && bestFieldsSet >= 0 && fieldsSet != bestFieldsSet {
		return fieldsSet > bestFieldsSet
	}
	return e > bestExactness
}

// exactnessOf is how exactly a member that validated a value took it,
// in python mode (FastAPI validates json.loads' objects): an int, a str,
// a bool, a float of their own type exactly, an int for a float
// strictly; anything read from a str of another type (a uuid, a date),
// an Enum's value, a model's dict, a set's or a tuple's list laxly; a
// list or a dict as exactly as their items.
func exactnessOf(ref *openapi3.SchemaRef, value any) exactness {
	s, nullable := spec.Underlying(ref)
	switch {
	case s == nil:
		return exact
	case value == nil && nullable, spec.AcceptsAnything(s):
		return exact
	case len(s.AnyOf) > 0:
		return strict // a union within: not weighed further
	case len(s.Enum) > 0 && referenced(ref):
		return lax
	case s.Const != nil || len(s.Enum) > 0:
		if _, isBool := value.(bool); isBool {
			return lax
		}
		return exact
	}
	switch {
	case s.Type == nil:
		return lax
	case s.Type.Is(openapi3.TypeString):
		if _, isStr := value.(string); isStr && (s.Format == "" || s.Format == "email" || s.Format == "password") {
			return exact
		}
		return lax
	case s.Type.Is(openapi3.TypeInteger):
		if _, isInt := value.(*big.Int); isInt {
			return exact
		}
		return lax
	case s.Type.Is(openapi3.TypeNumber):
		switch value.(type) {
		case float64:
			return exact
		case *big.Int:
			return strict
		}
		return lax
	case s.Type.Is(openapi3.TypeBoolean):
		if _, isBool := value.(bool); isBool {
			return exact
		}
		return lax
	case s.Type.Is(openapi3.TypeArray):
		items, _ := value.([]any)
		if s.UniqueItems || len(s.PrefixItems) > 0 {
			return lax
		}
		e := exact
		for _, item := range items {
			e = min(e, exactnessOf(s.Items, item))
		}
		return e
	case s.Type.Is(openapi3.TypeObject):
		if len(s.Properties) > 0 {
			return lax
		}
		e := exact
		if d, ok := value.(*Dict); ok {
			for _, k := range d.keys {
				e = min(e, exactnessOf(s.AdditionalProperties.Schema, d.vals[k]))
			}
		}
		return e
	}
	return lax
}

// fieldsSetOf is how many of a model member's fields the value sets
// (union.rs: fields_set_count), -1 for a member that is no model.
func fieldsSetOf(ref *openapi3.SchemaRef, value any) int {
	s, _ := spec.Underlying(ref)
	d, isDict := value.(*Dict)
	if s == nil || len(s.Properties) == 0 || !isDict {
		return -1
	}
	n := 0
	for name := range s.Properties {
		if _, set := d.get(name); set {
			n++
		}
	}
	return n
}

// unionLabel is the name pydantic-core gives a member's validator, which
// a union's entries carry in their loc (each validator's get_name; printed
// with pydantic 2.13.4 for `Union[X, bool]` of each kind): "int",
// "constrained-int" (with a bound or multipleOf), "float", "str",
// "constrained-str", "bool", "uuid", "date", "datetime", "time",
// "list[int]", "set[int]", "tuple[int, str]", "dict[str,int]",
// "nullable[int]", "any", a model's class name, "enum[Shade]",
// "int-enum[Priority]", "literal['a','b']".
func unionLabel(ref *openapi3.SchemaRef) (string, bool) {
	s, nullable := spec.Underlying(ref)
	if s == nil || spec.AcceptsAnything(s) {
		return "any", true
	}
	label, ok := coreLabel(ref, s)
	if nullable {
		label = "nullable[" + label + "]"
	}
	return label, ok
}

func coreLabel(ref *openapi3.SchemaRef, s *openapi3.Schema) (string, bool) {
	name := refName(ref)
	switch {
	case len(s.AnyOf)+len(s.OneOf)+len(s.AllOf) > 0 || s.Not != nil:
		return "", false
	case len(s.Enum) > 0 && name != "":
		if s.Type != nil && s.Type.Is(openapi3.TypeInteger) {
			return "int-enum[" + name + "]", true
		}
		return "enum[" + name + "]", true
	case len(s.Enum) > 0 || s.Const != nil:
		values := s.Enum
		if s.Const != nil {
			values = []any{s.Const}
		}
		shown := make([]string, len(values))
		for i, v := range values {
			switch v := v.(type) {
			case string:
				shown[i] = pyStrRepr(v)
			case float64:
				shown[i] = formatDefault(v)
			default:
				return "", false
			}
		}
		return "literal[" + strings.Join(shown, ",") + "]", true
	case s.Type == nil:
		if len(s.Properties) > 0 && name != "" {
			return name, true
		}
		return "", false
	case s.Type.Is(openapi3.TypeInteger):
		return constrained("int", s.Min != nil || s.Max != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.MultipleOf != nil), true
	case s.Type.Is(openapi3.TypeNumber):
		return constrained("float", s.Min != nil || s.Max != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.MultipleOf != nil), true
	case s.Type.Is(openapi3.TypeBoolean):
		return "bool", true
	case s.Type.Is(openapi3.TypeString):
		switch f := s.Format; f {
		case "":
			return constrained("str", s.MinLength > 0 || s.MaxLength != nil || s.Pattern != ""), true
		case "uuid", "date", "time":
			return f, true
		case "uuid1", "uuid3", "uuid4", "uuid5", "uuid6", "uuid7", "uuid8":
			return "uuid", true
		case "date-time":
			return "datetime", true
		case "duration":
			return "timedelta", true
		case "binary":
			return "bytes", true
		case "email":
			return "function-after[_validate(), str]", true
		case "uri":
			return "function-wrap[wrap_val()]", true
		case "ipvanyaddress", "ipvanyinterface", "ipvanynetwork":
			return "function-plain[_validate()]", true
		case "ipv4", "ipv6", "ipv4interface", "ipv6interface", "ipv4network", "ipv6network":
			// The ipaddress types' lax-or-strict validator
			// (pydantic/_internal/_std_types_schema.py).
			version, kind := f[3:4], "address"
			if len(f) > 4 {
				kind = f[4:]
			}
			class := "IPv" + version + strings.ToUpper(kind[:1]) + kind[1:]
			return "lax-or-strict[lax=function-plain[ip_v" + version + "_" + kind + "_validator()],strict=json-or-python[json=function-after[" +
				class + "(), str],python=is-instance[" + class + "]]]", true
		}
		return "", false
	case s.Type.Is(openapi3.TypeArray):
		if len(s.PrefixItems) > 0 {
			parts := make([]string, len(s.PrefixItems))
			for i, item := range s.PrefixItems {
				l, ok := unionLabel(item)
				if !ok {
					return "", false
				}
				parts[i] = l
			}
			return "tuple[" + strings.Join(parts, ", ") + "]", true
		}
		item, ok := unionLabel(s.Items)
		kind := "list"
		if s.UniqueItems {
			kind = "set"
		}
		return kind + "[" + item + "]", ok
	case s.Type.Is(openapi3.TypeObject):
		if len(s.Properties) > 0 {
			return name, name != ""
		}
		item, ok := unionLabel(s.AdditionalProperties.Schema)
		return "dict[str," + item + "]", ok
	}
	return "", false
}

func constrained(name string, is bool) string {
	if is {
		return "constrained-" + name
	}
	return name
}

// refName is the component a schema references (a model's or an Enum's
// class name: FastAPI names components so), through 3.0's allOf wrapper;
// "" for an inline schema.
func refName(ref *openapi3.SchemaRef) string {
	for ref != nil {
		if ref.Ref != "" {
			return ref.Ref[strings.LastIndexByte(ref.Ref, '/')+1:]
		}
		if ref.Value == nil || len(ref.Value.AllOf) != 1 {
			return ""
		}
		ref = ref.Value.AllOf[0]
	}
	return ""
}

// pydanticTuple is tuple[X, Y] (prefixItems, as many minItems and
// maxItems): a JSON array only (tuple_type); longer than its maxItems
// too_long before its items; each item's problems at loc + its index;
// an item not sent missing, with the whole array as input
// (tuple.rs: TupleValidator::validate_tuple_items). A variadic tail
// (items beside prefixItems) or other bounds are not modelled.
func pydanticTuple(order PropertyOrder, loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	n := uint64(len(s.PrefixItems))
	if s.Items != nil || s.MinItems != n || s.MaxItems == nil || *s.MaxItems != n {
		return nil, nil, false
	}
	items, isList := value.([]any)
	if !isList {
		return nil, []Issue{issue("tuple_type", loc, "Input should be a valid tuple", value, nil)}, true
	}
	if uint64(len(items)) > n {
		return nil, []Issue{tooLong(loc, "Tuple", n, len(items), value)}, true
	}
	canon := make([]any, len(s.PrefixItems))
	var issues []Issue
	itemLoc := append(append(make([]any, 0, len(loc)+1), loc...), 0)
	for i, ref := range s.PrefixItems {
		itemLoc[len(loc)] = i
		if i >= len(items) {
			issues = append(issues, issue("missing", itemLoc, "Field required", value, nil))
			continue
		}
		c, itemIssues, ok := Value(order, itemLoc, ref, items[i])
		if !ok {
			return nil, nil, false
		}
		issues = append(issues, itemIssues...)
		canon[i] = c
	}
	if len(issues) > 0 {
		return nil, issues, true
	}
	return canon, nil, true
}

// pydanticTagged is a discriminated union (a Union with
// Field(discriminator=...), which FastAPI publishes as oneOf with a
// discriminator): the tag picks the member, whose entries are at the tag;
// no tag is union_tag_not_found, an unknown one union_tag_invalid
// (pydantic-core src/validators/union.rs: TaggedUnionValidator; entries
// printed by pydantic 2.13.4). ok is false for a union the tags cannot be
// read from.
func pydanticTagged(order PropertyOrder, loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	name := s.Discriminator.PropertyName
	tags, members := discriminatorTags(s)
	if name == "" || len(tags) == 0 {
		return nil, nil, false
	}
	dict, ok := value.(*Dict)
	if !ok {
		return nil, []Issue{issue("model_attributes_type", loc,
			"Input should be a valid dictionary or object to extract fields from", value, nil)}, true
	}
	quoted := "'" + name + "'"
	tag, ok := dict.get(name)
	if !ok {
		return nil, []Issue{issue("union_tag_not_found", loc, "Unable to extract tag using discriminator "+quoted, value,
			Ctx{"discriminator": quoted})}, true
	}
	text, ok := pyStr(tag)
	if !ok {
		return nil, nil, false
	}
	if _, isString := tag.(string); isString {
		for i, t := range tags {
			if t == text {
				return Value(order, append(append(make([]any, 0, len(loc)+1), loc...), t), members[i], value)
			}
		}
	}
	expected := "'" + strings.Join(tags, "', '") + "'"
	return nil, []Issue{issue("union_tag_invalid", loc,
		fmt.Sprintf("Input tag '%s' found using %s does not match any of the expected tags: %s", text, quoted, expected), value,
		Ctx{"discriminator": quoted, "tag": text, "expected_tags": expected})}, true
}

// discriminatorTags are a discriminated union's tags and their members, in
// the union's order: from the mapping, else from each member's literal.
func discriminatorTags(s *openapi3.Schema) (tags []string, members []*openapi3.SchemaRef) {
	for _, member := range s.OneOf {
		tag := ""
		for t, ref := range s.Discriminator.Mapping {
			if member.Ref != "" && ref.Ref == member.Ref {
				tag = t
			}
		}
		if tag == "" && member.Value != nil {
			if prop, _ := spec.Underlying(member.Value.Properties[s.Discriminator.PropertyName]); prop != nil {
				switch {
				case prop.Const != nil:
					tag, _ = prop.Const.(string)
				case len(prop.Enum) == 1:
					tag, _ = prop.Enum[0].(string)
				}
			}
		}
		if tag == "" {
			return nil, nil
		}
		tags, members = append(tags, tag), append(members, member)
	}
	return tags, members
}

// pyStr is Python's str() of a JSON value, for a scalar.
func pyStr(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case *big.Int:
		return x.String(), true
	case float64:
		return pyFloatRepr(x), true
	case bool:
		if x {
			return "True", true
		}
		return "False", true
	case nil:
		return "None", true
	}
	return "", false
}
