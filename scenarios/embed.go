// Package scenarios embeds the bundled scenario files (data only; the format
// is described in README.md and parsed by internal/scenario).
package scenarios

import "embed"

// FS holds the bundled scenario files at its root.
//
//go:embed *.toml
var FS embed.FS

// Template is a complete, commented scenario file to copy when creating a
// new scenario (the app's "new scenario" action writes it to the user's
// scenarios folder).
//
//go:embed template/new-scenario.toml
var Template []byte
