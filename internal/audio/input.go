package audio

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gordonklaus/portaudio"
)

// ChunkDuration is about how much audio each Record chunk holds.
const ChunkDuration = 20 * time.Millisecond

// Input records from one input device. Make it with System.Input; set Latency
// before calling Record. One Record at a time per Input.
type Input struct {
	sys  *System
	name string
	rate int

	// Latency is the input latency asked of PortAudio, which also sizes the
	// device buffer. Zero means the device's default high input latency
	// (about 0.1 s on ALSA), right for a microphone. A device with no clock,
	// such as ALSA's null plugin used in tests, fills its buffer at once:
	// set Latency to at least the length of the take there.
	Latency time.Duration

	overflows atomic.Uint64
}

// Input returns a recorder for the input device called name ("" = the system's
// default input device) at rate samples per second. The device is looked up by
// exact name when Record opens it, so a device plugged in later (and picked up
// by Refresh) can be named now.
func (s *System) Input(name string, rate int) *Input {
	return &Input{sys: s, name: name, rate: rate}
}

// SampleRate is the rate, in samples per second, of the chunks Record delivers.
func (in *Input) SampleRate() int { return in.rate }

// Overflows is how many times the device buffer overflowed (audio was lost
// because chunks were not read in time, e.g. a slow sink) during the current
// or last Record. An overflow does not stop recording. Safe to call while
// Record runs.
func (in *Input) Overflows() uint64 { return in.overflows.Load() }

// Record opens the input device, starts it and reads it in blocking mode on the
// calling goroutine, calling sink with each chunk of about ChunkDuration of
// mono float32 samples in [-1, 1] at SampleRate.
//
// Buffer ownership: chunk is Record's buffer, reused for the next read. It is
// valid only during the call; a sink that keeps samples must copy them. Record
// waits for nothing but the device and sink, so a sink must not block either
// (hand levels to a UI with a non-blocking send).
//
// Record returns nil when ctx is done (checked between chunks, so within about
// ChunkDuration), sink's own error, unwrapped, when sink returns one, or a
// *DeviceError: wrapping ErrNoInputDevice or ErrDeviceNotFound when the device
// cannot be found, ErrDeviceLost when a read fails mid-stream. The stream is
// closed before Record returns, in every case.
//
// Record asks for mono. PortAudio grants that on most devices, taking the
// first channel itself on stereo-only hardware (its ALSA host API does); if a
// device still refuses mono, Record opens it with two (or all) channels and
// chunk holds channel 0 only.
//
// Fragile: a device that stops delivering without reporting an error keeps the
// blocking read, and so Record, waiting until PortAudio gives up on it;
// cancelling ctx cannot interrupt a read in progress.
func (in *Input) Record(ctx context.Context, sink func(chunk []float32) error) (err error) {
	if sink == nil {
		return errors.New("record: nil sink")
	}
	in.overflows.Store(0)
	if ctx.Err() != nil {
		return nil
	}
	frames := chunkFrames(in.rate)
	st, err := in.sys.openStream(false, in.name, in.rate, in.Latency, frames)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.close(false); err == nil {
			err = cerr
		}
	}()
	if err := st.start(); err != nil {
		return err
	}
	chunk := st.buf
	if st.channels > 1 {
		chunk = make([]float32, frames)
	}
	for ctx.Err() == nil {
		if err := st.pa.Read(); err != nil {
			if !errors.Is(err, portaudio.InputOverflowed) {
				return st.errorf("read", fmt.Errorf("%w: %w", ErrDeviceLost, err))
			}
			// The buffer is still filled; the overflow lost audio before it.
			in.overflows.Add(1)
		}
		if st.channels > 1 {
			firstChannel(chunk, st.buf, st.channels)
		}
		if err := sink(chunk); err != nil {
			return err
		}
	}
	return nil
}

// firstChannel copies channel 0 of the interleaved frames in src to dst, one
// sample per frame, for len(dst) frames.
func firstChannel(dst, src []float32, channels int) {
	for i := range dst {
		dst[i] = src[i*channels]
	}
}
