package audio

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"fallback/internal/pcm"

	"github.com/gordonklaus/portaudio"
)

// Output plays to one output device. Make it with System.Output; set Latency
// before calling Play. One Play at a time per Output.
type Output struct {
	sys  *System
	name string

	// Latency is the output latency asked of PortAudio, which also sizes the
	// device buffer. Zero means the device's default high output latency.
	// Play's last write returns about this long before the clip ends; Play
	// then waits for the queued audio to finish.
	Latency time.Duration

	underflows atomic.Uint64
}

// Output returns a player for the output device called name ("" = the
// system's default output device), looked up by exact name when Play opens it.
func (s *System) Output(name string) *Output {
	return &Output{sys: s, name: name}
}

// Underflows is how many times the device ran out of audio during the current
// or last Play (a gap was heard). It does not stop playing.
func (o *Output) Underflows() uint64 { return o.underflows.Load() }

// Play opens the output device at clip.Rate, plays clip on the calling
// goroutine and returns once the last sample has been played, or early, with
// ctx.Err(), when ctx is done (checked every ChunkDuration of audio; what is
// queued in the device is dropped). It returns a *DeviceError wrapping
// ErrNoOutputDevice or ErrDeviceNotFound when the device cannot be found and
// ErrDeviceLost when a write fails mid-stream. The stream is closed before Play
// returns. An empty clip plays nothing and returns nil.
//
// Play only reads clip.Samples. Samples beyond [-1, 1] are clipped where the
// device takes integer samples (most do). Play asks for mono; a device that
// refuses mono gets the clip on each of two (or all) channels.
func (o *Output) Play(ctx context.Context, clip pcm.Clip) (err error) {
	o.underflows.Store(0)
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(clip.Samples) == 0 {
		return nil
	}
	frames := chunkFrames(clip.Rate)
	st, err := o.sys.openStream(true, o.name, clip.Rate, o.Latency, frames)
	if err != nil {
		return err
	}
	drain := false
	defer func() {
		if cerr := st.close(drain); err == nil {
			err = cerr
		}
	}()
	if err := st.start(); err != nil {
		return err
	}
	full := st.buf
	for off := 0; off < len(clip.Samples); off += frames {
		if err := ctx.Err(); err != nil {
			return err
		}
		src := clip.Samples[off:min(off+frames, len(clip.Samples))]
		// PortAudio writes len(st.buf) samples: the last chunk is shorter,
		// so the device gets the clip and nothing after it.
		st.buf = full[:len(src)*st.channels]
		spread(st.buf, src, st.channels)
		if err := st.pa.Write(); err != nil {
			if !errors.Is(err, portaudio.OutputUnderflowed) {
				return st.errorf("write", fmt.Errorf("%w: %w", ErrDeviceLost, err))
			}
			// The chunk was still written; the gap came before it.
			o.underflows.Add(1)
		}
	}
	drain = true
	return nil
}

// spread writes each sample of src to every channel of the interleaved
// frames in dst, which holds len(src)*channels samples.
func spread(dst, src []float32, channels int) {
	if channels == 1 {
		copy(dst, src)
		return
	}
	for i, v := range src {
		for c := range channels {
			dst[i*channels+c] = v
		}
	}
}
