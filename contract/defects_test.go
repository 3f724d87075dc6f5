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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
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
	srv := behindTheFront(m)
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
	// Two members created in the same instant: the order's tie-break by id
	// shows only on a tie.
	members[6]["created_at"] = members[5]["created_at"]
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

// waysByDefect is, for every way of rules.yaml, the way by its defect.
func waysByDefect(t *testing.T, suite *fixtures.Suite) map[string]fixtures.Way {
	t.Helper()
	ways := map[string]fixtures.Way{}
	for _, r := range suite.Rules {
		for _, w := range r.Ways {
			_, dup := ways[w.Defect]
			require.False(t, dup, "defect %s is the way of two rules' entries", w.Defect)
			ways[w.Defect] = w
		}
	}
	return ways
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
	ways := waysByDefect(t, suite)
	for _, defect := range mock.Defects() {
		t.Run(defect, func(t *testing.T) {
			t.Parallel() // each defect has a mock of its own
			want, ok := ways[defect]
			require.True(t, ok, "defect %s is no way of any rule in rules.yaml", defect)
			rule := mock.DefectRule(defect)
			require.True(t, rules[rule], "defect %s breaks rule %q, which rules.yaml does not have", defect, rule)
			var names []string
			for _, c := range suite.Cases {
				if slices.Contains(c.Rules, rule) {
					names = append(names, regexp.QuoteMeta(c.Name))
				}
			}
			require.Contains(t, names, regexp.QuoteMeta(want.Case), "case %s does not name rule %s", want.Case, rule)
			report, out := run(t, suite, serveProvingMock(t, defect), func(c *contract.Config) {
				c.Run = regexp.MustCompile("^(" + strings.Join(names, "|") + ")$")
				// A bound on requests, not a speed test: 77 mocks share the
				// machine with the rest of the tests.
				c.Timeout = 2 * time.Minute
			})
			var failures []string
			for _, c := range report.Cases {
				if c.Name != want.Case {
					continue
				}
				require.False(t, c.Passed, "defect %s went unnoticed by %s\n%s", defect, c.Name, out)
				require.Empty(t, c.Skipped, "the proving mock proves every case")
				for _, s := range c.Steps {
					if s.Name == want.Step && !s.Cleanup {
						failures = s.Failures
					}
				}
			}
			require.NotEmpty(t, failures, "step %s of %s did not fail\n%s", want.Step, want.Case, out)
			require.Contains(t, strings.Join(failures, "\n"), want.Failure, out)
		})
	}
}

// TestEveryRuleHasWaysEachADefectOfTheMock keeps rules.yaml's ways and the
// mock's catalogue one (issue 22 point 1): every rule lists at least one
// way a backend breaks it, and every way names a defect of the mock (whose
// description and rule are that way's: mock.DefectDescription).
func TestEveryRuleHasWaysEachADefectOfTheMock(t *testing.T) {
	suite := embeddedSuite(t)
	for _, r := range suite.Rules {
		assert.NotEmpty(t, r.Ways, "rule %s lists no way a backend breaks it", r.ID)
		for _, w := range r.Ways {
			assert.Contains(t, mock.Defects(), w.Defect, "rule %s: way %q names no defect of the mock", r.ID, w.Way)
		}
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
// (docs/contract.md, linked from the README; `make docs` writes it from
// rules.yaml) is the mock's list, each with the rule it breaks, a link to
// that rule's section of BEHAVIOUR.md, and its description.
func TestReadmeListsEveryDefectWithItsRule(t *testing.T) {
	data, err := os.ReadFile("../docs/contract.md")
	require.NoError(t, err)
	sections := map[string]string{}
	for _, r := range embeddedSuite(t).Rules {
		sections[r.ID] = r.Section
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| \\[`([a-z0-9.-]+)`\\]\\(\\.\\./BEHAVIOUR\\.md#([a-z0-9_-]+)\\) \\| [a-z-]+ \\| (.+?) \\| `[^`]+`, step `[^`]+` \\|$")
	type listing struct{ rule, section, description string }
	listed := map[string]listing{}
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		listed[m[1]] = listing{m[2], m[3], strings.ReplaceAll(m[4], `\|`, "|")}
	}
	for _, defect := range mock.Defects() {
		rule := mock.DefectRule(defect)
		require.Equal(t, listing{rule, sections[rule], mock.DefectDescription(defect)}, listed[defect],
			"the docs' row of defect %s (run make docs)", defect)
	}
	require.Len(t, listed, len(mock.Defects()), "the docs' table has one row per defect and no other")
}
