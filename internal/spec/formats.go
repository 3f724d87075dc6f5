package spec

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// stringFormats are the string formats the mock knows, each with what a
// value of it is, as strictly as the format's definition or the python
// type pydantic 2 publishes it for (pydantic/json_schema.py:
// GenerateJsonSchema's *_schema methods and the types' own
// __get_pydantic_json_schema__; printed with pydantic 2.13.4 by
// TypeAdapter(T).json_schema()): the mock generates only values that hold,
// its response check refuses one that does not, and a document naming a
// format not here is refused at start (unknownFormat). Formats kin-openapi
// checks on its own (date, date-time, byte) keep its check too.
var stringFormats = map[string]func(string) bool{
	// JSON Schema's and OpenAPI's own.
	"date":      func(v string) bool { _, err := time.Parse(time.DateOnly, v); return err == nil },
	"date-time": func(v string) bool { return dateTimeValidator.Validate(v) == nil },
	"time":      isoTime.MatchString,
	"duration": func(v string) bool {
		return isoDuration.MatchString(v) && !strings.HasSuffix(v, "P") && !strings.HasSuffix(v, "T")
	},
	"email":         emailHolds,
	"idn-email":     emailHolds,
	"uri":           absoluteURI,
	"iri":           absoluteURI,
	"uri-reference": func(v string) bool { _, err := url.Parse(v); return err == nil },
	"iri-reference": func(v string) bool { _, err := url.Parse(v); return err == nil },
	"uri-template": func(v string) bool {
		return !strings.ContainsAny(v, " \t\n") && strings.Count(v, "{") == strings.Count(v, "}")
	},
	"hostname":              hostnameHolds,
	"idn-hostname":          hostnameHolds,
	"ipv4":                  func(v string) bool { a, err := netip.ParseAddr(v); return err == nil && a.Is4() },
	"ipv6":                  func(v string) bool { a, err := netip.ParseAddr(v); return err == nil && a.Is6() && a.Zone() == "" },
	"uuid":                  IsUUID,
	"byte":                  func(v string) bool { _, err := base64.StdEncoding.DecodeString(v); return err == nil },
	"binary":                anyString, // bytes: any str, as pydantic's JSON mode takes it
	"password":              anyString, // SecretStr, SecretBytes
	"regex":                 func(v string) bool { _, err := regexp.Compile(v); return err == nil },
	"json-pointer":          func(v string) bool { return v == "" || strings.HasPrefix(v, "/") },
	"relative-json-pointer": func(v string) bool { return v != "" && v[0] >= '0' && v[0] <= '9' },

	// pydantic's own (pydantic/types.py, networks.py, color.py).
	"uuid1": uuidOfVersion('1'), "uuid3": uuidOfVersion('3'), "uuid4": uuidOfVersion('4'), "uuid5": uuidOfVersion('5'),
	"uuid6": uuidOfVersion('6'), "uuid7": uuidOfVersion('7'), "uuid8": uuidOfVersion('8'),
	// Path, NewPath, SocketPath; FilePath and DirectoryPath name a file or
	// a directory of the service's own disk, which the mock has not: any
	// path (mock/policy.go).
	"path": anyString, "file-path": anyString, "directory-path": anyString,
	"ipvanyaddress":   func(v string) bool { _, err := netip.ParseAddr(v); return err == nil && !strings.Contains(v, "%") },
	"ipv4interface":   func(v string) bool { p, ok := ipPrefix(v); return ok && p.Addr().Is4() },
	"ipv6interface":   func(v string) bool { p, ok := ipPrefix(v); return ok && p.Addr().Is6() },
	"ipvanyinterface": func(v string) bool { _, ok := ipPrefix(v); return ok },
	"ipv4network":     func(v string) bool { p, ok := ipPrefix(v); return ok && p.Addr().Is4() && p.Masked() == p },
	"ipv6network":     func(v string) bool { p, ok := ipPrefix(v); return ok && p.Addr().Is6() && p.Masked() == p },
	"ipvanynetwork":   func(v string) bool { p, ok := ipPrefix(v); return ok && p.Masked() == p },
	"color":           colorHolds,
	"multi-host-uri":  multiHostURI, // PostgresDsn, MongoDsn, NatsDsn
	"name-email":      nameEmailHolds,
	"base64":          func(v string) bool { _, err := base64.StdEncoding.DecodeString(v); return err == nil },
	"base64url":       func(v string) bool { _, err := base64.URLEncoding.DecodeString(v); return err == nil },
	// pydantic 1's Json and PaymentCardNumber, in documents still written so.
	"json-string":         func(v string) bool { return json.Valid([]byte(v)) },
	"payment-card-number": luhnHolds,
}

// numberFormats are the integer and number formats the mock knows, which
// kin-openapi checks (int32 and int64 ranges) or which say nothing a JSON
// number would not (float, double).
var numberFormats = map[string]bool{"int32": true, "int64": true, "float": true, "double": true}

// FormatHolds tells whether v is a value of a string format; true for a
// format the mock does not know (a loaded document has none: Load refuses
// it).
func FormatHolds(format, v string) bool {
	if holds, ok := stringFormats[format]; ok {
		return holds(v)
	}
	return true
}

// KnownStringFormats lists the string formats the mock knows, sorted.
func KnownStringFormats() []string { return slices.Sorted(maps.Keys(stringFormats)) }

// unknownFormat names the first schema of the document whose format no
// rule of the mock knows: the mock could neither generate its values nor
// check them as the service does, so it refuses the document rather than
// treat the value as any string (mock/policy.go: unknown formats).
func unknownFormat(doc *openapi3.T) error {
	return walkSchemas(doc, func(where string, s *openapi3.Schema) error {
		if s.Format == "" {
			return nil
		}
		_, isString := stringFormats[s.Format]
		typed := s.Type != nil && len(s.Type.Slice()) > 0
		switch {
		case isString && (!typed || s.Type.Includes(openapi3.TypeString)):
			return nil
		case numberFormats[s.Format] && (!typed || s.Type.Includes(openapi3.TypeInteger) || s.Type.Includes(openapi3.TypeNumber)):
			return nil
		}
		return fmt.Errorf("%s has format %q, which the mock does not know: it can neither generate its values nor check them as the service would (string formats it knows: %s; number formats: int32, int64, float, double)",
			where, s.Format, strings.Join(KnownStringFormats(), ", "))
	})
}

// checkedByKin are the formats whose check registerFormats hands to
// kin-openapi, which checks responses, examples and the requests of an
// operation the stack's emulation does not model: those whose values
// pydantic takes as input are the ones that hold (or fewer: uuid's other
// spellings). A format whose input pydantic reads more loosely than it
// writes it (time "10:00", base64 without padding, "RED" for a color,
// a URL it normalizes) is not, so that kin-openapi refuses nothing the
// service takes.
var checkedByKin = []string{"uuid", "uuid1", "uuid3", "uuid4", "uuid5", "uuid6", "uuid7", "uuid8", "date-time",
	"email", "idn-email", "name-email", "ipv4", "ipv6", "ipvanyaddress", "ipv4interface", "ipv6interface",
	"ipvanyinterface", "ipv4network", "ipv6network", "ipvanynetwork", "multi-host-uri", "json-string",
	"payment-card-number"}

// CheckedByKin lists the formats kin-openapi checks (checkedByKin).
func CheckedByKin() []string { return slices.Clone(checkedByKin) }

// registerFormats gives the document's own validators (kin-openapi's are
// global, and check only date, date-time and byte) the formats of
// checkedByKin, so that a response or an example of a uuid4 or an
// ipv4network is checked as such.
func registerFormats(doc *openapi3.T) {
	for _, name := range checkedByKin {
		holds := stringFormats[name]
		doc.SetStringFormatValidator(name, openapi3.NewCallbackValidator(func(v string) error {
			if !holds(v) {
				return errors.New("not a valid " + name)
			}
			return nil
		}))
	}
}

func anyString(string) bool { return true }

// ipPrefix reads an interface or a network as python's ipaddress does: an
// address with a prefix length, or a bare one (a /32 or /128).
func ipPrefix(v string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p, true
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// uuidOfVersion is pydantic's UUID1..UUID8 (types.py: UuidVersion): a
// uuid whose version is the digit and whose variant is RFC 4122's
// (python's UUID.version is None for another variant; checked with
// pydantic 2.13.4: variant digits 8, 9, a and b pass, the others give
// uuid_version).
func uuidOfVersion(version byte) func(string) bool {
	return func(v string) bool {
		return IsUUID(v) && v[14] == version && strings.IndexByte("89abAB", v[19]) >= 0
	}
}

// UUIDVersionHolds tells whether a uuid (any form ParseUUID canonicalizes,
// then canonical: lower case with dashes) is of a version and RFC 4122's
// variant.
func UUIDVersionHolds(canon string, version byte) bool { return uuidOfVersion(version)(canon) }

func absoluteURI(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.IsAbs()
}

// multiHostURI is a scheme, "://", and hosts (with ports) separated by
// commas, then the path: Go's url.Parse refuses a port list.
func multiHostURI(v string) bool {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok || scheme == "" || rest == "" || strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	u, err := url.Parse(scheme + "://placeholder")
	return err == nil && u.Scheme != ""
}

// isoDuration is RFC 3339's duration (appendix A), less its two rules
// that need a lookahead (something follows P, and T), with the sign and
// the fraction of seconds pydantic writes a timedelta with ("-PT1S",
// "P1DT3.5S": pydantic-core src/serializers/type_serializers/timedelta.rs).
var isoDuration = regexp.MustCompile(`^-?P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)

// isoTime is RFC 3339's partial-time with an optional offset: pydantic
// publishes format time for a naive time too, and writes it so
// ("10:00:00", "10:00:00.000005").
var isoTime = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[+-]([01]\d|2[0-3]):[0-5]\d)?$`)

// specialUseDomains are the domains email-validator refuses
// (email_validator/__init__.py: SPECIAL_USE_DOMAIN_NAMES, v2.3.0): an
// address there is no EmailStr.
var specialUseDomains = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

// emailHolds is an address email-validator takes as EmailStr: a dot-atom
// local part, a hostname with a period not under a special-use domain.
func emailHolds(v string) bool {
	local, domain, ok := strings.Cut(v, "@")
	if !ok || !localPartHolds(local) || !strings.Contains(domain, ".") || !hostnameHolds(domain) {
		return false
	}
	lower := strings.ToLower(domain)
	for _, d := range specialUseDomains {
		if lower == d || strings.HasSuffix(lower, "."+d) {
			return false
		}
	}
	return true
}

// nameEmailHolds is pydantic's NameEmail: an address, or "Name <address>".
func nameEmailHolds(v string) bool {
	if name, rest, ok := strings.Cut(v, " <"); ok && name != "" && strings.HasSuffix(rest, ">") {
		return emailHolds(strings.TrimSuffix(rest, ">"))
	}
	return emailHolds(v)
}

// localPartHolds is an email's local part as RFC 5322's dot-atom says:
// atoms of letters, digits and !#$%&'*+/=?^_`{|}~- joined by single dots.
func localPartHolds(v string) bool {
	if v == "" || len(v) > 64 || v[0] == '.' || v[len(v)-1] == '.' || strings.Contains(v, "..") {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", c)) {
			return false
		}
	}
	return true
}

// hostnameHolds is RFC 1123: dot-separated labels of letters, digits and
// inner hyphens, 63 characters each, 253 in all.
func hostnameHolds(v string) bool {
	if v == "" || len(v) > 253 {
		return false
	}
	for rest, more := v, true; more; {
		var label string
		label, rest, more = strings.Cut(rest, ".")
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// colorHex and colorFunction are pydantic's Color's string forms
// (pydantic/color.py: r_hex_short, r_hex_long, r_rgb, r_hsl, loosened to
// their shape): a value of either, or a CSS color name, is a color.
var (
	colorHex      = regexp.MustCompile(`^\s*(?:#|0x)?(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\s*$`)
	colorFunction = regexp.MustCompile(`^\s*(?:rgba?|hsla?)\(\s*[-+0-9.]+(?:deg|rad|turn|%)?\s*(?:,\s*[-+0-9.]+%?\s*){2,3}\)\s*$`)
)

func colorHolds(v string) bool {
	return colorHex.MatchString(v) || colorFunction.MatchString(v) || slices.Contains(ColorNames, strings.ToLower(strings.TrimSpace(v)))
}

// ColorNames are the CSS color names pydantic's Color knows
// (pydantic/color.py: COLORS_BY_NAME, 147 of them).
var ColorNames = strings.Fields(`aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond
blue blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan
darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange
darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush
lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey
lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime
limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin
navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise
palevioletred papayawhip peachpuff peru pink plum powderblue purple red rosybrown royalblue saddlebrown salmon
sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan
teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen`)

// luhnHolds is a card number of 12 to 19 digits whose Luhn sum is whole
// (pydantic/types.py: PaymentCardNumber.validate_luhn_check_digit).
func luhnHolds(v string) bool {
	if len(v) < 12 || len(v) > 19 {
		return false
	}
	sum := 0
	for i := range len(v) {
		c := v[len(v)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
