// Package audio is the only package that talks to PortAudio (cgo). It lists
// devices, records mono float32 audio from an input device and plays a
// pcm.Clip to an output device, reporting failures with the sentinel errors
// below so that callers can react to "no microphone" or "device unplugged"
// without knowing PortAudio.
//
// There are no package-level devices: a program calls Init once, passes the
// *System down, and Closes it at exit. Streams are blocking (no PortAudio
// callbacks). Play writes on the caller's goroutine. Record reads on a
// reader goroutine it owns and calls the sink on the caller's goroutine,
// which doubles as the watchdog of a device that stops delivering
// (ErrStalled); both stop when the caller's context is done.
package audio

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gordonklaus/portaudio"
)

// Errors that callers can test with errors.Is. Errors returned by this package
// wrap them with the operation and the device, see DeviceError.
var (
	// ErrNoInputDevice means a default input device was asked for and the
	// system has none (no microphone).
	ErrNoInputDevice = errors.New("no input device")
	// ErrNoOutputDevice means a default output device was asked for and the
	// system has none.
	ErrNoOutputDevice = errors.New("no output device")
	// ErrDeviceNotFound means no device has exactly the name asked for (with
	// channels in the direction asked for); the DeviceError names the device.
	ErrDeviceNotFound = errors.New("device not found")
	// ErrDeviceLost means reading or writing failed while a stream was
	// running, typically because the device was unplugged.
	ErrDeviceLost = errors.New("device lost")
	// ErrBusy means the operation needs every stream of the System closed,
	// and one is open.
	ErrBusy = errors.New("audio device busy: a stream is open")
	// ErrStuck means Refresh or Close found a stalled stream (see
	// ErrStalled) whose device has still not let go of it, so PortAudio
	// cannot be re-initialised or terminated safely yet. Unplugging the
	// device usually releases it; try again.
	ErrStuck = errors.New("a stalled audio device has not released its stream")
	// ErrClosed means the System was closed (or a Refresh failed to
	// re-initialise PortAudio).
	ErrClosed = errors.New("audio system closed")
)

// DeviceError is an error about one device, for example
// `open input device "vmic": device not found`. Unwrap gives Err, so
// errors.Is(err, ErrDeviceNotFound) and friends work through it.
type DeviceError struct {
	Op     string // what was being done: "open", "start", "read", "write", "stop", "close"
	Output bool   // false for an input device, true for an output device
	Device string // the device's name; "" when the default device was asked for and none was found
	Err    error
}

func (e *DeviceError) Error() string {
	dir := "input"
	if e.Output {
		dir = "output"
	}
	if e.Device == "" {
		return e.Op + " default " + dir + " device: " + e.Err.Error()
	}
	return e.Op + " " + dir + " device " + strconv.Quote(e.Device) + ": " + e.Err.Error()
}

func (e *DeviceError) Unwrap() error { return e.Err }

// paMu serialises the calls that touch process-wide PortAudio state:
// Initialize/Terminate, the device list (the Go binding caches it in plain
// package variables it does not lock) and opening/closing streams (PortAudio
// keeps a list of open streams for Terminate). It is process-wide because that
// state is, even with several Systems. It is never held while a stream reads
// or writes. Lock order: System.mu before paMu.
var paMu sync.Mutex

// System is an initialised PortAudio. Its methods are safe for concurrent use.
type System struct {
	// mu guards open, stuck, unstuck and live, so that Refresh and Close
	// never terminate PortAudio under an open stream, and a stream is
	// never opened on a terminated PortAudio.
	mu    sync.Mutex
	open  int  // streams opened through this System, not closed, not stuck
	stuck int  // streams a stalled Record left to its reaper (see Input.Record)
	live  bool // PortAudio is initialised for this System
	// unstuck is closed when stuck drops to 0; nil while stuck is 0.
	unstuck chan struct{}
}

// stuckWait is how long Refresh and Close wait for a stalled stream's
// reaper: the read of a device that failed usually returns soon after the
// abort (seen: 0.5 s after a named pipe lost its writer, more on a loaded
// machine; two seconds cover ALSA's own poll timeouts); longer would freeze the
// caller, who can retry.
const stuckWait = 2 * time.Second

// markStuck moves st from the open streams to the stuck ones.
func (s *System) markStuck(st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.stuck = true
	s.open--
	s.stuck++
	if s.unstuck == nil {
		s.unstuck = make(chan struct{})
	}
}

// waitUnstuck waits, with s.mu held (it unlocks it while waiting), until
// no stream is stuck or stuckWait has passed.
func (s *System) waitUnstuck(op string) error {
	if s.stuck == 0 {
		return nil
	}
	ch := s.unstuck
	s.mu.Unlock()
	t := time.NewTimer(stuckWait)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
	s.mu.Lock()
	if s.stuck > 0 {
		return fmt.Errorf("%s: %w", op, ErrStuck)
	}
	return nil
}

// Init initialises PortAudio and returns the System to open devices with.
// Close it when done, after every Record and Play has returned. A program
// needs one System; several may exist (PortAudio counts them), but then
// Refresh cannot re-scan devices.
func Init() (*System, error) {
	paMu.Lock()
	defer paMu.Unlock()
	if err := quietly(portaudio.Initialize); err != nil {
		return nil, fmt.Errorf("initialise audio: %w", err)
	}
	return &System{live: true}, nil
}

// Close terminates PortAudio for this System. It returns ErrBusy if a stream is
// still open (stop recording and playing first, by cancelling their contexts),
// and ErrStuck if a stalled stream is still held by its device after a short
// wait (PortAudio is then left initialised; the process may exit). Closing a
// closed System does nothing.
func (s *System) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.idle("close audio"); err != nil || !s.live {
		return err
	}
	s.live = false
	paMu.Lock()
	defer paMu.Unlock()
	if err := portaudio.Terminate(); err != nil {
		return fmt.Errorf("close audio: %w", err)
	}
	return nil
}

// idle, with s.mu held, checks that no stream is open and waits (briefly,
// unlocking s.mu meanwhile) for stuck ones to be released.
func (s *System) idle(op string) error {
	for s.live {
		if s.open > 0 {
			return fmt.Errorf("%s: %w", op, ErrBusy)
		}
		if s.stuck == 0 {
			return nil
		}
		if err := s.waitUnstuck(op); err != nil {
			return err
		}
	}
	return nil
}

// Refresh re-initialises PortAudio so that devices plugged in (or configured)
// since Init show up: PortAudio scans devices only when it is initialised. It
// returns ErrBusy if a stream is open, ErrStuck as Close does.
//
// PortAudio counts initialisations process-wide, so the re-scan only happens
// when this is the only live System.
func (s *System) Refresh() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.idle("refresh audio devices"); err != nil {
		return err
	}
	if !s.live {
		return fmt.Errorf("refresh audio devices: %w", ErrClosed)
	}
	paMu.Lock()
	defer paMu.Unlock()
	if err := portaudio.Terminate(); err != nil {
		return fmt.Errorf("refresh audio devices: %w", err)
	}
	if err := quietly(portaudio.Initialize); err != nil {
		s.live = false
		return fmt.Errorf("refresh audio devices: %w", err)
	}
	return nil
}

// Device describes an audio device as PortAudio lists it.
type Device struct {
	Name          string  // what Input and Output take, matched exactly
	HostAPI       string  // e.g. "ALSA", "Core Audio", "Windows WASAPI"
	MaxInputs     int     // input channels; 0 for an output-only device
	MaxOutputs    int     // output channels; 0 for an input-only device
	DefaultRate   float64 // the device's default sample rate in Hz
	DefaultInput  bool    // the system's default input device
	DefaultOutput bool    // the system's default output device
}

// Devices lists the devices PortAudio found when it was last initialised (see
// Refresh), in PortAudio's order.
func (s *System) Devices() ([]Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.live {
		return nil, fmt.Errorf("list audio devices: %w", ErrClosed)
	}
	paMu.Lock()
	defer paMu.Unlock()
	infos, err := portaudio.Devices()
	if err != nil {
		return nil, fmt.Errorf("list audio devices: %w", err)
	}
	// No default is not an error here: the flags just stay false.
	defIn, _ := portaudio.DefaultInputDevice()
	defOut, _ := portaudio.DefaultOutputDevice()
	devs := make([]Device, 0, len(infos))
	for _, d := range infos {
		dev := Device{
			Name:          d.Name,
			MaxInputs:     d.MaxInputChannels,
			MaxOutputs:    d.MaxOutputChannels,
			DefaultRate:   d.DefaultSampleRate,
			DefaultInput:  defIn != nil && defIn.Index == d.Index,
			DefaultOutput: defOut != nil && defOut.Index == d.Index,
		}
		if d.HostApi != nil {
			dev.HostAPI = d.HostApi.Name
		}
		devs = append(devs, dev)
	}
	return devs, nil
}

// stream is an open blocking PortAudio stream in one direction.
type stream struct {
	sys      *System
	pa       *portaudio.Stream
	output   bool
	device   string // resolved device name, for errors
	channels int    // channels the stream was opened with
	// buf holds interleaved frames. PortAudio was given &buf, so it reads or
	// writes len(buf) samples at each call: reslice buf to move fewer.
	buf     []float32
	started bool
	stuck   bool // left to a reaper by a stalled Record (System.markStuck)
}

func (st *stream) errorf(op string, err error) error {
	return &DeviceError{Op: op, Output: st.output, Device: st.device, Err: err}
}

// openStream resolves the device (exactly by name, "" = default) and opens a
// stream on it with frames frames per buffer. latency <= 0 means the device's
// default high latency.
func (s *System) openStream(output bool, name string, rate int, latency time.Duration, frames int) (*stream, error) {
	fail := func(device string, err error) (*stream, error) {
		return nil, &DeviceError{Op: "open", Output: output, Device: device, Err: err}
	}
	if rate <= 0 {
		return fail(name, fmt.Errorf("invalid sample rate %d Hz", rate))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.live {
		return fail(name, ErrClosed)
	}
	paMu.Lock()
	defer paMu.Unlock()
	dev, err := findDevice(name, output)
	if err != nil {
		return fail(name, err)
	}
	st := &stream{sys: s, output: output, device: dev.Name}
	dp := portaudio.StreamDeviceParameters{Device: dev, Latency: latency}
	p := portaudio.StreamParameters{SampleRate: float64(rate), FramesPerBuffer: frames}
	maxCh := dev.MaxInputChannels
	if output {
		maxCh = dev.MaxOutputChannels
		if dp.Latency <= 0 {
			dp.Latency = dev.DefaultHighOutputLatency
		}
	} else if dp.Latency <= 0 {
		dp.Latency = dev.DefaultHighInputLatency
	}
	// Mono if the device takes it; otherwise the fewest channels it takes
	// (input keeps channel 0, output copies the clip to every channel).
	st.channels = 1
	for _, ch := range []int{1, 2, maxCh} {
		if ch < 1 || ch > maxCh {
			continue
		}
		dp.Channels = ch
		setDir(&p, dp, output)
		st.buf = make([]float32, frames*ch)
		if portaudio.IsFormatSupported(p, &st.buf) == nil {
			st.channels = ch
			break
		}
	}
	dp.Channels = st.channels
	setDir(&p, dp, output)
	st.buf = make([]float32, frames*st.channels)
	st.pa, err = portaudio.OpenStream(p, &st.buf)
	if err != nil {
		return fail(dev.Name, err)
	}
	s.open++
	return st, nil
}

func setDir(p *portaudio.StreamParameters, dp portaudio.StreamDeviceParameters, output bool) {
	if output {
		p.Output = dp
	} else {
		p.Input = dp
	}
}

// findDevice must be called with paMu held.
func findDevice(name string, output bool) (*portaudio.DeviceInfo, error) {
	if name == "" {
		if output {
			d, err := portaudio.DefaultOutputDevice()
			if errors.Is(err, portaudio.NoDefaultOutputDevice) {
				return nil, ErrNoOutputDevice
			}
			return d, err
		}
		d, err := portaudio.DefaultInputDevice()
		if errors.Is(err, portaudio.NoDefaultInputDevice) {
			return nil, ErrNoInputDevice
		}
		return d, err
	}
	devs, err := portaudio.Devices()
	if err != nil {
		return nil, err
	}
	named := false
	for _, d := range devs {
		if d.Name != name {
			continue
		}
		named = true
		if (output && d.MaxOutputChannels > 0) || (!output && d.MaxInputChannels > 0) {
			return d, nil
		}
	}
	if named {
		if output {
			return nil, fmt.Errorf("%w (it has no output channels)", ErrDeviceNotFound)
		}
		return nil, fmt.Errorf("%w (it has no input channels)", ErrDeviceNotFound)
	}
	return nil, ErrDeviceNotFound
}

func (st *stream) start() error {
	if err := st.pa.Start(); err != nil {
		return st.errorf("start", err)
	}
	st.started = true
	return nil
}

// close stops the stream (drain: let queued output play out; otherwise drop
// it), closes it and releases it from the System.
func (st *stream) close(drain bool) error {
	var stopErr error
	if st.started {
		if drain {
			stopErr = st.pa.Stop()
		} else {
			stopErr = st.pa.Abort()
		}
	}
	paMu.Lock()
	closeErr := st.pa.Close()
	paMu.Unlock()

	st.sys.mu.Lock()
	if st.stuck {
		st.sys.stuck--
		if st.sys.stuck == 0 {
			close(st.sys.unstuck)
			st.sys.unstuck = nil
		}
	} else {
		st.sys.open--
	}
	st.sys.mu.Unlock()

	if stopErr != nil {
		return st.errorf("stop", stopErr)
	}
	if closeErr != nil {
		return st.errorf("close", closeErr)
	}
	return nil
}

// chunkFrames is the number of frames in about 20 ms at rate.
func chunkFrames(rate int) int {
	return max(1, rate/50)
}
