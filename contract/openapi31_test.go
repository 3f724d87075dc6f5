package contract_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// fastAPIShapes is openapi.yaml as OpenAPI 3.1.0 in FastAPI's shapes
// (mock/testdata/specs31: anyOf with null for every Optional, $ref with a
// default, the empty ValidationError.input, titles).
var fastAPIShapes = filepath.Join("..", "mock", "testdata", "specs31", "fastapi-shapes.json")

// TestGenDerivesTheSameCasesFrom31: gen reads a schema's shape through
// spec.Underlying, so FastAPI's 3.1 shapes give the very cases the 3.0
// openapi.yaml gives, file for file and byte for byte.
func TestGenDerivesTheSameCasesFrom31(t *testing.T) {
	sp31, err := spec.LoadFile(fastAPIShapes)
	require.NoError(t, err)
	from30, err := contract.Generate(embeddedSpec(t), "openapi.yaml")
	require.NoError(t, err)
	from31, err := contract.Generate(sp31, "openapi.yaml")
	require.NoError(t, err)
	require.Equal(t, len(from30), len(from31))
	for i := range from30 {
		require.Equal(t, from30[i].Name, from31[i].Name)
		require.Equal(t, from30[i].LeftOut, from31[i].LeftOut, from30[i].Name)
		require.Equal(t, string(from30[i].Data), string(from31[i].Data), from30[i].Name)
	}
}

// TestGeneratedSuitePassesTheMockOn31: the cases gen derives from the 3.1
// document pass against the mock serving it, checked against it.
func TestGeneratedSuitePassesTheMockOn31(t *testing.T) {
	sp, err := spec.LoadFile(fastAPIShapes)
	require.NoError(t, err)
	suite := generatedOnly(t, sp)
	profile := serveMockWith(t, mock.Config{Seed: 1, Spec: sp})
	report, out := run(t, suite, profile, func(c *contract.Config) { c.Parallel = 8; c.Spec = sp })
	require.Empty(t, failedCases(report), out)
	require.Equal(t, len(suite.Cases), report.Passed)
}
