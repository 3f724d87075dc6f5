package stack

// The string formats pydantic publishes for its own types, validated as
// those types do (the formats themselves: spec/formats.go): UUID1..UUID8,
// EmailStr (through email-validator 2.3.0), the ipaddress types and
// pydantic's IPvAny*, Path (FilePath and DirectoryPath too: the mock has
// no disk of the service's, mock/policy.go) and bytes. A format not here
// (uri, duration, color, base64, ...) is not modelled: the request goes
// to kin-openapi.

import (
	"fmt"
	"math/big"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// pydanticFormat validates a value of a string schema with a format of
// pydantic's own; handled is false for a format it leaves to
// pydanticString, ok false for one that is not modelled.
func pydanticFormat(loc []any, s *openapi3.Schema, value any) (canon any, issues []Issue, handled, ok bool) {
	constrained := s.MinLength > 0 || s.MaxLength != nil || s.Pattern != ""
	switch f := s.Format; {
	case len(f) == 5 && strings.HasPrefix(f, "uuid") && f[4] >= '1' && f[4] <= '8':
		c, is, ok := pydanticUUIDVersion(loc, value, f[4])
		return c, is, true, ok && !constrained
	case f == "email":
		c, is, ok := pydanticEmail(loc, value)
		return c, is, true, ok && !constrained
	case f == "path" || f == "file-path" || f == "directory-path":
		c, is := pydanticPath(loc, value)
		return c, is, true, !constrained
	case f == "binary":
		text, isText := value.(string)
		if raw, isRaw := value.(rawBytes); isRaw {
			text, isText = string(raw), true
		}
		if !isText {
			return nil, []Issue{issue("bytes_type", loc, "Input should be a valid bytes", value, nil)}, true, true
		}
		return text, nil, true, !constrained
	}
	if kind, isIP := ipFormats[s.Format]; isIP {
		c, is, ok := pydanticIP(loc, kind, value)
		return c, is, true, ok && !constrained
	}
	return nil, nil, false, true
}

// pydanticUUIDVersion is UUID1..UUID8 (pydantic/types.py: UuidVersion):
// a uuid as format uuid reads it, then its version, which python's
// UUID.version gives only for RFC 4122's variant (checked with pydantic
// 2.13.4: variant digits 8, 9, a, b pass).
func pydanticUUIDVersion(loc []any, value any, version byte) (any, []Issue, bool) {
	var text string
	switch v := value.(type) {
	case string:
		text = v
	case rawBytes:
		return nil, nil, false // bytes of 16 are a uuid too: not modelled
	default:
		return nil, []Issue{issue("uuid_type", loc, "UUID input should be a string, bytes or UUID object", value, nil)}, true
	}
	canon, problem := ParseUUID(text)
	if problem != "" {
		return nil, []Issue{issue("uuid_parsing", loc, "Input should be a valid UUID, "+problem, value, map[string]any{"error": problem})}, true
	}
	if !spec.UUIDVersionHolds(canon, version) {
		n := int(version - '0')
		return nil, []Issue{issue("uuid_version", loc, fmt.Sprintf("UUID version %d expected", n), value, map[string]any{"expected_version": n})}, true
	}
	return canon, nil, true
}

// ipKind is one of the ipaddress types: which versions, and an address,
// an interface or a network.
type ipKind struct {
	v4, v6     bool
	form       string // address, interface, network
	typ, words string // the entry's type and what its msg calls the value
	anyMsg     bool   // pydantic's IPvAny*: "value is not a valid ..."
}

// ipFormats: ipaddress's types, whose entries pydantic-core words
// "Input is not a valid IPv4 address" (src/errors/types.rs), and
// pydantic's IPvAny* (networks.py), "value is not a valid IPv4 or IPv6
// address".
var ipFormats = map[string]ipKind{
	"ipv4":            {true, false, "address", "ip_v4_address", "IPv4 address", false},
	"ipv6":            {false, true, "address", "ip_v6_address", "IPv6 address", false},
	"ipvanyaddress":   {true, true, "address", "ip_any_address", "IPv4 or IPv6 address", true},
	"ipv4interface":   {true, false, "interface", "ip_v4_interface", "IPv4 interface", false},
	"ipv6interface":   {false, true, "interface", "ip_v6_interface", "IPv6 interface", false},
	"ipvanyinterface": {true, true, "interface", "ip_any_interface", "IPv4 or IPv6 interface", true},
	"ipv4network":     {true, false, "network", "ip_v4_network", "IPv4 network", false},
	"ipv6network":     {false, true, "network", "ip_v6_network", "IPv6 network", false},
	"ipvanynetwork":   {true, true, "network", "ip_any_network", "IPv4 or IPv6 network", true},
}

// pydanticIP reads a value as ipaddress.ip_address, ip_interface or
// ip_network (strict: no host bits) would: a str, or an int (a bool is
// one) as the address's number; canonical as str() writes it.
func pydanticIP(loc []any, kind ipKind, value any) (any, []Issue, bool) {
	fail := func() (any, []Issue, bool) {
		msg := "Input is not a valid " + kind.words
		if kind.anyMsg {
			msg = "value is not a valid " + kind.words
		}
		return nil, []Issue{issue(kind.typ, loc, msg, value, nil)}, true
	}
	var addr netip.Addr
	bits := -1
	switch v := value.(type) {
	case string:
		if strings.Contains(v, "%") || strings.Count(v, "/") > 1 {
			return nil, nil, false // a scope id, a netmask: not modelled
		}
		text, prefix, hasPrefix := strings.Cut(v, "/")
		if hasPrefix && kind.form == "address" {
			return fail()
		}
		a, err := netip.ParseAddr(text)
		if err != nil {
			return fail()
		}
		addr = a
		if hasPrefix {
			if strings.Contains(prefix, ".") {
				return nil, nil, false // a netmask or hostmask: not modelled
			}
			// ipaddress: _prefix_from_prefix_string (ASCII digits, leading
			// zeros allowed).
			n, ok := new(big.Int).SetString(prefix, 10)
			if prefix == "" || strings.Trim(prefix, "0123456789") != "" || !ok || n.Cmp(big.NewInt(int64(addr.BitLen()))) > 0 {
				return fail()
			}
			bits = int(n.Int64())
		}
	case *big.Int, bool:
		n := new(big.Int)
		switch v := v.(type) {
		case *big.Int:
			n.Set(v)
		case bool:
			if v {
				n.SetInt64(1)
			}
		}
		if n.Sign() < 0 || n.BitLen() > 128 {
			return fail()
		}
		if kind.v4 && n.BitLen() <= 32 {
			var b [4]byte
			n.FillBytes(b[:])
			addr = netip.AddrFrom4(b)
		} else {
			var b [16]byte
			n.FillBytes(b[:])
			addr = netip.AddrFrom16(b)
		}
	default:
		return fail()
	}
	if addr.Is4() && !kind.v4 || addr.Is6() && !kind.v6 {
		return fail()
	}
	if addr.Is4In6() {
		return nil, nil, false // python writes ::ffff:102:304: not modelled
	}
	if bits < 0 {
		bits = addr.BitLen()
	}
	switch kind.form {
	case "address":
		return addr.String(), nil, true
	case "interface":
		return netip.PrefixFrom(addr, bits).String(), nil, true
	}
	p := netip.PrefixFrom(addr, bits)
	if p.Masked() != p {
		return fail() // strict: host bits set
	}
	return p.String(), nil, true
}

// pydanticPath is pathlib.Path of a str, written as str() writes it
// (pathlib: collapse slashes, drop "." parts and a trailing slash; two
// leading slashes are kept, POSIX's implementation-defined root).
func pydanticPath(loc []any, value any) (any, []Issue) {
	text, ok := value.(string)
	if !ok {
		return nil, []Issue{issue("path_type", loc, "Input is not a valid path for <class 'pathlib.Path'>", value, nil)}
	}
	root := ""
	switch {
	case strings.HasPrefix(text, "//") && !strings.HasPrefix(text, "///"):
		root = "//"
	case strings.HasPrefix(text, "/"):
		root = "/"
	}
	var parts []string
	for _, part := range strings.Split(text, "/") {
		if part != "" && part != "." {
			parts = append(parts, part)
		}
	}
	canon := root + strings.Join(parts, "/")
	if canon == "" {
		canon = "."
	}
	return canon, nil
}

// pydanticEmail is EmailStr (pydantic/networks.py: validate_email) with
// email-validator 2.3.0 (validate_email, check_deliverability off), for
// the ASCII addresses of a plain dot-atom local part and domain: a
// display name, quotes, brackets, non-ASCII or over-long addresses are
// not modelled. Each reason is the library's own
// (email_validator/syntax.py).
func pydanticEmail(loc []any, value any) (any, []Issue, bool) {
	text, ok := value.(string)
	if !ok {
		if _, raw := value.(rawBytes); raw {
			return nil, nil, false
		}
		return nil, []Issue{issue("string_type", loc, "Input should be a valid string", value, nil)}, true
	}
	reject := func(reason string) (any, []Issue, bool) {
		return nil, []Issue{issue("value_error", loc, "value is not a valid email address: "+reason, value, map[string]any{"reason": reason})}, true
	}
	if utf8.RuneCountInString(text) > 2048 {
		return reject("Length must not exceed 2048 characters")
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= 0x80 || strings.IndexByte("\"<>[]\\()", c) >= 0 {
			return nil, nil, false
		}
	}
	email := strings.Trim(text, " \t\n\r\v\f\x1c\x1d\x1e\x1f")
	local, domain, found := strings.Cut(email, "@")
	if !found {
		return reject("An email address must have an @-sign.")
	}
	if local == "" {
		return reject("There must be something before the @-sign.")
	}
	if !dotAtom.MatchString(local) {
		if bad := badChars(local, func(c byte) bool { return c == '.' || strings.IndexByte(atext, c) >= 0 }); bad != "" {
			return reject("The email address contains invalid characters before the @-sign: " + bad + ".")
		}
		switch {
		case strings.HasSuffix(local, "."):
			return reject("An email address cannot have a period immediately before the @-sign.")
		case strings.HasPrefix(local, "."):
			return reject("An email address cannot start with a period.")
		case strings.Contains(local, ".."):
			return reject("An email address cannot have two periods in a row.")
		}
		return reject("The email address contains invalid characters before the @-sign.")
	}
	if domain == "" {
		return reject("There must be something after the @-sign.")
	}
	if bad := badChars(domain, func(c byte) bool { return c == '.' || c == '-' || isAlnum(c) }); bad != "" {
		return reject("The part after the @-sign contains invalid characters: " + bad + ".")
	}
	switch {
	case strings.HasSuffix(domain, "."):
		return reject("An email address cannot end with a period.")
	case strings.HasPrefix(domain, "."):
		return reject("An email address cannot have a period immediately after the @-sign.")
	case strings.Contains(domain, ".."):
		return reject("An email address cannot have two periods in a row.")
	case strings.HasSuffix(domain, "-"):
		return reject("An email address cannot end with a hyphen.")
	case strings.HasPrefix(domain, "-"):
		return reject("An email address cannot have a hyphen immediately after the @-sign.")
	case strings.Contains(domain, ".-") || strings.Contains(domain, "-."):
		return reject("An email address cannot have a period and a hyphen next to each other.")
	}
	lower := strings.ToLower(domain)
	for _, label := range strings.Split(lower, ".") {
		if len(label) >= 4 && label[2:4] == "--" {
			if label[:2] == "xn" {
				return nil, nil, false // punycode: IDNA's checks, not modelled
			}
			return reject("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.")
		}
		if len(label) > 63 {
			return nil, nil, false
		}
	}
	if len(domain) > 253 || len(local)+1+len(domain) > 254 {
		return nil, nil, false // the length reasons: not modelled
	}
	if !strings.Contains(domain, ".") {
		return reject("The part after the @-sign is not valid. It should have a period.")
	}
	if last := domain[len(domain)-1]; !(last >= 'a' && last <= 'z' || last >= 'A' && last <= 'Z') {
		return reject("The part after the @-sign is not valid. It is not within a valid top-level domain.")
	}
	for _, d := range []string{"arpa", "invalid", "local", "localhost", "onion", "test"} {
		if lower == d || strings.HasSuffix(lower, "."+d) {
			return reject("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
		}
	}
	if slices.Contains(caseInsensitiveMailboxes, strings.ToLower(local)) {
		local = strings.ToLower(local)
	}
	return local + "@" + lower, nil, true
}

// atext is RFC 5322's atom characters (email_validator/rfc_constants.py:
// ATEXT), and dotAtom its DOT_ATOM_TEXT.
const atext = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_!#$%&'*+-/=?^`{|}~"

var dotAtom = regexp.MustCompile(`^[a-zA-Z0-9_!#$%&'*+\-/=?^` + "`" + `{|}~]+(?:\.[a-zA-Z0-9_!#$%&'*+\-/=?^` + "`" + `{|}~]+)*$`)

// caseInsensitiveMailboxes are lowered in the normalized address
// (rfc_constants.py: CASE_INSENSITIVE_MAILBOX_NAMES).
var caseInsensitiveMailboxes = []string{"info", "marketing", "sales", "support", "abuse", "noc", "security",
	"postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp"}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// badChars lists the characters of s that allowed refuses, each shown as
// email-validator's safe_character_display shows it (python's repr of a
// printable one, the name of a space, U+XXXX of a control), sorted and
// joined as its messages join them.
func badChars(s string, allowed func(byte) bool) string {
	seen := map[string]bool{}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if allowed(c) {
			continue
		}
		var shown string
		switch {
		case c == ' ':
			shown = "SPACE"
		case c < 0x20 || c == 0x7f:
			shown = fmt.Sprintf("U+%04X", c)
		case c == '\'':
			shown = `"'"`
		default:
			shown = "'" + string(c) + "'"
		}
		seen[shown] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
