package contract

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/heyhumm/humm-members-mock/fixtures"
)

// Profile is everything the suite knows about a target: where it is, a
// token per standing in OrganizationID, and the ids the cases work with.
type Profile struct {
	BaseURL string `json:"base_url" yaml:"base_url"`
	// Tokens has one bearer token per role of fixtures.Roles.
	Tokens map[string]string `json:"tokens" yaml:"tokens"`
	// OrganizationID is where org_admin is an active ORGANIZATION_ADMIN,
	// analyst an active ANALYST and suspended a suspended member.
	OrganizationID string `json:"organization_id" yaml:"organization_id"`
	// OtherOrganizationID has at least one member, and none of the
	// profile's users but system_admin belongs to it.
	OtherOrganizationID string `json:"other_organization_id" yaml:"other_organization_id"`
	// CandidateUserIDs are existing users who are not members of
	// OrganizationID, for the cases to add and remove.
	CandidateUserIDs []string `json:"candidate_user_ids" yaml:"candidate_user_ids"`
}

// minCandidates is how many candidate users a complete profile lists
// (--strict-profile); a case that leases more than a profile lists is
// skipped.
const minCandidates = 3

var (
	envReference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	uuidText     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// ParseProfile reads a profile in YAML or JSON, expands `${ENV_VAR}` in
// every value with lookupEnv (an unset variable is an error, not an empty
// token) and checks it. baseURL, when not empty, replaces the file's
// base_url (the --base-url flag). Uuids are lower-cased, as the service
// compares them, so that fixtures can expect them back verbatim.
func ParseProfile(data []byte, baseURL string, lookupEnv func(string) (string, bool)) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); errors.Is(err, io.EOF) {
		return nil, errors.New("profile: empty")
	} else if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	var missing []string
	expand := func(s string) string {
		return envReference.ReplaceAllStringFunc(s, func(ref string) string {
			name := envReference.FindStringSubmatch(ref)[1]
			v, ok := lookupEnv(name)
			if !ok {
				missing = append(missing, name)
			}
			return v
		})
	}
	p.BaseURL = cmp.Or(baseURL, expand(p.BaseURL))
	for role, token := range p.Tokens {
		p.Tokens[role] = expand(token)
	}
	p.OrganizationID = expand(p.OrganizationID)
	p.OtherOrganizationID = expand(p.OtherOrganizationID)
	for i, id := range p.CandidateUserIDs {
		p.CandidateUserIDs[i] = expand(id)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("profile: environment variables not set: %s", strings.Join(slices.Compact(missing), ", "))
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// AdminTokenEnv names the variable holding a mock's admin token.
const AdminTokenEnv = "HUMM_MOCK_ADMIN_TOKEN"

// FetchMockProfile asks a mock for its profile (GET /__mock/profile).
// baseURL is kept as the profile's base_url: it is how this client reaches
// the mock, whatever the mock believes its address is.
func FetchMockProfile(ctx context.Context, client *http.Client, baseURL string) (*Profile, error) {
	u := strings.TrimSuffix(baseURL, "/") + "/__mock/profile"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	// A mock started with --admin-token guards /__mock/; both read the
	// token from the same variable.
	if token := os.Getenv(AdminTokenEnv); token != "" {
		req.Header.Set("X-Mock-Admin-Token", token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch mock profile: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("fetch mock profile: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch mock profile: GET %s: %s", u, resp.Status)
	}
	var p Profile
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("fetch mock profile: %w", err)
	}
	p.BaseURL = baseURL
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

func checkBaseURL(baseURL string) error {
	if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base_url %q is not an http(s) URL", baseURL)
	}
	return nil
}

// check validates the values the profile gives and lower-cases its uuids.
// A value left out is no error: the cases that need it are skipped
// (Missing lists them; --strict-profile refuses them with Complete).
func (p *Profile) check() error {
	var problems []string
	if err := checkBaseURL(p.BaseURL); err != nil {
		problems = append(problems, err.Error())
	}
	p.BaseURL = strings.TrimSuffix(p.BaseURL, "/")
	for role := range p.Tokens {
		if !slices.Contains(fixtures.Roles, role) {
			problems = append(problems, fmt.Sprintf("tokens.%s is not a role (roles: %s)", role, strings.Join(fixtures.Roles, ", ")))
		}
	}
	uuid := func(name string, v *string) {
		if *v != "" && !uuidText.MatchString(*v) {
			problems = append(problems, fmt.Sprintf("%s %q is not a uuid", name, *v))
		}
		*v = strings.ToLower(*v)
	}
	uuid(fixtures.OrganizationID, &p.OrganizationID)
	uuid(fixtures.OtherOrganizationID, &p.OtherOrganizationID)
	for i := range p.CandidateUserIDs {
		if p.CandidateUserIDs[i] == "" {
			problems = append(problems, fmt.Sprintf("candidate_user_ids[%d] is empty", i))
			continue
		}
		uuid(fmt.Sprintf("candidate_user_ids[%d]", i), &p.CandidateUserIDs[i])
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("profile: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Missing names the keys the profile leaves out, in the words a skipped
// case uses: tokens.ROLE, organization_id, other_organization_id, and
// candidate_user_ids when it holds fewer users than minCandidates.
func (p *Profile) Missing() []string {
	var missing []string
	for _, role := range fixtures.Roles {
		if p.Tokens[role] == "" {
			missing = append(missing, tokensKey(role))
		}
	}
	if p.OrganizationID == "" {
		missing = append(missing, fixtures.OrganizationID)
	}
	if p.OtherOrganizationID == "" {
		missing = append(missing, fixtures.OtherOrganizationID)
	}
	if len(p.CandidateUserIDs) < minCandidates {
		missing = append(missing, fixtures.CandidateUserIDs)
	}
	return missing
}

// Complete refuses a partial profile: --strict-profile, for a target that
// must run the whole suite.
func (p *Profile) Complete() error {
	var problems []string
	for _, key := range p.Missing() {
		if key == fixtures.CandidateUserIDs {
			problems = append(problems, fmt.Sprintf("candidate_user_ids has %d users, at least %d are needed", len(p.CandidateUserIDs), minCandidates))
			continue
		}
		problems = append(problems, key+" is missing")
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("profile: %s", strings.Join(problems, "; "))
	}
	return nil
}

// lacks names what a case needs that the profile does not give, or ""
// when the case can run.
func (p *Profile) lacks(c fixtures.Case) string {
	var lacking []string
	needs := c.Needs()
	for _, role := range needs.Roles {
		if p.Tokens[role] == "" {
			lacking = append(lacking, tokensKey(role))
		}
	}
	for _, name := range needs.Values {
		if (name == fixtures.OrganizationID && p.OrganizationID == "") || (name == fixtures.OtherOrganizationID && p.OtherOrganizationID == "") {
			lacking = append(lacking, name)
		}
	}
	if c.Candidates > len(p.CandidateUserIDs) {
		lacking = append(lacking, fmt.Sprintf("%s (%d needed, %d given)", fixtures.CandidateUserIDs, c.Candidates, len(p.CandidateUserIDs)))
	}
	if len(lacking) == 0 {
		return ""
	}
	return "the profile lacks " + strings.Join(lacking, ", ")
}

func tokensKey(role string) string { return "tokens." + role }

// tokenVariable is the environment variable a copy-paste curl reads a
// role's token from, so that reports never carry a token.
func tokenVariable(role string) string {
	return "TOKEN_" + strings.ToUpper(role)
}

// masker replaces every token of the profile in a text by its variable.
func (p *Profile) masker() *strings.Replacer {
	var pairs []string
	for _, role := range fixtures.Roles {
		if t := p.Tokens[role]; t != "" {
			pairs = append(pairs, t, "${"+tokenVariable(role)+"}")
		}
	}
	return strings.NewReplacer(pairs...)
}
