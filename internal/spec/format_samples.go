package spec

import "strings"

// formatSamples are a valid value of each string format the mock knows
// (stringFormats), for what needs one value and not a realistic spread:
// gen's cases and the runner's completion of a request. The seeded world
// draws its own (mock/fake.go).
var formatSamples = map[string]string{
	"date": "2024-01-02", "date-time": "2024-01-02T03:04:05Z", "time": "03:04:05", "duration": "P1D",
	"email": "someone@example.com", "idn-email": "someone@example.com", "name-email": "Someone <someone@example.com>",
	"uri": "https://example.com/", "iri": "https://example.com/", "uri-reference": "/a", "iri-reference": "/a",
	"uri-template": "/a/{b}", "multi-host-uri": "postgres://app@db1:5432,db2:5432/app",
	"hostname": "example.com", "idn-hostname": "example.com",
	"ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "ipvanyaddress": "192.0.2.1",
	"ipv4interface": "192.0.2.7/24", "ipv6interface": "2001:db8::7/64", "ipvanyinterface": "192.0.2.7/24",
	"ipv4network": "192.0.2.0/24", "ipv6network": "2001:db8::/32", "ipvanynetwork": "192.0.2.0/24",
	"uuid": "c9bf9e57-1685-4c89-bafb-ff5af830be8a", "uuid1": "a8098c1a-f86e-11da-bd1a-00112444be1e",
	"uuid3": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "uuid4": "c9bf9e57-1685-4c89-bafb-ff5af830be8a",
	"uuid5": "886313e1-3b8a-5372-9b90-0c9aee199e5d", "uuid6": "1ec9414c-232a-6b00-b3c8-9e6bdeced846",
	"uuid7": "017f22e2-79b0-7cc3-98c4-dc0c0c07398f", "uuid8": "320c3d4d-cc00-875b-8ec9-32d5f69181c0",
	"path": "/srv/data/report.txt", "file-path": "/srv/data/report.txt", "directory-path": "/srv/data",
	"byte": "aGVsbG8=", "base64": "aGVsbG8=", "base64url": "aGVsbG8_", "binary": "data", "password": "secret",
	"color": "#fff", "payment-card-number": "4111111111111111", "json-string": `{"a":1}`,
	"regex": "^a$", "json-pointer": "/a", "relative-json-pointer": "0",
}

// FormatSample is a valid value of a string format; ok is false for a
// format the mock does not know.
func FormatSample(format string) (string, bool) {
	v, ok := formatSamples[format]
	return v, ok
}

// FormatOfLength is a value of the format exactly n characters long, made
// from its sample by padding where the format allows it (a longer path, a
// longer local part); ok is false when no such value was found.
func FormatOfLength(format string, n int) (string, bool) {
	sample, ok := formatSamples[format]
	if !ok || n <= 0 {
		return "", false
	}
	if len(sample) == n {
		return sample, true
	}
	if len(sample) > n {
		return "", false
	}
	pad := strings.Repeat("a", n-len(sample))
	for _, v := range []string{sample + pad, pad + sample, strings.Replace(sample, "/", "/"+pad, 1), strings.Replace(sample, "@", pad+"@", 1)} {
		if len(v) == n && FormatHolds(format, v) {
			return v, true
		}
	}
	return "", false
}
