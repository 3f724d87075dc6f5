package mock

// A list's paging and search, read by role (internal/spec: ListParameters
// finds each parameter by its shape, whatever the document calls it), and
// the window of the list a request asks for (BEHAVIOUR.md#list, *choice*).

import (
	"net/url"
	"strconv"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// listQuery is a list request's paging and search, read once from the
// validated query.
type listQuery struct {
	// page is the 1-based page number (below 1: the first page), size the
	// page size; offset the items skipped before the page.
	page, size, offset int
	// limited: the request has a page size (sent, or the document's
	// default). Without one the list is not cut: a backend handed no limit
	// (None, SQLAlchemy's limit(None)) answers every row.
	limited bool
	search  string
}

// readListQuery reads the paging and search of a validated query by the
// names the document gives them. A number beyond int64 arrives as the
// largest (or smallest) int (Atoi's range error), as pydantic takes
// integers of any size.
func readListQuery(paging spec.ListParameters, query url.Values) listQuery {
	var q listQuery
	number := func(name string) (int, bool) {
		if name == "" || query.Get(name) == "" {
			return 0, false
		}
		n, _ := strconv.Atoi(query.Get(name))
		return n, true
	}
	q.page, _ = number(paging.Page)
	q.size, q.limited = number(paging.Size)
	q.offset, _ = number(paging.Offset)
	if paging.Search != "" {
		q.search = query.Get(paging.Search)
	}
	return q
}

// window is the part of a list of n items the request asks for, as
// indexes: offset items skipped, then (page-1) pages of size, then at most
// size items; a size below 1 that the document lets through is an empty
// page (SQL's LIMIT 0), a negative offset none. Past the end, however far,
// is empty; nothing here overflows.
func (q listQuery) window(n int) (start, end int) {
	start = min(max(q.offset, 0), n)
	size := n
	if q.limited {
		size = max(q.size, 0)
	}
	if q.limited && q.page > 1 && size > 0 { // no size: no pages
		if q.page-1 > (n-start)/size {
			return n, n
		}
		start += (q.page - 1) * size
	}
	start = min(start, n)
	return start, start + min(size, n-start)
}
