package audio

import (
	"os"
	"syscall"
)

// quietly runs f with the process's standard error sent to /dev/null.
// PortAudio's device scan makes ALSA and JACK print dozens of lines for
// every card, plugin and server they do not find ("Unknown PCM
// cards.pcm.rear", "jack server is not running"); they are noise to a user
// and say nothing PortAudio's own error does not. Set FALLBACK_AUDIO_DEBUG
// to any value to see them. If redirecting fails, f runs as is.
//
// The redirection is process-wide for the ~0.1 s of the scan, so a log line
// another goroutine writes then is lost; Init runs before anything else.
func quietly(f func() error) error {
	if os.Getenv("FALLBACK_AUDIO_DEBUG") != "" {
		return f()
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return f()
	}
	defer devnull.Close()
	saved, err := syscall.Dup(2)
	if err != nil {
		return f()
	}
	defer syscall.Close(saved)
	if err := syscall.Dup3(int(devnull.Fd()), 2, 0); err != nil {
		return f()
	}
	defer syscall.Dup3(saved, 2, 0)
	return f()
}
