package mock

// The properties of a user or a member that the spec has and the rules do
// not read: kept with the row, in the spec's shape, exported and imported
// with it, returned by the API. A property added to openapi.yaml reaches the
// data this way without a Go change; the rules read only the fields they
// need (role, membership_state, ids, times).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Extras holds those properties. A row's Extras are never changed in
// place: a change makes a new map, so that two versions of a row compare
// by pointer.
type Extras map[string]any

// jsonNames are a struct's JSON field names.
func jsonNames(v any) map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// Rows without their methods, for the default encoding of their fields.
type (
	userFields       User
	membershipFields Membership
)

var (
	userNames       = jsonNames(userFields{})
	membershipNames = jsonNames(membershipFields{})
)

// withExtras encodes fields, then the extras after them, in name order.
func withExtras(fields any, extras *Extras) ([]byte, error) {
	b, err := json.Marshal(fields)
	if err != nil || extras == nil || len(*extras) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(*extras))
	for k := range *extras {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	for _, k := range keys {
		v, err := json.Marshal((*extras)[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		kb, _ := json.Marshal(k)
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// extrasOf decodes the keys of an object that are not among known.
func extrasOf(data []byte, known map[string]bool) (*Extras, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	var out Extras
	for k, raw := range all {
		if known[k] {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		if out == nil {
			out = Extras{}
		}
		out[k] = v
	}
	if out == nil {
		return nil, nil
	}
	return &out, nil
}

// MarshalJSON writes the user's fields and extras as one object.
func (u User) MarshalJSON() ([]byte, error) { return withExtras(userFields(u), u.Extra) }

// UnmarshalJSON reads the user's fields; other keys become extras.
func (u *User) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*userFields)(u)); err != nil {
		return err
	}
	extra, err := extrasOf(data, userNames)
	u.Extra = extra
	return err
}

// MarshalJSON writes the row's fields and extras as one object.
func (m Membership) MarshalJSON() ([]byte, error) {
	return withExtras(membershipFields(m), m.Extra)
}

// UnmarshalJSON reads the row's fields; other keys become extras.
func (m *Membership) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*membershipFields)(m)); err != nil {
		return err
	}
	extra, err := extrasOf(data, membershipNames)
	m.Extra = extra
	return err
}

// MarshalJSON is OrganizationMemberResponse: the row, its extras, its user.
func (v MemberView) MarshalJSON() ([]byte, error) {
	user, err := encodeUser(v.User)
	if err != nil {
		return nil, err
	}
	return encodeView(&v.Membership, user)
}

// encodeUser and encodeView encode a member and its user without going
// through the Marshalers above (encoding/json would check and compact
// their output again), and let a user's bytes, which no request changes,
// be reused for each new version of a member.
func encodeUser(u *User) ([]byte, error) {
	if u == nil {
		return []byte("null"), nil
	}
	return withExtras(userFields(*u), u.Extra)
}

func encodeView(m *Membership, user []byte) ([]byte, error) {
	// By hand, in the fields' order: a new version of a member is encoded
	// on every update, and encoding/json's reflection was a tenth of one.
	b := make([]byte, 0, 256+len(user))
	for i, f := range [...]struct{ key, value string }{
		{"id", m.ID}, {"organization_id", m.OrganizationID}, {"user_id", m.UserID}, {"role", m.Role},
		{"membership_state", m.MembershipState},
		{"created_at", m.CreatedAt.UTC().Format(timeLayout)}, {"updated_at", m.UpdatedAt.UTC().Format(timeLayout)},
	} {
		b = append(b, ",{"[btoi(i == 0)])
		b = appendJSONString(b, f.key)
		b = append(b, ':')
		b = appendJSONString(b, f.value)
	}
	if m.Extra != nil && len(*m.Extra) > 0 {
		// withExtras on no fields gives `{,"k":v,...}`: its inside is the
		// extras, each after a comma.
		extras, err := withExtras(struct{}{}, m.Extra)
		if err != nil {
			return nil, err
		}
		b = append(b, extras[1:len(extras)-1]...)
	}
	b = append(b, `,"user":`...)
	b = append(b, user...)
	return append(b, '}'), nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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

// checkExtras refuses extras the spec does not have (a typo in an edited
// state must not pass as data).
func checkExtras(what string, extra *Extras, allowed []string) error {
	if extra == nil {
		return nil
	}
	for k := range *extra {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("%s: unknown field %q", what, k)
		}
	}
	return nil
}
