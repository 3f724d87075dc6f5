package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// liveMember is what a client sees of one membership.
type liveMember struct {
	ID             string    `json:"id"`
	OrganizationID string    `json:"organization_id"`
	UserID         string    `json:"user_id"`
	Role           string    `json:"role"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	User           *struct {
		ID string `json:"id"`
	} `json:"user"`
}

// liveClient talks to a mock over loopback and reports transport errors to
// the test; it never fails from another goroutine than the test's own.
type liveClient struct {
	base   string
	client *http.Client
}

func (c *liveClient) do(method, path string, body any) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, reader)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+TokenSystemAdmin)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// pair is a user who is not (yet) a member of an organization.
type pair struct{ org, user string }

// TestConcurrentWritesMatchASequentialModel drives a live mock with many
// goroutines creating, updating, deleting and listing at once. Each worker
// owns disjoint (organization, user) pairs, so its own model is exact
// whatever the interleaving; listers page through the organizations all
// along. At the end the stored world must be exactly the seed plus every
// worker's model: no lost or phantom member, no duplicate membership,
// updated_at never going back, every page ordered and consistent.
func TestConcurrentWritesMatchASequentialModel(t *testing.T) {
	const (
		workers       = 12
		opsPerWorker  = 60
		listers       = 4
		racers        = 16 // goroutines creating the same membership at once
		pairsPerOwner = 6
	)
	m, err := New(Config{Seed: 1})
	require.NoError(t, err)
	ts := httptest.NewServer(m)
	defer ts.Close()
	transport := &http.Transport{MaxIdleConnsPerHost: workers + listers + racers}
	defer transport.CloseIdleConnections()
	c := &liveClient{base: ts.URL, client: &http.Client{Timeout: 20 * time.Second, Transport: transport}}

	// The pairs the workers may create, and the seed's memberships, which
	// nobody touches.
	var orgs []string
	var free []pair
	seeded := map[string]memberRow{}
	m.store.read(func(w *world) {
		orgs = append(orgs, w.orgOrder...)
		for _, o := range w.orgOrder {
			for _, u := range w.userOrder {
				if mm := w.byOrgUser[orgUserKey(o, u)]; mm != nil {
					seeded[mm.ID()] = readRow[memberRow](t, mm.Row)
				} else {
					free = append(free, pair{o, u})
				}
			}
		}
	})
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	require.GreaterOrEqual(t, len(free), workers*pairsPerOwner+1)

	// Many goroutines race to create one membership: exactly one wins.
	race := free[len(free)-1]
	var wg sync.WaitGroup
	statuses := make([]int, racers)
	raceErrs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			statuses[i], _, raceErrs[i] = c.do(http.MethodPost, "/api/organization/"+race.org+"/member", map[string]any{"user_id": race.user})
		})
	}
	wg.Wait()
	for _, err := range raceErrs {
		require.NoError(t, err)
	}
	slices.Sort(statuses)
	require.Equal(t, http.StatusOK, statuses[0], "one create of the raced membership succeeds")
	for _, s := range statuses[1:] {
		require.Equal(t, http.StatusConflict, s, "every other create of the raced membership is a 409")
	}
	var raced liveMember
	var racedID string
	m.store.read(func(w *world) { racedID = w.byOrgUser[orgUserKey(race.org, race.user)].ID() })
	raced.ID = racedID

	// Workers and listers.
	type result struct {
		model    map[pair]liveMember // what each owned pair holds now (absent: no membership)
		problems []string
	}
	results := make([]result, workers)
	stop := make(chan struct{})
	listProblems := make([][]string, listers)
	listPages := make([]int, listers)
	var listersWG sync.WaitGroup
	for l := range listers {
		listersWG.Go(func() {
			lrng := rand.New(rand.NewPCG(uint64(l), 99))
			for {
				select {
				case <-stop:
					return
				default:
				}
				org := orgs[lrng.IntN(len(orgs))]
				size := 1 + lrng.IntN(100)
				page := 1 + lrng.IntN(3)
				status, body, err := c.do(http.MethodGet, fmt.Sprintf("/api/organization/%s/member?page=%d&page_size=%d", org, page, size), nil)
				if err != nil || status != http.StatusOK {
					listProblems[l] = append(listProblems[l], fmt.Sprintf("list: %d %v %s", status, err, body))
					continue
				}
				var items []liveMember
				if err := json.Unmarshal(body, &items); err != nil {
					listProblems[l] = append(listProblems[l], "list: "+err.Error())
					continue
				}
				listProblems[l] = append(listProblems[l], pageProblems(items, org, size)...)
				listPages[l]++
			}
		})
	}
	for wi := range workers {
		wg.Go(func() {
			wrng := rand.New(rand.NewPCG(uint64(wi), 1))
			owned := free[wi*pairsPerOwner : (wi+1)*pairsPerOwner]
			model := map[pair]liveMember{}
			var problems []string
			fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
			for range opsPerWorker {
				p := owned[wrng.IntN(len(owned))]
				cur, exists := model[p]
				roles := []string{RoleAnalyst, RoleOrgAdmin, RoleSystemAdmin}
				switch op := wrng.IntN(4); {
				case op == 0 || !exists && op != 3:
					role := roles[wrng.IntN(len(roles))]
					status, body, err := c.do(http.MethodPost, "/api/organization/"+p.org+"/member", map[string]any{"user_id": p.user, "role": role})
					if err != nil {
						fail("create: %v", err)
						continue
					}
					if exists {
						if status != http.StatusConflict {
							fail("create of an existing membership %v: %d %s, want 409", p, status, body)
						}
						continue
					}
					var got liveMember
					if status != http.StatusOK || json.Unmarshal(body, &got) != nil {
						fail("create %v: %d %s", p, status, body)
						continue
					}
					if got.OrganizationID != p.org || got.UserID != p.user || got.Role != role || !got.CreatedAt.Equal(got.UpdatedAt) {
						fail("create %v answered %s", p, body)
					}
					model[p] = got
				case op == 3:
					id := cur.ID
					if !exists {
						id = newUUIDFrom(wrng)
					}
					status, body, err := c.do(http.MethodDelete, "/api/organization/"+p.org+"/member/"+id, nil)
					if err != nil {
						fail("delete: %v", err)
						continue
					}
					if !exists {
						if status != http.StatusNotFound {
							fail("delete of a missing member %v: %d %s, want 404", p, status, body)
						}
						continue
					}
					var got liveMember
					if status != http.StatusOK || json.Unmarshal(body, &got) != nil || got.ID != cur.ID {
						fail("delete %v: %d %s", p, status, body)
						continue
					}
					delete(model, p)
					// A second delete is a 404.
					if status, _, err := c.do(http.MethodDelete, "/api/organization/"+p.org+"/member/"+id, nil); err != nil || status != http.StatusNotFound {
						fail("second delete %v: %d %v, want 404", p, status, err)
					}
				default:
					role := roles[wrng.IntN(len(roles))]
					status, body, err := c.do(http.MethodPut, "/api/organization/"+p.org+"/member/"+cur.ID, map[string]any{"role": role})
					if err != nil {
						fail("update: %v", err)
						continue
					}
					var got liveMember
					if status != http.StatusOK || json.Unmarshal(body, &got) != nil {
						fail("update %v: %d %s", p, status, body)
						continue
					}
					if got.ID != cur.ID || got.Role != role || !got.CreatedAt.Equal(cur.CreatedAt) || !got.UpdatedAt.After(cur.UpdatedAt) {
						fail("update %v: before %+v, after %s", p, cur, body)
					}
					if got.User == nil || got.User.ID != p.user {
						fail("update %v: the response does not carry its user: %s", p, body)
					}
					model[p] = got
				}
			}
			results[wi] = result{model: model, problems: problems}
		})
	}
	wg.Wait()
	close(stop)
	listersWG.Wait()

	for i, r := range results {
		require.Empty(t, r.problems, "worker %d", i)
	}
	for l := range listers {
		require.Empty(t, listProblems[l], "lister %d", l)
		require.Positive(t, listPages[l], "lister %d listed nothing", l)
	}

	// The world is the seed, the raced membership and every model; read
	// through the API, page by page, the same holds.
	want := map[string]bool{racedID: true}
	for id := range seeded {
		want[id] = true
	}
	wantRows := map[string]liveMember{}
	for _, r := range results {
		for _, mm := range r.model {
			want[mm.ID] = true
			wantRows[mm.ID] = mm
		}
	}
	seen := map[string]bool{}
	memberships := map[orgUser]bool{}
	for _, org := range orgs {
		for page := 1; ; page++ {
			status, body, err := c.do(http.MethodGet, fmt.Sprintf("/api/organization/%s/member?page=%d&page_size=7", org, page), nil)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, status, "%s", body)
			var items []liveMember
			require.NoError(t, json.Unmarshal(body, &items))
			require.Empty(t, pageProblems(items, org, 7))
			if len(items) == 0 {
				break
			}
			for _, it := range items {
				require.False(t, seen[it.ID], "member %s listed twice", it.ID)
				seen[it.ID] = true
				key := orgUserKey(it.OrganizationID, it.UserID)
				require.False(t, memberships[key], "duplicate membership %s", key)
				memberships[key] = true
				require.True(t, want[it.ID], "phantom member %s: %+v", it.ID, it)
				if row, ok := wantRows[it.ID]; ok {
					require.Equal(t, row.Role, it.Role, "member %s", it.ID)
					require.True(t, row.UpdatedAt.Equal(it.UpdatedAt), "member %s: updated_at %s, the last write said %s", it.ID, it.UpdatedAt, row.UpdatedAt)
				}
			}
		}
	}
	for id := range want {
		require.True(t, seen[id], "lost member %s", id)
	}
	require.Len(t, seen, len(want))
}

// pageProblems: a page is at most size items of org, each with its user,
// in (created_at, id) order, without repeats.
func pageProblems(items []liveMember, org string, size int) []string {
	var problems []string
	if len(items) > size {
		problems = append(problems, fmt.Sprintf("page of %d items for page_size %d", len(items), size))
	}
	ids := map[string]bool{}
	for i, it := range items {
		if it.OrganizationID != org {
			problems = append(problems, fmt.Sprintf("item %s of organization %s in a list of %s", it.ID, it.OrganizationID, org))
		}
		if it.User == nil || it.User.ID != it.UserID {
			problems = append(problems, fmt.Sprintf("item %s without its user", it.ID))
		}
		if ids[it.ID] {
			problems = append(problems, fmt.Sprintf("item %s twice in one page", it.ID))
		}
		ids[it.ID] = true
		if it.UpdatedAt.Before(it.CreatedAt) {
			problems = append(problems, fmt.Sprintf("item %s updated before it was created", it.ID))
		}
		if i > 0 {
			prev := items[i-1]
			if it.CreatedAt.Before(prev.CreatedAt) || it.CreatedAt.Equal(prev.CreatedAt) && strings.Compare(it.ID, prev.ID) < 0 {
				problems = append(problems, fmt.Sprintf("items %s and %s out of (created_at, id) order", prev.ID, it.ID))
			}
		}
	}
	return problems
}

// newUUIDFrom is a random version 4 uuid, for ids that name nothing.
func newUUIDFrom(r *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
}
