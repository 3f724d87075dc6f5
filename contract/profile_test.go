package contract_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/mock"
)

const profileYAML = `
base_url: https://staging.example.com/
tokens:
  system_admin: ${SYSTEM_ADMIN_TOKEN}
  org_admin: oa
  analyst: an
  suspended: su
  outsider: ou
organization_id: 9A1F6C2E-5B7D-4E3A-8C1F-2D4E6F8A0B1C
other_organization_id: 3c90c3cc-0d44-4b50-8888-8dd25736052a
candidate_user_ids:
  - 5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b
  - 0f1e2d3c-4b5a-4968-8776-655443322110
  - 7d2e4f6a-8b0c-4d1e-9f2a-3b4c5d6e7f80
`

func env(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestParseProfile(t *testing.T) {
	p, err := contract.ParseProfile([]byte(profileYAML), "", env(map[string]string{"SYSTEM_ADMIN_TOKEN": "sa"}))
	require.NoError(t, err)
	require.Equal(t, &contract.Profile{
		BaseURL:             "https://staging.example.com",
		Tokens:              map[string]string{"system_admin": "sa", "org_admin": "oa", "analyst": "an", "suspended": "su", "outsider": "ou"},
		OrganizationID:      "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c",
		OtherOrganizationID: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		CandidateUserIDs:    []string{"5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "0f1e2d3c-4b5a-4968-8776-655443322110", "7d2e4f6a-8b0c-4d1e-9f2a-3b4c5d6e7f80"},
	}, p)

	asJSON := `{"base_url": "http://127.0.0.1:4010", "tokens": {"system_admin": "a", "org_admin": "b", "analyst": "c", "suspended": "d", "outsider": "e"},
		"organization_id": "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c", "other_organization_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
		"candidate_user_ids": ["5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "0f1e2d3c-4b5a-4968-8776-655443322110", "7d2e4f6a-8b0c-4d1e-9f2a-3b4c5d6e7f80"]}`
	p, err = contract.ParseProfile([]byte(asJSON), "", env(nil))
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:4010", p.BaseURL)

	p, err = contract.ParseProfile([]byte(asJSON), "http://127.0.0.1:9999/", env(nil))
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:9999", p.BaseURL, "--base-url wins over the file")
}

func TestExampleProfileParses(t *testing.T) {
	data, err := os.ReadFile("testdata/staging-profile.yaml")
	require.NoError(t, err)
	vars := map[string]string{}
	for _, role := range []string{"SYSTEM_ADMIN", "ORG_ADMIN", "ANALYST", "SUSPENDED", "OUTSIDER"} {
		vars["HUMM_TOKEN_"+role] = "secret-" + role
	}
	p, err := contract.ParseProfile(data, "", env(vars))
	require.NoError(t, err)
	require.Equal(t, "secret-ORG_ADMIN", p.Tokens["org_admin"])
}

func TestParseProfileRejects(t *testing.T) {
	tests := []struct {
		name, profile string
		env           map[string]string
		want          string
	}{
		{name: "empty", profile: "", want: "profile: empty"},
		{name: "unset variable", profile: profileYAML, want: "environment variables not set: SYSTEM_ADMIN_TOKEN"},
		{name: "unknown key", profile: profileYAML + "organisation_id: x\n", want: "field organisation_id not found"},
		{name: "unknown role", profile: "tokens: {admin: x}\n", want: "tokens.admin is not a role"},
		{name: "not a url", profile: "base_url: staging\n", want: `base_url "staging" is not an http(s) URL`},
		{name: "not a uuid", profile: "organization_id: acme\n", want: `organization_id "acme" is not a uuid`},
		{name: "empty candidate", profile: "candidate_user_ids: [5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b, '']\n", want: "candidate_user_ids[1] is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := contract.ParseProfile([]byte(tt.profile), "", env(tt.env))
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestPartialProfile(t *testing.T) {
	tests := []struct {
		name, profile string
		env           map[string]string
		// missing are the keys Missing names, incomplete what Complete
		// (--strict-profile) says of them.
		missing    []string
		incomplete []string
	}{
		{name: "complete", profile: profileYAML, env: map[string]string{"SYSTEM_ADMIN_TOKEN": "sa"}},
		{name: "a token set empty by the environment", profile: profileYAML, env: map[string]string{"SYSTEM_ADMIN_TOKEN": ""},
			missing: []string{"tokens.system_admin"}, incomplete: []string{"tokens.system_admin is missing"}},
		{name: "base url only", profile: "base_url: http://127.0.0.1:4010\n",
			missing:    []string{"tokens.system_admin", "tokens.org_admin", "tokens.analyst", "tokens.suspended", "tokens.outsider", "organization_id", "other_organization_id", "candidate_user_ids"},
			incomplete: []string{"tokens.suspended is missing", "organization_id is missing", "other_organization_id is missing", "candidate_user_ids has 0 users, at least 3 are needed"}},
		{name: "no suspended user, no second organization, one candidate", profile: `
base_url: http://127.0.0.1:4010
tokens: {system_admin: a, org_admin: b, analyst: c, outsider: e}
organization_id: 9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c
candidate_user_ids: [5E2B8F1A-7C3D-4A9E-B6F0-1D2C3E4F5A6B]
`,
			missing:    []string{"tokens.suspended", "other_organization_id", "candidate_user_ids"},
			incomplete: []string{"tokens.suspended is missing", "other_organization_id is missing", "candidate_user_ids has 1 users, at least 3 are needed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := contract.ParseProfile([]byte(tt.profile), "", env(tt.env))
			require.NoError(t, err, "a partial profile loads")
			require.Equal(t, tt.missing, p.Missing())
			for _, id := range p.CandidateUserIDs {
				require.Equal(t, strings.ToLower(id), id)
			}
			err = p.Complete()
			if len(tt.incomplete) == 0 {
				require.NoError(t, err)
				return
			}
			for _, want := range tt.incomplete {
				require.ErrorContains(t, err, want)
			}
		})
	}
}

func TestFetchMockProfileKeepsTheAddressItWasFetchedFrom(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/__mock/profile" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"base_url": "http://0.0.0.0:4010", "tokens": {"system_admin": "a", "org_admin": "b", "analyst": "c", "suspended": "d", "outsider": "e"},
			"organization_id": "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c", "other_organization_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
			"candidate_user_ids": ["5e2b8f1a-7c3d-4a9e-b6f0-1d2c3e4f5a6b", "0f1e2d3c-4b5a-4968-8776-655443322110", "7d2e4f6a-8b0c-4d1e-9f2a-3b4c5d6e7f80"]}`)
	}))
	defer srv.Close()

	p, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL+"/")
	require.NoError(t, err)
	require.Equal(t, srv.URL, p.BaseURL)
	require.Equal(t, "b", p.Tokens["org_admin"])

	_, err = contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL+"/nowhere")
	require.ErrorContains(t, err, "404 Not Found")
}

func TestFetchMockProfileSendsTheAdminTokenFromTheEnvironment(t *testing.T) {
	m, err := mock.New(mock.Config{Seed: 1, AdminToken: "s3cret"})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	defer srv.Close()
	t.Setenv(contract.AdminTokenEnv, "")
	_, err = contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.ErrorContains(t, err, "401")
	t.Setenv(contract.AdminTokenEnv, "s3cret")
	p, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	require.Equal(t, srv.URL, p.BaseURL)
}
