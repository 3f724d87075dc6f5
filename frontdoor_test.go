package members_test

// The README's front door, tried as a new user tries it: the tour with
// nothing but bash and curl, and `make run` stopped the ways people stop it.

import (
	"bufio"
	"context"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/mock"
)

// readmeBlock is the first ```sh block after the heading.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(data)
	at := strings.Index(text, "\n"+heading+"\n")
	require.GreaterOrEqual(t, at, 0, "README has no %q", heading)
	text = text[at:]
	open := strings.Index(text, "```sh\n")
	require.GreaterOrEqual(t, open, 0, "no sh block under %q", heading)
	text = text[open+len("```sh\n"):]
	end := strings.Index(text, "```")
	require.GreaterOrEqual(t, end, 0)
	return text[:end]
}

// variablesPeopleRelyOn must not be assigned by a block people paste into
// their shell.
var variablesPeopleRelyOn = regexp.MustCompile(`(?m)(^|[\s;(])(export\s+)?(USER|HOME|PATH|PWD|SHELL|LANG|TERM|HOSTNAME|LOGNAME|TMPDIR|EDITOR|IFS)=`)

func TestReadmeTour(t *testing.T) {
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	curl, err := exec.LookPath("curl")
	require.NoError(t, err)
	tour := readmeBlock(t, "## A short tour")
	require.NotRegexp(t, variablesPeopleRelyOn, tour, "the tour overwrites a shell variable people rely on")

	m, err := mock.New(mock.Config{Seed: 1})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	defer srv.Close()
	require.Contains(t, tour, "http://127.0.0.1:4010", "the tour starts from make run's address")
	script := strings.ReplaceAll(tour, "http://127.0.0.1:4010", srv.URL)

	// A PATH that holds curl and nothing else: python3, jq or sed in the
	// tour is "command not found".
	bin := t.TempDir()
	require.NoError(t, os.Symlink(curl, filepath.Join(bin, "curl")))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-c", "set -u\n"+script)
	cmd.Env = []string{"PATH=" + bin}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "stderr: %s", stderr.String())
	require.Empty(t, stderr.String(), "the tour needs more than curl")

	// Each step answered as the README's comments say.
	got := string(out)
	for _, want := range []string{
		`"user":{`,                    // the list carries users
		`"membership_state":"active"`, // the new member
		`"role":"ORGANIZATION_ADMIN"`, // the promotion
		`"type":"less_than_equal"`,    // page_size=500
		`"detail":"Member not found"`, // the forced 404 example
		`{"status":"reset"}`,          // back to the seed
	} {
		require.Contains(t, got, want)
	}
	require.Regexp(t, `\{"detail":"[^"]+"\}\{"detail":\[`, got, "the analyst's delete is a 403 detail, right before the 422")
}

// TestMakeRunFreesThePortWhenStopped stops `make run` as people do, Ctrl-C
// (SIGINT to the terminal's process group) and kill (SIGTERM to make), and
// checks that the port is free again: the mock itself got the signal.
func TestMakeRunFreesThePortWhenStopped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs humm-mock through make")
	}
	makePath, err := exec.LookPath("make")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		stop func(pid int) error
	}{
		{"Ctrl-C", func(pid int) error { return syscall.Kill(-pid, syscall.SIGINT) }},
		{"kill", func(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := freeLoopbackAddr(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, makePath, "--no-print-directory", "run", "ADDR="+addr)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, as a terminal gives it
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			cmd.Stderr = os.Stderr
			require.NoError(t, cmd.Start())
			defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()

			lines := bufio.NewScanner(stdout)
			listening := false
			for !listening && lines.Scan() {
				listening = strings.HasPrefix(lines.Text(), "humm-mock listening on")
			}
			require.True(t, listening, "make run never printed its banner")
			go func() {
				for lines.Scan() {
				}
			}()

			require.NoError(t, tc.stop(cmd.Process.Pid))
			_ = cmd.Wait()
			// make has exited; the mock may still be closing its listener.
			freed := time.After(30 * time.Second) // a bound, far above the milliseconds it takes
			for {
				ln, err := net.Listen("tcp", addr)
				if err == nil {
					require.NoError(t, ln.Close())
					return
				}
				select {
				case <-freed:
					t.Fatalf("%s is still held after make run was stopped: %v", addr, err)
				case <-time.After(50 * time.Millisecond):
				}
			}
		})
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestCIFuzzesByCountNotByClock: a -fuzztime duration races the fuzz
// coordinator's deadline on a loaded machine (go.dev/issue/75804), so CI,
// and `make fuzz` by default, run a fixed number of inputs.
func TestCIFuzzesByCountNotByClock(t *testing.T) {
	ci, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	fuzzCalls := regexp.MustCompile(`(?m)^[^#\n]*make fuzz\b.*$`).FindAllString(string(ci), -1)
	require.NotEmpty(t, fuzzCalls, ".ci/run fuzzes")
	for _, call := range fuzzCalls {
		require.Regexp(t, `FUZZTIME=\d+x(\s|$)`, call, "CI fuzzes a count of inputs")
	}
	makefile, err := os.ReadFile("Makefile")
	require.NoError(t, err)
	require.Regexp(t, `(?m)^FUZZTIME\s*\?=\s*\d+x\s*$`, string(makefile), "make fuzz defaults to a count")
}
