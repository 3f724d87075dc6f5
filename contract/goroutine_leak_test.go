package contract_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a run leaves a goroutine behind: a
// worker, a request or a connection to the target that outlives its test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
