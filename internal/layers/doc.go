// Package layers holds no code: its test enforces DESIGN.md's layer rules
// (which package may import what), in the spirit of go/build's deps_test.
package layers
