package mock

import (
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAServerDefectLeavesItsRowToGo: behind Server.Listener, each defect
// of the HTTP server answers a request of its row of BEHAVIOUR.md's table
// as Go's net/http does, where the mock without it answers as uvicorn;
// the rows of other defects stay uvicorn's (mock/defects_server.go).
func TestAServerDefectLeavesItsRowToGo(t *testing.T) {
	rows := []struct {
		defect, stream string
		// uvicorn and goServer are the status lines of the answers, in
		// order, without and with the defect.
		uvicorn, goServer []string
	}{
		{"raw-target-bytes-served", "GET /nop\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"HTTP/1.1 400 Bad Request"}, []string{"HTTP/1.1 404 Not Found"}},
		{"bad-escape-refused", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"HTTP/1.1 404 Not Found"}, []string{"HTTP/1.1 400 Bad Request"}},
		{"other-target-forms-routed", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"HTTP/1.1 404 Not Found"}, []string{"HTTP/1.1 200 OK"}},
		{"control-byte-in-a-value-refused", "GET /nope HTTP/1.1\r\nHost: x\r\nX-A: a\x01\r\n\r\n",
			[]string{"HTTP/1.1 404 Not Found"}, []string{"HTTP/1.1 400 Bad Request"}},
		{"host-checked-as-go-does", "GET /nope HTTP/1.1\r\nHost: a b\r\n\r\n",
			[]string{"HTTP/1.1 404 Not Found"}, []string{"HTTP/1.1 400 Bad Request: malformed Host header"}},
		{"expect-417", "GET /nope HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n",
			[]string{"HTTP/1.1 404 Not Found"}, []string{"HTTP/1.1 417 Expectation Failed"}},
		{"content-length-list-refused", "GET /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}",
			[]string{"HTTP/1.1 404 Not Found"}, []string{"HTTP/1.1 400 Bad Request"}},
		{"http10-keep-alive-kept", "GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /nope HTTP/1.0\r\n\r\n",
			[]string{"HTTP/1.0 404 Not Found"}, []string{"HTTP/1.0 404 Not Found", "HTTP/1.0 404 Not Found"}},
		{"go-400-page", "GET /nope HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
			[]string{"HTTP/1.1 400 Bad Request"}, []string{"HTTP/1.1 400 Bad Request"}},
		{"blank-line-skipped", "POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
			[]string{"HTTP/1.1 404 Not Found", "HTTP/1.1 400 Bad Request"}, []string{"HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found"}},
	}
	require.Len(t, rows, len(serverDefects), "a row for each defect of the HTTP server")
	served := func(t *testing.T, defect string) string {
		m, err := New(Config{Seed: 1, Defect: defect})
		require.NoError(t, err)
		ts := httptest.NewUnstartedServer(m)
		ts.Listener = m.Listener(ts.Listener, maxTestHead)
		ts.Config.MaxHeaderBytes = maxTestHead
		ts.Start()
		t.Cleanup(ts.Close)
		return ts.URL
	}
	uvicorn := served(t, "")
	for _, row := range rows {
		t.Run(row.defect, func(t *testing.T) {
			defected := served(t, row.defect)
			asUvicorn := answers(t, uvicorn, row.stream)
			asGo := answers(t, defected, row.stream)
			require.Equal(t, row.uvicorn, statusLines(asUvicorn), "without the defect: %q", asUvicorn)
			require.Equal(t, row.goServer, statusLines(asGo), "with the defect: %q", asGo)
			require.NotEqual(t, asUvicorn, asGo)
			for _, other := range rows {
				if other.defect != row.defect {
					require.Equal(t, answers(t, uvicorn, other.stream), answers(t, defected, other.stream),
						"%s leaves the row of %s to uvicorn", row.defect, other.defect)
				}
			}
		})
	}
}

// statusLines are the answers' status lines, in order.
func statusLines(answers string) []string { return statusLine.FindAllString(answers, -1) }

var statusLine = regexp.MustCompile(`HTTP/1\.[01] [0-9]{3}[^\r\n]*`)
