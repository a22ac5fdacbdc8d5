//go:build !linux

package audio

// quietly runs f; only Linux's ALSA and JACK are this chatty.
func quietly(f func() error) error { return f() }
