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
	"strconv"
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

// Unprovable is a need of a case that the target's data does not meet, as
// the data check finds it before the cases run: the case's rules are not
// proven by it on this target, whatever the run's verdict. Needs is the data
// that would prove them, read from what the fixture declares (a step's
// requires, pick or precondition, or a list's sorted_by, whose later keys
// order only items that tie on the earlier ones).
type Unprovable struct {
	Case  string
	Rules []string
	Step  string
	// Needs is the data that would prove the case's rules.
	Needs string
	// Found is what the target holds instead, or why the need was not
	// checked up front.
	Found string
}

// Text is the unprovable need on one line.
func (u Unprovable) Text() string {
	where := "case " + u.Case
	if u.Step != "" {
		where += fmt.Sprintf(", step %q", u.Step)
	}
	return fmt.Sprintf("%s (%s): needs %s; %s", strings.Join(u.Rules, ", "), where, u.Needs, u.Found)
}

// dataNeed is what one step of a case needs of the target's data.
type dataNeed struct {
	step int
	// needs says what data would prove the case, given the step's result.
	needs func(sr StepResult) string
	// unmet is what the data holds instead, or "" when the need is met.
	unmet func(sr StepResult, body any) string
}

// dataNeeds reads what a case needs of the target's data from its
// fixture's declarations, in step order, so that a case added to the
// fixtures shows its needs without a change here.
func dataNeeds(c fixtures.Case) []dataNeed {
	var needs []dataNeed
	for i, s := range c.Steps {
		if s.Requires != nil {
			n := s.Requires.Items
			needs = append(needs, dataNeed{step: i,
				needs: func(sr StepResult) string {
					return fmt.Sprintf("at least %s in %s %s", itemCount(n), sr.Method, sr.URL)
				},
				unmet: func(sr StepResult, body any) string { return foundItems(sr, body) }})
		}
		if p := s.Pick; p != nil {
			needs = append(needs, dataNeed{step: i,
				needs: func(sr StepResult) string {
					return fmt.Sprintf("an item of %s %s whose %s holds %s", sr.Method, sr.URL, p.Field, pickNeed(p))
				},
				unmet: func(sr StepResult, body any) string {
					if found := foundItems(sr, body); found != "" {
						return "found: none of its " + strings.TrimPrefix(found, "found: ")
					}
					return ""
				}})
		}
		if s.Precondition != "" {
			precondition := s.Precondition
			needs = append(needs, dataNeed{step: i,
				needs: func(StepResult) string { return precondition },
				unmet: func(sr StepResult, _ any) string {
					if len(sr.Failures) > 0 {
						return "found: " + sr.Failures[0]
					}
					return ""
				}})
		}
		if l := s.Expect.List; l != nil {
			for k := 1; k < len(l.SortedBy); k++ {
				tied, by := l.SortedBy[:k], l.SortedBy[k]
				needs = append(needs, dataNeed{step: i,
					needs: func(sr StepResult) string {
						return fmt.Sprintf("two items of %s %s sharing %s (for the order by %s)", sr.Method, sr.URL, strings.Join(tied, " and "), by)
					},
					unmet: func(sr StepResult, body any) string {
						if len(sr.Failures) > 0 {
							return "" // a failed step is the run's to report
						}
						list, _ := resolvePointer(body, l.At)
						items, _ := list.([]any)
						for a := range items {
							for b := a + 1; b < len(items); b++ {
								if compareBy(items[a], items[b], tied) == 0 {
									return ""
								}
							}
						}
						return fmt.Sprintf("found: none of its %s share %s", itemCount(len(items)), strings.Join(tied, " and "))
					}})
			}
		}
	}
	return needs
}

// foundItems is what a list the target's data falls short on holds
// (the step's NoData set by requireData), or "" when it does not.
func foundItems(sr StepResult, body any) string {
	if sr.NoData == "" {
		return ""
	}
	items, _ := body.([]any)
	return "found: " + itemCount(len(items))
}

// checkData runs, before any case, the steps of each runnable case up to
// its last data need, where they only read (GET, no candidate users), and
// lists the needs the target's data does not meet. A need behind a write
// is listed as not checked up front: the run alone can tell.
func (r *runner) checkData(ctx context.Context, cases []fixtures.Case, lacking []string) []Unprovable {
	var out []Unprovable
	for i, c := range cases {
		needs := dataNeeds(c)
		if lacking[i] != "" || len(needs) == 0 {
			continue
		}
		last := needs[len(needs)-1].step
		if write := firstWrite(c, last); write != "" {
			for _, n := range needs {
				out = append(out, Unprovable{Case: c.Name, Rules: c.Rules, Step: c.Steps[n.step].Name,
					Needs: n.needs(StepResult{Method: c.Steps[n.step].Method, URL: c.Steps[n.step].Path.Source}),
					Found: "not checked up front: " + write})
			}
			continue
		}
		f := &flow{runner: r, c: c, captured: map[string]string{}, missing: map[string]string{}, bodies: map[string]any{}}
	steps:
		for si, s := range c.Steps[:last+1] {
			sr := f.runStep(ctx, s, false)
			if sr.NotInDocument != "" {
				break
			}
			for _, n := range needs {
				if n.step != si {
					continue
				}
				if found := n.unmet(sr, f.bodies[s.Name]); found != "" {
					out = append(out, Unprovable{Case: c.Name, Rules: c.Rules, Step: s.Name, Needs: n.needs(sr), Found: found})
				}
			}
			if sr.NoData != "" || len(sr.Failures) > 0 {
				// Later steps build on this one: the run will report it.
				break steps
			}
		}
	}
	return append(out, r.checkCandidates(ctx, cases, lacking)...)
}

// firstWrite names the first step up to last that the data check cannot
// send up front (it may write, or takes a candidate user), or "".
func firstWrite(c fixtures.Case, last int) string {
	if c.Candidates > 0 {
		return "the case takes candidate users"
	}
	for _, s := range c.Steps[:last+1] {
		if (s.Method != http.MethodGet && s.Method != http.MethodHead) || len(s.MethodTemplate.Refs()) > 0 {
			return fmt.Sprintf("step %q sends %s", s.Name, s.Method)
		}
	}
	return ""
}

// maxMemberPages bounds the pages the candidate check reads: past them,
// the organization is too large to read up front, and it is not.
const maxMemberPages = 100

// systemAdmin is the profile's token that reads any organization.
const systemAdmin = "system_admin"

// memberListPath is the member list as the fixtures write it (openapi.yaml's
// path), carried over to the document the run checks like theirs.
const memberListPath = "/api/organization/{organization_id}/member"

// checkCandidates reads the organization's members, up front, and lists
// each candidate user of the profile that is one already: a case that
// adds it cannot prove what it adds (the run fails it). Only when a
// selected case takes candidates and the profile can list the members.
func (r *runner) checkCandidates(ctx context.Context, cases []fixtures.Case, lacking []string) []Unprovable {
	var rules []string
	for i, c := range cases {
		if c.Candidates > 0 && lacking[i] == "" {
			for _, id := range c.Rules {
				if !slices.Contains(rules, id) {
					rules = append(rules, id)
				}
			}
		}
	}
	p := r.cfg.Profile
	if len(rules) == 0 || p.Tokens[systemAdmin] == "" || p.OrganizationID == "" {
		return nil
	}
	path, method, pageSize := literal(memberListPath), literal(http.MethodGet), literal("{maximum:query.page_size}")
	members := map[string]string{} // user id: member id
	f := &flow{runner: r, c: fixtures.Case{Name: "candidates"}, captured: map[string]string{}, missing: map[string]string{}, bodies: map[string]any{}}
	for page := 1; page <= maxMemberPages; page++ {
		number := literal(strconv.Itoa(page))
		s := fixtures.Step{Name: "members", Method: http.MethodGet, MethodTemplate: method, Path: path, As: systemAdmin,
			Query:  []fixtures.QueryParam{{Name: literal("page"), Values: []fixtures.Template{number}}, {Name: literal("page_size"), Values: []fixtures.Template{pageSize}}},
			Expect: fixtures.Expect{Status: []int{http.StatusOK}}}
		if sr := f.runStep(ctx, s, false); len(sr.Failures) > 0 || sr.NotInDocument != "" {
			return nil // the run's list cases say what is wrong
		}
		items, _ := f.bodies[s.Name].([]any)
		if len(items) == 0 {
			break
		}
		for _, item := range items {
			m, _ := item.(map[string]any)
			user, _ := m["user_id"].(string)
			id, _ := m["id"].(string)
			members[strings.ToLower(user)] = id
		}
	}
	var out []Unprovable
	for i, user := range p.CandidateUserIDs {
		if member, ok := members[user]; ok {
			out = append(out, Unprovable{Case: "every case that adds a candidate user", Rules: rules, Step: "",
				Needs: fmt.Sprintf("%s[%d] %s to be a user who is not a member of organization %s", fixtures.CandidateUserIDs, i, user, p.OrganizationID),
				Found: "found: it is member " + member})
		}
	}
	return out
}

// literal is a template the checks write, known to parse.
func literal(s string) fixtures.Template {
	t, _ := fixtures.ParseTemplate(s)
	return t
}
