// Package members embeds openapi.yaml, the contract that drives the mock and
// the contract runner, so that every binary is self-contained.
package members

import _ "embed"

// OpenAPI is the contract as shipped with this module.
//
//go:embed openapi.yaml
var OpenAPI []byte
