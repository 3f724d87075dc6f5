package mock

import (
	"bytes"
	"cmp"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestListWindowIsTheAskedPart: the indexes of the items a request asks
// for, of a list of n: offset, then whole pages, then the size; below 1 a
// page is the first, a size is empty, an offset none; no size, no cut and
// no pages; past the end empty, however far (nothing overflows).
func TestListWindowIsTheAskedPart(t *testing.T) {
	for _, tc := range []struct {
		name       string
		q          listQuery
		n          int
		start, end int
	}{
		{"page 1 of 50", listQuery{page: 1, size: 50, limited: true}, 120, 0, 50},
		{"page 3 of 50, the part left", listQuery{page: 3, size: 50, limited: true}, 120, 100, 120},
		{"page 4 of 50, past the end", listQuery{page: 4, size: 50, limited: true}, 120, 120, 120},
		{"page 0 is the first", listQuery{page: 0, size: 50, limited: true}, 120, 0, 50},
		{"a negative page is the first", listQuery{page: -7, size: 50, limited: true}, 120, 0, 50},
		{"the largest page", listQuery{page: math.MaxInt, size: 100, limited: true}, 120, 120, 120},
		{"the largest page of size 1", listQuery{page: math.MaxInt, size: 1, limited: true}, 120, 120, 120},
		{"the largest size", listQuery{page: 2, size: math.MaxInt, limited: true}, 120, 120, 120},
		{"offset 10, limit 5", listQuery{offset: 10, size: 5, limited: true}, 120, 10, 15},
		{"offset at the end", listQuery{offset: 120, size: 5, limited: true}, 120, 120, 120},
		{"the largest offset", listQuery{offset: math.MaxInt, size: 100, limited: true}, 120, 120, 120},
		{"a negative offset is none", listQuery{offset: math.MinInt, size: 5, limited: true}, 120, 0, 5},
		{"offset and page", listQuery{offset: 10, page: 2, size: 5, limited: true}, 120, 15, 20},
		{"the largest offset and page", listQuery{offset: math.MaxInt, page: math.MaxInt, size: math.MaxInt, limited: true}, 120, 120, 120},
		{"size 0 is empty", listQuery{page: 1, size: 0, limited: true}, 120, 0, 0},
		{"a negative size is empty", listQuery{page: 2, size: math.MinInt, limited: true}, 120, 0, 0},
		{"no size: the whole list", listQuery{}, 120, 0, 120},
		{"no size: no pages", listQuery{page: 3}, 120, 0, 120},
		{"no size, an offset", listQuery{offset: 100, page: 3}, 120, 100, 120},
		{"an empty list", listQuery{page: 1, size: 50, limited: true}, 0, 0, 0},
		{"an empty list, no size", listQuery{page: 2}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, end := tc.q.window(tc.n)
			require.Equal(t, []int{tc.start, tc.end}, []int{start, end})
		})
	}
}

// pagingMock is the mock on a variant of the list's paging, the seed
// world's organization listed in the service's order.
type pagingMock struct {
	*testMock
	org  string
	all  []string // the organization's member ids, ordered by (created_at, id)
	logs string
}

func newPagingMock(t *testing.T, file string) *pagingMock {
	t.Helper()
	sp, err := spec.LoadFile(file)
	require.NoError(t, err)
	var logs bytes.Buffer
	m := newTestMock(t, Config{Spec: sp, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	p := &pagingMock{testMock: m, org: m.profile.OrganizationID, logs: logs.String()}
	rows := membersOf(t, m.srv.store.export().Memberships)
	rows = slices.DeleteFunc(rows, func(r memberRow) bool { return r.OrganizationID != p.org })
	slices.SortFunc(rows, func(a, b memberRow) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)) })
	for _, r := range rows {
		p.all = append(p.all, r.ID)
	}
	require.Greater(t, len(p.all), 50, "the seed world fills more than a default page")
	return p
}

// ids lists with query, as the org admin, and answers the ids in order.
func (p *pagingMock) ids(t *testing.T, query string) []string {
	t.Helper()
	r := p.do(http.MethodGet, p.membersPath(p.org)+"?"+query, TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, r.Status, "?%s: %s", query, r.Body)
	ids := []string{}
	for _, item := range r.List(t) {
		ids = append(ids, item.(map[string]any)["id"].(string))
	}
	return ids
}

// searchable is a needle that some but not all members' users match: the
// local part of the first member's user's email.
func (p *pagingMock) searchable(t *testing.T) (needle string, matches []string) {
	t.Helper()
	r := p.do(http.MethodGet, p.membersPath(p.org), TokenOrgAdmin, nil)
	require.Equal(t, http.StatusOK, r.Status)
	first := r.List(t)[0].(map[string]any)["user"].(map[string]any)["email"].(string)
	needle = strings.ToUpper(first[:strings.Index(first, "@")])
	p.srv.store.read(func(w *world) {
		for _, m := range w.byOrg[p.org] {
			if strings.Contains(searchableText(w.users[m.Text("user_id")]), strings.ToLower(needle)) {
				matches = append(matches, m.Text("id"))
			}
		}
	})
	require.NotEmpty(t, matches)
	require.Less(t, len(matches), len(p.all), "the needle %q must leave some out", needle)
	return needle, matches
}

// TestListPagingFollowsTheDocument: the list's paging and search are the
// parameters of their shape, whatever the document calls them
// (BEHAVIOUR.md#list, *choice*); the mock never panics on them.
func TestListPagingFollowsTheDocument(t *testing.T) {
	t.Run("offset and limit", func(t *testing.T) {
		p := newPagingMock(t, "testdata/specs/list-offset-limit-31.yaml")
		require.Equal(t, p.all[:50], p.ids(t, ""), "limit defaults to 50, offset to 0")
		require.Equal(t, p.all[10:15], p.ids(t, "offset=10&limit=5"), "items offset..offset+limit")
		require.Equal(t, p.all[len(p.all)-3:], p.ids(t, "offset="+itoa(len(p.all)-3)+"&limit=100"))
		require.Empty(t, p.ids(t, "offset=99999999999999999999999"), "past the end, however far")
		require.Empty(t, p.ids(t, "offset="+itoa(len(p.all))))
		needle, matches := p.searchable(t)
		require.Equal(t, matches[1:min(3, len(matches))], p.ids(t, "search="+needle+"&offset=1&limit=2"), "search, then the window")
		require.Equal(t, p.all[:50], p.ids(t, "page=2&page_size=1&query="+needle), "the reference's names are no parameters of this document")
		require.NotContains(t, p.logs, "validated and ignored")
	})
	t.Run("per_page", func(t *testing.T) {
		p := newPagingMock(t, "testdata/specs/list-per-page-31.yaml")
		require.Equal(t, p.all[:25], p.ids(t, ""), "per_page defaults to 25")
		require.Equal(t, p.all[5:10], p.ids(t, "page=2&per_page=5"))
		require.Empty(t, p.ids(t, "page=9223372036854775808&per_page=1"))
		needle, matches := p.searchable(t)
		require.Equal(t, matches[:min(25, len(matches))], p.ids(t, "q="+needle))
	})
	t.Run("a page size without a default", func(t *testing.T) {
		p := newPagingMock(t, "testdata/specs/list-size-without-default-31.yaml")
		require.Equal(t, p.all, p.ids(t, ""), "no size sent, none declared: the whole list")
		require.Equal(t, p.all, p.ids(t, "page=2"), "no size: no pages")
		require.Equal(t, p.all[5:10], p.ids(t, "page=2&page_size=5"))
		require.Equal(t, p.all[:5], p.ids(t, "page_size=5"), "no page: the first")
	})
	t.Run("no paging", func(t *testing.T) {
		p := newPagingMock(t, "testdata/specs/list-unpaged-31.yaml")
		require.Equal(t, p.all, p.ids(t, ""))
		needle, matches := p.searchable(t)
		require.Equal(t, matches, p.ids(t, "term="+needle))
	})
	t.Run("two searches, neither the reference's", func(t *testing.T) {
		p := newPagingMock(t, "testdata/specs/list-two-searches-31.yaml")
		for _, name := range []string{"search", "text"} {
			require.Contains(t, p.logs, "query parameter "+name+" of the member list: has the shape of the search, as 2 parameters do ([search text]), none named query; validated and ignored")
		}
		needle, _ := p.searchable(t)
		require.Equal(t, p.all[:50], p.ids(t, "search="+needle+"&text="+needle), "neither searches")
		require.Empty(t, p.ids(t, "limit=0"), "a size of 0 the document lets through is an empty page")
		require.Empty(t, p.ids(t, "limit=-5&page=3"))
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// listDefects are the defects of the catalogue that read or rewrite the
// list's paging or search (they name the reference's parameters: they
// emulate bugs of a backend of this API).
func listDefects() []string {
	return []string{"empty-query-value-ignored", "first-repeated-parameter-wins", "strict-integers", "query-length-unchecked",
		"cross-org-leak", "list-ordered-by-id", "list-without-users", "default-page-size-20", "page-size-capped-at-50",
		"page-size-clamped", "page-past-end-is-last-page", "pagination-off-by-one", "search-case-sensitive", "search-email-only",
		"search-skips-email", "search-skips-given-name", "search-skips-family-name", "search-skips-nickname", "search-prefix-only",
		"search-whole-words", "search-like-unescaped", "search-regexp", "search-all-organizations", "list-users-shifted",
		"paging-before-search", "search-matches-ids", "ties-by-id-descending", "page-size-zero-accepted", "list-cached",
		"deleted-still-listed"}
}

// TestListNeverPanicsWhateverItsQuery: on every variant of the list's
// paging, every query of numbers at and past their bounds answers 200 or
// 422 (never a panic, which ends the connection, nor a 500), and so does
// every defect of the catalogue that rewrites a list, on the variants
// farthest from the reference.
func TestListNeverPanicsWhateverItsQuery(t *testing.T) {
	queries := []string{"", "page=0", "page=-1", "page=1", "page=99999999999999999999999",
		"page_size=0", "page_size=1", "page_size=100", "page_size=101", "page_size=-1",
		"offset=0", "offset=-1", "offset=99999999999999999999999", "limit=0", "limit=-1", "limit=100",
		"per_page=0", "per_page=1", "per_page=100", "query=a", "search=a", "q=a", "term=a", "text=a",
		"page=2&page_size=99999999999999999999999", "offset=5&limit=1&page=3", "page=1.5", "limit=abc"}
	files := []string{"../openapi.yaml", "testdata/specs/list-offset-limit-31.yaml", "testdata/specs/list-per-page-31.yaml",
		"testdata/specs/list-size-without-default-31.yaml", "testdata/specs/list-unpaged-31.yaml", "testdata/specs/list-two-searches-31.yaml"}
	for _, file := range files {
		sp, err := spec.LoadFile(file)
		require.NoError(t, err)
		defects := []string{""}
		if strings.Contains(file, "offset-limit") || strings.Contains(file, "two-searches") {
			// The defects on the two farthest from the reference: other
			// names, no page number; and a size that lets 0 through.
			defects = append(defects, listDefects()...)
		}
		for _, defect := range defects {
			t.Run(strings.TrimPrefix(file, "testdata/specs/")+"/"+cmp.Or(defect, "no defect"), func(t *testing.T) {
				m := newTestMock(t, Config{Spec: sp, Defect: defect})
				for _, q := range queries {
					r := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID)+"?"+q, TokenOrgAdmin, nil)
					require.Contains(t, []int{http.StatusOK, http.StatusUnprocessableEntity}, r.Status, "?%s: %s", q, r.Body)
				}
			})
		}
	}
}
