package contract_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
)

// FuzzParseProfile feeds the profile decoder arbitrary documents and base
// URLs: it must not panic, and a profile it accepts is well formed: an
// http(s) base URL, tokens for roles only, lower-case uuids; keys it leaves
// out are exactly those Missing names.
func FuzzParseProfile(f *testing.F) {
	f.Add([]byte(profileYAML), "")
	f.Add([]byte(profileYAML), "http://127.0.0.1:4010/")
	f.Add([]byte(`{"base_url": "http://127.0.0.1:4010", "tokens": {"system_admin": "a", "org_admin": "b", "analyst": "c", "suspended": "d", "outsider": "e"}, "organization_id": "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c", "other_organization_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "candidate_user_ids": ["5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "0f1e2d3c-4b5a-4968-8776-655443322110", "7d2e4f6a-8b0c-4d1e-9f2a-3b4c5d6e7f80"]}`), "")
	f.Add([]byte("base_url: ${UNSET}\ntokens: {a: &x b, c: *x}\n"), "ftp://x")
	f.Add([]byte("a: &a [*a, *a, *a]\nb: &b [*a, *a, *a]\n"), "")
	env := func(name string) (string, bool) {
		if name == "SYSTEM_ADMIN_TOKEN" {
			return "sa", true
		}
		return "", false
	}
	f.Fuzz(func(t *testing.T, data []byte, baseURL string) {
		p, err := contract.ParseProfile(data, baseURL, env)
		if err != nil {
			if p != nil {
				t.Fatalf("a profile and an error: %v", err)
			}
			return
		}
		if !strings.HasPrefix(p.BaseURL, "http://") && !strings.HasPrefix(p.BaseURL, "https://") {
			t.Fatalf("accepted base_url %q", p.BaseURL)
		}
		missing := p.Missing()
		for role, token := range p.Tokens {
			if !slices.Contains(fixtures.Roles, role) {
				t.Fatalf("accepted a token for %q", role)
			}
			if token == "" && !slices.Contains(missing, "tokens."+role) {
				t.Fatalf("an empty %s token is not named missing: %v", role, missing)
			}
		}
		for _, id := range slices.Concat([]string{p.OrganizationID, p.OtherOrganizationID}, p.CandidateUserIDs) {
			if id != "" && (len(id) != 36 || strings.ToLower(id) != id) {
				t.Fatalf("accepted uuid %q", id)
			}
		}
		if (len(missing) == 0) != (p.Complete() == nil) {
			t.Fatalf("missing %v, yet Complete says %v", missing, p.Complete())
		}
	})
}
