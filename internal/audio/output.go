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
	// Play pads the clip with this much silence (PortAudio's granted
	// figure, in fact) so it returns when the clip has been heard.
	Latency time.Duration

	underflows atomic.Uint64
	playedAt   atomic.Int64 // wall clock (Unix ns) when the last Play's clip had been played; 0 = not yet
}

// PlayedAt is when the clip of the current or last Play had been played
// to the end (left the device buffer), to within a chunk; Play returns
// somewhat later (see Play). Zero before that moment. Safe to call while
// Play runs.
func (o *Output) PlayedAt() time.Time {
	ns := o.playedAt.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
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
// goroutine and returns once the last sample has been played (to within a
// chunk: it waits for the device's output latency after queueing it, see
// the padding in the code), or early, with
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
	o.playedAt.Store(0)
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
	defer func() {
		// The clip has been played (see below); what is left in the
		// buffer is silence: drop it.
		if cerr := st.close(false); err == nil {
			err = cerr
		}
	}()
	if err := st.start(); err != nil {
		return err
	}
	// Play returns when the clip has been played, not when it was queued.
	// After the clip it writes silence (blocking writes then go at the
	// device's pace) until the frames that left the buffer, written −
	// (buffer size − room), cover the clip: that moment, less the silence
	// that left with it, is PlayedAt. It then goes on writing silence for
	// the granted latency more, so that a sound server behind the device
	// (PulseAudio) renders what it has queued, and drops the silence still
	// in the buffer. Pa_StopStream's drain is not relied on: through
	// PulseAudio's ALSA plugin, Play then returned 23 ms after queueing a
	// 150 ms cue tone, and a null sink's monitor held none of it. Where
	// room cannot be asked, silence for the granted latency stands in.
	bufFrames, availErr := st.pa.AvailableToWrite()
	latency := o.Latency
	if info := st.pa.Info(); info != nil && info.OutputLatency > 0 {
		latency = info.OutputLatency
	}
	latFrames := int(latency.Seconds() * float64(clip.Rate))
	// maxTail bounds the silence: the buffer plus a second, far more
	// than any device's latency, so a device that stops consuming cannot
	// hold Play for ever.
	maxTail := max(bufFrames, latFrames) + clip.Rate
	full := st.buf
	written, playedAt := 0, -1 // playedAt: frames written when the clip had been played
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if written >= len(clip.Samples) {
			tail := written - len(clip.Samples)
			if playedAt < 0 {
				now := time.Now()
				played, excess := tail >= latFrames, 0
				if availErr == nil {
					room, err := st.pa.AvailableToWrite()
					// Frames beyond the clip that have left the buffer
					// too: the clip ended that long before now (the
					// buffer's room grows a period at a time).
					excess = written - (bufFrames - room) - len(clip.Samples)
					played = err == nil && excess >= 0
				}
				if played || tail >= maxTail {
					playedAt = written
					at := now.Add(-time.Duration(float64(max(0, excess)) / float64(clip.Rate) * float64(time.Second)))
					o.playedAt.Store(at.UnixNano())
				}
			}
			if playedAt >= 0 && written-playedAt >= latFrames {
				return nil
			}
		}
		if written < len(clip.Samples) {
			src := clip.Samples[written:min(written+frames, len(clip.Samples))]
			spread(full, src, st.channels)
			clear(full[len(src)*st.channels:])
		} else {
			clear(full)
		}
		if err := st.pa.Write(); err != nil {
			if !errors.Is(err, portaudio.OutputUnderflowed) {
				return st.errorf("write", fmt.Errorf("%w: %w", ErrDeviceLost, err))
			}
			// The chunk was still written; the gap came before it.
			o.underflows.Add(1)
		}
		written += frames
	}
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
