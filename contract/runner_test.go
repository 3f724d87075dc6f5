package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// run runs suite against profile and returns the report and what the run
// printed.
func run(t *testing.T, suite *fixtures.Suite, profile *contract.Profile, configure ...func(*contract.Config)) (*contract.Report, string) {
	t.Helper()
	sp, err := spec.Embedded()
	require.NoError(t, err)
	var out bytes.Buffer
	// The timeout bounds a request, it is no speed test: under -race, with
	// every package's tests sharing two cores, a 1 MiB body can take seconds.
	cfg := contract.Config{Profile: profile, Suite: suite, Spec: sp, Parallel: 4, Timeout: 2 * time.Minute, Progress: &out}
	for _, c := range configure {
		c(&cfg)
	}
	report, err := contract.Run(context.Background(), cfg)
	require.NoError(t, err)
	return report, out.String()
}

func loadSuite(t *testing.T, dir string) *fixtures.Suite {
	t.Helper()
	suite, err := fixtures.LoadDir(dir)
	require.NoError(t, err)
	return suite
}

// suiteOf builds a suite from a single case file with one rule, "r".
func suiteOf(t *testing.T, cases string) *fixtures.Suite {
	t.Helper()
	suite, err := fixtures.Load(fstest.MapFS{
		"rules.yaml": {Data: []byte("rules:\n  - {id: r, text: a rule}\n")},
		"cases.yaml": {Data: []byte(cases)},
	}, "inline")
	require.NoError(t, err)
	return suite
}

func failedCases(r *contract.Report) []string {
	var names []string
	for _, c := range r.Cases {
		if !c.Passed && c.Skipped == "" {
			names = append(names, c.Name)
		}
	}
	return names
}

func TestRunPassesAgainstACorrectTarget(t *testing.T) {
	d := newDouble(bugNone)
	report, out := run(t, loadSuite(t, "testdata/suite"), d.serve(t))

	require.Empty(t, failedCases(report), out)
	require.Equal(t, 4, report.Passed)
	require.Regexp(t, `(?m)^PASS add-promote-remove \S+$`, out)
	require.True(t, strings.HasSuffix(out, "\n4 passed, 0 failed, 0 skipped\n"), out)
	require.Equal(t, 3, d.memberCount(), "the suite leaves the target as it found it")
}

func TestRunCatchesEachBugOfTheDouble(t *testing.T) {
	tests := []struct {
		bug        string
		failedCase string
		messages   []string
		// leavesRow: the bug itself keeps a deleted row.
		leavesRow bool
	}{
		{bug: bugCreate201, failedCase: "add-promote-remove", messages: []string{
			`step "create" (line 20) POST`,
			"status: expected 200, got 201",
			"spec: POST /api/organization/{organization_id}/member -> 201: status is not supported",
		}},
		{bug: bugFrozenUpdatedAt, failedCase: "add-promote-remove", messages: []string{
			`body /updated_at: expected a date-time later than "2024-01-02T03:04:05.004Z" (step "create"), got "2024-01-02T03:04:05.004Z"`,
		}},
		{bug: bugNoWWWAuthenticate, failedCase: "requires-token", messages: []string{
			`header WWW-Authenticate: expected "Bearer", got nothing`,
			`spec: GET /api/organization/{organization_id}/member -> 401: response header "WWW-Authenticate" missing`,
		}},
		{bug: bugKeepsDeleted, failedCase: "add-promote-remove", leavesRow: true, messages: []string{
			`body /: expected no item matching {"id": "0c000000-0000-4000-8000-000000000004"}, got item 3`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.bug, func(t *testing.T) {
			d := newDouble(tt.bug)
			report, out := run(t, loadSuite(t, "testdata/suite"), d.serve(t))

			require.Equal(t, []string{tt.failedCase}, failedCases(report), out)
			require.Regexp(t, `(?m)^FAIL `+tt.failedCase+` \S+$`, out)
			for _, m := range tt.messages {
				require.Contains(t, out, m)
			}
			require.True(t, strings.HasSuffix(out, "\n3 passed, 1 failed, 0 skipped\n"), out)
			if !tt.leavesRow {
				require.Equal(t, 3, d.memberCount(), "cleanup removes what the failed case created")
			}
		})
	}
}

func TestFailureReplaysEveryStepWithCurlAndMaskedTokens(t *testing.T) {
	d := newDouble(bugFrozenUpdatedAt)
	profile := d.serve(t)
	report, out := run(t, loadSuite(t, "testdata/suite"), profile, func(c *contract.Config) {
		c.Run = regexp.MustCompile("^add-promote-remove$")
	})
	require.Equal(t, 1, report.Failed)

	memberURL := profile.BaseURL + "/api/organization/" + doubleOrgID + "/member/0c000000-0000-4000-8000-000000000004"
	for _, curl := range []string{
		`curl -sS -i -X POST '` + profile.BaseURL + `/api/organization/` + doubleOrgID + `/member' -H "Authorization: Bearer ${TOKEN_ORG_ADMIN}" -H 'Content-Type: application/json' --data-binary '{"user_id":"0b000000-0000-4000-8000-000000000004"}'`,
		`curl -sS -i -X PUT '` + memberURL + `' -H "Authorization: Bearer ${TOKEN_ORG_ADMIN}" -H 'Content-Type: application/json' --data-binary '{"role":"ORGANIZATION_ADMIN"}'`,
		`# cleanup step "remove-if-left" (line 48)`,
		`curl -sS -i -X DELETE '` + memberURL + `' -H "Authorization: Bearer ${TOKEN_SYSTEM_ADMIN}"`,
	} {
		require.Contains(t, out, curl)
	}
	for _, token := range profile.Tokens {
		require.NotContains(t, out, token)
	}
}

func TestCleanupSkipsWhatWasNeverCreated(t *testing.T) {
	d := newDouble(bugNone)
	suite := suiteOf(t, `
cases:
  - name: fails-before-creating
    rules: [r]
    candidates: 1
    steps:
      - {name: wrong-expectation, method: GET, path: /api/nowhere, as: analyst, expect: {status: 200}}
      - name: create
        method: POST
        path: /api/organization/{organization_id}/member
        as: org_admin
        body: {user_id: "{candidate_user_ids[0]}"}
        capture: {member_id: /id}
        expect: {status: 200}
    cleanup:
      - {name: delete, method: DELETE, path: "/api/organization/{organization_id}/member/{member_id}", as: system_admin, expect: {status: 200}}
`)
	report, out := run(t, suite, d.serve(t))

	require.Len(t, report.Cases, 1)
	steps := report.Cases[0].Steps
	require.Len(t, steps, 2, "the flow stops at the failed step, then cleans up")
	require.Equal(t, []string{"status: expected 200, got 404"}, steps[0].Failures)
	require.True(t, steps[1].Cleanup)
	require.Empty(t, steps[1].Failures)
	require.Contains(t, steps[1].Skipped, "{member_id}")
	require.Contains(t, out, `# cleanup step "delete" (line 16) skipped: not captured: {member_id}: step "create" did not run`)
}

func TestCandidatesAreLeasedToOneCaseAtATime(t *testing.T) {
	// Each case adds two candidates and removes them: two cases holding the
	// same candidate at once would get a 409 from the double.
	var cases strings.Builder
	cases.WriteString("cases:\n")
	for i := range 12 {
		fmt.Fprintf(&cases, `
  - name: pair-%d
    rules: [r]
    candidates: 2
    steps:
      - {name: add-a, method: POST, path: "/api/organization/{organization_id}/member", as: org_admin, body: {user_id: "{candidate_user_ids[0]}"}, capture: {a: /id}, expect: {status: 200}}
      - {name: add-b, method: POST, path: "/api/organization/{organization_id}/member", as: org_admin, body: {user_id: "{candidate_user_ids[1]}"}, capture: {b: /id}, expect: {status: 200}}
      - {name: remove-a, method: DELETE, path: "/api/organization/{organization_id}/member/{a}", as: org_admin, expect: {status: 200}}
      - {name: remove-b, method: DELETE, path: "/api/organization/{organization_id}/member/{b}", as: org_admin, expect: {status: 200}}
`, i)
	}
	d := newDouble(bugNone)
	report, out := run(t, suiteOf(t, cases.String()), d.serve(t), func(c *contract.Config) { c.Parallel = 12 })

	require.Equal(t, 12, report.Passed, out)
}

func TestSelectFiltersThenShards(t *testing.T) {
	suite := loadSuite(t, "testdata/suite")
	names := func(cfg contract.Config) []string {
		var out []string
		for _, c := range cfg.Select() {
			out = append(out, c.Name)
		}
		return out
	}
	all := names(contract.Config{Suite: suite})
	require.Equal(t, []string{"requires-token", "unknown-path", "list-members", "add-promote-remove"}, all)
	require.Equal(t, []string{"requires-token", "add-promote-remove"}, names(contract.Config{Suite: suite, Run: regexp.MustCompile("re")}))

	var union []string
	for i := 1; i <= 3; i++ {
		shard := names(contract.Config{Suite: suite, Shard: contract.Shard{Index: i, Count: 3}})
		require.NotEmpty(t, shard)
		union = append(union, shard...)
	}
	require.ElementsMatch(t, all, union, "shards run each case exactly once")
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want contract.Shard
		err  bool
	}{
		{in: "1/1", want: contract.Shard{Index: 1, Count: 1}},
		{in: "2/3", want: contract.Shard{Index: 2, Count: 3}},
		{in: "0/3", err: true},
		{in: "4/3", err: true},
		{in: "1/0", err: true},
		{in: "1/3x", err: true},
		{in: "a/b", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := contract.ParseShard(tt.in)
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRunRefusesToStart(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	sp, err := spec.Embedded()
	require.NoError(t, err)

	tests := []struct {
		name    string
		suite   *fixtures.Suite
		baseURL string
		strict  bool
		want    string
	}{
		{name: "unreachable target", suite: loadSuite(t, "testdata/suite"), baseURL: closed.URL, want: "is unreachable"},
		{name: "too few candidates", suite: suiteOf(t, `
cases:
  - {name: greedy, rules: [r], candidates: 4, steps: [{name: s, method: GET, path: /, as: none, expect: {status: 200}}]}
`), strict: true, want: "case greedy cannot run: the profile lacks candidate_user_ids (4 needed, 3 given)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			profile := newDouble(bugNone).serve(t)
			if tt.baseURL != "" {
				profile.BaseURL = tt.baseURL
			}
			_, err := contract.Run(context.Background(), contract.Config{Profile: profile, Suite: tt.suite, Spec: sp, StrictProfile: tt.strict})
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestPartialProfileSkipsTheCasesThatNeedWhatItLacks(t *testing.T) {
	tests := []struct {
		name    string
		partial func(*contract.Profile)
		// skipped maps each skipped case to the reason printed.
		skipped map[string]string
		summary string
	}{
		{name: "no system admin: the cleanup's role", partial: func(p *contract.Profile) { delete(p.Tokens, "system_admin") },
			skipped: map[string]string{"add-promote-remove": "the profile lacks tokens.system_admin"},
			summary: "3 passed, 0 failed, 1 skipped"},
		{name: "no analyst", partial: func(p *contract.Profile) { p.Tokens["analyst"] = "" },
			skipped: map[string]string{"list-members": "the profile lacks tokens.analyst", "unknown-path": "the profile lacks tokens.analyst"},
			summary: "2 passed, 0 failed, 2 skipped"},
		{name: "no candidates", partial: func(p *contract.Profile) { p.CandidateUserIDs = nil },
			skipped: map[string]string{"add-promote-remove": "the profile lacks candidate_user_ids (1 needed, 0 given)"},
			summary: "3 passed, 0 failed, 1 skipped"},
		{name: "no organization", partial: func(p *contract.Profile) { p.OrganizationID = ""; delete(p.Tokens, "org_admin") },
			skipped: map[string]string{
				"requires-token":     "the profile lacks organization_id",
				"list-members":       "the profile lacks organization_id",
				"add-promote-remove": "the profile lacks tokens.org_admin, organization_id",
			},
			summary: "1 passed, 0 failed, 3 skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDouble(bugNone)
			profile := d.serve(t)
			tt.partial(profile)
			report, out := run(t, loadSuite(t, "testdata/suite"), profile)

			require.Empty(t, failedCases(report), out)
			require.Equal(t, len(tt.skipped), report.Skipped)
			for _, c := range report.Cases {
				require.Equal(t, tt.skipped[c.Name], c.Skipped, c.Name)
				if c.Skipped != "" {
					require.Empty(t, c.Steps, "a skipped case sends nothing")
					require.Contains(t, out, "SKIP "+c.Name+": "+c.Skipped+"\n")
				}
			}
			require.True(t, strings.HasSuffix(out, "\n"+tt.summary+"\n"), out)

			var buf bytes.Buffer
			require.NoError(t, report.WriteJSON(&buf))
			var decoded struct {
				Skipped int
				Cases   []struct{ Name, Result, Skipped string }
			}
			require.NoError(t, json.Unmarshal(buf.Bytes(), &decoded))
			require.Equal(t, len(tt.skipped), decoded.Skipped)
			for _, c := range decoded.Cases {
				if reason, ok := tt.skipped[c.Name]; ok {
					require.Equal(t, "skip", c.Result)
					require.Equal(t, reason, c.Skipped)
				} else {
					require.Equal(t, "pass", c.Result)
				}
			}
			buf.Reset()
			require.NoError(t, report.WriteJUnit(&buf))
			// The data check's unmet needs are skipped tests of their own.
			require.Contains(t, buf.String(), fmt.Sprintf(`<testsuites name="humm-contract" tests="%d" failures="0" skipped="%d"`, 4+len(report.Unprovable), len(tt.skipped)+len(report.Unprovable)))
			for _, reason := range tt.skipped {
				require.Contains(t, buf.String(), `<skipped message="`+reason+`"></skipped>`)
			}
		})
	}
}

func TestRuleCoverage(t *testing.T) {
	type rule struct{ id, verdict, detail string }
	tests := []struct {
		name      string
		bug       string
		partial   func(*contract.Profile)
		configure func(*contract.Config)
		// rules in the catalogue's order; detail is the cases of a proven
		// or failed rule, the first reason of an unproven one.
		rules []rule
		text  string
	}{
		{name: "all proven", rules: []rule{
			{"list", "proven", "list-members"}, {"lifecycle", "proven", "add-promote-remove"},
			{"identity", "proven", "requires-token"}, {"routing", "proven", "unknown-path"}},
			text: "rules: 4 proven, 0 unproven, 0 failed\n  proven: list, lifecycle, identity, routing\n"},
		{name: "a failed case fails its rules", bug: bugCreate201, rules: []rule{
			{"list", "proven", "list-members"}, {"lifecycle", "failed", "add-promote-remove"},
			{"identity", "proven", "requires-token"}, {"routing", "proven", "unknown-path"}},
			text: "rules: 3 proven, 0 unproven, 1 failed\n  failed   lifecycle: add-promote-remove\n  proven: list, identity, routing\n"},
		{name: "a skipped case leaves its rules unproven", partial: func(p *contract.Profile) { delete(p.Tokens, "analyst") }, rules: []rule{
			{"list", "unproven", "list-members skipped: the profile lacks tokens.analyst"}, {"lifecycle", "proven", "add-promote-remove"},
			{"identity", "proven", "requires-token"}, {"routing", "unproven", "unknown-path skipped: the profile lacks tokens.analyst"}},
			text: "rules: 2 proven, 2 unproven, 0 failed\n" +
				"  unproven list: list-members skipped: the profile lacks tokens.analyst\n" +
				"  unproven routing: unknown-path skipped: the profile lacks tokens.analyst\n" +
				"  proven: lifecycle, identity\n"},
		{name: "a rule no selected case names is unproven", configure: func(c *contract.Config) { c.Run = regexp.MustCompile(`^requires-token$`) }, rules: []rule{
			{"list", "unproven", "no case naming it was selected"}, {"lifecycle", "unproven", "no case naming it was selected"},
			{"identity", "proven", "requires-token"}, {"routing", "unproven", "no case naming it was selected"}},
			text: "rules: 1 proven, 3 unproven, 0 failed\n" +
				"  unproven list: no case naming it was selected\n  unproven lifecycle: no case naming it was selected\n" +
				"  unproven routing: no case naming it was selected\n  proven: identity\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			profile := newDouble(tt.bug).serve(t)
			if tt.partial != nil {
				tt.partial(profile)
			}
			var configure []func(*contract.Config)
			if tt.configure != nil {
				configure = append(configure, tt.configure)
			}
			report, out := run(t, loadSuite(t, "testdata/suite"), profile, configure...)

			var got []rule
			for _, rr := range report.Rules {
				detail := strings.Join(rr.Cases, ", ")
				if rr.Verdict == contract.RuleUnproven {
					detail = rr.Why[0]
				}
				got = append(got, rule{rr.ID, rr.Verdict, detail})
			}
			require.Equal(t, tt.rules, got)
			require.Equal(t, tt.text, report.CoverageText())
			require.True(t, strings.HasSuffix(out, "\n"+tt.text+report.Summary()+"\n"), "printed before the summary line:\n%s", out)

			var buf bytes.Buffer
			require.NoError(t, report.WriteJSON(&buf))
			var decoded struct {
				Rules struct {
					Proven           []string
					Unproven, Failed []struct {
						ID         string
						Cases, Why []string
					}
				}
			}
			require.NoError(t, json.Unmarshal(buf.Bytes(), &decoded))
			var fromJSON []rule
			for _, id := range decoded.Rules.Proven {
				fromJSON = append(fromJSON, rule{id, "proven", ""})
			}
			for _, r := range decoded.Rules.Unproven {
				fromJSON = append(fromJSON, rule{r.ID, "unproven", r.Why[0]})
			}
			for _, r := range decoded.Rules.Failed {
				fromJSON = append(fromJSON, rule{r.ID, "failed", strings.Join(r.Cases, ", ")})
			}
			var want []rule
			for _, verdict := range []string{"proven", "unproven", "failed"} {
				for _, r := range tt.rules {
					if r.verdict == verdict {
						if verdict == "proven" {
							r.detail = ""
						}
						want = append(want, r)
					}
				}
			}
			require.Equal(t, want, fromJSON)
		})
	}
}

// echo answers GET /echo?status=S&json=J&header=K:V with that status,
// body and header: a target whose every response the test chooses. Its
// path is not in the spec, so only the fixture judges it.
func echo(t *testing.T) *contract.Profile {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if k, v, ok := strings.Cut(q.Get("header"), ":"); ok {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusOK
		fmt.Sscan(q.Get("status"), &status)
		w.WriteHeader(status)
		fmt.Fprint(w, q.Get("json"))
	}))
	t.Cleanup(srv.Close)
	return newDouble(bugNone).profile(srv.URL)
}

func TestAssertions(t *testing.T) {
	tests := []struct {
		name string
		// steps are YAML steps; each GETs /echo with its query.
		steps string
		// want is the failure of the last step, or "" for a pass.
		want string
	}{
		{name: "subset of an object", steps: `
- {name: s, query: {json: '{"a":1,"b":"x"}'}, expect: {status: 200, body: {b: x}}}`},
		{name: "missing key", steps: `
- {name: s, query: {json: '{"a":1}'}, expect: {status: 200, body: {b: x}}}`,
			want: `body /b: expected "x", got nothing`},
		{name: "null is a value", steps: `
- {name: s, query: {json: '{"a":null}'}, expect: {status: 200, body: {a: null}}}`},
		{name: "numbers compare as numbers", steps: `
- {name: s, query: {json: '{"n":2.0}'}, expect: {status: 200, body: {n: 2}}}`},
		{name: "arrays match item by item", steps: `
- {name: s, query: {json: '[1,2]'}, expect: {status: 200, body: [1]}}`,
			want: `body: expected 1 item: [1], got [1,2]`},
		{name: "status list", steps: `
- {name: s, query: {status: 500, json: '{}'}, expect: {status: [200, 404]}}`,
			want: `status: expected 200 or 404, got 500`},
		{name: "uuid is lowercase", steps: `
- {name: s, query: {json: '{"id":"3C90C3CC-0D44-4B50-8888-8DD25736052A"}'}, expect: {status: 200, body: {id: "@uuid"}}}`,
			want: `body /id: expected a lowercase uuid, got "3C90C3CC-0D44-4B50-8888-8DD25736052A"`},
		{name: "uuid v4", steps: `
- {name: s, query: {json: '{"id":"3c90c3cc-0d44-1b50-8888-8dd25736052a"}'}, expect: {status: 200, body: {id: "@uuid-v4"}}}`,
			want: `body /id: expected a lowercase version 4 uuid`},
		{name: "date-time in UTC", steps: `
- {name: s, query: {json: '{"t":"2024-01-02T03:04:05+01:00"}'}, expect: {status: 200, body: {t: "@date-time"}}}`,
			want: `body /t: expected an RFC 3339 date-time in UTC, with a Z`},
		{name: "non-empty string", steps: `
- {name: s, query: {json: '{"detail":""}'}, expect: {status: 200, body: {detail: "@string"}}}`,
			want: `body /detail: expected a non-empty string, got ""`},
		{name: "header matches", steps: `
- {name: s, query: {header: "Allow:GET, POST", json: '{}'}, expect: {status: 200, headers: {Allow: "@matches ^[A-Z]+(, [A-Z]+)*$"}}}`},
		{name: "header missing", steps: `
- {name: s, query: {json: '{}'}, expect: {status: 200, headers: {Allow: "@matches ."}}}`,
			want: `header Allow: expected @matches ., got nothing`},
		{name: "not json", steps: `
- {name: s, query: {json: 'oops'}, expect: {status: 200, body: {a: 1}}}`,
			want: `body: expected JSON, got a body that does not parse`},
		{name: "capture fills templates, filters apply", steps: `
- {name: a, query: {json: '{"email":"Ada@Example.com"}'}, capture: {email: /email}, expect: {status: 200}}
- {name: b, query: {json: '{"q":"ADA@EXAMPLE.COM"}'}, expect: {status: 200, body: {q: "{email|upper}"}}}`},
		{name: "unchanged since", steps: `
- {name: a, query: {json: '{"t":"2024-01-02T03:04:05Z"}'}, expect: {status: 200}}
- {name: b, query: {json: '{"t":"2024-01-02T03:04:06Z"}'}, expect: {status: 200, body: {t: "@unchanged-since a"}}}`,
			want: `body /t: expected "2024-01-02T03:04:05Z" unchanged since step "a", got "2024-01-02T03:04:06Z"`},
		{name: "later than compares times, not text", steps: `
- {name: a, query: {json: '{"t":"2024-01-02T03:04:05Z"}'}, expect: {status: 200}}
- {name: b, query: {json: '{"t":"2024-01-02T03:04:05.5Z"}'}, expect: {status: 200, body: {t: "@later-than a"}}}`},
		{name: "later than", steps: `
- {name: a, query: {json: '{"t":"2024-01-02T03:04:05Z"}'}, expect: {status: 200}}
- {name: b, query: {json: '{"t":"2024-01-02T03:04:05Z"}'}, expect: {status: 200, body: {t: "@later-than a"}}}`,
			want: `body /t: expected a date-time later than "2024-01-02T03:04:05Z" (step "a")`},
		{name: "length", steps: `
- {name: s, query: {json: '[1,2,3]'}, expect: {status: 200, list: {length: {min: 1, max: 2}}}}`,
			want: `body /: expected 1 to 2 items, got 3`},
		{name: "sorted by times then ids", steps: `
- {name: s, query: {json: '[{"t":"2024-01-02T03:04:05Z","id":"b"},{"t":"2024-01-02T03:04:05.5Z","id":"a"},{"t":"2024-01-02T03:04:05.5Z","id":"c"}]'}, expect: {status: 200, list: {sorted_by: [t, id]}}}`},
		{name: "unsorted", steps: `
- {name: s, query: {json: '[{"id":"b"},{"id":"a"}]'}, expect: {status: 200, list: {sorted_by: [id]}}}`,
			want: `body /: expected items sorted by id, got item 0 {"id":"b"} before item 1 {"id":"a"}`},
		{name: "each", steps: `
- {name: s, query: {json: '[{"o":"x"},{"o":"y"}]'}, expect: {status: 200, list: {each: {o: x}}}}`,
			want: `body /1/o: expected "x", got "y"`},
		{name: "starts with", steps: `
- {name: s, query: {json: '[{"id":"a"}]'}, expect: {status: 200, list: {starts_with: [{id: a}, {id: b}]}}}`,
			want: `body /: expected item 1 to match {"id": "b"}, got 1 item`},
		{name: "contains", steps: `
- {name: s, query: {json: '{"detail":[{"loc":["query","page"]}]}'}, expect: {status: 200, list: {at: /detail, contains: [{loc: [query, page_size]}]}}}`,
			want: `body /detail: expected an item matching {"loc": ["query", "page_size"]}, got none among 1`},
		{name: "excludes", steps: `
- {name: a, query: {json: '{"id":"m1"}'}, capture: {id: /id}, expect: {status: 200}}
- {name: b, query: {json: '[{"id":"m0"},{"id":"m1"}]'}, expect: {status: 200, list: {excludes: [{id: "{id}"}]}}}`,
			want: `body /: expected no item matching {"id": "m1"}, got item 1 {"id":"m1"}`},
		{name: "a capture the response lacks fails the step that needs it", steps: `
- {name: a, query: {json: '{}'}, capture: {id: /id}, expect: {status: 200}}
- {name: b, query: {json: '{"id":"{id}"}'}, expect: {status: 200}}`,
			want: `cannot build the request: not captured: {id}: the response of step "a" had no /id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var steps strings.Builder
			for _, line := range strings.Split(strings.TrimSpace(tt.steps), "\n") {
				// Every step GETs /echo as nobody.
				steps.WriteString("      " + strings.Replace(line, "- {", "- {method: GET, path: /echo, as: none, ", 1) + "\n")
			}
			suite := suiteOf(t, "cases:\n  - name: c\n    rules: [r]\n    steps:\n"+steps.String())
			report, out := run(t, suite, echo(t))

			c := report.Cases[0]
			if tt.want == "" {
				require.True(t, c.Passed, out)
				return
			}
			require.False(t, c.Passed)
			last := c.Steps[len(c.Steps)-1]
			require.Len(t, last.Failures, 1, out)
			require.Contains(t, last.Failures[0], tt.want)
		})
	}
}

func TestCoverageWrapsTheProvenRules(t *testing.T) {
	var rules []string
	var cases strings.Builder
	cases.WriteString("cases:\n")
	for i := range 12 {
		id := fmt.Sprintf("a-rather-long-rule-name.number-%02d", i)
		rules = append(rules, "  - {id: "+id+", text: a rule}\n")
		fmt.Fprintf(&cases, "  - {name: c%d, rules: [%s], steps: [{name: s, method: GET, path: /echo, query: {json: '{}'}, as: none, expect: {status: 200}}]}\n", i, id)
	}
	suite, err := fixtures.Load(fstest.MapFS{
		"rules.yaml": {Data: []byte("rules:\n" + strings.Join(rules, ""))},
		"cases.yaml": {Data: []byte(cases.String())},
	}, "inline")
	require.NoError(t, err)
	report, _ := run(t, suite, echo(t))
	text := report.CoverageText()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.Equal(t, "rules: 12 proven, 0 unproven, 0 failed", lines[0])
	require.True(t, strings.HasPrefix(lines[1], "  proven: a-rather-long-rule-name.number-00, "), text)
	require.Greater(t, len(lines), 3, "wrapped:\n%s", text)
	for _, l := range lines[2:] {
		require.True(t, strings.HasPrefix(l, "    a-rather-long-rule-name."), "continued under the list:\n%s", text)
		require.LessOrEqual(t, len(l), 100, l)
	}
	require.True(t, strings.HasSuffix(text, "number-11\n"), text)
}

func TestPreconditionWithoutDataLeavesTheRuleUnproven(t *testing.T) {
	// Each case looks for a member with a nickname (the precondition), then
	// checks it; the echo target answers the first step with found's JSON.
	tests := []struct {
		name, found, cleanupStatus string
		result                     string
		skipped                    string
		verdict                    string
	}{
		{name: "data found, rule proven", found: `[{"nickname":"zed"}]`, cleanupStatus: "200", result: "pass", verdict: contract.RuleProven},
		{name: "no data, rule unproven", found: `[]`, cleanupStatus: "200", result: "skip", verdict: contract.RuleUnproven,
			skipped: `no data: a member with a nickname (step "find": body /: expected at least 1 item, got 0)`},
		{name: "no data, then a cleanup that fails: failed", found: `[]`, cleanupStatus: "500", result: "fail", verdict: contract.RuleFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			suite := suiteOf(t, `
cases:
  - name: c
    rules: [r]
    steps:
      - name: find
        precondition: a member with a nickname
        method: GET
        path: /echo
        query: {json: '`+tt.found+`'}
        as: none
        expect: {status: 200, list: {length: {min: 1}}}
      - {name: check, method: GET, path: /echo, query: {json: '{}'}, as: none, expect: {status: 200}}
    cleanup:
      - {name: tidy, method: GET, path: /echo, query: {status: "`+tt.cleanupStatus+`", json: '{}'}, as: none, expect: {status: 200}}
`)
			report, out := run(t, suite, echo(t))
			c := report.Cases[0]
			require.Equal(t, tt.skipped, c.Skipped, out)
			require.Equal(t, tt.verdict, report.Rules[0].Verdict, out)
			require.Equal(t, "tidy", c.Steps[len(c.Steps)-1].Name, "cleanup runs")
			var buf bytes.Buffer
			require.NoError(t, report.WriteJSON(&buf))
			require.Contains(t, buf.String(), `"result": "`+tt.result+`"`)
			if tt.skipped != "" {
				require.Len(t, c.Steps, 2, "the case stops at the precondition")
				require.Contains(t, out, "SKIP c: "+tt.skipped+"\n")
				require.Equal(t, []string{"c skipped: " + tt.skipped}, report.Rules[0].Why)
				require.True(t, strings.HasSuffix(out, "0 passed, 0 failed, 1 skipped\n"), out)
			}
		})
	}
}

// TestRequiresAndPickWithoutDataSkipTheCase: requires and pick, like a
// precondition, end a case the target's data cannot prove as skipped,
// "no data: …", its rule unproven; with the data, the case runs on (pick
// capturing the needle) and proves it.
func TestRequiresAndPickWithoutDataSkipTheCase(t *testing.T) {
	tests := []struct {
		name, need, found, skipped, verdict string
	}{
		{name: "requires met", need: "requires: {items: 2}", found: `[{"n":"a"},{"n":"b"}]`, verdict: contract.RuleProven},
		{name: "requires not met", need: "requires: {items: 2}", found: `[{"n":"a"}]`, verdict: contract.RuleUnproven,
			skipped: `no data: the list has 1 item, the case needs at least 2 items (step "find")`},
		{name: "pick found", need: "pick: {field: /nickname, elsewhere: [/email], needle: needle}", found: `[{"nickname":"starfish","email":"ann@example.com"}]`, verdict: contract.RuleProven},
		{name: "nothing to pick", need: "pick: {field: /nickname, elsewhere: [/email], needle: needle}", found: `[{"nickname":"ann","email":"ann@example.com"}]`, verdict: contract.RuleUnproven,
			skipped: `no data: no item of the 1 item has a /nickname with a part that is not its start, its end or a whole word and appears in none of /email (step "find")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			suite := suiteOf(t, `
cases:
  - name: c
    rules: [r]
    steps:
      - name: find
        method: GET
        path: /echo
        query: {json: '`+tt.found+`'}
        as: none
        `+tt.need+`
        expect: {status: 200}
      - {name: check, method: GET, path: /echo, query: {json: '{}'}, as: none, expect: {status: 200}}
    cleanup:
      - {name: tidy, method: GET, path: /echo, query: {json: '{}'}, as: none, expect: {status: 200}}
`)
			report, out := run(t, suite, echo(t))
			c := report.Cases[0]
			require.Equal(t, tt.skipped, c.Skipped, out)
			require.Equal(t, tt.verdict, report.Rules[0].Verdict, out)
			require.Equal(t, "tidy", c.Steps[len(c.Steps)-1].Name, "cleanup runs")
			if tt.skipped == "" {
				require.True(t, c.Passed, out)
				require.True(t, strings.HasSuffix(out, "1 passed, 0 failed, 0 skipped\n"), out)
				return
			}
			require.False(t, c.Passed)
			require.Len(t, c.Steps, 2, "the case stops at the step without data")
			require.Contains(t, out, "SKIP c: "+tt.skipped+"\n")
			require.Equal(t, []string{"c skipped: " + tt.skipped}, report.Rules[0].Why)
			require.True(t, strings.HasSuffix(out, "0 passed, 0 failed, 1 skipped\n"), out)
			var buf bytes.Buffer
			require.NoError(t, report.WriteJSON(&buf))
			require.Contains(t, buf.String(), `"result": "skip"`)
			require.Contains(t, buf.String(), `"skipped": 1`)
		})
	}
}

func TestJSONReportCarriesNoToken(t *testing.T) {
	d := newDouble(bugCreate201)
	profile := d.serve(t)
	report, _ := run(t, loadSuite(t, "testdata/suite"), profile)
	var buf bytes.Buffer
	require.NoError(t, report.WriteJSON(&buf))

	var decoded struct {
		Passed, Failed int
		Cases          []struct {
			Name   string
			Result string
			Steps  []struct{ Curl string }
		}
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &decoded))
	require.Equal(t, 3, decoded.Passed)
	require.Equal(t, 1, decoded.Failed)
	require.Len(t, decoded.Cases, 4)
	require.Equal(t, "requires-token", decoded.Cases[0].Name, "cases in suite order")
	require.Equal(t, "fail", decoded.Cases[3].Result)
	require.Contains(t, decoded.Cases[3].Steps[0].Curl, "${TOKEN_ORG_ADMIN}")
	for _, token := range profile.Tokens {
		require.NotContains(t, buf.String(), token)
	}
}

func TestInterruptedRunStillCleansUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := newDouble(bugNone)
	// GET /interrupt stands for the user pressing Ctrl-C mid-case.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/interrupt" {
			cancel()
			return
		}
		d.ServeHTTP(w, r)
	}))
	defer srv.Close()
	suite := suiteOf(t, `
cases:
  - name: interrupted
    rules: [r]
    candidates: 1
    steps:
      - {name: create, method: POST, path: "/api/organization/{organization_id}/member", as: org_admin, body: {user_id: "{candidate_user_ids[0]}"}, capture: {member_id: /id}, expect: {status: 200}}
      - {name: interrupt, method: GET, path: /interrupt, as: none, expect: {status: 200}}
    cleanup:
      - {name: delete, method: DELETE, path: "/api/organization/{organization_id}/member/{member_id}", as: system_admin, expect: {status: 200}}
  - name: never-started
    rules: [r]
    steps:
      - {name: list, method: GET, path: "/api/organization/{organization_id}/member", as: analyst, expect: {status: 200}}
`)
	sp, err := spec.Embedded()
	require.NoError(t, err)

	_, err = contract.Run(ctx, contract.Config{Profile: d.profile(srv.URL), Suite: suite, Spec: sp, Parallel: 1, Timeout: 5 * time.Second})
	require.ErrorContains(t, err, "run interrupted")
	require.Equal(t, 3, d.memberCount(), "the interrupted case removed the member it created")
}

func TestPaddedBodyIsReplayedThroughAPipe(t *testing.T) {
	profile := echo(t)
	suite := suiteOf(t, `
cases:
  - name: big
    rules: [r]
    steps:
      - {name: post, method: POST, path: /echo, as: org_admin, padded_body_bytes: 20, expect: {status: 413}}
`)
	_, out := run(t, suite, profile)
	// 20 bytes: {"pad":" and "} around 10 a's.
	require.Contains(t, out, `{ printf '{"pad":"'; head -c 10 /dev/zero | tr '\0' a; printf '"}'; } | curl -sS -i -X POST '`+
		profile.BaseURL+`/echo' -H "Authorization: Bearer ${TOKEN_ORG_ADMIN}" -H 'Content-Type: application/json' --data-binary @-`)
}
