//go:build !linux

package store

// outOfSpace reports whether a write to the database at path can fail now
// for want of room. Outside Linux the store does not look: a full disk is
// still recognised when SQLite says SQLITE_FULL.
func outOfSpace(path string) bool { return false }
