package ui_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/ui"
)

// updateGoldens rewrites the golden files under testdata/ instead of
// comparing against them: go test ./internal/ui -run Golden -update
var updateGoldens = flag.Bool("update", false, "rewrite the golden files in testdata/")

// timelineAnswer is a synthetic answer: silence until 0.5 s, then three
// stretches of a 150 Hz voice-like tone (its loudness swelling like
// syllables at 4 Hz) separated by two pauses, then silence to the end.
// The report is written by hand to match, so a test sees exactly what the
// widget was given.
func timelineAnswer(rate int, length time.Duration) (pcm.Clip, analysis.Report, time.Duration) {
	speech := []analysis.Interval{
		{Start: 500 * time.Millisecond, End: 1200 * time.Millisecond},
		{Start: 1600 * time.Millisecond, End: 2200 * time.Millisecond},
		{Start: 2500 * time.Millisecond, End: 2900 * time.Millisecond},
	}
	clip := pcm.Clip{Rate: rate, Samples: make([]float32, int(length.Seconds()*float64(rate)))}
	scale := length.Seconds() / 3 // stretch the pattern over longer clips
	for i := range clip.Samples {
		at := clip.Time(i)
		for _, s := range speech {
			s.Start = time.Duration(float64(s.Start) * scale)
			s.End = time.Duration(float64(s.End) * scale)
			if at >= s.Start && at < s.End {
				sec := at.Seconds()
				swell := 0.55 + 0.45*math.Sin(2*math.Pi*4*sec)
				clip.Samples[i] = float32(0.3 * swell * math.Sin(2*math.Pi*150*sec))
			}
		}
	}
	st := func(d time.Duration) time.Duration { return time.Duration(float64(d) * scale) }
	r := analysis.Report{
		Onset:   st(speech[0].Start),
		Offset:  st(speech[2].End),
		Latency: st(speech[0].Start) - st(300*time.Millisecond),
		Pauses: []analysis.Interval{
			{Start: st(speech[0].End), End: st(speech[1].Start)},
			{Start: st(speech[1].End), End: st(speech[2].Start)},
		},
	}
	return clip, r, st(300 * time.Millisecond)
}

// timelinePitch is a pitch track every 10 ms over the speech of r, rising
// from 120 to 220 Hz across the answer; nothing in the pauses.
func timelinePitch(r analysis.Report) []ui.PitchPoint {
	var pts []ui.PitchPoint
	for at := r.Onset; at < r.Offset; at += 10 * time.Millisecond {
		inPause := false
		for _, p := range r.Pauses {
			inPause = inPause || (at >= p.Start && at < p.End)
		}
		if inPause {
			continue
		}
		f := float64(at-r.Onset) / float64(r.Offset-r.Onset)
		pts = append(pts, ui.PitchPoint{At: at, Hz: 120 + 100*f})
	}
	return pts
}

// findRaster is the raster of a timeline's renderer.
func findRaster(t testing.TB, tl *ui.Timeline) *canvas.Raster {
	t.Helper()
	for _, o := range test.WidgetRenderer(tl).Objects() {
		if r, ok := o.(*canvas.Raster); ok {
			return r
		}
	}
	t.Fatal("timeline has no raster")
	return nil
}

// drawRaster is what a painter at scale 1 does: the raster's image at its size.
func drawRaster(r *canvas.Raster) image.Image {
	s := r.Size()
	return r.Generator(int(s.Width), int(s.Height))
}

// timelineRaster is the raster of a timeline's renderer and its image at
// the raster's size (scale 1).
func timelineRaster(t testing.TB, tl *ui.Timeline) (*canvas.Raster, *image.RGBA) {
	t.Helper()
	r := findRaster(t, tl)
	img, ok := drawRaster(r).(*image.RGBA)
	if !ok {
		t.Fatal("raster image is not *image.RGBA")
	}
	return r, img
}

// columnInk counts the non-transparent pixels of column x.
func columnInk(img *image.RGBA, x int) int {
	n := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		if img.RGBAAt(x, y).A != 0 {
			n++
		}
	}
	return n
}

// assertGolden compares got with testdata/name, or rewrites it with -update.
func assertGolden(t *testing.T, name string, got []byte, equal func(want, got []byte) bool) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGoldens {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (refresh with -update): %v", err)
	}
	if !equal(want, got) {
		failed := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(failed, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s differs from the golden; got written to %s (refresh with -update)", name, failed)
	}
}

// samePixels reports whether two PNG files hold the same pixels (encoders
// may compress differently).
func samePixels(a, b []byte) bool {
	ia, err1 := png.Decode(bytes.NewReader(a))
	ib, err2 := png.Decode(bytes.NewReader(b))
	if err1 != nil || err2 != nil || ia.Bounds() != ib.Bounds() {
		return false
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			if color.NRGBAModel.Convert(ia.At(x, y)) != color.NRGBAModel.Convert(ib.At(x, y)) {
				return false
			}
		}
	}
	return true
}

func TestTimelineGolden(t *testing.T) {
	test.NewTempApp(t) // test.Theme(): fixed colours and fonts
	clip, r, cue := timelineAnswer(16000, 3*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	tl.SetPitch(timelinePitch(r))
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 140))

	assertGolden(t, "timeline_two_pauses.xml", []byte(test.RenderToMarkup(w.Canvas())), bytes.Equal)
	var b bytes.Buffer
	if err := png.Encode(&b, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "timeline_two_pauses.png", b.Bytes(), samePixels)
}

func TestTimelineTapReportsTimeUnderPointer(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 8*time.Second)
	const width = 400
	// One unit of width is the resolution of a tap.
	tolerance := clip.Duration() / width
	for _, c := range []struct {
		name     string
		fraction float32
	}{
		{"start", 0}, {"a quarter", 0.25}, {"half", 0.5}, {"the end", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl := ui.NewTimeline(clip, r, cue)
			tl.Resize(fyne.NewSize(width, 120))
			var got time.Duration
			tapped := 0
			tl.OnTapped = func(at time.Duration) { got = at; tapped++ }
			test.TapAt(tl, fyne.NewPos(c.fraction*width, 60))
			want := time.Duration(float64(c.fraction) * float64(clip.Duration()))
			if tapped != 1 {
				t.Fatalf("OnTapped called %d times, want 1", tapped)
			}
			if d := got - want; d < -tolerance || d > tolerance {
				t.Errorf("tap at %.0f %% of the width: got %v, want %v ± %v", c.fraction*100, got, want, tolerance)
			}
		})
	}
}

func TestTimelineTapThroughTheWindow(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 8*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	var got time.Duration
	tl.OnTapped = func(at time.Duration) { got = at }
	w := test.NewTempWindow(t, tl)
	w.Resize(fyne.NewSize(500, 160))
	pos, size := tl.Position(), tl.Size()
	test.TapCanvas(w.Canvas(), pos.Add(fyne.NewPos(size.Width/4, size.Height/2)))
	want := clip.Duration() / 4
	if tol := clip.Duration() / time.Duration(size.Width); got < want-tol || got > want+tol {
		t.Errorf("click at a quarter of the timeline: got %v, want %v ± %v", got, want, tol)
	}
}

func TestTimelineRedrawsOnResize(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 6*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)

	pauseX := func() []float32 {
		var xs []float32
		pauseColor := theme.Color(theme.ColorNameSelection)
		for _, o := range test.WidgetRenderer(tl).Objects() {
			if rect, ok := o.(*canvas.Rectangle); ok && rect.FillColor == pauseColor {
				xs = append(xs, rect.Position().X)
			}
		}
		return xs
	}
	for _, width := range []float32{320, 960, 640} {
		w.Resize(fyne.NewSize(width, 130))
		if got := tl.Size().Width; got != width {
			t.Fatalf("timeline width %v after resizing the window to %v", got, width)
		}
		raster, img := timelineRaster(t, tl)
		if raster.Size().Width != width || img.Rect.Dx() != int(width) {
			t.Errorf("width %v: raster %v, image %d px wide", width, raster.Size().Width, img.Rect.Dx())
		}
		xs := pauseX()
		if len(xs) != len(r.Pauses) {
			t.Fatalf("width %v: %d pause rectangles, want %d", width, len(xs), len(r.Pauses))
		}
		for i, p := range r.Pauses {
			want := float32(p.Start.Seconds() / clip.Seconds() * float64(width))
			if math.Abs(float64(xs[i]-want)) > 0.5 {
				t.Errorf("width %v: pause %d starts at x=%v, want %v", width, i, xs[i], want)
			}
		}
		// The first speech column carries ink beyond the baseline; so does
		// the same time after the resize.
		speechX := int(r.Onset.Seconds()/clip.Seconds()*float64(width)) + 3
		if ink := columnInk(img, speechX); ink < 10 {
			t.Errorf("width %v: speech column %d has %d pixels of envelope, want ≥ 10", width, speechX, ink)
		}
	}
}

func TestTimelineEnvelopeFollowsLevel(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(48000, 3*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	tl.Resize(fyne.NewSize(600, 150))
	_, img := timelineRaster(t, tl)
	col := func(d time.Duration) int { return int(d.Seconds() / clip.Seconds() * float64(img.Rect.Dx())) }

	silence := columnInk(img, col(100*time.Millisecond))
	pause := columnInk(img, col((r.Pauses[0].Start+r.Pauses[0].End)/2))
	// 4 Hz swell: loudest at 0.5625 s + k·0.25 s, quietest a half period later.
	loud := columnInk(img, col(1062500*time.Microsecond))
	quiet := columnInk(img, col(937500*time.Microsecond))
	if silence < 1 || silence > 2 || pause < 1 || pause > 2 {
		t.Errorf("silence drawn %d px, pause %d px high; want the 1–2 px baseline", silence, pause)
	}
	if !(loud > quiet && quiet > pause) {
		t.Errorf("envelope heights loud %d, quiet %d, pause %d px: want loud > quiet > pause", loud, quiet, pause)
	}
}

func TestTimelinePitchTraceOnLogAxis(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 3*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	tl.Resize(fyne.NewSize(600, 200))
	primary := theme.Color(theme.ColorNamePrimary)
	pr, pg, pb, _ := primary.RGBA()
	rowsOf := func(img *image.RGBA, x int) []int {
		var rows []int
		for y := range img.Rect.Dy() {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr == pr && cg == pg && cb == pb {
				rows = append(rows, y)
			}
		}
		return rows
	}
	x := 300 // 1.5 s: in speech
	_, img := timelineRaster(t, tl)
	if rows := rowsOf(img, x); len(rows) != 0 {
		t.Fatalf("pitch colour drawn at rows %v before a pitch trace was set", rows)
	}

	// A flat 100 Hz, then a flat 200 Hz (an octave): on the log axis from
	// 50 to 500 Hz an octave is log(2)/log(10) of the height.
	pts := timelinePitch(r) // voiced frames only
	for i := range pts {
		pts[i].Hz = 100
		if pts[i].At >= 1500*time.Millisecond {
			pts[i].Hz = 200
		}
	}
	tl.SetPitch(pts)
	_, img = timelineRaster(t, tl)
	mean := func(rows []int) float64 {
		s := 0
		for _, y := range rows {
			s += y
		}
		return float64(s) / float64(len(rows))
	}
	low, high := rowsOf(img, 200), rowsOf(img, 360) // 1.0 s and 1.8 s
	if len(low) == 0 || len(high) == 0 {
		t.Fatalf("pitch rows at 1.0 s %v and 1.8 s %v: want a trace at both", low, high)
	}
	h := float64(img.Rect.Dy() - 1)
	wantLow := h * (1 - math.Log(100.0/50)/math.Log(10))
	wantOctave := h * math.Log(2) / math.Log(10)
	if got := mean(low); math.Abs(got-wantLow) > 1.5 {
		t.Errorf("100 Hz drawn at row %.1f, want %.1f", got, wantLow)
	}
	if got := mean(low) - mean(high); math.Abs(got-wantOctave) > 1.5 {
		t.Errorf("an octave spans %.1f rows, want %.1f", got, wantOctave)
	}
	// Unvoiced: nothing in the middle of a pause.
	pauseX := int(((r.Pauses[1].Start + r.Pauses[1].End) / 2).Seconds() / clip.Seconds() * 600)
	if rows := rowsOf(img, pauseX); len(rows) != 0 {
		t.Errorf("pitch drawn in a pause at rows %v", rows)
	}
}

func TestTimelineWithoutSpeech(t *testing.T) {
	silent := pcm.Clip{Rate: 48000, Samples: make([]float32, 48000*2)}
	cases := []struct {
		name string
		clip pcm.Clip
	}{
		{"silence", silent},
		{"zero-length clip", pcm.Clip{Rate: 48000}},
		{"no rate", pcm.Clip{Samples: make([]float32, 100)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			test.NewTempApp(t)
			tl := ui.NewTimeline(c.clip, analysis.Report{NoSpeech: true}, 300*time.Millisecond)
			tl.SetPitch([]ui.PitchPoint{{At: time.Second, Hz: 150}, {At: 2 * time.Second, Hz: math.NaN()}})
			var got time.Duration = -1
			tl.OnTapped = func(at time.Duration) { got = at }
			w := test.NewTempWindow(t, tl)
			w.Resize(fyne.NewSize(400, 130))
			w.Canvas().Capture() // paints the raster

			caption := false
			for _, o := range test.WidgetRenderer(tl).Objects() {
				if txt, ok := o.(*canvas.Text); ok && txt.Visible() {
					if txt.Text == "no speech" {
						caption = true
					}
					if len(txt.Text) > 5 && txt.Text[:5] == "start" {
						t.Errorf("an onset label %q is shown for an answer without speech", txt.Text)
					}
				}
			}
			if !caption {
				t.Error(`no "no speech" caption`)
			}
			test.TapAt(tl, fyne.NewPos(tl.Size().Width/2, 50))
			if want, tol := c.clip.Duration()/2, c.clip.Duration()/400; got < want-tol || got > want+tol {
				t.Errorf("tap at half: got %v, want %v", got, want)
			}
			if c.clip.Duration() > 0 {
				_, img := timelineRaster(t, tl)
				if ink := columnInk(img, 100); ink < 1 {
					t.Error("silence draws no baseline")
				}
			}
		})
	}
}

func TestTimelineFollowsTheTheme(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 3*time.Second)
	for _, c := range []struct {
		name string
		th   fyne.Theme
	}{
		{"test theme", test.Theme()},
		{"ugly test theme", test.NewTheme()},
		{"Fallback theme", ui.NewTheme()},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl := ui.NewTimeline(clip, r, cue)
			over := container.NewThemeOverride(tl, c.th)
			w := test.NewTempWindow(t, over)
			w.Resize(fyne.NewSize(400, 140))
			tl.Refresh()
			v := fyne.CurrentApp().Settings().ThemeVariant()
			want := map[color.Color]string{
				c.th.Color(theme.ColorNameInputBackground, v): "plot background",
				c.th.Color(theme.ColorNameSelection, v):       "pause",
				c.th.Color(theme.ColorNameSuccess, v):         "cue",
			}
			seen := map[string]bool{}
			for _, o := range test.WidgetRenderer(tl).Objects() {
				switch o := o.(type) {
				case *canvas.Rectangle:
					seen[want[o.FillColor]] = true
				case *canvas.Line:
					seen[want[o.StrokeColor]] = true
				}
			}
			for _, what := range want {
				if !seen[what] {
					t.Errorf("no %s drawn in the theme's colour", what)
				}
			}
		})
	}
}

func TestTimelineObjectCountIsBounded(t *testing.T) {
	test.NewTempApp(t)
	const width = 1920
	// Bound: background, raster, 2 marker lines, 2 labels, caption,
	// playhead, axis line, and a tick and label per timelineTickSpacing (64)
	// units, plus one rectangle per pause.
	bound := func(pauses int) int { return 9 + pauses + 2*(width/64+1) }
	for _, length := range []time.Duration{time.Second, 60 * time.Second, 10 * time.Minute} {
		clip, r, cue := timelineAnswer(8000, length)
		tl := ui.NewTimeline(clip, r, cue)
		tl.Resize(fyne.NewSize(width, 200))
		if n := len(test.WidgetRenderer(tl).Objects()); n > bound(len(r.Pauses)) {
			t.Errorf("%v clip: %d objects, want ≤ %d", length, n, bound(len(r.Pauses)))
		}
	}
}

func TestTimelineMinSize(t *testing.T) {
	test.NewTempApp(t)
	tl := ui.NewTimeline(pcm.Clip{}, analysis.Report{NoSpeech: true}, 0)
	if got := tl.MinSize(); got.Width < 300 || got.Height < 110 {
		t.Errorf("MinSize %v, want at least 300×110", got)
	}
}

// benchmarkAnswer is 60 s of 48 kHz audio with a pitch point every 10 ms.
func benchmarkAnswer() (pcm.Clip, analysis.Report, time.Duration, []ui.PitchPoint) {
	clip, r, cue := timelineAnswer(48000, 60*time.Second)
	return clip, r, cue, timelinePitch(r)
}

// BenchmarkTimelineDraw is one full redraw, as a resize of the window
// causes: Layout and Refresh of the renderer and a new raster image
// (envelope and pitch trace) at the new size. The width alternates by one
// unit so that every iteration draws afresh.
func BenchmarkTimelineDraw(b *testing.B) {
	test.NewTempApp(b)
	clip, r, cue, pitch := benchmarkAnswer()
	for _, size := range []fyne.Size{{Width: 300, Height: 110}, {Width: 1920, Height: 220}, {Width: 3840, Height: 440}} {
		b.Run(sizeName(size), func(b *testing.B) {
			tl := ui.NewTimeline(clip, r, cue)
			tl.SetPitch(pitch)
			tl.Resize(size)
			rend := test.WidgetRenderer(tl)
			raster := findRaster(b, tl)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s := size.AddWidthHeight(float32(i%2), 0)
				tl.Resize(s)
				rend.Layout(s)
				rend.Refresh()
				drawRaster(raster)
				i++
			}
		})
	}
}

// BenchmarkTimelinePlayhead is one step of playback: the mark moves, the
// raster is asked for its (unchanged) image.
func BenchmarkTimelinePlayhead(b *testing.B) {
	test.NewTempApp(b)
	clip, r, cue, pitch := benchmarkAnswer()
	tl := ui.NewTimeline(clip, r, cue)
	tl.SetPitch(pitch)
	tl.Resize(fyne.NewSize(1920, 220))
	raster := findRaster(b, tl)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tl.SetPlayhead(time.Duration(i%60) * time.Second)
		drawRaster(raster)
		i++
	}
}

// BenchmarkTimelineNew is the envelope of a new clip, computed once per clip.
func BenchmarkTimelineNew(b *testing.B) {
	test.NewTempApp(b)
	clip, r, cue, _ := benchmarkAnswer()
	b.ReportAllocs()
	for b.Loop() {
		ui.NewTimeline(clip, r, cue)
	}
}

// BenchmarkTimelineNewAndDraw is a new answer shown for the first time:
// the envelope of the clip, the renderer, and the first image.
func BenchmarkTimelineNewAndDraw(b *testing.B) {
	test.NewTempApp(b)
	clip, r, cue, pitch := benchmarkAnswer()
	size := fyne.NewSize(1920, 220)
	b.ReportAllocs()
	for b.Loop() {
		tl := ui.NewTimeline(clip, r, cue)
		tl.SetPitch(pitch)
		tl.Resize(size)
		drawRaster(findRaster(b, tl))
	}
}

func sizeName(s fyne.Size) string { return fmt.Sprintf("%.0fx%.0f", s.Width, s.Height) }

// The corpora beside the project (DESIGN.md): synthetic voices, and real
// voices with real-world disturbances.
const (
	timelineDevCorpus  = "../../../shared/devcorpus/corpus"
	timelineRealCorpus = "../../../shared/realcorpus"
)

// timelineCue is a file's cue from realcorpus/cues.csv (0 when not listed).
func timelineCue(t *testing.T, file string) time.Duration {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(timelineRealCorpus, "cues.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, cue, ok := strings.Cut(strings.TrimSpace(line), ",")
		if ok && name == file {
			sec, err := strconv.ParseFloat(cue, 64)
			if err != nil {
				t.Fatalf("cues.csv: %s: %v", line, err)
			}
			return time.Duration(sec * float64(time.Second))
		}
	}
	return 0
}

// TestTimelineRealVoice draws recorded voices as analysed: the shading
// covers exactly the analysis's pauses, and the envelope follows the level
// of the samples, noise, reverberation, clicks and clipping included.
func TestTimelineRealVoice(t *testing.T) {
	test.NewTempApp(t)
	for _, c := range []struct {
		name, path string
		real       bool
	}{
		{"synthetic, white noise at 20 dB SNR", filepath.Join(timelineDevCorpus, "utt07.wav"), false},
		{"real, reverberant room", filepath.Join(timelineRealCorpus, "corpus", "real08.wav"), true},
		{"real, AGC pumping", filepath.Join(timelineRealCorpus, "corpus", "real12.wav"), true},
		{"real, clipped", filepath.Join(timelineRealCorpus, "corpus", "real21.wav"), true},
		{"real, lip clicks", filepath.Join(timelineRealCorpus, "corpus", "real34.wav"), true},
		{"real, no speech", filepath.Join(timelineRealCorpus, "corpus", "real10.wav"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			clip, err := pcm.ReadFile(c.path)
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("corpus not found: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			var cue time.Duration
			if c.real {
				cue = timelineCue(t, filepath.Base(c.path))
			}
			r, err := analysis.Analyze(clip, analysis.Options{Cue: cue})
			if err != nil {
				t.Fatal(err)
			}
			tl := ui.NewTimeline(clip, r, cue)
			tl.SetPitch(nil) // the envelope alone: the trace of r's track would add its ink to the columns
			const width = 800
			tl.Resize(fyne.NewSize(width, 160))
			_, img := timelineRaster(t, tl)
			objects := test.WidgetRenderer(tl).Objects()
			rects := 0
			for _, o := range objects {
				if rect, ok := o.(*canvas.Rectangle); ok && rect.FillColor == theme.Color(theme.ColorNameSelection) {
					rects++
				}
			}
			if rects != len(r.Pauses) {
				t.Errorf("%d shaded pauses, want the analysis's %d", rects, len(r.Pauses))
			}
			if r.NoSpeech {
				caption := false
				for _, o := range objects {
					if txt, ok := o.(*canvas.Text); ok && txt.Visible() && txt.Text == "no speech" {
						caption = true
					}
				}
				if !caption {
					t.Error(`no "no speech" caption`)
				}
				return
			}
			// The envelope's outline is each column's peak on the
			// −60…0 dBFS scale, mirrored. The widget sums blocks of up to
			// 10 ms, so a column's edges may move by that much: its height
			// lies between the peaks of the column shrunk and grown by 10 ms.
			// Columns of 40–70 ms (200 across these clips) keep the shrunk
			// column meaningful.
			const envWidth = 200
			tl.Resize(fyne.NewSize(envWidth, 160))
			_, img = timelineRaster(t, tl)
			half := float64(img.Rect.Dy()) / 2
			n, margin := len(clip.Samples), clip.Rate/100
			height := func(from, to int) float64 {
				var peak float64
				for _, v := range clip.Samples[max(from, 0):min(max(to, from, 0), n)] {
					peak = max(peak, math.Abs(float64(v)))
				}
				return max(2*min(max(1-20*math.Log10(peak)/-60, 0), 1)*half, 1)
			}
			for c := range envWidth {
				s0, s1 := c*n/envWidth, (c+1)*n/envWidth
				lo, hi := height(s0+margin, s1-margin), height(s0-margin, s1+margin)
				if ink := float64(columnInk(img, c)); ink < lo-3 || ink > hi+3 {
					t.Errorf("column %d: envelope %v px high, want %.0f…%.0f from the samples", c, ink, lo, hi)
				}
			}
		})
	}
}

func TestTimelinePlayhead(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 3*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	w := test.NewTempWindow(t, tl)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(600, 140))
	playhead := func() *canvas.Line {
		primary := theme.Color(theme.ColorNamePrimary)
		for _, o := range test.WidgetRenderer(tl).Objects() {
			if l, ok := o.(*canvas.Line); ok && l.StrokeColor == primary {
				return l
			}
		}
		t.Fatal("no playhead line")
		return nil
	}
	if playhead().Visible() {
		t.Error("a playhead is shown before SetPlayhead")
	}
	_, img := timelineRaster(t, tl)
	marker := color.RGBA{R: 1, G: 2, B: 3, A: 4}
	img.SetRGBA(0, 0, marker) // survives only while the raster is not redrawn

	tl.SetPlayhead(1500 * time.Millisecond)
	if l := playhead(); !l.Visible() || l.Position1.X != 300 || l.Position2.X != 300 {
		t.Errorf("playhead at 1.5 s of 3 s: visible %v, x %v…%v, want visible at 300", l.Visible(), l.Position1.X, l.Position2.X)
	}
	if tl.Playhead() != 1500*time.Millisecond {
		t.Errorf("Playhead() = %v, want 1.5s", tl.Playhead())
	}
	if _, img := timelineRaster(t, tl); img.RGBAAt(0, 0) != marker {
		t.Error("moving the playhead redrew the envelope")
	}
	tl.SetPitch(timelinePitch(r))
	if _, img := timelineRaster(t, tl); img.RGBAAt(0, 0) == marker {
		t.Error("setting a pitch trace did not redraw the raster")
	}
	tl.SetPlayhead(-1)
	if playhead().Visible() {
		t.Error("playhead still shown after SetPlayhead(-1)")
	}
}

func TestTimelineSetAnswerReplacesTheRetriedTurn(t *testing.T) {
	test.NewTempApp(t)
	first, r1, cue := timelineAnswer(16000, 3*time.Second)
	tl := ui.NewTimeline(first, r1, cue)
	tl.SetPitch(timelinePitch(r1))
	tl.SetPlayhead(time.Second)
	tl.Resize(fyne.NewSize(600, 140))

	// The retry: twice as long, one pause, silence where the first had speech.
	second := pcm.Clip{Rate: 16000, Samples: make([]float32, 6*16000)}
	for i := 3 * 16000; i < 5*16000; i++ {
		second.Samples[i] = float32(0.2 * math.Sin(2*math.Pi*150*float64(i)/16000))
	}
	r2 := analysis.Report{Onset: 3 * time.Second, Offset: 5 * time.Second, Latency: 2700 * time.Millisecond,
		Pauses: []analysis.Interval{{Start: 4 * time.Second, End: 4500 * time.Millisecond}}}
	tl.SetAnswer(second, r2, cue)

	if tl.Duration() != 6*time.Second || tl.Playhead() >= 0 {
		t.Errorf("after SetAnswer: duration %v, playhead %v; want 6s and none", tl.Duration(), tl.Playhead())
	}
	_, img := timelineRaster(t, tl)
	if ink := columnInk(img, 100); ink > 2 { // 1 s: speech in the first take, silence now
		t.Errorf("column at 1 s has %d px of envelope, want the silent baseline", ink)
	}
	if ink := columnInk(img, 350); ink < 10 { // 3.5 s: speech now
		t.Errorf("column at 3.5 s has %d px of envelope, want speech", ink)
	}
	primary := theme.Color(theme.ColorNamePrimary)
	pr, pg, pb, _ := primary.RGBA()
	for x := range img.Rect.Dx() {
		for y := range img.Rect.Dy() {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr == pr && cg == pg && cb == pb {
				t.Fatalf("the first take's pitch trace is still drawn at %d,%d", x, y)
			}
		}
	}
	texts := ""
	for _, o := range test.WidgetRenderer(tl).Objects() {
		if txt, ok := o.(*canvas.Text); ok && txt.Visible() {
			texts += txt.Text + "|"
		}
	}
	if !strings.Contains(texts, "start +2.7 s") || !strings.Contains(texts, "|6 s|") {
		t.Errorf("labels %q: want the new onset label and an axis to 6 s", texts)
	}
}

// TestTimelineHighDensity draws for a screen of two pixels per unit, as a
// painter there asks: one envelope column per pixel, the trace as thick.
func TestTimelineHighDensity(t *testing.T) {
	test.NewTempApp(t)
	clip, r, cue := timelineAnswer(16000, 3*time.Second)
	tl := ui.NewTimeline(clip, r, cue)
	tl.SetPitch(timelinePitch(r))
	tl.Resize(fyne.NewSize(300, 150))
	raster, one := timelineRaster(t, tl)
	s := raster.Size()
	two, ok := raster.Generator(int(2*s.Width), int(2*s.Height)).(*image.RGBA)
	if !ok || two.Rect.Dx() != int(2*s.Width) || two.Rect.Dy() != int(2*s.Height) {
		t.Fatalf("image at scale 2: %v, want %v×%v", two.Rect, 2*s.Width, 2*s.Height)
	}
	x := int(float64(r.Onset+100*time.Millisecond) / float64(clip.Duration()) * float64(s.Width))
	a, b := columnInk(one, x), columnInk(two, 2*x)
	if b < 2*a-4 || b > 2*a+4 {
		t.Errorf("column ink %d px at scale 1, %d px at scale 2: want about twice", a, b)
	}
}
