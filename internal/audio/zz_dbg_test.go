package audio_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"fallback/internal/audio"
	"fallback/internal/pcm"
)

func sine(d time.Duration) pcm.Clip {
	n := int(d.Seconds() * 16000)
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(0.25 * math.Sin(2*math.Pi*440*float64(i)/16000))
	}
	return pcm.Clip{Rate: 16000, Samples: s}
}

func spanF(x []float32) (int, int) {
	first, last := -1, -1
	for i, v := range x {
		if v > 0.2 || v < -0.2 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

func TestZZPulse(t *testing.T) {
	bin, _ := exec.LookPath("pulseaudio")
	dir := t.TempDir()
	startPulse(t, bin, dir)
	var b bytes.Buffer
	clip := sine(time.Second)
	pcm.WriteWAV(&b, clip)
	wav := filepath.Join(dir, "s.wav")
	os.WriteFile(wav, b.Bytes(), 0o644)
	sys, _ := audio.Init()
	defer sys.Close()
	// paplay -> PortAudio capture
	for _, mode := range []string{"paplay->PA", "PA->PA", "PA->parec"} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		var got []float32
		play := func() {
			time.Sleep(500 * time.Millisecond)
			if mode == "paplay->PA" {
				exec.Command("paplay", wav).Run()
			} else {
				o := sys.Output("default")
				o.Latency = 100 * time.Millisecond
				o.Play(ctx, clip)
			}
		}
		if mode == "PA->parec" {
			rec := exec.Command("parec", "--device=loop.monitor", "--rate=16000", "--channels=1", "--format=s16le")
			var out bytes.Buffer
			rec.Stdout = &out
			rec.Start()
			play()
			time.Sleep(500 * time.Millisecond)
			rec.Process.Kill()
			rec.Wait()
			raw := out.Bytes()
			for i := 0; i+1 < len(raw); i += 2 {
				got = append(got, float32(int16(binary.LittleEndian.Uint16(raw[i:])))/32768)
			}
		} else {
			in := sys.Input("default", 16000)
			in.Latency = 200 * time.Millisecond
			started := false
			in.Record(ctx, func(c []float32) error {
				got = append(got, c...)
				if !started {
					started = true
					go play()
				}
				return nil
			})
		}
		cancel()
		f, l := spanF(got)
		t.Logf("%s: 1 s sine spans %d..%d = %.1f ms; overflows?", mode, f, l, float64(l-f)/16)
	}
}
