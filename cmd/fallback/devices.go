package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"fallback/internal/audio"
	"fallback/internal/pcm"
	"fallback/internal/practice"
)

// recordRate is the rate answers are recorded at: 16 kHz covers the speech
// band the analyser uses (pitch, syllable nuclei) at a third of 48 kHz's
// disk cost. PortAudio's host layer converts when a device runs otherwise.
const recordRate = 16000

// Latencies asked of PortAudio. PortAudio's default "high" latencies are
// meant for playback of music; through PulseAudio's ALSA plugin they held
// the cue tone back by over a second and the live meter by as much.
const (
	// inputLatency sizes the blocking-read buffer: room for a scheduling
	// hiccup of the reader goroutine with no overflow (disk writes happen
	// on the capture's writer goroutine, off the read path), a meter that
	// follows the voice, and a stall watchdog of max(1 s, 2×latency) = 1 s.
	inputLatency = 200 * time.Millisecond
	// outputLatency keeps the cue tone close to the end of the customer's
	// line (the turn-taking gap people expect is ~0.2 s).
	outputLatency = 100 * time.Millisecond
)

func newInput(sys *audio.System, name string) *audio.Input {
	in := sys.Input(name, recordRate)
	in.Latency = inputLatency
	return in
}

func newOutput(sys *audio.System, name string) *audio.Output {
	out := sys.Output(name)
	out.Latency = outputLatency
	return out
}

// translate maps audio's device errors to the practice errors the UI knows,
// keeping the original (which names the device) in the chain.
func translate(err error, output bool) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, audio.ErrBusy), errors.Is(err, audio.ErrStuck):
		return fmt.Errorf("%w: %w", practice.ErrDeviceBusy, err)
	case errors.Is(err, audio.ErrStalled):
		return fmt.Errorf("%w: %w", practice.ErrStalled, err)
	case errors.Is(err, audio.ErrDeviceLost):
		return fmt.Errorf("%w: %w", practice.ErrDeviceLost, err)
	case errors.Is(err, audio.ErrNoInputDevice), errors.Is(err, audio.ErrDeviceNotFound) && !output,
		errors.Is(err, audio.ErrClosed) && !output:
		return fmt.Errorf("%w: %w", practice.ErrNoMicrophone, err)
	case errors.Is(err, audio.ErrNoOutputDevice), errors.Is(err, audio.ErrDeviceNotFound) && output,
		errors.Is(err, audio.ErrClosed) && output:
		return fmt.Errorf("%w: %w", practice.ErrNoSpeaker, err)
	}
	return err
}

// microphone adapts audio.Input to practice.Recorder (and
// practice.OverflowReporter, so dropped audio is counted per turn).
type microphone struct{ in *audio.Input }

func (m microphone) SampleRate() int { return m.in.SampleRate() }

func (m microphone) Overflows() uint64 { return m.in.Overflows() }

func (m microphone) Record(ctx context.Context, sink func([]float32) error) error {
	return translate(m.in.Record(ctx, sink), false)
}

// speaker adapts audio.Output to practice.Player (and
// practice.PlayedAtReporter, so the cue is placed where the tone was
// heard); out is asked each time so a device chosen in Settings applies to
// the next sound. Make it with newSpeaker: a zero last reports no time
// and practice falls back to when Play returned.
type speaker struct {
	out  func() *audio.Output
	last *atomic.Pointer[audio.Output] // the Output of the last Play
}

func newSpeaker(out func() *audio.Output) speaker {
	return speaker{out: out, last: new(atomic.Pointer[audio.Output])}
}

func (s speaker) Play(ctx context.Context, clip pcm.Clip) error {
	o := s.out()
	if s.last != nil {
		s.last.Store(o)
	}
	return translate(o.Play(ctx, clip), true)
}

func (s speaker) PlayedAt() time.Time {
	if s.last == nil {
		return time.Time{}
	}
	if o := s.last.Load(); o != nil {
		return o.PlayedAt()
	}
	return time.Time{}
}

// devices adapts audio.System to ui.Devices.
type devices struct{ sys *audio.System }

func (d devices) list(input bool) ([]string, error) {
	devs, err := d.sys.Devices()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, dev := range devs {
		if (input && dev.MaxInputs > 0) || (!input && dev.MaxOutputs > 0) {
			names = append(names, dev.Name)
		}
	}
	return names, nil
}

func (d devices) Inputs() ([]string, error)  { return d.list(true) }
func (d devices) Outputs() ([]string, error) { return d.list(false) }
func (d devices) Refresh() error             { return translate(d.sys.Refresh(), false) }

// check makes sure the chosen devices exist before a role-play starts, so
// the rep hears about a missing microphone before the customer speaks, not
// after. name "" means the system default.
func (d devices) check(input bool, name string) error {
	devs, err := d.sys.Devices()
	if err != nil {
		return translate(err, !input)
	}
	kind, sentinel := "speaker", practice.ErrNoSpeaker
	if input {
		kind, sentinel = "microphone", practice.ErrNoMicrophone
	}
	for _, dev := range devs {
		has := dev.MaxOutputs > 0
		if input {
			has = dev.MaxInputs > 0
		}
		if !has {
			continue
		}
		if (name == "" && ((input && dev.DefaultInput) || (!input && dev.DefaultOutput))) || dev.Name == name {
			return nil
		}
	}
	if name == "" {
		return fmt.Errorf("%w: the system has no default %s", sentinel, kind)
	}
	return fmt.Errorf("%w: the %s %q chosen in Settings is not connected", sentinel, kind, name)
}
