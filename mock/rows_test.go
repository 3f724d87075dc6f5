package mock

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

func embeddedVocabulary(t *testing.T) vocabulary {
	t.Helper()
	sp, err := spec.Embedded()
	require.NoError(t, err)
	v, err := vocabularyOf(sp)
	require.NoError(t, err)
	return v
}

// keysOf lists an object's keys in the order the bytes hold them.
func keysOf(t *testing.T, data []byte) []string {
	t.Helper()
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(data))
	_, err := dec.Token()
	require.NoError(t, err)
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// TestRowsEncodeInTheSpecsOrder: a member's view is its properties in the
// order openapi.yaml declares them, the user in the place of its property,
// values as encoding/json writes them (escaping included), a property the
// row does not carry left out and null kept.
func TestRowsEncodeInTheSpecsOrder(t *testing.T) {
	v := embeddedVocabulary(t)
	u := User{Row: rowFrom(v.user, map[string]any{"id": "5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "email": "zoe@example.com",
		"name": "Zoë <\"Q\">", "nickname": nil, "is_system_admin": false})}
	m := Membership{Row: rowFrom(v.member, map[string]any{"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		"organization_id": "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c", "user_id": u.ID(), "role": "ANA\"LYST",
		"membership_state": "active", "created_at": "2024-02-07T02:06:30.748333Z", "updated_at": "2024-02-07T02:06:30.748333Z"})}
	user, err := encodeUser(&u)
	require.NoError(t, err)
	got, err := encodeView(&m, user)
	require.NoError(t, err)

	want := map[string]any{"id": m.ID(), "organization_id": m.OrganizationID(), "user_id": m.UserID(), "role": "ANA\"LYST",
		"membership_state": "active", "created_at": m.CreatedAt(), "updated_at": m.UpdatedAt(),
		"user": map[string]any{"id": u.ID(), "email": "zoe@example.com", "name": "Zoë <\"Q\">", "nickname": nil, "is_system_admin": false}}
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	require.JSONEq(t, string(wantJSON), string(got))
	require.Contains(t, string(got), `"name":"Zoë \u003c\"Q\"\u003e"`, "escaped as encoding/json escapes")
	require.Equal(t, v.member.names, keysOf(t, got), "the member's properties in the spec's order")
	var order []string
	for _, name := range v.user.names {
		if _, ok := u.Get(name); ok {
			order = append(order, name)
		}
	}
	require.Equal(t, order, keysOf(t, user), "the user's carried properties in the spec's order, absent ones left out")
}

// TestBindRefusesWhatTheSchemaLacks: a row read from a state takes the
// schema's properties and nothing else.
func TestBindRefusesWhatTheSchemaLacks(t *testing.T) {
	v := embeddedVocabulary(t)
	var row Row
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","emial":"typo@example.com"}`), &row))
	require.EqualError(t, row.bind(v.user), `unknown field "emial"`)
	require.NoError(t, json.Unmarshal([]byte(`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","user":{}}`), &row))
	require.EqualError(t, row.bind(v.member), `unknown field "user"`, "the joined user is not stored with the member")
	require.NoError(t, json.Unmarshal([]byte(`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","email":"a@example.com","is_system_admin":"yes"}`), &row))
	require.ErrorContains(t, row.bind(v.user), `is_system_admin "yes": `, "a value the schema refuses")
	require.NoError(t, json.Unmarshal([]byte(`{"email":"a@example.com"}`), &row))
	require.EqualError(t, row.bind(v.user), `id is required`)
	require.Error(t, json.Unmarshal([]byte(`null`), &row))
}

// TestFormatTimeIsTimeFormat: the hand-written rendering gives
// time.Format's bytes, across years, zones and sub-microsecond remainders.
func TestFormatTimeIsTimeFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []*time.Location{time.UTC, time.FixedZone("east", 5*3600+1800), time.FixedZone("west", -11*3600)}
	times := []time.Time{time.Time{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), seedEpoch}
	for range 10_000 {
		times = append(times, time.Unix(rng.Int64N(400_000_000_000)-100_000_000_000, rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))]))
	}
	for _, tm := range times {
		require.Equal(t, tm.UTC().Format(timeLayout), formatTime(tm), "%v", tm)
	}
}

// TestQuickAcceptIsVisitJSON: a value the quick check accepts is one
// kin-openapi's VisitJSON accepts, property by property, in openapi.yaml
// and its 3.0 and FastAPI-shaped restatements, for a table of values on
// each side of every rule the quick check reads, and for a seeded world's
// own values (which the quick check must take: it is the start's speed).
func TestQuickAcceptIsVisitJSON(t *testing.T) {
	embedded, err := spec.Embedded()
	require.NoError(t, err)
	v30, err := spec.LoadFile(openAPIYAML30)
	require.NoError(t, err)
	long := func(n int, r string) string { return strings.Repeat(r, n) }
	table := []any{nil, true, false, float64(0), float64(1), "", " ", map[string]any{}, []any{}, []any{"ANALYST"},
		"3c90c3cc-0d44-4b50-8888-8dd25736052a", "3C90C3CC-0D44-4B50-8888-8DD25736052A", "3c90c3cc0d444b5088888dd25736052a",
		"{3c90c3cc-0d44-4b50-8888-8dd25736052a}", "3c90c3cc-0d44-4b50-8888-8dd25736052", "3c90c3cc-0d44-4b50-8888-8dd25736052g",
		"urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a", "00000000-0000-0000-0000-000000000000",
		"2023-11-07T05:31:56.000000Z", "2023-11-07T05:31:56Z", "2023-02-30T05:31:56.000000Z", "2023-11-07T25:31:56.000000Z",
		"2023-11-07 05:31:56.000000Z", "2023-11-07T05:31:56.000000+00:00", "0000-01-01T00:00:00.000000Z", "2023-11-07",
		"ANALYST", "analyst", "ORGANIZATION_ADMIN", "SYSTEM_ADMIN", "ANALYST ", "active", "Active", "pending", "suspended",
		"ada.lovelace@example.com", "auth0|65a1b2c3d4e5f60718293a4b",
		long(32, "a"), long(33, "a"), long(255, "a"), long(256, "a"), long(255, "é"), long(128, "é"), long(320, "a"),
		long(321, "a"), long(2048, "a"), long(2049, "a"), long(1024, "é"), long(1025, "é"), "\x00", "\xff"}
	for _, sp := range []*spec.Spec{embedded, v30, loadFastAPIShapes(t)} {
		vocab, err := vocabularyOf(sp)
		require.NoError(t, err)
		shapes := []*shape{vocab.user, vocab.member}
		for _, sh := range vocab.resources {
			shapes = append(shapes, sh)
		}
		seeded := seedState(newFaker(1), vocab, seedPrimaryMembers, 300)
		for _, sh := range shapes {
			var own []any
			for _, rows := range [][]Row{seeded.Users, seeded.Memberships} {
				for _, row := range rows {
					if row.shape == sh {
						for i := range row.kinds {
							own = append(own, row.at(i))
						}
					}
				}
			}
			for i, name := range sh.names {
				quick := sh.quick[i]
				if quick == nil {
					continue
				}
				for _, v := range append(slices.Clone(table), own...) {
					if quick(v) {
						require.NoError(t, sh.props[i].Value.VisitJSON(v, sh.options...), "%s.%s %#v: accepted quickly", sh.what, name, v)
					}
				}
			}
			if sp != embedded || (sh != vocab.user && sh != vocab.member) {
				continue
			}
			for i, name := range sh.names {
				if i != sh.join {
					require.NotNil(t, sh.quick[i], "%s.%s has a quick check", sh.what, name)
				}
			}
			for _, rows := range [][]Row{seeded.Users, seeded.Memberships} {
				for _, row := range rows {
					for i, kind := range row.kinds {
						if row.shape == sh && kind != kindAbsent && i != sh.join {
							require.True(t, sh.quick[i](row.at(i)), "%s.%s %#v: the seed's own value is taken quickly", sh.what, sh.names[i], row.at(i))
						}
					}
				}
			}
		}
	}
}

// FuzzFlatObjectReadsAsUnmarshal: an object decodeFlatObject reads is one
// json.Unmarshal reads to the same map.
func FuzzFlatObjectReadsAsUnmarshal(f *testing.F) {
	for _, s := range []string{`{}`, ` { } `, `{"a":"b","c":null,"d":true,"e":false}`, `{"a":"b","a":"c"}`, `{"a":"\xff"}`,
		"{\"a\":\"\x01\"}", `{"a":"\u00e9"}`, `{"a":"é"}`, `{"a":1}`, `{"a":nul}`, `{"a":nullx}`, `{"a":"b",}`, `{"a":"b"} x`,
		`{"a" : "b" , "c" : true }`, `{a:"b"}`, `{"a":"b"`, `{"a":"b"}}`, `{"a":{"b":"c"}}`, "{\"a\":\"\xed\xa0\x80\"}", `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		quick, ok := decodeFlatObject(data)
		if !ok {
			return
		}
		var plain map[string]any
		require.NoError(t, json.Unmarshal(data, &plain), "read quickly, refused by json.Unmarshal: %q", data)
		require.Equal(t, plain, quick, "%q", data)
	})
}
