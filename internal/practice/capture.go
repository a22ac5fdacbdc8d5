package practice

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

// capture is one recording in progress: the recorder's goroutine streams
// chunks to path+".part" (synced every second), keeps them in memory and
// publishes live stats; the caller waits for it with wait.
type capture struct {
	rate  int
	heard chan struct{} // closed when the first chunk arrived
	pos   atomic.Int64  // samples recorded so far
	done  chan error    // the recorder's result
	part  *pcm.PartWriter

	// Owned by the recorder's goroutine until done delivers; read by the
	// caller only after that.
	samples []float32
}

// captureOpts shape a capture. Zero values disable the feature.
type captureOpts struct {
	levels      chan analysis.LiveStats // newest stats, capacity 1, never blocks
	silenceStop time.Duration           // end after this much silence following speech
	max         time.Duration           // end at this length
}

// startCapture opens path+".part" and starts recording from rec until ctx
// is done, rec fails, or an automatic stop (silence, length) ends it.
func startCapture(ctx context.Context, rec Recorder, path string, o captureOpts) (*capture, error) {
	rate := rec.SampleRate()
	part, err := pcm.CreatePart(path, rate)
	if err != nil {
		return nil, err
	}
	c := &capture{rate: rate, heard: make(chan struct{}), done: make(chan error, 1), part: part,
		samples: make([]float32, 0, rate*30)}
	var (
		live     = analysis.NewLive(rate)
		gate     = newSilenceGate(o.silenceStop)
		limit    = int(o.max.Seconds() * float64(rate))
		nextSync = rate // sync the file at least every second
		once     sync.Once
	)
	go func() {
		c.done <- rec.Record(ctx, func(chunk []float32) error {
			if err := part.Write(chunk); err != nil {
				return err
			}
			c.samples = append(c.samples, chunk...)
			c.pos.Add(int64(len(chunk)))
			once.Do(func() { close(c.heard) })
			if len(c.samples) >= nextSync {
				nextSync += rate
				if err := part.Sync(); err != nil {
					return err
				}
			}
			st := live.Push(chunk)
			if o.levels != nil {
				publish(o.levels, st)
			}
			if gate.push(st, float64(len(chunk))/float64(rate)) || (limit > 0 && len(c.samples) >= limit) {
				return errAutoStop
			}
			return nil
		})
	}()
	return c, nil
}

// publish puts st on a capacity-1 channel without ever blocking the
// recorder: a stale value the reader has not taken is dropped so the newest
// wins.
func publish(levels chan analysis.LiveStats, st analysis.LiveStats) {
	select {
	case <-levels:
	default:
	}
	select {
	case levels <- st:
	default:
	}
}

// position is how much has been recorded so far.
func (c *capture) position() time.Duration {
	return time.Duration(float64(c.pos.Load()) / float64(c.rate) * float64(time.Second))
}

// wait waits for the recording to end and finishes the file. An automatic
// stop or the end of ctx is a normal end. On a recorder error the file is
// still finished — a lost device must not lose what was said — and the
// error is returned.
func (c *capture) wait() (pcm.Clip, error) {
	err := <-c.done
	if errors.Is(err, errAutoStop) {
		err = nil
	}
	if cerr := c.part.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return pcm.Clip{}, err
	}
	return pcm.Clip{Rate: c.rate, Samples: c.samples}, nil
}

// RecordLine records a customer line of the rep's or trainer's own (a
// manager voicing a real complaint) to path, written while it happens and
// renamed into place at the end, so a half-recorded line never replaces a
// good one. It ends when ctx is done (the Stop button), after 3 s of
// silence following speech, or at 2 minutes. levels (optional) receives
// live stats for a meter.
func RecordLine(ctx context.Context, rec Recorder, path string, levels chan analysis.LiveStats) (pcm.Clip, error) {
	c, err := startCapture(ctx, rec, path, captureOpts{levels: levels, silenceStop: 3 * time.Second, max: 2 * time.Minute})
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("record line: %w", err)
	}
	clip, err := c.wait()
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("record line %s: %w", path, err)
	}
	return clip, nil
}

// ImportLine copies a WAV file the user chose to path (the user's audio
// folder), after reading it whole so a corrupt or unsupported file is
// refused with a message naming it, and nothing is replaced.
func ImportLine(src, path string) (pcm.Clip, error) {
	clip, err := pcm.ReadFile(src)
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("import line: %w", err)
	}
	if len(clip.Samples) == 0 {
		return pcm.Clip{}, fmt.Errorf("import line: %s has no audio", src)
	}
	if err := pcm.WriteFile(path, clip); err != nil {
		return pcm.Clip{}, fmt.Errorf("import line: %w", err)
	}
	return clip, nil
}

// Monitor shows the microphone's level without recording anything: it
// feeds rec's chunks to a live analyser and publishes the stats on levels
// (newest wins, never blocking) until ctx is done. It returns the loudest
// chunk level seen, in dBFS (analysis.MinDBFS for silence). For the
// Settings test meter.
func Monitor(ctx context.Context, rec Recorder, levels chan analysis.LiveStats) (float64, error) {
	live := analysis.NewLive(rec.SampleRate())
	peak := analysis.MinDBFS
	err := rec.Record(ctx, func(chunk []float32) error {
		st := live.Push(chunk)
		peak = max(peak, st.LevelDBFS)
		publish(levels, st)
		return nil
	})
	if err != nil {
		return peak, fmt.Errorf("test microphone: %w", err)
	}
	return peak, nil
}

// TestTone is a one-second 440 Hz tone at -18 dBFS with 20 ms ramps, for
// checking the speaker.
func TestTone() pcm.Clip { return tone(440, time.Second, -18, 20*time.Millisecond) }
