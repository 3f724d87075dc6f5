package stack

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzLoadJSON: LoadJSON never panics, accepts every document Go's
// encoding/json accepts (plain UTF-8, within the depth and digit limits),
// decodes it to the same value, and reports a position inside the text
// for what it refuses.
func FuzzLoadJSON(f *testing.F) {
	for _, seed := range []string{`{"role":"ANALYST"}`, `[1, 2.5e3, -0, null, true]`, `{"a":{"b":[{}]}}`, `NaN`, `{"x":1,}`,
		"\ufeff{}", `"\ud83d\ude00"`, `{"a":"\u0041\n"}`, `[1,`, `{"k" "v"}`, "\x00{\x00}\x00"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := LoadJSON(data)
		var jerr *JSONError
		switch {
		case errors.As(err, &jerr):
			if jerr.Pos < 0 || jerr.Pos > utf8.RuneCount(data)+1 {
				t.Fatalf("position %d outside the text %q", jerr.Pos, data)
			}
		case err != nil && !errors.Is(err, ErrUndecodable):
			t.Fatalf("unexpected error %v", err)
		}
		if !json.Valid(data) || !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || bytes.Contains(data, []byte(`\u`)) {
			return // Go and Python differ on lone surrogates; the rest is Python's alone
		}
		if len(data) > 0 && data[0] == 0 || len(data) > 1 && data[1] == 0 {
			return // NULs up front make Python read UTF-16 or UTF-32
		}
		if err != nil {
			if errors.Is(err, ErrUndecodable) {
				return // deeper than Python goes, or an integer past its digits
			}
			t.Fatalf("Go accepts %q, LoadJSON refuses it: %v", data, err)
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&want) != nil {
			return
		}
		var probe any
		if json.Unmarshal(data, &probe) != nil {
			return // a number past float64: Python reads inf, Go refuses
		}
		got, want2 := jsonRoundTrip(t, DumpJSON(v)), jsonRoundTrip(t, mustMarshal(t, want))
		if !bytes.Equal(got, want2) {
			t.Fatalf("%q: LoadJSON gives %s, encoding/json %s", data, got, want2)
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonRoundTrip normalises JSON: keys sorted, numbers as float64, -0 as 0
// (Python reads the integer -0 as 0).
func jsonRoundTrip(t *testing.T, b []byte) []byte {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return mustMarshal(t, positiveZero(v))
}

func positiveZero(v any) any {
	switch v := v.(type) {
	case float64:
		if v == 0 {
			return 0.0
		}
	case []any:
		for i := range v {
			v[i] = positiveZero(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = positiveZero(v[k])
		}
	}
	return v
}
