package practice

// SetRemove replaces how files are removed (to make a removal fail) until
// the returned function restores it.
func SetRemove(f func(string) error) (restore func()) {
	old := removeFile
	removeFile = f
	return func() { removeFile = old }
}
