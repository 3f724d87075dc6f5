package contract_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
	srv := behindTheFront(m)
	defer srv.Close()
	t.Setenv(contract.AdminTokenEnv, "")
	_, err = contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.ErrorContains(t, err, "401")
	t.Setenv(contract.AdminTokenEnv, "s3cret")
	p, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	require.Equal(t, srv.URL, p.BaseURL)
}

// world is a mock state as GET /__mock/state exports it, edited by a test.
type world map[string]any

func worldOf(t *testing.T, state []byte) world {
	t.Helper()
	var w world
	require.NoError(t, json.Unmarshal(state, &w))
	return w
}

// members are the profile organization's memberships, in the list's order.
func (w world) members() []map[string]any {
	var members []map[string]any
	for _, v := range w["memberships"].([]any) {
		if m := v.(map[string]any); m["organization_id"] == w["organization_id"] {
			members = append(members, m)
		}
	}
	slices.SortFunc(members, func(a, b map[string]any) int {
		return strings.Compare(a["created_at"].(string)+a["id"].(string), b["created_at"].(string)+b["id"].(string))
	})
	return members
}

// untie gives the organization's members distinct created_at, a second
// apart, in their order.
func (w world) untie() {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, m := range w.members() {
		at := start.Add(time.Duration(i) * time.Second).Format("2006-01-02T15:04:05.000000Z")
		m["created_at"], m["updated_at"] = at, at
	}
}

// tie makes the organization's 11th member share the 10th's created_at.
func (w world) tie() {
	members := w.members()
	members[10]["created_at"], members[10]["updated_at"] = members[9]["created_at"], members[9]["updated_at"]
}

// keep leaves the organization n members (and those the tokens act as).
func (w world) keep(n int) {
	acting := map[any]bool{}
	for _, v := range w["identities"].([]any) {
		acting[v.(map[string]any)["user_id"]] = true
	}
	dropped := map[any]bool{}
	for i, m := range w.members() {
		if i >= n && !acting[m["user_id"]] {
			dropped[m["id"]] = true
		}
	}
	w["memberships"] = slices.DeleteFunc(w["memberships"].([]any), func(v any) bool { return dropped[v.(map[string]any)["id"]] })
}

// plainNames makes every user's names what a sign-up form makes of a
// given and a family name: nickname the given name, name both, email
// both, so that no given name, family name or nickname holds a part found
// nowhere else.
func (w world) plainNames() {
	for _, v := range w["users"].([]any) {
		u := v.(map[string]any)
		given, _ := u["given_name"].(string)
		family, _ := u["family_name"].(string)
		u["nickname"], u["name"] = cmp.Or(given, family), strings.TrimSpace(given+" "+family)
		u["email"] = strings.ToLower(strings.Trim(given+"."+family, ".")) + "@example.org"
	}
}

// asciiNames spells every letter of the users' names outside ASCII as x.
func (w world) asciiNames() {
	ascii := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= utf8.RuneSelf {
				return 'x'
			}
			return r
		}, s)
	}
	for _, v := range w["users"].([]any) {
		u := v.(map[string]any)
		for _, field := range []string{"name", "given_name", "family_name", "nickname"} {
			if s, ok := u[field].(string); ok {
				u[field] = ascii(s)
			}
		}
	}
}

// serveWorld starts the mock on a state, as the control API imports it,
// and fetches its profile.
func serveWorld(t *testing.T, w world) *contract.Profile {
	t.Helper()
	state, err := json.Marshal(w)
	require.NoError(t, err)
	m, err := mock.New(mock.Config{Seed: 1})
	require.NoError(t, err)
	srv := behindTheFront(m)
	t.Cleanup(srv.Close)
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/__mock/state", bytes.NewReader(state))
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the world is imported: %s", body)
	profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	return profile
}

// TestDataCheckNamesWhatTheTargetsDataCannotProve: before any case runs,
// the run lists each case whose declared need (a step's requires or pick,
// a list's sorted_by) the target's data does not meet, with the data that
// would meet it; on a world holding every kind of data it lists nothing.
// The worlds are the proving world (members past two default pages,
// distinct nicknames and names) with one kind of data taken away.
func TestDataCheckNamesWhatTheTargetsDataCannotProve(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(world)
		lacks map[string]string // case name: what its need says
	}{
		{name: "every kind of data", edit: func(world) {}},
		{name: "no two members share created_at", edit: func(w world) { w.untie() },
			lacks: map[string]string{"list-is-ordered-and-carries-users": "sharing created_at (for the order by id); found: none of its 100 items share created_at"}},
		{name: "one default page of members", edit: func(w world) { w.keep(24) },
			lacks: map[string]string{"pages-tile-the-order": "at least 1 item in GET {base}/api/organization/{org}/member?page=2&page_size=50; found: 0 items"}},
		{name: "names made of the given and family names", edit: func(w world) { w.plainNames() },
			lacks: map[string]string{
				"search-finds-a-member-by-part-of-its-given-name":  "whose /user/given_name holds a part that is not its start, its end or a whole word and appears in none of /user/email, /user/name, /user/family_name, /user/nickname; found: none of its 100 items",
				"search-finds-a-member-by-part-of-its-family-name": "whose /user/family_name holds a part",
				"search-finds-a-member-by-part-of-its-nickname":    "whose /user/nickname holds a part",
			}},
		{name: "names in ASCII letters alone", edit: func(w world) { w.asciiNames() },
			lacks: map[string]string{"search-folds-the-case-of-letters-outside-ascii": "whose /user/family_name holds a part that holds a lower-case letter outside ASCII (such as é, whose upper case is É) and is not its start, its end or a whole word; found: none of its 100 items"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := worldOf(t, provingState(t))
			w.untie()
			w.tie()
			tt.edit(w)
			profile := serveWorld(t, w)
			report, out := run(t, embeddedSuite(t), profile, func(c *contract.Config) { c.DataOnly = true })
			require.Empty(t, report.Cases, "the data check runs no case")
			lacks := map[string]string{}
			for _, u := range report.Unprovable {
				lacks[u.Case] = u.Needs + "; " + u.Found
				require.Contains(t, out, "  "+u.Text()+"\n")
			}
			require.Len(t, lacks, len(tt.lacks), out)
			for name, need := range tt.lacks {
				need = strings.NewReplacer("{base}", profile.BaseURL, "{org}", profile.OrganizationID).Replace(need)
				require.Contains(t, lacks[name], need, out)
			}
			if len(tt.lacks) == 0 {
				require.Equal(t, "data: the target's data meets every need the cases declare\n", out)
			}
		})
	}
}

// TestDataCheckReadsTheNeedsTheFixturesDeclare: a case's needs are read
// from its fixture alone (a new case needs no Go change): a sorted_by's
// later key needs items that tie on the earlier ones, a precondition its
// sentence, requires its count; a need behind a write is not checked up
// front but listed as such. The text report, --json and --junit (a
// skipped test in a suite "data", the reason its message) carry each.
func TestDataCheckReadsTheNeedsTheFixturesDeclare(t *testing.T) {
	suite := suiteOf(t, `
cases:
  - name: ties
    rules: [r]
    steps:
      - name: list
        method: GET
        path: /echo
        query: {json: '[{"a":1,"b":1},{"a":2,"b":1}]'}
        as: none
        expect: {status: 200, list: {sorted_by: [a, b]}}
  - name: tied
    rules: [r]
    steps:
      - name: list
        method: GET
        path: /echo
        query: {json: '[{"a":1,"b":1},{"a":1,"b":2}]'}
        as: none
        expect: {status: 200, list: {sorted_by: [a, b]}}
  - name: precondition
    rules: [r]
    steps:
      - name: find
        precondition: a member with a nickname
        method: GET
        path: /echo
        query: {json: '[]'}
        as: none
        expect: {status: 200, list: {length: {min: 1}}}
  - name: behind-a-write
    rules: [r]
    steps:
      - {name: write, method: POST, path: /echo, query: {json: '{}'}, as: none, expect: {status: 200}}
      - name: count
        method: GET
        path: /echo
        query: {json: '[]'}
        as: none
        requires: {items: 2}
        expect: {status: 200}
`)
	profile := echo(t)
	report, out := run(t, suite, profile, func(c *contract.Config) { c.Parallel = 1 })
	base := profile.BaseURL
	want := []contract.Unprovable{
		{Case: "ties", Rules: []string{"r"}, Step: "list",
			Needs: `two items of GET ` + base + `/echo?json=%5B%7B%22a%22%3A1%2C%22b%22%3A1%7D%2C%7B%22a%22%3A2%2C%22b%22%3A1%7D%5D sharing a (for the order by b)`,
			Found: "found: none of its 2 items share a"},
		{Case: "precondition", Rules: []string{"r"}, Step: "find", Needs: "a member with a nickname",
			Found: "found: body /: expected at least 1 item, got 0"},
		{Case: "behind-a-write", Rules: []string{"r"}, Step: "count", Needs: "at least 2 items in GET /echo",
			Found: `not checked up front: step "write" sends POST`},
	}
	require.Equal(t, want, report.Unprovable, out)
	require.Contains(t, out, "data: 3 clauses this target's data cannot prove, and the data that would:\n  "+want[0].Text()+"\n")

	var js bytes.Buffer
	require.NoError(t, report.WriteJSON(&js))
	var decoded struct {
		Unprovable []map[string]any `json:"unprovable"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	require.Len(t, decoded.Unprovable, 3)
	require.Equal(t, map[string]any{"case": "precondition", "rules": []any{"r"}, "step": "find", "needs": "a member with a nickname",
		"found": "found: body /: expected at least 1 item, got 0"}, decoded.Unprovable[1])

	var junit bytes.Buffer
	require.NoError(t, report.WriteJUnit(&junit))
	require.Contains(t, junit.String(), `<testsuite name="data" tests="3" failures="0" skipped="3" time="0.000">`)
	require.Contains(t, junit.String(), `<testcase name="precondition find" classname="data" time="0.000">`+"\n"+
		`      <skipped message="r (case precondition, step &#34;find&#34;): needs a member with a nickname; found: body /: expected at least 1 item, got 0"></skipped>`)
}

// TestDataCheckNamesACandidateWhoIsAMemberAlready: a candidate user of the
// profile who is a member of the organization already cannot be added by
// the cases that add candidates: the check reads the organization's
// members page by page and names it, with the member it is.
func TestDataCheckNamesACandidateWhoIsAMemberAlready(t *testing.T) {
	w := worldOf(t, provingState(t))
	w.untie()
	w.tie()
	profile := serveWorld(t, w)
	report, out := run(t, embeddedSuite(t), profile, func(c *contract.Config) { c.DataOnly = true })
	require.Empty(t, report.Unprovable, out)

	candidate := profile.CandidateUserIDs[len(profile.CandidateUserIDs)-1]
	body := strings.NewReader(`{"user_id":"` + candidate + `"}`)
	req, err := http.NewRequest(http.MethodPost, profile.BaseURL+"/api/organization/"+profile.OrganizationID+"/member", body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+profile.Tokens["system_admin"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var member struct{ ID string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&member))
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	report, out = run(t, embeddedSuite(t), profile, func(c *contract.Config) { c.DataOnly = true })
	require.Len(t, report.Unprovable, 1, out)
	u := report.Unprovable[0]
	require.Equal(t, fmt.Sprintf("candidate_user_ids[%d] %s to be a user who is not a member of organization %s", len(profile.CandidateUserIDs)-1, candidate, profile.OrganizationID), u.Needs)
	require.Equal(t, "found: it is member "+member.ID, u.Found)
	require.Contains(t, u.Rules, "create.defaults", "the rules of the cases that add candidates")
	require.Contains(t, out, "(case every case that adds a candidate user): needs candidate_user_ids[")
}
