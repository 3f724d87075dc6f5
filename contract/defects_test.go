package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/mock"
)

// provingMembers is the size of the proving mock's organization: more
// than one default page (50), so that paging is proven exactly.
const provingMembers = 120

// serveProvingMock starts a mock (with a defect, or "" for none) whose
// profile organization can prove every rule: more members than one
// default page, and three members whose nickname, given_name or
// family_name appears in none of their other searched fields. Seeded
// people have emails made of their names and nicknames made of their
// given names, so those three are edited; the world is made once and
// imported into each mock.
func serveProvingMock(t *testing.T, defect string) *contract.Profile {
	t.Helper()
	state := provingState(t)
	m, err := mock.New(mock.Config{Seed: 1, Defect: defect})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/__mock/state", bytes.NewReader(state))
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the proving world is imported")
	profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	return profile
}

var provingWorld struct {
	once  sync.Once
	state []byte
	err   error
}

// provingState is the proving world, as the mock exports and imports it.
func provingState(t *testing.T) []byte {
	t.Helper()
	provingWorld.once.Do(func() { provingWorld.state, provingWorld.err = makeProvingState() })
	require.NoError(t, provingWorld.err)
	return provingWorld.state
}

func makeProvingState() ([]byte, error) {
	m, err := mock.New(mock.Config{Seed: 1, Members: provingMembers})
	if err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/__mock/state", nil))
	var state map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &state); err != nil {
		return nil, err
	}
	org := state["organization_id"]
	var members []map[string]any
	for _, v := range state["memberships"].([]any) {
		if m := v.(map[string]any); m["organization_id"] == org {
			members = append(members, m)
		}
	}
	slices.SortFunc(members, func(a, b map[string]any) int {
		return strings.Compare(a["created_at"].(string)+a["id"].(string), b["created_at"].(string)+b["id"].(string))
	})
	distinct := map[any]func(user map[string]any){
		members[2]["user_id"]: func(u map[string]any) { u["nickname"] = "starfish" },
		members[3]["user_id"]: func(u map[string]any) { u["given_name"] = "Bartholomew" },
		members[4]["user_id"]: func(u map[string]any) { u["family_name"] = "Featherstonehaugh" },
	}
	for _, v := range state["users"].([]any) {
		if edit := distinct[v.(map[string]any)["id"]]; edit != nil {
			edit(v.(map[string]any))
		}
	}
	return json.Marshal(state)
}

// defectCatch is where the suite must catch a defect: the case that names
// the defect's rule, the step, and the words of the failed assertion that
// checks the rule's clause.
type defectCatch struct{ caseName, step, failure string }

// caughtBy holds, for every defect of the mock, where the suite catches
// it. A defect added to the mock without an entry fails the test.
var caughtBy = map[string]defectCatch{
	// Routing
	"unknown-path-plain-404":  {"unknown-path-is-404", "misspelt-collection", "body: expected JSON, got a body that does not parse"},
	"wrong-method-404":        {"wrong-method-is-405-with-allow", "wrong-method-on-a-member", "status: expected 405, got 404"},
	"trailing-slash-404":      {"trailing-slash-is-a-307-to-the-path-without-it", "list-with-a-slash", "status: expected 307, got 404"},
	"identity-before-routing": {"route-is-checked-before-credentials", "unknown-path", "status: expected 404, got 401"},
	// Identity
	"no-www-authenticate":           {"no-credentials-is-401-on-every-operation", "list", `header WWW-Authenticate: expected "Bearer", got nothing`},
	"missing-credentials-403":       {"no-credentials-is-401-on-every-operation", "list", "status: expected 401, got 403"},
	"one-401-message":               {"unknown-token-is-401", "list", `body /detail: expected "Invalid authentication credentials", got "Not authenticated"`},
	"system-admin-needs-membership": {"system-admin-can-list", "list", "status: expected 200, got 403"},
	"admin-of-any-organization":     {"org-admin-has-no-standing-in-another-organization", "list", "status: expected 403, got 200"},
	// Authorization
	"system-admin-cannot-list":           {"system-admin-can-list", "list", "status: expected 200, got 403"},
	"system-admin-cannot-create":         {"system-admin-can-create", "create", "status: expected 200, got 403"},
	"system-admin-cannot-update":         {"system-admin-can-update", "promote", "status: expected 200, got 403"},
	"system-admin-cannot-delete":         {"system-admin-can-delete", "delete", "status: expected 200, got 403"},
	"org-admin-cannot-list":              {"org-admin-can-list", "list", "status: expected 200, got 403"},
	"org-admin-cannot-create":            {"org-admin-can-create", "create", "status: expected 200, got 403"},
	"org-admin-cannot-update":            {"org-admin-can-update", "promote", "status: expected 200, got 403"},
	"org-admin-cannot-delete":            {"org-admin-can-delete", "delete", "status: expected 200, got 403"},
	"analyst-cannot-list":                {"analyst-can-list", "list", "status: expected 200, got 403"},
	"suspended-can-list":                 {"suspended-cannot-list", "list", "status: expected 403, got 200"},
	"suspended-can-create":               {"suspended-cannot-create", "create", "status: expected 403, got 200"},
	"suspended-can-update":               {"suspended-cannot-update", "promote", "status: expected 403, got 200"},
	"suspended-can-delete":               {"suspended-cannot-delete", "delete", "status: expected 403, got 200"},
	"outsider-can-list":                  {"outsider-cannot-list", "list", "status: expected 403, got 200"},
	"outsider-can-create":                {"outsider-cannot-create", "create", "status: expected 403, got 200"},
	"outsider-can-update":                {"outsider-cannot-update", "promote", "status: expected 403, got 200"},
	"outsider-can-delete":                {"outsider-cannot-delete", "delete", "status: expected 403, got 200"},
	"analyst-can-create":                 {"analyst-cannot-create", "create", "status: expected 403, got 200"},
	"analyst-can-update":                 {"analyst-cannot-update", "promote", "status: expected 403, got 200"},
	"analyst-can-delete":                 {"analyst-cannot-delete", "delete", "status: expected 403, got 200"},
	"forbidden-after-commit":             {"analyst-cannot-update", "unchanged", `body /role: expected "ANALYST", got "ORGANIZATION_ADMIN"`},
	"org-admin-creates-system-admins":    {"only-system-admin-creates-system-admins", "org-admin-creates", "status: expected 403, got 200"},
	"org-admin-promotes-to-system-admin": {"only-system-admin-promotes-to-system-admin", "org-admin-promotes", "status: expected 403, got 200"},
	"org-admin-deletes-system-admins":    {"only-system-admin-changes-system-admins", "org-admin-deletes", "status: expected 403, got 200"},
	// Order of checks
	"auth-before-body-decoding":         {"body-decoding-comes-before-credentials", "malformed-json-without-a-token", "status: expected 422, got 401"},
	"validation-before-auth":            {"credentials-are-checked-before-validation", "invalid-page-size", "status: expected 401, got 422"},
	"organization-before-validation":    {"validation-is-checked-before-the-organization", "list-unknown-organization-bad-page", "status: expected 422, got 404"},
	"authorization-before-organization": {"organization-is-checked-before-authorization", "outsider-lists-unknown-organization", "status: expected 404, got 403"},
	"lookup-before-authorization":       {"authorization-is-checked-before-lookups", "analyst-updates-unknown-member", "status: expected 403, got 404"},
	// Request validation
	"422-detail-string":             {"body-fields-are-validated", "unknown-role", `body /detail: expected 1 item: [{"loc": ["body", "role"]}], got "validation error"`},
	"path-id-lookup-404":            {"path-parameters-must-be-uuids", "member-id", "status: expected 422, got 404"},
	"query-length-unchecked":        {"page-and-query-are-validated", "query-over-its-maximum-length", "status: expected 422, got 200"},
	"first-error-only":              {"each-problem-is-one-entry", "page-and-page-size", "body /detail: expected 2 items, got 1"},
	"validation-entries-sorted":     {"validation-entries-are-pydantics-in-declaration-order", "path-query-and-body-at-once", `body /detail: expected entries in the order the spec declares their locs, got ["body","role"] (entry 0) before ["body","user_id"] (entry 1)`},
	"pydantic-1-entries":            {"validation-entries-are-pydantics-in-declaration-order", "path-query-and-body-at-once", `body /detail: expected an item matching {"type": "uuid_parsing", "loc": ["path", "member_id"], "msg": "Input should be a valid UUID, invalid character: found ` + "`n`" + ` at 1", "input": "not-a-uuid"`},
	"500-on-malformed-json":         {"malformed-json-is-422-json-invalid", "create", "status: expected 422, got 500"},
	"json-invalid-without-position": {"malformed-json-is-422-json-invalid", "create", `body /detail/0/loc: expected 2 items: ["body", 12], got ["body"]`},
	"undecodable-body-500":          {"body-decoding-comes-before-credentials", "undecodable-without-a-token", "status: expected 400, got 500"},
	"content-type-ignored":          {"non-json-content-type-is-422", "text-plain", "status: expected 422, got 404"},
	"missing-body-400":              {"empty-body-is-422-missing", "create-with-nothing", "status: expected 422, got 400"},
	// Organization
	"unknown-organization-empty-list": {"unknown-organization-is-404-on-every-operation", "list", "status: expected 404, got 200"},
	// List
	"cross-org-leak":             {"system-admin-lists-another-organization", "list", "/organization_id: expected"},
	"list-ordered-by-id":         {"list-is-ordered-and-carries-users", "list", "expected items sorted by created_at, id"},
	"list-without-users":         {"list-is-ordered-and-carries-users", "list", "body /0/user: expected an object, got nothing"},
	"default-page-size-20":       {"pages-tile-the-order", "defaults", "body /: expected 50 items, got 20"},
	"page-size-capped-at-50":     {"pages-tile-the-order", "first-100", "body /: expected 51 to 100 items, got 50"},
	"page-size-clamped":          {"page-size-out-of-bounds-is-422", "over-the-maximum", "status: expected 422, got 200"},
	"page-past-end-is-last-page": {"pages-tile-the-order", "past-the-end", "body: expected 0 items: [], got [{"},
	"pagination-off-by-one":      {"pages-tile-the-order", "first-100", "body /: expected 51 to 100 items, got 20"},
	"search-case-sensitive":      {"search-finds-a-member-by-part-of-its-email", "search", "body /: expected an item matching {\"id\""},
	"search-email-only":          {"search-finds-a-member-by-part-of-its-name", "search", "body /: expected an item matching {\"id\""},
	"search-skips-email":         {"search-finds-a-member-by-part-of-its-email", "search", "body /: expected an item matching {\"id\""},
	"search-skips-given-name":    {"search-finds-a-member-by-part-of-its-given-name", "search", "body /: expected an item matching {\"id\""},
	"search-skips-family-name":   {"search-finds-a-member-by-part-of-its-family-name", "search", "body /: expected an item matching {\"id\""},
	"search-skips-nickname":      {"search-finds-a-member-by-part-of-its-nickname", "search", "body /: expected an item matching {\"id\""},
	"search-prefix-only":         {"search-finds-a-member-by-part-of-its-email", "search", "body /: expected an item matching {\"id\""},
	"search-whole-words":         {"search-finds-a-member-by-part-of-its-name", "search", "body /: expected an item matching {\"id\""},
	"search-like-unescaped":      {"search-takes-every-character-literally", "sql-one-character", "body /: expected no item matching {\"id\""},
	"search-regexp":              {"search-takes-every-character-literally", "regexp-one-character", "body /: expected no item matching {\"id\""},
	"search-all-organizations":   {"members-of-another-organization-are-not-listed", "search-for-that-user", "body /: expected no item matching {\"id\""},
	// Create
	"create-201":                       {"create-sets-defaults", "create", "status: expected 200, got 201"},
	"create-pending":                   {"create-sets-defaults", "create", `body /membership_state: expected "active", got "pending"`},
	"create-two-clocks":                {"create-sets-defaults", "create", "body /updated_at: expected"},
	"enum-lowercase":                   {"create-sets-defaults", "create", `body /role: expected "ANALYST", got "analyst"`},
	"create-ignores-role":              {"create-sets-the-given-role", "create", `body /role: expected "ORGANIZATION_ADMIN", got "ANALYST"`},
	"create-ignores-body-organization": {"create-with-another-organization-in-the-body-is-400", "create", "status: expected 400, got 200"},
	"unknown-user-500":                 {"create-for-an-unknown-user-is-404", "create", "status: expected 404, got 500"},
	"duplicate-member-allowed":         {"create-twice-is-409", "create-again", "status: expected 409, got 200"},
	// Update
	"update-keeps-role-on-empty-body": {"update-sets-role-and-advances-updated-at", "demote-with-empty-body", `body /role: expected "ANALYST", got "ORGANIZATION_ADMIN"`},
	"update-ignores-body-ids":         {"update-with-other-ids-in-the-body-is-400", "other-user", "status: expected 400, got 200"},
	"update-any-organization":         {"member-of-another-organization-is-404-there", "update-through-other-organization", "status: expected 404, got 200"},
	"update-without-user":             {"update-sets-role-and-advances-updated-at", "promote", "body /user: expected an object, got nothing"},
	"updated-at-frozen":               {"update-sets-role-and-advances-updated-at", "promote", "body /updated_at: expected a date-time later than"},
	"created-at-changes":              {"update-sets-role-and-advances-updated-at", "promote", "body /created_at: expected"},
	"whole-second-times":              {"update-sets-role-and-advances-updated-at", "create", "body /created_at: expected a string matching"},
	// Delete
	"delete-204":              {"delete-returns-the-row-then-it-is-gone", "delete", "status: expected 200, got 204"},
	"delete-is-idempotent":    {"delete-returns-the-row-then-it-is-gone", "delete-again", "status: expected 404, got 200"},
	"delete-any-organization": {"member-of-another-organization-is-404-there", "delete-through-other-organization", "status: expected 404, got 200"},
	// Edges of the request format
	"empty-query-value-ignored":     {"empty-query-value-is-422", "page", "status: expected 422, got 200"},
	"first-repeated-parameter-wins": {"last-repeated-parameter-wins", "page-size-5-then-1", "body /: expected 1 item, got 5"},
	"unknown-query-forbidden":       {"unknown-query-parameters-are-ignored", "list", "status: expected 200, got 422"},
	"access-context-unchecked":      {"access-context-parameters-are-uuids", "invalid", "status: expected 422, got 200"},
	"strict-integers":               {"integers-are-read-as-pydantic-reads-them", "spaces-plus-underscores-and-a-zero-fraction", "status: expected 200, got 422"},
	"uuid-case-sensitive":           {"uppercase-uuids-are-accepted", "create", "status: expected 200, got 404"},
	"uuid-dashed-form-only":         {"uuids-are-read-in-every-form-pydantic-reads", "without-dashes", "status: expected 200, got 422"},
	"body-limit-html":               {"body-over-1-mib-is-413", "create-1-mib-and-a-byte", "body: expected JSON, got a body that does not parse"},
	// Formats
	"missing-created-at": {"list-is-ordered-and-carries-users", "list", "body /0/created_at: expected @date-time, got nothing"},
	"offset-times":       {"list-is-ordered-and-carries-users", "list", `/created_at: expected an RFC 3339 date-time in UTC, with a Z, got "`},
	"uuid1-ids":          {"create-sets-defaults", "create", "body /id: expected a lowercase version 4 uuid"},
}

// TestEverySuiteCatchesEachDefectWhereItsRuleIsChecked runs, for each
// defect, the cases that name the rule it breaks against a mock with that
// defect, and requires the failure the table names: that case, that step,
// that assertion. Only the rule's cases run: the whole suite for each of
// the defects would cost minutes under -race on CI's two cores, and a
// failure elsewhere would prove nothing about the rule.
func TestEverySuiteCatchesEachDefectWhereItsRuleIsChecked(t *testing.T) {
	suite := embeddedSuite(t)
	rules := map[string]bool{}
	for _, r := range suite.Rules {
		rules[r.ID] = true
	}
	for _, defect := range mock.Defects() {
		t.Run(defect, func(t *testing.T) {
			t.Parallel() // each defect has a mock of its own
			want, ok := caughtBy[defect]
			require.True(t, ok, "defect %s has no entry in caughtBy", defect)
			rule := mock.DefectRule(defect)
			require.True(t, rules[rule], "defect %s breaks rule %q, which rules.yaml does not have", defect, rule)
			var names []string
			for _, c := range suite.Cases {
				if slices.Contains(c.Rules, rule) {
					names = append(names, regexp.QuoteMeta(c.Name))
				}
			}
			require.Contains(t, names, regexp.QuoteMeta(want.caseName), "case %s does not name rule %s", want.caseName, rule)
			report, out := run(t, suite, serveProvingMock(t, defect), func(c *contract.Config) {
				c.Run = regexp.MustCompile("^(" + strings.Join(names, "|") + ")$")
				// A bound on requests, not a speed test: 77 mocks share the
				// machine with the rest of the tests.
				c.Timeout = 2 * time.Minute
			})
			var failures []string
			for _, c := range report.Cases {
				if c.Name != want.caseName {
					continue
				}
				require.False(t, c.Passed, "defect %s went unnoticed by %s\n%s", defect, c.Name, out)
				require.Empty(t, c.Skipped, "the proving mock proves every case")
				for _, s := range c.Steps {
					if s.Name == want.step && !s.Cleanup {
						failures = s.Failures
					}
				}
			}
			require.NotEmpty(t, failures, "step %s of %s did not fail\n%s", want.step, want.caseName, out)
			require.Contains(t, strings.Join(failures, "\n"), want.failure, out)
		})
	}
}

// TestCaughtByNamesOnlyDefectsOfTheMock keeps the table and the
// mock's list one: an entry for a defect the mock no longer has is stale;
// and the mock has the forty defects or more the issue asks for.
func TestCaughtByNamesOnlyDefectsOfTheMock(t *testing.T) {
	for defect := range caughtBy {
		require.Contains(t, mock.Defects(), defect)
	}
	require.GreaterOrEqual(t, len(mock.Defects()), 40)
}

// TestAThinWorldLeavesUnprovenWhatItCannotProve: a thin world (24
// members, names in every email and nickname: serveThinMock) fails none
// of the list's cases and skips exactly those it cannot prove, each with
// a "no data: " reason, their rules unproven in the coverage report
// (unless another case proves them); the default world proves them all
// (TestTheDefaultWorldProvesEveryCase).
func TestAThinWorldLeavesUnprovenWhatItCannotProve(t *testing.T) {
	suite := embeddedSuite(t)
	var listCases []string
	for _, c := range suite.Cases {
		if strings.HasSuffix(c.File, "/list.yaml") {
			listCases = append(listCases, c.Name)
		}
	}
	report, out := run(t, suite, serveThinMock(t), func(c *contract.Config) {
		c.Run = regexp.MustCompile("^(" + strings.Join(listCases, "|") + ")$")
	})
	var skipped []string
	for _, c := range report.Cases {
		if c.Skipped != "" {
			skipped = append(skipped, c.Name)
			require.True(t, strings.HasPrefix(c.Skipped, "no data: "), "%s: %s", c.Name, c.Skipped)
			require.False(t, c.Passed, c.Name)
		}
	}
	notProven := []string{"pages-tile-the-order", "search-finds-a-member-by-part-of-its-given-name",
		"search-finds-a-member-by-part-of-its-family-name", "search-finds-a-member-by-part-of-its-nickname"}
	require.Zero(t, report.Failed, out)
	require.Equal(t, 4, report.Skipped, out)
	require.ElementsMatch(t, notProven, skipped, out)
	require.Contains(t, out, `SKIP pages-tile-the-order: no data: the list has 0 items, the case needs at least 1 item (step "more-than-one-default-page")`)
	require.Contains(t, out, `: no data: no item of the 24 items has a /user/nickname with a part`)
	require.True(t, strings.HasSuffix(out, fmt.Sprintf("\n%d passed, 0 failed, 4 skipped\n", report.Passed)), out)

	// The rules only those cases name are unproven, each with its case's
	// reason; no rule failed.
	onlyThere := map[string]bool{}
	for _, c := range report.Cases {
		for _, id := range c.Rules {
			if _, seen := onlyThere[id]; !seen {
				onlyThere[id] = true
			}
			if c.Skipped == "" {
				onlyThere[id] = false
			}
		}
	}
	var wantUnproven []string
	for id, only := range onlyThere {
		if only {
			wantUnproven = append(wantUnproven, id)
		}
	}
	require.NotEmpty(t, wantUnproven, "some rule is named only by the cases the default world cannot prove")
	verdicts := map[string]contract.RuleResult{}
	for _, rr := range report.Rules {
		verdicts[rr.ID] = rr
	}
	for _, id := range wantUnproven {
		rr := verdicts[id]
		require.Equal(t, contract.RuleUnproven, rr.Verdict, id)
		require.NotEmpty(t, rr.Why, id)
		for _, why := range rr.Why {
			require.Contains(t, why, " skipped: no data: ", id)
		}
		require.Contains(t, out, "  unproven "+id+": ", out)
	}
	require.NotContains(t, out, "  failed ", out)

	var jsonReport bytes.Buffer
	require.NoError(t, report.WriteJSON(&jsonReport))
	var decoded struct {
		Passed, Failed, Skipped int
		Rules                   struct {
			Unproven []struct {
				ID  string   `json:"id"`
				Why []string `json:"why"`
			} `json:"unproven"`
			Failed []any `json:"failed"`
		} `json:"rules"`
		Cases []struct {
			Name, Result, Skipped string
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(jsonReport.Bytes(), &decoded))
	var top map[string]any
	require.NoError(t, json.Unmarshal(jsonReport.Bytes(), &top))
	require.NotContains(t, top, "unproven", "one model: a case that cannot prove its rules is skipped, not counted apart")
	for _, c := range top["cases"].([]any) {
		require.NotContains(t, c, "unproven")
	}
	require.Equal(t, 4, decoded.Skipped)
	require.Zero(t, decoded.Failed)
	require.Equal(t, report.Passed, decoded.Passed)
	require.Empty(t, decoded.Rules.Failed)
	var jsonUnproven []string
	for _, r := range decoded.Rules.Unproven {
		jsonUnproven = append(jsonUnproven, r.ID)
	}
	for _, id := range wantUnproven {
		require.Contains(t, jsonUnproven, id)
	}
	for _, c := range decoded.Cases {
		if slices.Contains(skipped, c.Name) {
			require.Equal(t, "skip", c.Result, c.Name)
			require.True(t, strings.HasPrefix(c.Skipped, "no data: "), "%s: %s", c.Name, c.Skipped)
		} else {
			require.Equal(t, "pass", c.Result, c.Name)
		}
	}
	var junit bytes.Buffer
	require.NoError(t, report.WriteJUnit(&junit))
	require.Equal(t, 4, strings.Count(junit.String(), "<skipped message=\"no data: "), junit.String())
	require.Contains(t, junit.String(), `failures="0"`)
}

// TestReadmeListsEveryDefectWithItsRule: the docs' table of defects
// (docs/contract.md, linked from the README) is the mock's list, each with
// the rule it breaks and its description.
func TestReadmeListsEveryDefectWithItsRule(t *testing.T) {
	data, err := os.ReadFile("../docs/contract.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| `([a-z0-9.-]+)` \\| (.+) \\|$")
	listed := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		listed[m[1]] = [2]string{m[2], m[3]}
	}
	require.Len(t, listed, len(mock.Defects()), "the README's table has one row per defect")
	for _, defect := range mock.Defects() {
		require.Equal(t, [2]string{mock.DefectRule(defect), mock.DefectDescription(defect)}, listed[defect], defect)
	}
}
