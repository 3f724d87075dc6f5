package contract_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/mock"
)

// TestTheDefaultWorldProvesEveryCase (issue 22 point 2): against the world
// `make run` serves (seed 1, humm-mock's defaults) and the profile it
// gives, `humm-contract run` and `run --generated` skip nothing: the seed
// holds members sharing a created_at, names and nicknames that differ from
// the given and family names, more than two default pages, free candidates
// and users of the other organization only. A case skipped "no data" here
// names what the seed lacks.
func TestTheDefaultWorldProvesEveryCase(t *testing.T) {
	for _, tc := range []struct {
		name  string
		suite *fixtures.Suite
	}{
		{"run", embeddedSuite(t)},
		{"run --generated", withGenerated(t, embeddedSpec(t))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			profile := serveMockWith(t, mock.Config{Seed: 1})
			report, out := run(t, tc.suite, profile, func(c *contract.Config) { c.Parallel = 8 })
			var skipped []string
			for _, c := range report.Cases {
				if c.Skipped != "" {
					skipped = append(skipped, c.Name+": "+c.Skipped)
				}
			}
			require.Empty(t, skipped, "cases the default world cannot prove")
			require.Empty(t, failedCases(report), out)
			require.Equal(t, len(tc.suite.Cases), report.Passed)
		})
	}
}

// serveThinMock starts a mock on a thin world: the default one cut to 24
// members in the profile's organization, everyone's name their given and
// family names, their nickname their given name and their email made of
// both, as the seed made them before issue 22. It cannot prove the
// cases that tile the pages or find a member by one of its names: a
// target like it is what TestAThinWorldLeavesUnprovenWhatItCannotProve
// runs against.
func serveThinMock(t *testing.T) *contract.Profile {
	t.Helper()
	m, err := mock.New(mock.Config{Seed: 1})
	require.NoError(t, err)
	srv := behindTheFront(m)
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL + "/__mock/state")
	require.NoError(t, err)
	var state map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&state))
	resp.Body.Close()

	org := state["organization_id"]
	holders := map[any]bool{}
	for _, id := range state["identities"].([]any) {
		holders[id.(map[string]any)["user_id"]] = true
	}
	// The export lists an organization's members in the list's order:
	// keep the three token holders' and the first 21 others.
	var kept []any
	others := 0
	for _, v := range state["memberships"].([]any) {
		if mm := v.(map[string]any); mm["organization_id"] == org && !holders[mm["user_id"]] {
			if others++; others > 21 {
				continue
			}
		}
		kept = append(kept, v)
	}
	state["memberships"] = kept

	ascii := func(s string) string {
		return strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' {
				return r
			}
			return -1
		}, strings.ToLower(s))
	}
	for i, v := range state["users"].([]any) {
		u := v.(map[string]any)
		given, _ := u["given_name"].(string)
		family, _ := u["family_name"].(string)
		u["name"] = strings.TrimSpace(given + " " + family)
		u["nickname"] = strings.ToLower(cmp.Or(given, family))
		u["email"] = fmt.Sprintf("%s.%s%d@example.com", cmp.Or(ascii(given), "x"), cmp.Or(ascii(family), "x"), i)
	}
	body, err := json.Marshal(state)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/__mock/state", bytes.NewReader(body))
	require.NoError(t, err)
	resp, err = srv.Client().Do(req)
	require.NoError(t, err)
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the thin world is imported: %s", msg)
	profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	return profile
}
