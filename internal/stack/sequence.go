package stack

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// pydanticList is list[X] (and set[X], which pydantic publishes with
// uniqueItems) in python lax mode (pydantic-core src/validators/list.rs,
// set.rs; src/input/return_enums.rs: validate_iter_to_vec,
// validate_iter_to_set): a JSON array only; a list longer than
// max_length is too_long before its items are looked at; each item's
// problems at loc + its index (an int); min_length after the items
// passed. items is nil for an array of anything.
func pydanticList(order PropertyOrder, loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	set := s.UniqueItems
	kind, typ, msg := "List", "list_type", "Input should be a valid list"
	if set {
		kind, typ, msg = "Set", "set_type", "Input should be a valid set"
	}
	items, ok := value.([]any)
	if !ok {
		return nil, []Issue{issue(typ, loc, msg, value, nil)}, true
	}
	if s.MaxItems != nil && uint64(len(items)) > *s.MaxItems && !set {
		return nil, []Issue{tooLong(loc, kind, *s.MaxItems, len(items), value)}, true
	}
	canon := make([]any, 0, len(items))
	seen := map[string]bool{}
	var issues []Issue
	itemLoc := append(append(make([]any, 0, len(loc)+1), loc...), 0)
	for i, item := range items {
		itemLoc[len(loc)] = i
		c, itemIssues, ok := Value(order, itemLoc, s.Items, item)
		if !ok {
			return nil, nil, false
		}
		if len(itemIssues) > 0 {
			issues = append(issues, itemIssues...)
			continue
		}
		if set {
			// Canonical values always encode; equal values encode alike.
			encoded, _ := json.Marshal(c)
			key := string(encoded)
			if seen[key] {
				continue
			}
			seen[key] = true
			if s.MaxItems != nil && uint64(len(seen)) > *s.MaxItems {
				// A set is counted as it fills: "not more", no actual length;
				// the items' problems found so far are not reported.
				return nil, []Issue{issue("too_long", loc,
					fmt.Sprintf("Set should have at most %d item%s after validation, not more", *s.MaxItems, plural(*s.MaxItems)),
					value, map[string]any{"field_type": kind, "max_length": *s.MaxItems, "actual_length": nil})}, true
			}
		}
		canon = append(canon, c)
	}
	if len(issues) > 0 {
		return nil, issues, true
	}
	if uint64(len(canon)) < s.MinItems {
		return nil, []Issue{issue("too_short", loc,
			fmt.Sprintf("%s should have at least %d item%s after validation, not %d", kind, s.MinItems, plural(s.MinItems), len(canon)),
			value, map[string]any{"field_type": kind, "min_length": s.MinItems, "actual_length": len(canon)})}, true
	}
	return canon, nil, true
}

func tooLong(loc []any, kind string, max uint64, n int, value any) Issue {
	return issue("too_long", loc,
		fmt.Sprintf("%s should have at most %d item%s after validation, not %d", kind, max, plural(max), n),
		value, map[string]any{"field_type": kind, "max_length": max, "actual_length": n})
}

// pydanticDict is dict[str, X], which pydantic publishes as an object
// with additionalProperties and no properties (pydantic-core
// src/validators/dict.rs): a JSON object only; each value's problems at
// loc + its key, in the object's order. Keys come from JSON, so they are
// strings already.
func pydanticDict(order PropertyOrder, loc []any, s *openapi3.Schema, value any) (any, []Issue, bool) {
	dict, ok := value.(*Dict)
	if !ok {
		return nil, []Issue{issue("dict_type", loc, "Input should be a valid dictionary", value, nil)}, true
	}
	canon := make(map[string]any, len(dict.keys))
	var issues []Issue
	valueLoc := append(append(make([]any, 0, len(loc)+1), loc...), "")
	for _, key := range dict.keys {
		valueLoc[len(loc)] = key
		c, valueIssues, ok := Value(order, valueLoc, s.AdditionalProperties.Schema, dict.vals[key])
		if !ok {
			return nil, nil, false
		}
		issues = append(issues, valueIssues...)
		canon[key] = c
	}
	if len(issues) > 0 {
		return nil, issues, true
	}
	if n := uint64(len(canon)); n < s.MinProps || s.MaxProps != nil && n > *s.MaxProps {
		return nil, nil, false // a dict's length bounds: not modelled
	}
	return canon, nil, true
}
