package fixturefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Write renders a case file: header as comment lines, then the cases,
// each a mapping built with Map, a blank line before each case's comment.
// gen and recordings both write through it, so that every written fixture
// has the same layout.
func Write(header []string, cases ...*yaml.Node) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: commentLines(header),
		Content: []*yaml.Node{Map(false, "cases", Seq(false, nodes(cases)...))}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	// A blank line before each case's comment, for the reader.
	out := bytes.ReplaceAll(b.Bytes(), []byte("\n  # "), []byte("\n\n  # "))
	return bytes.Replace(out, []byte("\ncases:\n\n"), []byte("\ncases:\n"), 1), nil
}

func nodes(ns []*yaml.Node) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}

// Null is the YAML null a JSON null becomes.
type Null struct{}

// Value is the YAML node of a Go value: a *yaml.Node as is; nil, Null,
// strings, booleans, numbers (json.Number as written); []any and
// map[string]any in flow style, keys sorted.
func Value(v any) *yaml.Node {
	switch v := v.(type) {
	case *yaml.Node:
		return v
	case nil, Null:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'g', -1, 64)}
	case json.Number:
		if _, err := v.Int64(); err == nil || !strings.ContainsAny(string(v), ".eE") {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: string(v)}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: string(v)}
	case []any:
		return Seq(true, v...)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		pairs := make([]any, 0, 2*len(keys))
		for _, k := range keys {
			pairs = append(pairs, k, v[k])
		}
		return Map(true, pairs...)
	}
	panic(fmt.Sprintf("fixturefile: no YAML for %T", v))
}

// Map builds a mapping from key, value, key, value...: a key is a string,
// or a *yaml.Node to carry a comment; values go through Value. flow writes
// it on one line.
func Map(flow bool, pairs ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		key, ok := pairs[i].(*yaml.Node)
		if !ok {
			key = Value(pairs[i].(string))
		}
		n.Content = append(n.Content, key, Value(pairs[i+1]))
	}
	return n
}

// Seq builds a sequence; items go through Value.
func Seq(flow bool, items ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for _, item := range items {
		n.Content = append(n.Content, Value(item))
	}
	return n
}

// commentLines joins comment lines, each line of each one its own.
func commentLines(lines []string) string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.Split(strings.TrimRight(l, "\n"), "\n")...)
	}
	return strings.Join(out, "\n")
}

// The keys of a case and of a step, in the order every writer gives them
// (and the decoder lists them).
var (
	CaseKeys = []string{"name", "rules", "candidates", "steps", "cleanup"}
	StepKeys = []string{"name", "precondition", "method", "path", "as", "query", "headers", "body", "raw_body", "padded_body_bytes", "capture", "expect", "requires", "pick"}
)

// Case builds a case's mapping from key, value pairs (as Map), its keys
// in the one order every writer uses.
func Case(pairs ...any) *yaml.Node { return Map(false, ordered(CaseKeys, pairs)...) }

// Step builds a step's mapping from key, value pairs (as Map), its keys in
// the one order every writer uses.
func Step(pairs ...any) *yaml.Node { return Map(false, ordered(StepKeys, pairs)...) }

// ordered sorts key, value pairs by the keys' places in order; a key not
// in it is a bug of the writer.
func ordered(order []string, pairs []any) []any {
	type pair struct {
		at         int
		key, value any
	}
	var ps []pair
	for i := 0; i+1 < len(pairs); i += 2 {
		name, ok := pairs[i].(string)
		if n, isNode := pairs[i].(*yaml.Node); isNode {
			name, ok = n.Value, true
		}
		at := slices.Index(order, name)
		if !ok || at < 0 {
			panic(fmt.Sprintf("fixturefile: no place for key %v (known: %s)", pairs[i], strings.Join(order, ", ")))
		}
		ps = append(ps, pair{at, pairs[i], pairs[i+1]})
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return a.at - b.at })
	out := make([]any, 0, len(pairs))
	for _, p := range ps {
		out = append(out, p.key, p.value)
	}
	return out
}
