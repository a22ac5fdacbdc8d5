// Package scenarios embeds the bundled scenario files (data only; the format
// is described in README.md and parsed by internal/scenario).
package scenarios

import "embed"

// FS holds the bundled scenario files at its root.
//
//go:embed *.toml
var FS embed.FS
