package mock_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/heyhumm/humm-members-mock/mock"
)

// Start a mock with the seeded world, list a page of members as the
// organization admin, then add a user the profile offers as free to add.
func ExampleNew() {
	m, err := mock.New(mock.Config{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	profile := m.Profile(srv.URL)
	members := srv.URL + "/api/organization/" + profile.OrganizationID + "/member"

	send := func(method, url, body string) (*http.Response, []map[string]any) {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+profile.Tokens["org_admin"])
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var items []map[string]any
		if method == http.MethodGet {
			_ = json.NewDecoder(resp.Body).Decode(&items)
		} else {
			var one map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&one)
			items = append(items, one)
		}
		return resp, items
	}

	resp, page := send(http.MethodGet, members+"?page_size=3", "")
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"), len(page), "members on the page")
	fmt.Println("each with its user:", page[0]["user"] != nil)

	resp, created := send(http.MethodPost, members, `{"user_id": "`+profile.CandidateUserIDs[0]+`"}`)
	fmt.Println(resp.StatusCode, created[0]["role"], created[0]["membership_state"])

	resp, _ = send(http.MethodPost, members, `{"user_id": "`+profile.CandidateUserIDs[0]+`"}`)
	fmt.Println(resp.StatusCode, "the second time")
	// Output:
	// 200 application/json 3 members on the page
	// each with its user: true
	// 200 ANALYST active
	// 409 the second time
}
