package mock

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEncodeViewWritesWhatEncodingJSONWrites: the hand-written encoding of
// a member's view gives the bytes encoding/json gives for its fields, in
// their order, with the extras and the user after them, escaping included.
func TestEncodeViewWritesWhatEncodingJSONWrites(t *testing.T) {
	name := "Zoë <\"Q\">"
	ts := Timestamp{time.Date(2024, 2, 7, 2, 6, 30, 748333000, time.UTC)}
	for _, extra := range []*Extras{nil, {"title": "Lead & co", "rank": 3.0, "tags": []any{"a", nil}}} {
		m := &Membership{ID: "3c90c3cc-0d44-4b50-8888-8dd25736052a", OrganizationID: "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c",
			UserID: "5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", Role: "ANA\"LYST", MembershipState: "active",
			CreatedAt: ts, UpdatedAt: ts, Extra: extra}
		u := &User{ID: m.UserID, Email: "zoe@example.com", Name: &name}
		user, err := encodeUser(u)
		require.NoError(t, err)
		got, err := encodeView(m, user)
		require.NoError(t, err)

		fields, err := withExtras(membershipFields(*m), m.Extra)
		require.NoError(t, err)
		userJSON, err := json.Marshal(userFields(*u))
		require.NoError(t, err)
		want := string(fields[:len(fields)-1]) + `,"user":` + string(userJSON) + "}"
		require.JSONEq(t, want, string(got))
		var keys []string
		dec := json.NewDecoder(bytes.NewReader(got))
		_, _ = dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			keys = append(keys, k.(string))
			var skip json.RawMessage
			require.NoError(t, dec.Decode(&skip))
		}
		require.Equal(t, []string{"id", "organization_id", "user_id", "role", "membership_state", "created_at", "updated_at"}, keys[:7])
		require.Equal(t, "user", keys[len(keys)-1])
	}
}
