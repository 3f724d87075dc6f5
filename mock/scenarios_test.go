package mock

import (
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := m.addScenario(tc.body)
			require.Equal(t, http.StatusBadRequest, r.Status, "body: %s", r.Body)
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

func TestScenarioDelayThenNormalAnswer(t *testing.T) {
	m := newTestMock(t, Config{})
	require.Equal(t, http.StatusCreated, m.addScenario(`{"match":{"operation":"get_organization_members"},"effect":{"delay_ms":80},"count":1}`).Status)
	start := time.Now()
	r := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID), TokenAnalyst, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Len(t, r.List(t), seedPrimaryMembers)
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
