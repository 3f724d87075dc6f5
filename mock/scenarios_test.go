package mock

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func (m *testMock) addScenario(body string) result {
	m.t.Helper()
	return m.do(http.MethodPost, "/__mock/scenarios", "", body)
}

func TestScenariosAreRefusedWhenTheyCannotBeMet(t *testing.T) {
	m := newTestMock(t, Config{})
	for _, tc := range []struct{ name, body, detail string }{
		{"unknown operation", `{"match":{"operation":"list_everything"},"effect":{"status":500},"count":1}`, "get_organization_members"},
		{"status the operation does not define", `{"match":{"operation":"get_organization_members"},"effect":{"status":409},"count":1}`, "200, 401, 403, 404, 422"},
		{"unknown role", `{"match":{"operation":"get_organization_members","role":"king"},"effect":{"status":404},"count":1}`, "org_admin"},
		{"unknown fault", `{"match":{"operation":"get_organization_members"},"effect":{"fault":"fire"},"count":1}`, "reset, empty, truncated or random"},
		{"no effect", `{"match":{"operation":"get_organization_members"},"effect":{},"count":1}`, "effect is empty"},
		{"no count nor duration", `{"match":{"operation":"get_organization_members"},"effect":{"status":404}}`, "count"},
		{"unknown field", `{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":1,"colour":"red"}`, "colour"},
		{"example the status does not have", `{"match":{"operation":"get_organization_members"},"effect":{"status":404,"example":"nope"},"count":1}`,
			`effect.example "nope": response 404 of get_organization_members has no such example; its examples are `},
		{"example no response has", `{"match":{"operation":"get_organization_members"},"effect":{"example":"nope"},"count":1}`,
			`effect.example "nope": no response of get_organization_members has such an example; its examples are `},
		{"example and dynamic", `{"match":{"operation":"get_organization_members"},"effect":{"status":404,"example":"organization","dynamic":true},"count":1}`,
			"example or dynamic, not both"},
		{"path parameter the operation does not have", `{"match":{"operation":"get_organization_members","path":{"member_id":"x"}},"effect":{"status":404},"count":1}`,
			"match.path.member_id: get_organization_members has no such path parameter; it has: organization_id"},
		{"empty path parameter", `{"match":{"operation":"get_organization_members","path":{"organization_id":""}},"effect":{"status":404},"count":1}`,
			"match.path.organization_id is empty"},
		{"two objects", `{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":1} {}`, "one JSON object"},
		{"not JSON", `count=1`, "scenario: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.addScenario(tc.body)
			require.Equal(t, http.StatusBadRequest, r.Status, "body: %s", r.Body)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			require.Len(t, r.Object(t), 1, "the API's error format: detail only")
			require.Contains(t, r.Object(t)["detail"], tc.detail)
		})
	}
	require.Empty(t, m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t))
}

func TestScenarioStatusForACountOfMatchingRequests(t *testing.T) {
	m := newTestMock(t, Config{})
	org := m.profile.OrganizationID
	r := m.addScenario(`{"match":{"operation":"get_organization_members","role":"analyst"},"effect":{"status":404,"example":"organization"},"count":2}`)
	require.Equal(t, http.StatusCreated, r.Status, "body: %s", r.Body)
	require.Len(t, m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t), 1)

	other := m.do(http.MethodGet, m.membersPath(org), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, other.Status, "another role does not match")
	for i := 0; i < 2; i++ {
		hit := m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil)
		require.Equal(t, http.StatusNotFound, hit.Status)
		require.Equal(t, detailOrgNotFound, hit.Object(t)["detail"])
	}
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(org), TokenAnalyst, nil).Status, "used up after its count")
	require.Empty(t, m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t))
}

func TestScenarioMatchesPathParametersAndExpires(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := newTestMock(t, Config{Now: func() time.Time { return now }})
	org := m.profile.OrganizationID
	target := m.plainMember()
	other := m.firstMember(org, func(mm memberRow) bool { return mm.Role == RoleAnalyst && mm.ID != target.ID })
	r := m.addScenario(`{"match":{"operation":"delete_organization_member","path":{"member_id":"` + strings.ToUpper(target.ID) + `"}},"effect":{"status":403},"duration_ms":60000}`)
	require.Equal(t, http.StatusCreated, r.Status, "body: %s", r.Body)
	for i := 0; i < 3; i++ {
		require.Equal(t, http.StatusForbidden, m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil).Status)
	}
	require.Equal(t, target, m.memberOf(org, target.UserID), "a scenario answer does not touch the store")
	require.Equal(t, http.StatusOK, m.do(http.MethodDelete, m.memberPath(org, other.ID), TokenOrgAdmin, nil).Status, "other members do not match")
	now = now.Add(time.Minute)
	require.Equal(t, http.StatusOK, m.do(http.MethodDelete, m.memberPath(org, target.ID), TokenOrgAdmin, nil).Status, "expired")
}

// The example a scenario names is checked against the spec at creation;
// the one the spec has is accepted, with or without its status.
func TestScenarioWithAKnownExampleIsAccepted(t *testing.T) {
	m := newTestMock(t, Config{})
	for _, body := range []string{
		`{"match":{"operation":"get_organization_members"},"effect":{"example":"organization"},"count":1}`,
		`{"match":{"operation":"get_organization_members"},"effect":{"status":404,"example":"organization"},"count":1}`,
	} {
		require.Equal(t, http.StatusCreated, m.addScenario(body).Status, body)
		hit := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil)
		require.Equal(t, http.StatusNotFound, hit.Status, "body: %s", hit.Body)
		require.Equal(t, detailOrgNotFound, hit.Object(t)["detail"])
	}
}

// A scenario answers after identity: a request without a valid token still
// gets its 401, and does not use the scenario up.
func TestScenarioAppliesAfterIdentity(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID)
	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":1}`).Status)
	none := m.do(http.MethodGet, path, "", nil)
	require.Equal(t, http.StatusUnauthorized, none.Status)
	require.Equal(t, detailNotAuthenticated, none.Object(t)["detail"])
	bad := m.do(http.MethodGet, path, "not-a-token", nil)
	require.Equal(t, http.StatusUnauthorized, bad.Status)
	require.Equal(t, detailInvalidCredentials, bad.Object(t)["detail"])
	left := m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t)
	require.Len(t, left, 1)
	require.EqualValues(t, 1, left[0].(map[string]any)["remaining"], "a 401 does not use the scenario")
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, path, TokenAnalyst, nil).Status)
}

// before_identity makes a scenario answer requests without a valid token
// too, for a client's handling of an error it would otherwise never see.
func TestScenarioBeforeIdentityAnswersWithoutAToken(t *testing.T) {
	m := newTestMock(t, Config{})
	path := m.membersPath(m.profile.OrganizationID)
	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members","before_identity":true},"effect":{"status":404},"count":2}`).Status)
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, path, "", nil).Status)
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, path, "not-a-token", nil).Status)
	require.Equal(t, http.StatusUnauthorized, m.do(http.MethodGet, path, "", nil).Status, "used up")
}

// The page lists what is left of each scenario and ends one by its id.
func TestScenarioRemainingAndEndingOne(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := newTestMock(t, Config{Now: func() time.Time { return now }})
	path := m.membersPath(m.profile.OrganizationID)
	first := m.addScenario(`{"match":{"operation":"get_organization_members","role":"analyst"},"effect":{"status":404},"count":3}`).Object(t)
	second := m.addScenario(`{"match":{"operation":"get_organization_members","role":"org_admin"},"effect":{"delay_ms":1},"duration_ms":60000}`).Object(t)
	require.Equal(t, http.StatusNotFound, m.do(http.MethodGet, path, TokenAnalyst, nil).Status)
	listed := m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t)
	require.Len(t, listed, 2)
	require.EqualValues(t, 2, listed[0].(map[string]any)["remaining"])
	require.Equal(t, "2026-01-01T00:01:00Z", listed[1].(map[string]any)["expires_at"])

	ended := m.do(http.MethodDelete, "/__mock/scenarios/"+first["id"].(string), "", nil)
	require.Equal(t, http.StatusOK, ended.Status, "body: %s", ended.Body)
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, path, TokenAnalyst, nil).Status, "ended")
	listed = m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t)
	require.Len(t, listed, 1)
	require.Equal(t, second["id"], listed[0].(map[string]any)["id"])

	again := m.do(http.MethodDelete, "/__mock/scenarios/"+first["id"].(string), "", nil)
	require.Equal(t, http.StatusNotFound, again.Status)
	require.Contains(t, again.Object(t)["detail"], "no active scenario")
	require.Equal(t, http.StatusMethodNotAllowed, m.do(http.MethodGet, "/__mock/scenarios/"+second["id"].(string), "", nil).Status)

	now = now.Add(time.Minute)
	require.Empty(t, m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t), "an expired scenario is not listed")
}

// The form's choices come from the spec: each operation's path parameters,
// documented statuses and their examples.
func TestScenarioOptionsComeFromTheSpec(t *testing.T) {
	m := newTestMock(t, Config{})
	r := m.do(http.MethodGet, "/__mock/scenarios/options", "", nil)
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	var opts ScenarioOptions
	require.NoError(t, json.Unmarshal(r.Body, &opts))
	require.Equal(t, []string{"reset", "empty", "truncated", "random"}, opts.Faults)
	require.Subset(t, opts.Standings, []string{"system_admin", "org_admin", "analyst", "suspended", "outsider"})
	byID := map[string]ScenarioOperation{}
	for _, op := range opts.Operations {
		byID[op.OperationID] = op
	}
	list := byID["get_organization_members"]
	require.Equal(t, opList, list.Member, "the QA page's default operation")
	require.Equal(t, []string{"organization_id"}, list.PathParams)
	require.Equal(t, []string{"organization_id", "member_id"}, byID["update_organization_member"].PathParams)
	statuses := map[int][]string{}
	for _, resp := range list.Responses {
		statuses[resp.Status] = resp.Examples
	}
	require.Contains(t, statuses[404], "organization")
	require.Contains(t, statuses, 422)
	require.NotContains(t, statuses, 409)
}

func TestScenarioDelayThenNormalAnswer(t *testing.T) {
	m := newTestMock(t, Config{})
	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"delay_ms":80},"count":1}`).Status)
	start := time.Now()
	r := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Len(t, r.List(t), fallbackPageSize, "a default page")
	require.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
}

// rawGet sends a request and reports the transport error, if any, and the
// body read so far.
func rawGet(t *testing.T, url, token string) (int, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func TestScenarioFaults(t *testing.T) {
	m := newTestMock(t, Config{})
	url := m.url + m.membersPath(m.profile.OrganizationID)
	for _, fault := range []string{faultReset, faultEmpty, faultTruncated} {
		t.Run(fault, func(t *testing.T) {
			require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"fault":"`+fault+`"},"count":1}`).Status)
			status, body, err := rawGet(t, url, TokenAnalyst)
			require.Error(t, err, "status %d body %s", status, body)
			if fault == faultTruncated {
				require.Equal(t, http.StatusOK, status)
				require.True(t, errors.Is(err, io.ErrUnexpectedEOF), "err: %v", err)
				require.NotEmpty(t, body)
			}
			status, _, err = rawGet(t, url, TokenAnalyst)
			require.NoError(t, err, "the next request is served")
			require.Equal(t, http.StatusOK, status)
		})
	}
	entries := m.do(http.MethodGet, "/__mock/requests", "", nil).List(t)
	require.Contains(t, string(mustJSON(entries)), "scenario fault: reset")
}

func TestRandomFaultsReplayFromTheSeed(t *testing.T) {
	sequence := func() []string {
		m := newTestMock(t, Config{Seed: 7})
		var picked []string
		for i := 0; i < 6; i++ {
			require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"fault":"random"},"count":1}`).Status)
			_, _, _ = rawGet(t, m.url+m.membersPath(m.profile.OrganizationID), TokenAnalyst)
		}
		for _, e := range m.srv.journal.entries() {
			for _, p := range e.Problems {
				if strings.HasPrefix(p, "scenario fault: ") {
					picked = append(picked, p)
				}
			}
		}
		return picked
	}
	first := sequence()
	require.Len(t, first, 6)
	require.Equal(t, first, sequence())
}

func TestScenariosClearAndReset(t *testing.T) {
	m := newTestMock(t, Config{})
	body := `{"match":{"operation":"get_organization_members"},"effect":{"status":404},"count":5}`
	require.Equal(t, http.StatusCreated, m.addScenario(body).Status)
	require.Equal(t, http.StatusOK, m.do(http.MethodDelete, "/__mock/scenarios", "", nil).Status)
	require.Equal(t, http.StatusOK, m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil).Status)
	require.Equal(t, http.StatusCreated, m.addScenario(body).Status)
	require.Equal(t, http.StatusOK, m.do(http.MethodPost, "/__mock/reset", "", nil).Status)
	require.Empty(t, m.do(http.MethodGet, "/__mock/scenarios", "", nil).List(t))
}
