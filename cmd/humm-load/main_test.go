package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCompareDrivesTheMockAndBothBaselines(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--duration", "250ms", "--connections", "4", "--ops", "put,list,search"}, &out)
	require.NoError(t, err)
	for _, want := range []string{"put    bare net/http", "list   kin-openapi naive", "search humm-mock", "ratios: mock/bare"} {
		require.Contains(t, out.String(), want)
	}
	require.NotContains(t, out.String(), " 0 req/s")
	require.Contains(t, out.String(), "0 errors)")
}

func TestOnlyLoopbackTargetsAreDriven(t *testing.T) {
	err := run(context.Background(), []string{"--target", "http://10.0.0.1:4010", "--duration", "10ms"}, &bytes.Buffer{})
	require.ErrorContains(t, err, "only loopback")
}

func TestStartupReportsTimeAndMemory(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "humm-mock")
	build := exec.Command("go", "build", "-o", bin, "../humm-mock")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, run(ctx, []string{"--startup", bin, "--duration", "200ms", "--members", "100"}, &out))
	require.Regexp(t, `start-up with 100 members: \d+ms to the first 200`, out.String())
	require.Regexp(t, `resident memory: \d+ MB`, out.String())
}
