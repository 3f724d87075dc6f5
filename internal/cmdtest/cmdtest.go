// Package cmdtest runs a command's real main in a child process, for the
// tests of its exit codes and of what it prints.
package cmdtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// argsVar carries the arguments to the child.
const argsVar = "CMDTEST_MAIN_ARGS"

// Case is one run of main and what it must give.
type Case struct {
	Name string
	Args []string
	Code int
	// Stdout is a prefix of what main prints; "" means nothing.
	Stdout string
	// Stderr is all main writes to its standard error.
	Stderr string
}

// RunMain checks each case against the command's main. The test calling it
// must be named testName: the child runs that test again, which calls
// main with the case's arguments instead (name is the command's os.Args[0]).
func RunMain(t *testing.T, testName, name string, main func(), cases []Case) {
	t.Helper()
	if args, ok := os.LookupEnv(argsVar); ok {
		os.Args = append([]string{name}, strings.Split(args, "\n")...)
		main()
		os.Exit(0)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+testName+"$")
			cmd.Env = append(os.Environ(), argsVar+"="+strings.Join(tc.Args, "\n"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.Code, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			require.Equal(t, tc.Stderr, stderr.String())
			if tc.Stdout == "" {
				require.Empty(t, stdout.String())
			} else {
				require.True(t, strings.HasPrefix(stdout.String(), tc.Stdout), stdout.String())
			}
		})
	}
}
