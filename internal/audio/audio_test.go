package audio_test

// These tests drive real PortAudio streams on virtual ALSA devices (see
// TESTING.md): vmic reads a raw file, vspk writes one. ALSA's null device has
// no clock, so a take completes in milliseconds and is sample-exact. Each test
// points HOME at its own .asoundrc before audio.Init; none runs in parallel
// because PortAudio and the environment are process-wide.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fallback/internal/audio"
	"fallback/internal/pcm"
)

const answerWAV = "testdata/answer.wav"

// safety bounds a test that would otherwise hang on a bug; nothing waits for it
// to pass.
const safety = 10 * time.Second

// rcVirtual is TESTING.md's virtual microphone and speaker plus an
// output-only device; %[1]s is the directory holding IN.raw and OUT.raw.
const rcVirtual = `
pcm.vmic_raw { type file; slave.pcm "null"; file "/dev/null"; infile "%[1]s/IN.raw"; format "raw" }
pcm.vmic { type plug; slave { pcm "vmic_raw"; format S16_LE; rate 16000; channels 1 } }
pcm.vspk_raw { type file; slave.pcm "null"; file "%[1]s/OUT.raw"; format "raw" }
pcm.vspk { type plug; slave { pcm "vspk_raw"; format S16_LE; rate 16000; channels 1 } }
pcm.vout_only { type asym; playback.pcm { type plug; slave { pcm "vspk_raw"; format S16_LE; rate 16000; channels 1 } } }
`

// rcSpeakerOnly and rcMicOnly define one device in one direction; inline
// slaves are not listed by PortAudio.
const rcSpeakerOnly = `
pcm.vout { type asym; playback.pcm { type plug; slave { pcm { type file; slave.pcm "null"; file "%[1]s/OUT.raw"; format "raw" }; format S16_LE; rate 16000; channels 1 } } }
`

const rcMicOnly = `
pcm.vin { type asym; capture.pcm { type plug; slave { pcm { type file; slave.pcm "null"; file "/dev/null"; infile "%[1]s/IN.raw"; format "raw" }; format S16_LE; rate 16000; channels 1 } } }
`

// rig is an initialised audio.System on a private ALSA configuration whose
// virtual microphone is fed with the samples of answer.wav.
type rig struct {
	dir  string
	sys  *audio.System
	fed  []int16   // what IN.raw holds
	want []float32 // fed as full-scale-1.0 floats
	rate int
}

// newRig writes rc (a format with %[1]s = the rig's directory; "" = no
// .asoundrc at all) as $HOME/.asoundrc, IN.raw from answer.wav, then calls
// audio.Init. The System is closed when the test ends.
func newRig(t *testing.T, rc string) *rig {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	rate, fed := readWAV(t, answerWAV)
	r := &rig{dir: dir, fed: fed, rate: rate}
	for _, v := range fed {
		r.want = append(r.want, float32(v)/32768)
	}
	if err := os.WriteFile(filepath.Join(dir, "IN.raw"), int16Bytes(fed), 0o644); err != nil {
		t.Fatal(err)
	}
	if rc != "" {
		if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), fmt.Appendf(nil, rc, dir), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sys, err := audio.Init()
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	r.sys = sys
	t.Cleanup(func() {
		if err := sys.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// out returns what the virtual speaker has written, nil if it never opened.
func (r *rig) out(t *testing.T) []int16 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, "OUT.raw"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(b)%2 != 0 {
		t.Fatalf("OUT.raw has %d bytes, not whole S16 samples", len(b))
	}
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

func (r *rig) names(t *testing.T) []string {
	t.Helper()
	devs, err := r.sys.Devices()
	if err != nil {
		t.Fatalf("Devices: %v", err)
	}
	var names []string
	for _, d := range devs {
		names = append(names, d.Name)
	}
	return names
}

func int16Bytes(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

// readWAV reads a 16-bit mono PCM WAV file, bounding every chunk by the bytes
// left.
func readWAV(t *testing.T, path string) (rate int, samples []int16) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("%s: not a RIFF WAVE file", path)
	}
	var fmtOK bool
	for rest := b[12:]; len(rest) >= 8; {
		id, size := string(rest[0:4]), int(binary.LittleEndian.Uint32(rest[4:8]))
		rest = rest[8:]
		if size > len(rest) {
			t.Fatalf("%s: chunk %q of %d bytes, %d left", path, id, size, len(rest))
		}
		body := rest[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				t.Fatalf("%s: short fmt chunk", path)
			}
			format, channels := binary.LittleEndian.Uint16(body[0:]), binary.LittleEndian.Uint16(body[2:])
			bits := binary.LittleEndian.Uint16(body[14:])
			if format != 1 || channels != 1 || bits != 16 {
				t.Fatalf("%s: format %d, %d channels, %d bits; want PCM mono 16-bit", path, format, channels, bits)
			}
			rate = int(binary.LittleEndian.Uint32(body[4:]))
			fmtOK = true
		case "data":
			if !fmtOK {
				t.Fatalf("%s: data before fmt", path)
			}
			samples = make([]int16, size/2)
			for i := range samples {
				samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return rate, samples
		}
		rest = rest[min(size+size%2, len(rest)):]
	}
	t.Fatalf("%s: no data chunk", path)
	return 0, nil
}

func TestAnswerWAV(t *testing.T) {
	rate, s := readWAV(t, answerWAV)
	if rate != 16000 {
		t.Errorf("rate = %d, want 16000", rate)
	}
	if d := float64(len(s)) / float64(rate); d < 1.5 || d > 2.5 {
		t.Errorf("duration = %.2f s, want about 2 s", d)
	}
}

// TestVirtualDevices shares one System (PortAudio's start-up dominates these
// tests' time) between subtests that use TESTING.md's virtual devices. The
// rig's final Close fails with ErrBusy if any subtest left a stream open.
func TestVirtualDevices(t *testing.T) {
	r := newRig(t, rcVirtual)
	t.Run("Devices", func(t *testing.T) { testDevices(t, r) })
	t.Run("Record", func(t *testing.T) { testRecord(t, r) })
	t.Run("BusyWhileRecording", func(t *testing.T) { testBusyWhileRecording(t, r) })
	t.Run("Play", func(t *testing.T) { testPlay(t, r) })
	t.Run("DeviceNotFound", func(t *testing.T) { testDeviceNotFound(t, r) })
	t.Run("BadArguments", func(t *testing.T) { testBadArguments(t, r) })
}

func testRecord(t *testing.T, r *rig) {
	errEnough := errors.New("enough")
	tests := []struct {
		name      string
		cancelled bool // context done before Record starts
		stopAfter int  // samples after which the sink stops Record
		byCancel  bool // stop by cancelling the context, not by returning an error
		wantErr   error
	}{
		{name: "sink error after whole take", stopAfter: -1, wantErr: errEnough},
		{name: "context cancelled after whole take", stopAfter: -1, byCancel: true},
		{name: "sink error after first chunk", stopAfter: 1, wantErr: errEnough},
		{name: "context cancelled after first chunk", stopAfter: 1, byCancel: true},
		{name: "context done before start", cancelled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stopAfter := tt.stopAfter
			if stopAfter < 0 {
				stopAfter = len(r.want)
			}
			in := r.sys.Input("vmic", r.rate)
			// No clock on the null device: the buffer must hold the whole take.
			in.Latency = time.Duration(len(r.want)) * time.Second / time.Duration(r.rate)
			if got := in.SampleRate(); got != r.rate {
				t.Errorf("SampleRate() = %d, want %d", got, r.rate)
			}
			ctx, cancel := context.WithTimeout(t.Context(), safety)
			defer cancel()
			if tt.cancelled {
				cancel()
			}
			var got []float32
			calls := 0
			err := in.Record(ctx, func(chunk []float32) error {
				calls++
				if want := r.rate / 50; len(chunk) != want {
					t.Errorf("chunk %d has %d samples, want %d (20 ms)", calls, len(chunk), want)
				}
				if ctx.Err() != nil {
					t.Errorf("sink called after the context was done")
				}
				got = append(got, chunk...)
				if len(got) < stopAfter {
					return nil
				}
				if tt.byCancel {
					cancel()
					return nil
				}
				return fmt.Errorf("sink: %w", errEnough)
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Record() = %v, want %v", err, tt.wantErr)
			}
			if tt.cancelled {
				if calls != 0 {
					t.Errorf("sink called %d times, want 0", calls)
				}
				return
			}
			if len(got) < stopAfter {
				t.Fatalf("recorded %d samples, want at least %d", len(got), stopAfter)
			}
			if wantCalls := (stopAfter + r.rate/50 - 1) / (r.rate / 50); calls != wantCalls {
				t.Errorf("sink called %d times, want %d (no chunk after stop)", calls, wantCalls)
			}
			if i := firstDiff(got[:stopAfter], r.want[:stopAfter]); i >= 0 {
				t.Errorf("sample %d = %v, want %v (fed audio)", i, got[i], r.want[i])
			}
			if n := in.Overflows(); n != 0 {
				t.Errorf("Overflows() = %d, want 0", n)
			}
		})
	}
	// Refresh refuses while any stream is open.
	if err := r.sys.Refresh(); err != nil {
		t.Errorf("Refresh after the takes = %v: a Record left its stream open", err)
	}
}

func firstDiff(a, b []float32) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// testBusyWhileRecording calls Refresh and Close from inside the sink, while
// the stream is open.
func testBusyWhileRecording(t *testing.T, r *rig) {
	in := r.sys.Input("vmic", r.rate)
	in.Latency = time.Second
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	var refreshErr, closeErr error
	err := in.Record(ctx, func([]float32) error {
		refreshErr = r.sys.Refresh()
		closeErr = r.sys.Close()
		cancel()
		return nil
	})
	if err != nil {
		t.Fatalf("Record() = %v", err)
	}
	if !errors.Is(refreshErr, audio.ErrBusy) {
		t.Errorf("Refresh during Record = %v, want ErrBusy", refreshErr)
	}
	if !errors.Is(closeErr, audio.ErrBusy) {
		t.Errorf("Close during Record = %v, want ErrBusy", closeErr)
	}
	if err := r.sys.Refresh(); err != nil {
		t.Errorf("Refresh after Record = %v, want nil", err)
	}
}

func testPlay(t *testing.T, r *rig) {
	fed := r.fed
	tests := []struct {
		name      string
		samples   []float32
		cancelled bool    // context done before Play starts
		want      []int16 // what reaches OUT.raw; nil = the device is never opened
		wantErr   error
	}{
		{name: "whole answer", samples: floats(fed), want: fed},
		{name: "shorter than one chunk", samples: floats(fed[:100]), want: fed[:100]},
		{name: "not whole chunks", samples: floats(fed[:1000]), want: fed[:1000]},
		{name: "full scale and beyond is clipped",
			samples: []float32{1, -1, 1.5, -1.5, 0.5, -0.5, 0},
			want:    []int16{32767, -32768, 32767, -32768, 16384, -16384, 0}},
		{name: "empty clip", samples: nil, want: nil},
		{name: "context done before start", samples: floats(fed), cancelled: true, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.Remove(filepath.Join(r.dir, "OUT.raw")); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), safety)
			defer cancel()
			out := r.sys.Output("vspk")
			out.Latency = 2 * time.Second
			if tt.cancelled {
				cancel()
			}
			if err := out.Play(ctx, pcm.Clip{Rate: r.rate, Samples: tt.samples}); err != tt.wantErr {
				t.Fatalf("Play() = %v, want %v", err, tt.wantErr)
			}
			got := r.out(t)
			// Play pads the clip with silence for the output latency
			// (so that it returns when the clip has been heard); the
			// null device has no clock and writes all of it.
			if len(got) > len(tt.want) && tt.want != nil {
				if i := slices.IndexFunc(got[len(tt.want):], func(v int16) bool { return v != 0 }); i >= 0 {
					t.Fatalf("OUT.raw sample %d after the clip = %d, want silence", len(tt.want)+i, got[len(tt.want)+i])
				}
				got = got[:len(tt.want)]
			}
			if !slices.Equal(got, tt.want) {
				if len(got) != len(tt.want) {
					t.Fatalf("OUT.raw has %d samples, want %d", len(got), len(tt.want))
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Fatalf("OUT.raw sample %d = %d, want %d", i, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

func floats(s []int16) []float32 {
	f := make([]float32, len(s))
	for i, v := range s {
		f[i] = float32(v) / 32768
	}
	return f
}

// TestDeviceNotFound asks for names that are not exactly a device's name.
func testDeviceNotFound(t *testing.T, r *rig) {
	tests := []struct {
		name   string
		device string
		output bool
	}{
		{name: "unknown input", device: "no such mic"},
		{name: "prefix of an input", device: "vmi"},
		{name: "input name in other case", device: "VMIC"},
		{name: "output-only device as input", device: "vout_only"},
		{name: "unknown output", device: "no such speaker", output: true},
		{name: "prefix of an output", device: "vsp", output: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), safety)
			defer cancel()
			var err error
			if tt.output {
				err = r.sys.Output(tt.device).Play(ctx, pcm.Clip{Rate: r.rate, Samples: r.want[:10]})
			} else {
				err = r.sys.Input(tt.device, r.rate).Record(ctx, func([]float32) error {
					t.Error("sink called")
					return errors.New("recording from the wrong device")
				})
			}
			if !errors.Is(err, audio.ErrDeviceNotFound) {
				t.Fatalf("error = %v, want ErrDeviceNotFound", err)
			}
			if !strings.Contains(err.Error(), strconv.Quote(tt.device)) {
				t.Errorf("error %q does not name device %q", err, tt.device)
			}
			var de *audio.DeviceError
			if !errors.As(err, &de) || de.Device != tt.device || de.Output != tt.output || de.Op != "open" {
				t.Errorf("error = %#v, want a DeviceError opening %q (output %v)", de, tt.device, tt.output)
			}
		})
	}
}

// TestNoDefaultDevice needs a machine whose only devices are the ones the
// test defines (true on a machine with no sound card, as in CI); elsewhere it
// skips, because a real microphone or speaker is then a valid default.
func TestNoDefaultDevice(t *testing.T) {
	tests := []struct {
		name       string
		rc         string
		devices    []string
		wantInErr  error // from Record on the default input; nil = records
		wantOutErr error // from Play on the default output; nil = plays
	}{
		{name: "no devices", rc: "", wantInErr: audio.ErrNoInputDevice, wantOutErr: audio.ErrNoOutputDevice},
		{name: "speaker only", rc: rcSpeakerOnly, devices: []string{"vout"}, wantInErr: audio.ErrNoInputDevice},
		{name: "microphone only", rc: rcMicOnly, devices: []string{"vin"}, wantOutErr: audio.ErrNoOutputDevice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.rc)
			if got := r.names(t); !slices.Equal(got, tt.devices) {
				t.Skipf("this machine lists devices %q, not only %q: its own devices are valid defaults", got, tt.devices)
			}
			ctx, cancel := context.WithTimeout(t.Context(), safety)
			defer cancel()

			in := r.sys.Input("", r.rate)
			in.Latency = time.Second
			var got []float32
			err := in.Record(ctx, func(chunk []float32) error {
				got = append(got, chunk...)
				return errStop
			})
			if tt.wantInErr != nil {
				if !errors.Is(err, tt.wantInErr) || !strings.Contains(err.Error(), "default input device") {
					t.Errorf("Record on default input = %v, want %v about the default input device", err, tt.wantInErr)
				}
			} else if !errors.Is(err, errStop) || firstDiff(got, r.want[:len(got)]) >= 0 {
				t.Errorf("Record on default input = %v (%d samples), want the fed audio", err, len(got))
			}

			err = r.sys.Output("").Play(ctx, pcm.Clip{Rate: r.rate, Samples: r.want[:10]})
			if tt.wantOutErr != nil {
				if !errors.Is(err, tt.wantOutErr) || !strings.Contains(err.Error(), "default output device") {
					t.Errorf("Play on default output = %v, want %v about the default output device", err, tt.wantOutErr)
				}
			} else if out := r.out(t); err != nil || len(out) < 10 || !slices.Equal(out[:10], r.fed[:10]) {
				t.Errorf("Play on default output = %v, speaker got %d samples, want the clip", err, len(r.out(t)))
			}
		})
	}
}

var errStop = errors.New("stop")

func testDevices(t *testing.T, r *rig) {
	devs, err := r.sys.Devices()
	if err != nil {
		t.Fatalf("Devices: %v", err)
	}
	byName := map[string]audio.Device{}
	defIn, defOut := 0, 0
	for _, d := range devs {
		byName[d.Name] = d
		if d.DefaultInput {
			defIn++
		}
		if d.DefaultOutput {
			defOut++
		}
	}
	if defIn != 1 || defOut != 1 {
		t.Errorf("%d default inputs and %d default outputs, want 1 and 1", defIn, defOut)
	}
	tests := []struct {
		name            string
		wantIn, wantOut bool
		wantRateHz      float64
	}{
		{name: "vmic", wantIn: true, wantOut: true, wantRateHz: 16000},
		{name: "vspk", wantIn: true, wantOut: true, wantRateHz: 16000},
		{name: "vout_only", wantOut: true, wantRateHz: 16000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := byName[tt.name]
			if !ok {
				t.Fatalf("device %q not listed in %v", tt.name, devs)
			}
			if d.HostAPI != "ALSA" {
				t.Errorf("HostAPI = %q, want ALSA", d.HostAPI)
			}
			if (d.MaxInputs > 0) != tt.wantIn || (d.MaxOutputs > 0) != tt.wantOut {
				t.Errorf("MaxInputs, MaxOutputs = %d, %d; want inputs %v, outputs %v", d.MaxInputs, d.MaxOutputs, tt.wantIn, tt.wantOut)
			}
			if d.DefaultRate != tt.wantRateHz {
				t.Errorf("DefaultRate = %v, want %v", d.DefaultRate, tt.wantRateHz)
			}
		})
	}
}

// TestRefreshFindsNewDevice configures the microphone after Init, as if it
// were plugged in, and records from an Input made before Refresh.
func TestRefreshFindsNewDevice(t *testing.T) {
	r := newRig(t, rcSpeakerOnly)
	in := r.sys.Input("vmic", r.rate)
	in.Latency = time.Second
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	sink := func(chunk []float32) error {
		if i := firstDiff(chunk, r.want[:len(chunk)]); i >= 0 {
			t.Errorf("sample %d = %v, want %v", i, chunk[i], r.want[i])
		}
		return errStop
	}
	if err := in.Record(ctx, sink); !errors.Is(err, audio.ErrDeviceNotFound) {
		t.Fatalf("Record before the device exists = %v, want ErrDeviceNotFound", err)
	}
	rc := fmt.Appendf(nil, rcVirtual, r.dir)
	if err := os.WriteFile(filepath.Join(r.dir, ".asoundrc"), rc, 0o644); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(r.names(t), "vmic") {
		t.Fatal("vmic listed before Refresh")
	}
	if err := r.sys.Refresh(); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if !slices.Contains(r.names(t), "vmic") {
		t.Fatalf("vmic not listed after Refresh: %q", r.names(t))
	}
	if err := in.Record(ctx, sink); !errors.Is(err, errStop) {
		t.Fatalf("Record after Refresh = %v, want the sink's error", err)
	}
}

func TestClosedSystem(t *testing.T) {
	r := newRig(t, rcVirtual)
	if err := r.sys.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// The rig closes it again at cleanup: that must be a no-op.
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	_, devErr := r.sys.Devices()
	tests := []struct {
		name string
		err  error
	}{
		{"Devices", devErr},
		{"Refresh", r.sys.Refresh()},
		{"Record", r.sys.Input("vmic", r.rate).Record(ctx, func([]float32) error { return nil })},
		{"Play", r.sys.Output("vspk").Play(ctx, pcm.Clip{Rate: r.rate, Samples: r.want[:10]})},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, audio.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", tt.name, tt.err)
		}
	}
}

func testBadArguments(t *testing.T, r *rig) {
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil sink", r.sys.Input("vmic", r.rate).Record(ctx, nil), "nil sink"},
		{"zero input rate", r.sys.Input("vmic", 0).Record(ctx, func([]float32) error { return nil }), "invalid sample rate"},
		{"zero clip rate", r.sys.Output("vspk").Play(ctx, pcm.Clip{Samples: r.want[:10]}), "invalid sample rate"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, tt.err, tt.want)
		}
	}
}
