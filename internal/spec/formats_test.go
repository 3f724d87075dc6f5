package spec_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// formatDocument is a FastAPI 3.1 document with one component whose
// property has the schema given.
func formatDocument(property string) []byte {
	return []byte(fmt.Sprintf(`{"openapi":"3.1.0","info":{"title":"f","version":"1"},"paths":{},
		"components":{"schemas":{"Device":{"type":"object","title":"Device","properties":{"probe":%s}}}}}`, property))
}

// pydanticFormats are the formats pydantic 2.13.4 publishes for its types,
// each printed by TypeAdapter(T).json_schema(): UUID1..UUID8, Path,
// FilePath, DirectoryPath, IPvAnyAddress/Interface/Network, IPv4Network,
// IPv6Network, IPv4Interface, IPv6Interface, Color (pydantic/color.py),
// PostgresDsn (multi-host-uri), NameEmail, Base64Str, Base64UrlStr,
// bytes (binary), SecretStr (password), timedelta (duration); with a
// value pydantic takes and one it refuses.
var pydanticFormats = []struct{ format, valid, invalid string }{
	{"uuid1", "a8098c1a-f86e-11da-bd1a-00112444be1e", "c9bf9e57-1685-4c89-bafb-ff5af830be8a"},
	{"uuid3", "6fa459ea-ee8a-3ca4-894e-db77e160355e", "6fa459ea-ee8a-3ca4-794e-db77e160355e"},
	{"uuid4", "c9bf9e57-1685-4c89-bafb-ff5af830be8a", "a8098c1a-f86e-11da-bd1a-00112444be1e"},
	{"uuid5", "886313e1-3b8a-5372-9b90-0c9aee199e5d", "886313e1-3b8a-4372-9b90-0c9aee199e5d"},
	{"uuid6", "1ec9414c-232a-6b00-b3c8-9e6bdeced846", "00000000-0000-0000-0000-000000000000"},
	{"uuid7", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f", "017f22e2-79b0-7cc3-c8c4-dc0c0c07398f"},
	{"uuid8", "320c3d4d-cc00-875b-8ec9-32d5f69181c0", "320c3d4d-cc00-475b-8ec9-32d5f69181c0"},
	{"path", "/srv/data/report.txt", ""},
	{"file-path", "/srv/data/report.txt", ""},
	{"directory-path", "/srv/data", ""},
	{"ipvanyaddress", "::1", "1.2.3.4/24"},
	{"ipvanyinterface", "10.0.0.7/24", "x"},
	{"ipvanynetwork", "10.0.0.0/24", "10.0.0.7/24"},
	{"ipv4network", "10.0.0.0/24", "::/0"},
	{"ipv6network", "2001:db8::/32", "10.0.0.0/24"},
	{"ipv4interface", "10.0.0.7", "::1/64"},
	{"ipv6interface", "2001:db8::7/64", "10.0.0.7/24"},
	{"color", "#fff", "x"},
	{"multi-host-uri", "postgres://app@db1:5432,db2:5432/app", "db1,db2"},
	{"name-email", "Ada <ada@example.com>", "Ada"},
	{"email", "ada@example.com", "ada@example.test"},
	{"base64", "aGVsbG8=", "!!"},
	{"base64url", "aGVsbG8_", "aGVsbG8/"},
	{"binary", "anything", ""},
	{"password", "anything", ""},
	{"duration", "-PT1S", "P1D2H"},
	{"time", "10:00:00", "10:00"},
}

// TestPydanticsFormatsLoad: a FastAPI document with any format pydantic
// publishes loads (kin-openapi's own check refuses all but JSON Schema's),
// each holds for a value pydantic takes and not for one it refuses, and
// the document's validators check those kin-openapi is handed: an
// example of a v1 uuid on a UUID4 field is named as breaking its schema.
func TestPydanticsFormatsLoad(t *testing.T) {
	for _, f := range pydanticFormats {
		t.Run(f.format, func(t *testing.T) {
			_, err := spec.Load(formatDocument(fmt.Sprintf(`{"type":"string","format":%q,"examples":[%q]}`, f.format, f.valid)))
			require.NoError(t, err)
			require.True(t, spec.FormatHolds(f.format, f.valid))
			if f.invalid == "" {
				return
			}
			require.False(t, spec.FormatHolds(f.format, f.invalid))
			if !slices.Contains(spec.CheckedByKin(), f.format) {
				return
			}
			sp, err := spec.Load(formatDocument(fmt.Sprintf(`{"type":"string","format":%q,"examples":[%q]}`, f.format, f.invalid)))
			require.NoError(t, err, "a broken example is named, not refused")
			require.Len(t, sp.BrokenExamples, 1)
			require.Contains(t, sp.BrokenExamples[0], "examples[0]")
		})
	}
}

// TestUnknownFormatFailsAtStart: a format no rule of the mock knows
// refuses the document at start, naming the property and the format
// (mock/policy.go: unknown formats), as does a string format on a number.
func TestUnknownFormatFailsAtStart(t *testing.T) {
	for _, property := range []string{`{"type":"string","format":"iban"}`, `{"type":"integer","format":"uuid4"}`, `{"format":"int8","type":"integer"}`} {
		_, err := spec.Load(formatDocument(property))
		require.Error(t, err, property)
		require.Contains(t, err.Error(), "components.schemas.Device.properties.probe has format", property)
		require.Contains(t, err.Error(), "which the mock does not know")
		require.True(t, strings.Contains(err.Error(), "uuid4"), "it lists the formats it knows")
	}
	for _, property := range []string{`{"type":"integer","format":"int64"}`, `{"type":"number","format":"double"}`, `{"format":"uuid7"}`} {
		_, err := spec.Load(formatDocument(property))
		require.NoError(t, err, property)
	}
}
