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
		// The clip has been heard (see the padding below); what is left
		// in the buffer is padding: drop it.
		if cerr := st.close(false); err == nil {
			err = cerr
		}
	}()
	if err := st.start(); err != nil {
		return err
	}
	full := st.buf
	// After the clip, Play writes silence for the device's output latency
	// (PortAudio's figure for its buffer): a blocking write returns only
	// when there is room, so once clip+padding has been written the
	// clip's last sample has left the buffer — Play returns when the clip
	// has been heard, not when it was queued — and the padding left in
	// the buffer is dropped. Without it, PulseAudio's ALSA plugin never
	// started a stream shorter than its buffer: a 150 ms cue tone was
	// dropped whole by Pa_StopStream (seen on a null sink).
	latency := o.Latency
	if info := st.pa.Info(); info != nil && info.OutputLatency > 0 {
		latency = info.OutputLatency
	}
	// The write that ends the padding returns once there is room for it,
	// that is once written − buffer ≤ played: with padding = buffer, the
	// clip has been played when it returns. (One more chunk of padding
	// made the cue 16–19 ms late on a PulseAudio null sink.)
	pad := int(latency.Seconds() * float64(clip.Rate))
	total := len(clip.Samples) + pad
	for off := 0; off < total; off += frames {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(frames, total-off)
		st.buf = full[:n*st.channels]
		if off < len(clip.Samples) {
			src := clip.Samples[off:min(off+n, len(clip.Samples))]
			spread(st.buf, src, st.channels)
			clear(st.buf[len(src)*st.channels:])
		} else {
			clear(st.buf)
		}
		if err := st.pa.Write(); err != nil {
			if !errors.Is(err, portaudio.OutputUnderflowed) {
				return st.errorf("write", fmt.Errorf("%w: %w", ErrDeviceLost, err))
			}
			// The chunk was still written; the gap came before it.
			o.underflows.Add(1)
		}
	}
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
