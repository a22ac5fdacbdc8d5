package practice

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

// ErrStalled means the microphone stopped delivering sound mid-recording
// (no chunk for about a second) without reporting an error. It wraps
// ErrDeviceLost: what was recorded before is kept, and the rep should check
// the microphone.
var ErrStalled = fmt.Errorf("%w: the microphone stopped delivering sound", ErrDeviceLost)

// OverflowReporter is implemented by a Recorder that can tell how often its
// device buffer overflowed (audio lost before it reached the sink) during
// the current or last Record. The app's PortAudio microphone does.
type OverflowReporter interface {
	Overflows() uint64
}

// PlayedAtReporter is implemented by a Player that can tell when the clip
// of its last Play had really been played to the end, which can be before
// Play returns (the app's PortAudio speaker lets a sound server render its
// queue before it stops). The cue is placed at that moment; without it, at
// Play's return.
type PlayedAtReporter interface {
	PlayedAt() time.Time
}

// Timing of the capture, for a Recorder that delivers ~20 ms chunks.
const (
	// ringSeconds of audio fit in the ring between the recorder and the
	// writer: a slow fsync on a loaded laptop disk takes up to a few
	// seconds; 10 s absorbs that at 640 KB (16 kHz float32).
	ringSeconds = 10
	// captureStall is the capture's own deadline for a Recorder that
	// neither delivers nor returns: longer than the audio package's 1 s
	// watchdog plus its 50 ms abort grace, so the device's own typed error
	// normally wins, and short enough that the rep hears within 2 s.
	captureStall = 1500 * time.Millisecond
	// captureGrace is how long the capture waits for Record to return once
	// it cancelled it, before it abandons the recorder goroutine.
	captureGrace = 200 * time.Millisecond
	// captureStartWait is added to the deadline before the first chunk:
	// the audio package waits 5 s for a device to start (PulseAudio's
	// ALSA plugin was seen to take 2 s), the capture a little longer.
	captureStartWait = 6 * time.Second
)

// capture is one recording in progress.
//
// Goroutines, both owned by the capture and both gone when wait returns
// (except a Recorder that never returns, which is abandoned to finish on
// its own; it then only touches the ring and atomics):
//   - the recorder goroutine runs Recorder.Record; its sink only copies the
//     chunk into the preallocated ring (or counts it as dropped when the
//     ring is full), timestamps it and wakes the writer. It never blocks,
//     allocates or touches the disk.
//   - the writer goroutine drains the ring into path+".part", syncs the
//     file at least every second of audio, runs the live analysis (levels,
//     the silence gate, the length limit) and is the capture's watchdog. It
//     exits when the recorder goroutine has returned (or was abandoned)
//     and the ring is drained, or on a write error.
type capture struct {
	rate   int
	cancel context.CancelFunc // ends the Record call
	heard  chan struct{}      // closed when the first chunk arrived
	part   *pcm.PartWriter    // owned by the writer until written closes, then by wait
	rec    Recorder

	// The ring is single-producer (sink), single-consumer (writer): the
	// sink only advances head, the writer only advances tail, both count
	// samples since the start, the index is count % len(ring).
	ring       []float32
	head, tail atomic.Int64
	wake       chan struct{} // capacity 1: the sink pokes the writer
	dropped    atomic.Int64  // samples the sink could not fit in the ring
	chunkLen   atomic.Int64  // length of the recorder's first chunk

	// Wall-clock anchor: origin is the start; early is the lower envelope
	// of (arrival − origin − samples delivered so far/rate) in ns, see at.
	origin time.Time
	early  atomic.Int64

	recDone chan struct{} // closed when Record returned
	recErr  error         // Record's result; read only after recDone
	written chan struct{} // closed when the writer exited
	// Set by the writer before written closes; read by wait after it.
	werr      error // write/sync error
	stallErr  error // the capture's own deadline fired
	autoStop  bool  // the silence gate or the length limit ended it
	samplesOK int64 // samples written to the part file
	levels    chan analysis.LiveStats
	opts      captureOpts
	once      sync.Once
}

// captureOpts shape a capture. Zero values disable the feature, except
// stall and grace, where zero means captureStall and captureGrace.
type captureOpts struct {
	levels      chan analysis.LiveStats // newest stats, capacity 1, never blocks
	silenceStop time.Duration           // end after this much silence following speech
	max         time.Duration           // end at this length
	stall       time.Duration           // give up on a recorder silent for this long
	grace       time.Duration           // wait this long for Record to return once cancelled
	startWait   time.Duration           // extra wait for the first chunk (default captureStartWait; <0 = none)
	now         func() time.Time        // the clock of the sink (default time.Now)
}

// startCapture opens path+".part" and starts recording from rec until ctx
// is done, rec fails, or an automatic stop (silence, length) ends it.
func startCapture(ctx context.Context, rec Recorder, path string, o captureOpts) (*capture, error) {
	rate := rec.SampleRate()
	part, err := pcm.CreatePart(path, rate)
	if err != nil {
		return nil, err
	}
	return startCaptureOn(ctx, rec, part, o), nil
}

func startCaptureOn(ctx context.Context, rec Recorder, part *pcm.PartWriter, o captureOpts) *capture {
	rate := rec.SampleRate()
	if o.stall <= 0 {
		o.stall = captureStall
	}
	if o.grace <= 0 {
		o.grace = captureGrace
	}
	if o.startWait == 0 {
		o.startWait = captureStartWait
	}
	o.startWait = max(0, o.startWait)
	if o.now == nil {
		o.now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &capture{
		rate: rate, cancel: cancel, heard: make(chan struct{}), part: part, rec: rec,
		ring: make([]float32, ringSeconds*rate), wake: make(chan struct{}, 1),
		recDone: make(chan struct{}), written: make(chan struct{}),
		levels: o.levels, opts: o, origin: o.now(),
	}
	c.early.Store(math.MaxInt64)
	go func() {
		c.recErr = rec.Record(ctx, c.sink)
		close(c.recDone)
	}()
	go c.write()
	return c
}

// sink is the real-time part: copy, count, timestamp, poke. Buffer
// ownership: chunk belongs to the Recorder and is not kept.
func (c *capture) sink(chunk []float32) error {
	n := int64(len(chunk))
	if n == 0 {
		return nil
	}
	head, tail := c.head.Load(), c.tail.Load()
	if int64(len(c.ring))-(head-tail) < n {
		c.dropped.Add(n)
	} else {
		i := int(head % int64(len(c.ring)))
		k := copy(c.ring[i:], chunk)
		copy(c.ring, chunk[k:])
		c.head.Store(head + n)
	}
	// The last sample of this chunk was captured no later than now, so
	// now − delivered/rate is a late estimate of when sample 0 was
	// captured; the earliest such estimate is the best one (delays in the
	// device buffer, the scheduler or the sink only ever add to it).
	delivered := c.head.Load() + c.dropped.Load()
	off := c.opts.now().Sub(c.origin) - time.Duration(float64(delivered)/float64(c.rate)*float64(time.Second))
	if int64(off) < c.early.Load() {
		c.early.Store(int64(off))
	}
	c.chunkLen.CompareAndSwap(0, n)
	c.once.Do(func() { close(c.heard) })
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil
}

// at maps a wall-clock time to a position in the recording, using the
// lower envelope of the chunks' arrival times (see sink): the sample being
// captured at t. Safe from any goroutine; more chunks refine it.
func (c *capture) at(t time.Time) time.Duration {
	early := c.early.Load()
	if early == math.MaxInt64 {
		return 0
	}
	return max(0, t.Sub(c.origin)-time.Duration(early))
}

// lost is the audio dropped so far: samples the ring had no room for, and
// one chunk per device overflow (PortAudio says that audio was lost, not
// how much; ALSA's overrun recovery discards at least one period, which
// is one chunk).
func (c *capture) lost() time.Duration {
	n := c.dropped.Load()
	if o, ok := c.rec.(OverflowReporter); ok {
		n += int64(o.Overflows()) * max(c.chunkLen.Load(), int64(c.rate/50))
	}
	return time.Duration(float64(n) / float64(c.rate) * float64(time.Second))
}

// write is the writer goroutine, see capture.
func (c *capture) write() {
	defer close(c.written)
	var (
		live     = analysis.NewLive(c.rate)
		gate     = newSilenceGate(c.opts.silenceStop)
		limit    = int64(c.opts.max.Seconds() * float64(c.rate))
		block    = int64(max(1, c.rate/50)) // analyse in ~20 ms steps, like the meter
		nextSync = int64(c.rate)            // sync at least every second of audio
		timer    = time.NewTimer(c.opts.stall + c.opts.startWait)
		lastHead int64 // head when the stall timer was last (re)started
	)
	defer timer.Stop()
	drain := func() bool {
		for {
			head, tail := c.head.Load(), c.tail.Load()
			if head == tail {
				// Caught up: hand the samples to the system, so a killed
				// app loses none of them (the fsync stays once a second).
				if !c.autoStop {
					if err := c.part.Flush(); err != nil {
						c.werr = err
						return false
					}
				}
				return true
			}
			i := tail % int64(len(c.ring))
			seg := c.ring[i:min(int64(len(c.ring)), i+(head-tail), i+block)]
			if !c.autoStop {
				if err := c.part.Write(seg); err != nil {
					c.werr = err
					return false
				}
				c.samplesOK += int64(len(seg))
				st := live.Push(seg)
				if c.levels != nil {
					publish(c.levels, st)
				}
				if gate.push(st, float64(len(seg))/float64(c.rate)) || (limit > 0 && c.samplesOK >= limit) {
					c.autoStop = true
					c.cancel()
				}
				if c.samplesOK >= nextSync {
					nextSync += int64(c.rate)
					if err := c.part.Sync(); err != nil {
						c.werr = err
						return false
					}
				}
			}
			c.tail.Store(tail + int64(len(seg)))
		}
	}
	for {
		select {
		case <-c.wake:
			if !drain() {
				c.cancel()
				c.waitRecorder()
				return
			}
			if !c.autoStop { // a recorder that ignores the stop is given up on
				lastHead = c.head.Load()
				timer.Reset(c.opts.stall)
			}
		case <-c.recDone:
			drain() // a write error here is in c.werr
			return
		case <-timer.C:
			if h := c.head.Load(); h != lastHead {
				// Chunks came while this goroutine was busy or not
				// scheduled: not a stall.
				lastHead = h
				timer.Reset(c.opts.stall)
				continue
			}
			c.cancel()
			if !c.waitRecorder() {
				c.stallErr = fmt.Errorf("no sound for %v: %w", c.opts.stall, ErrStalled)
			}
			drain()
			return
		}
	}
}

// waitRecorder waits up to the grace time for Record to return after a
// cancel, and reports whether it did.
func (c *capture) waitRecorder() bool {
	t := time.NewTimer(c.opts.grace)
	defer t.Stop()
	select {
	case <-c.recDone:
		return true
	case <-t.C:
		return false
	}
}

// result is what a finished capture leaves.
type result struct {
	Samples int64         // in the file
	Dropped time.Duration // audio lost before it reached the file
	Path    string        // the finished WAV ("" when nothing was kept)
}

// finish says what wait does with the file.
type finish int

const (
	// keepPartial finishes the file at its path even when the capture
	// failed: a lost device must not lose what was said.
	keepPartial finish = iota
	// completeOnly finishes the file at its path only when the capture
	// ended normally; after an error the partial take is removed, and
	// whatever was at path before stays untouched.
	completeOnly
)

// wait waits for the recording to end and finishes the file as f says.
// An automatic stop or the end of ctx is a normal end. It returns the
// recorder's error, the capture's stall error or the write error, in that
// order of precedence (a write error is what the rep must hear about: it
// keeps the errno, so errors.Is(err, syscall.ENOSPC) works).
func (c *capture) wait(f finish) (result, error) {
	<-c.written
	c.cancel()
	var err error
	select {
	case <-c.recDone:
		err = c.recErr
	default: // abandoned after the capture's own deadline
	}
	if c.werr != nil {
		err = c.werr
	} else if err == nil && c.stallErr != nil {
		err = c.stallErr
	}
	res := result{Samples: c.samplesOK, Dropped: c.lost()}
	if err != nil && (f == completeOnly || c.samplesOK == 0) {
		// Nothing to keep (or only a complete take may be): no empty or
		// partial file is left behind.
		if aerr := c.part.Abort(); aerr != nil {
			err = errors.Join(err, aerr)
		}
		return res, err
	}
	if cerr := c.part.Close(); cerr != nil {
		if err == nil {
			return res, cerr
		}
		// A write error is sticky, so Close refused: repair the .part in
		// place (it only patches the header, which needs no new space).
		if clip, rerr := pcm.RepairPart(c.part.Path() + pcm.PartSuffix); rerr == nil {
			res.Samples = int64(len(clip.Samples))
			res.Path = c.part.Path()
		} else if !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		return res, err
	}
	res.Path = c.part.Path()
	return res, err
}

// publish puts st on a capacity-1 channel without ever blocking: a stale
// value the reader has not taken is dropped so the newest wins.
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

// RecordLine records a customer line of the rep's or trainer's own (a
// manager voicing a real complaint) to path. It ends when ctx is done (the
// Stop button), after 3 s of silence following speech, or at 2 minutes.
// levels (optional) receives live stats for a meter.
//
// The take is written to path+".part" while it happens and replaces path
// only when it is complete and holds speech: on any error (a lost or
// stalled microphone, a full disk) and for a take with no speech the
// partial is removed and the line already at path, if any, stays as it
// was.
func RecordLine(ctx context.Context, rec Recorder, path string, levels chan analysis.LiveStats) (pcm.Clip, error) {
	c, err := startCapture(ctx, rec, path+".take", captureOpts{levels: levels, silenceStop: 3 * time.Second, max: 2 * time.Minute})
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("record line: %w", err)
	}
	res, err := c.wait(completeOnly)
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("record line %s: %w", path, err)
	}
	take := res.Path
	clip, err := pcm.ReadFile(take)
	if err == nil && len(clip.Samples) > 0 {
		var rep analysis.Report
		if rep, err = analysis.Analyze(clip, analysis.Options{}); err == nil && rep.NoSpeech {
			err = ErrNoSpeech
		}
	} else if err == nil {
		err = ErrNoSpeech
	}
	if err == nil {
		err = os.Rename(take, path)
	}
	if err != nil {
		os.Remove(take)
		return pcm.Clip{}, fmt.Errorf("record line %s: %w", path, err)
	}
	return clip, nil
}

// ErrNoSpeech is RecordLine's refusal of a take in which the analyser
// heard no speech (the line on disk is kept).
var ErrNoSpeech = errors.New("no speech was heard: the line was not replaced")

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
