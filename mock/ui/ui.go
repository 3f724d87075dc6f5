// Package ui is the mock's QA page, served at /__mock/: a static page and
// its script and style sheet, embedded so that the binary needs nothing
// beside it and the page works offline. The page talks to the control API
// (/__mock/profile, /__mock/state, /__mock/requests, /__mock/reset) only.
package ui

import "embed"

// Files holds index.html, app.js and style.css.
//
//go:embed index.html app.js style.css
var Files embed.FS
