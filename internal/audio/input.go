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

// MinStall is the shortest silence from a device that counts as a stall: a
// second is far longer than any buffer a working device waits to fill (the
// app asks for 0.2 s), and short enough that a rep who sees "the microphone
// stopped" within it knows it happened while they were talking.
const MinStall = time.Second

// StartWait is how long Record waits for the first chunk before it
// declares the device stalled: opening a stream through PulseAudio's ALSA
// plugin was seen to take 2 s to deliver its first chunk on a fresh
// connection (60 ms on the next), and a slow start is not a lost device.
const StartWait = 5 * time.Second

// stopGrace is how long Record waits, after it aborted a stalled stream,
// for the read to come back before it leaves the stream to a reaper: an
// aborted read returns at once, so two and a half chunks are room enough,
// and the rep hears of the stall within MinStall + 50 ms. A read that
// takes longer is closed by the reaper; Refresh and Close wait for it.
const stopGrace = 50 * time.Millisecond

// freeChunks is how many chunk buffers circulate between the reader and
// Record's goroutine: one being filled, one in the sink, spares so that a
// sink slower than one chunk for a moment does not hold the device up.
const freeChunks = 4

// ErrStalled means the input device stopped delivering sound without
// reporting an error (a frozen driver, a sound server that went away, a
// device that hangs when unplugged). It wraps ErrDeviceLost, so callers
// that handle a lost device handle it too.
var ErrStalled = fmt.Errorf("%w: it stopped delivering sound", ErrDeviceLost)

// Input records from one input device. Make it with System.Input; set Latency
// (and StallAfter) before calling Record. One Record at a time per Input.
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

	// StallAfter is how long Record waits for a chunk before it declares
	// the device stalled. Zero means max(MinStall, 2×Latency): twice the
	// buffer, so a device that delivers a whole buffer at a time is never
	// taken for stalled.
	StallAfter time.Duration

	overflows atomic.Uint64

	// read replaces the PortAudio read in tests that inject faults
	// (overflows, errors, blocking); nil = the stream's Read.
	read func(st *stream) error
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
// because chunks were not read in time) during the current or last Record.
// PortAudio reports that audio was lost, not how much. An overflow does not
// stop recording. Safe to call while Record runs.
func (in *Input) Overflows() uint64 { return in.overflows.Load() }

func (in *Input) stallAfter() time.Duration {
	if in.StallAfter > 0 {
		return in.StallAfter
	}
	return max(MinStall, 2*in.Latency)
}

// Record opens the input device, starts it and records until ctx is done,
// calling sink with each chunk of about ChunkDuration of mono float32
// samples in [-1, 1] at SampleRate.
//
// Goroutines: a reader goroutine, owned by Record, does the blocking
// PortAudio reads, copies each chunk out of PortAudio's buffer into one of
// a few preallocated chunk buffers and hands it over; sink runs on the
// caller's goroutine, which is also the watchdog. When no chunk arrives for
// StallAfter (StartWait for the first), Record aborts the stream and returns an error wrapping
// ErrStalled. The reader exits when Record asks it to (end of ctx, a sink
// error, a stall) or on a read error.
//
// Buffer ownership: chunk is one of Record's buffers, reused for a later
// read. It is valid only during the call; a sink that keeps samples must
// copy them. A sink must not block (hand levels to a UI with a
// non-blocking send): while it runs, at most freeChunks-1 further chunks
// can wait before the device buffer fills and overflows.
//
// Record returns nil when ctx is done (within about ChunkDuration), sink's
// own error, unwrapped, when sink returns one, or a *DeviceError: wrapping
// ErrNoInputDevice or ErrDeviceNotFound when the device cannot be found,
// ErrDeviceLost when a read fails mid-stream, ErrStalled when the device
// stopped delivering. The stream is closed before Record returns, except
// after a stall whose read does not come back even when aborted (seen with
// a device that blocks inside the driver): a reaper goroutine then closes
// it when the read returns, the System stops counting it as open at once,
// and Refresh and Close wait a moment for it (see ErrStuck).
//
// Record asks for mono. PortAudio grants that on most devices, taking the
// first channel itself on stereo-only hardware (its ALSA host API does); if a
// device still refuses mono, Record opens it with two (or all) channels and
// chunk holds channel 0 only.
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
	if err := st.start(); err != nil {
		st.close(false)
		return err
	}
	r := &reader{
		st:      st,
		read:    in.read,
		frames:  frames,
		full:    make(chan []float32, freeChunks),
		free:    make(chan []float32, freeChunks),
		quit:    make(chan struct{}),
		exited:  make(chan struct{}),
		overrun: &in.overflows,
	}
	if r.read == nil {
		r.read = func(st *stream) error { return st.pa.Read() }
	}
	for range freeChunks {
		r.free <- make([]float32, frames)
	}
	go r.run()

	stall := in.stallAfter()
	watchdog := time.NewTimer(max(stall, StartWait))
	defer watchdog.Stop()
	for {
		select {
		case chunk := <-r.full:
			watchdog.Reset(stall) // Go ≥ 1.23: no stale tick to drain
			if ctx.Err() != nil { // select picks at random: ctx first
				r.free <- chunk
				return r.stop(in.sys, nil, stall)
			}
			serr := sink(chunk)
			r.free <- chunk
			if serr != nil {
				return r.stop(in.sys, serr, stall)
			}
		case <-r.exited:
			// A read error ended the reader; chunks it handed over
			// before failing are delivered first, in order.
			for len(r.full) > 0 {
				if serr := sink(<-r.full); serr != nil {
					return r.finish(serr)
				}
			}
			return r.finish(r.err)
		case <-ctx.Done():
			return r.stop(in.sys, nil, stall)
		case <-watchdog.C:
			close(r.quit)
			return r.abandon(in.sys, stall)
		}
	}
}

// reader is Record's reader goroutine and what it shares with Record.
type reader struct {
	st     *stream
	read   func(*stream) error
	frames int
	// full carries filled chunk buffers to Record, free brings them back;
	// together they hold freeChunks buffers, each owned by exactly one
	// side at a time.
	full, free chan []float32
	quit       chan struct{} // closed by Record: stop reading
	exited     chan struct{} // closed by the reader when it returns
	err        error         // the read error that ended the reader; read after exited
	overrun    *atomic.Uint64
}

// run reads until quit or a read error. It is the only goroutine that
// touches the PortAudio buffer (st.buf) while the stream runs.
func (r *reader) run() {
	defer close(r.exited)
	for {
		select {
		case <-r.quit:
			return
		default:
		}
		if err := r.read(r.st); err != nil {
			if !errors.Is(err, portaudio.InputOverflowed) {
				select {
				case <-r.quit: // aborted by Record: not a device error
				default:
					r.err = r.st.errorf("read", fmt.Errorf("%w: %w", ErrDeviceLost, err))
				}
				return
			}
			// The buffer is still filled; the overflow lost audio before it.
			r.overrun.Add(1)
		}
		var chunk []float32
		select {
		case chunk = <-r.free:
		case <-r.quit:
			return
		}
		if r.st.channels > 1 {
			firstChannel(chunk, r.st.buf, r.st.channels)
		} else {
			copy(chunk, r.st.buf)
		}
		r.full <- chunk // never blocks: full has room for every buffer
	}
}

// finish closes the stream once the reader has exited and returns err, or
// the close error if err is nil.
func (r *reader) finish(err error) error {
	if cerr := r.st.close(false); err == nil {
		err = cerr
	}
	return err
}

// stop ends a healthy recording: the reader finishes its current read
// (within a chunk on a working device) and exits, then the stream is
// closed. A read that does not come back within the stall time is a stall.
func (r *reader) stop(sys *System, err error, stall time.Duration) error {
	close(r.quit)
	select {
	case <-r.exited:
		return r.finish(err)
	case <-time.After(stall):
		return r.abandon(sys, stall)
	}
}

// abandon is the watchdog's action, on Record's goroutine: it aborts the
// stream on a reaper goroutine (Pa_AbortStream itself
// can block while a read is stuck inside the driver), waits stopGrace for
// the reader, and returns the stall error. If the reader is still stuck,
// the reaper closes the stream when it comes back and the System counts
// the stream as stuck, not open, meanwhile.
func (r *reader) abandon(sys *System, stall time.Duration) error {
	stallErr := r.st.errorf("read", fmt.Errorf("no sound for %v: %w", stall, ErrStalled))
	aborted := make(chan error, 1)
	go func() { aborted <- r.st.pa.Abort() }()
	select {
	case <-r.exited:
		<-aborted // returns at once once the read is back
		r.st.started = false
		r.finish(nil)
		return stallErr
	case <-time.After(stopGrace):
	}
	sys.markStuck(r.st)
	go func() { // the reaper; exits when the read comes back
		<-aborted
		<-r.exited
		r.st.started = false
		r.st.close(false) // releases the stuck count
	}()
	return stallErr
}

// firstChannel copies channel 0 of the interleaved frames in src to dst, one
// sample per frame, for len(dst) frames.
func firstChannel(dst, src []float32, channels int) {
	for i := range dst {
		dst[i] = src[i*channels]
	}
}
