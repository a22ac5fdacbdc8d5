package ui

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

// Timeline geometry and scales.
const (
	// timelineMinWidth leaves room for five time-axis labels at
	// timelineTickSpacing, so even the narrowest timeline has a readable axis.
	timelineMinWidth = 300
	// timelineMinHeight leaves about 70 units for the envelope once the
	// marker labels and the axis have their rows: enough to tell a 3 dB
	// change (the level rule's threshold) at a glance.
	timelineMinHeight = 110
	// timelineTickSpacing is the least distance between two axis labels;
	// a label such as "10.5 s" in caption text is about 35 units wide, this
	// keeps air between neighbours.
	timelineTickSpacing = 64
	// timelineTickLength is the length of an axis tick mark.
	timelineTickLength = 4

	// timelineFloorDBFS is the bottom of the level scale, the same floor as
	// the live LevelMeter: below it is the noise of a quiet room.
	timelineFloorDBFS = -60.0

	// timelinePitchLowHz and timelinePitchHighHz bound the pitch axis:
	// one decade, which holds adult speaking voices (roughly 70–350 Hz)
	// with a margin, so the same pitch sits at the same height on every
	// answer and answers can be compared by eye.
	timelinePitchLowHz  = 50.0
	timelinePitchHighHz = 500.0
	// timelinePitchGap is the longest gap between two pitch points still
	// joined by a line. Pitch trackers step by about 10 ms; a longer gap is
	// an unvoiced stretch (a consonant, a pause), where joining would draw
	// pitch that was not there.
	timelinePitchGap = 50 * time.Millisecond
	// timelinePitchWidth is the thickness of the pitch trace, in units.
	timelinePitchWidth = 2

	// envelopeBlocks is the least number of blocks the envelope is cut
	// into: enough for one block per pixel column of a 4K-wide timeline.
	envelopeBlocks = 4096
)

// Alpha of the envelope bands, over the plot background: the peak band is
// faint, the RMS body darker, so the RMS (what loudness feels like) reads
// first and the peaks only as texture; both stay light enough for the pitch
// trace and the markers drawn over them to stand out.
const (
	envelopePeakAlpha = 0x38
	envelopeRMSAlpha  = 0x80
)

// PitchPoint is one estimate of a pitch track: the fundamental frequency Hz
// at time At from the start of the clip. Hz <= 0 (or NaN) marks an unvoiced
// frame, which breaks the trace.
type PitchPoint struct {
	At time.Duration
	Hz float64
}

// Timeline draws one recorded answer: its level envelope, the pauses shaded,
// the pitch trace when one is given, the cue and the onset of speech as
// vertical lines with labels, and a time axis. Tapping it reports the time
// under the pointer through OnTapped.
//
// Like every Fyne widget it is used from the UI goroutine only (wrap calls
// from other goroutines in fyne.Do).
type Timeline struct {
	widget.BaseWidget

	// OnTapped, if not nil, is called with the time (from the start of the
	// clip) under the pointer when the timeline is tapped or clicked.
	OnTapped func(at time.Duration)

	duration time.Duration
	report   analysis.Report
	cue      time.Duration
	pitch    []PitchPoint
	playhead time.Duration // < 0: none
	// data counts changes of what the raster shows (answer, pitch), so a
	// refresh for the playhead alone does not redraw the envelope.
	data int
	env  levelEnvelope
}

// NewTimeline returns a timeline of clip, as analysed in r, with the cue
// (the moment the rep was told to speak) at cue from the start of the clip,
// and r's pitch track (Report.Pitch) as the trace. The timeline keeps an
// envelope of the clip, not the clip itself.
func NewTimeline(clip pcm.Clip, r analysis.Report, cue time.Duration) *Timeline {
	t := &Timeline{}
	t.ExtendBaseWidget(t)
	t.setAnswer(clip, r, cue)
	return t
}

// SetAnswer replaces the answer shown (after a retry, say): the trace
// becomes r's pitch track and the playhead, which belonged to the old clip,
// is dropped.
func (t *Timeline) SetAnswer(clip pcm.Clip, r analysis.Report, cue time.Duration) {
	t.setAnswer(clip, r, cue)
	t.Refresh()
}

func (t *Timeline) setAnswer(clip pcm.Clip, r analysis.Report, cue time.Duration) {
	t.duration = clip.Duration()
	t.report = r
	t.report.Pauses = slices.Clone(r.Pauses)
	t.report.Pitch = nil // kept once, as the trace
	t.cue = cue
	t.pitch = pitchTrace(r.Pitch)
	t.playhead = -1
	t.env = newLevelEnvelope(clip)
	t.data++
}

// pitchTrace is the analyser's track as the timeline draws it (in time
// order already: the analyser gives its frames so).
func pitchTrace(track []analysis.PitchPoint) []PitchPoint {
	if len(track) == 0 {
		return nil
	}
	pts := make([]PitchPoint, len(track))
	for i, p := range track {
		pts[i] = PitchPoint{At: p.At, Hz: p.Hz}
	}
	return pts
}

// SetPitch sets the pitch trace drawn over the envelope (nil removes it).
// The points are copied and sorted by time.
func (t *Timeline) SetPitch(pts []PitchPoint) {
	t.pitch = slices.Clone(pts)
	slices.SortStableFunc(t.pitch, func(a, b PitchPoint) int { return cmp.Compare(a.At, b.At) })
	t.data++
	t.Refresh()
}

// SetPlayhead marks the point playback has reached, at from the start of
// the clip; a negative at removes the mark. Only the mark moves, so calling
// it for every frame of playback is cheap: the envelope is not redrawn.
func (t *Timeline) SetPlayhead(at time.Duration) {
	t.playhead = at
	t.Refresh()
}

// Playhead is the point marked by SetPlayhead, negative when none.
func (t *Timeline) Playhead() time.Duration { return t.playhead }

// Duration is the length of the clip shown.
func (t *Timeline) Duration() time.Duration { return t.duration }

// Tapped implements fyne.Tappable: it reports the time under the pointer.
func (t *Timeline) Tapped(ev *fyne.PointEvent) {
	if t.OnTapped != nil {
		t.OnTapped(t.timeAt(ev.Position.X))
	}
}

// Cursor implements desktop.Cursorable: a pointer when a tap does something.
func (t *Timeline) Cursor() desktop.Cursor {
	if t.OnTapped != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// timeAt is the time at x units from the left edge, clamped to the clip.
func (t *Timeline) timeAt(x float32) time.Duration {
	w := t.Size().Width
	if w <= 0 || t.duration <= 0 {
		return 0
	}
	f := min(max(float64(x)/float64(w), 0), 1)
	return time.Duration(math.Round(f * float64(t.duration)))
}

// xAt is the position of time d across a width of w units, clamped.
func (t *Timeline) xAt(d time.Duration, w float32) float32 {
	if t.duration <= 0 {
		return 0
	}
	f := min(max(float64(d)/float64(t.duration), 0), 1)
	return float32(f) * w
}

// MinSize is at least timelineMinWidth × timelineMinHeight.
func (t *Timeline) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	return t.BaseWidget.MinSize()
}

// CreateRenderer implements fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	t.ExtendBaseWidget(t)
	r := &timelineRenderer{
		t:          t,
		bg:         canvas.NewRectangle(color.Transparent),
		cueLine:    canvas.NewLine(color.Transparent),
		onsetLine:  canvas.NewLine(color.Transparent),
		playhead:   canvas.NewLine(color.Transparent),
		axisLine:   canvas.NewLine(color.Transparent),
		cueLabel:   canvas.NewText("cue", color.Transparent),
		onsetLabel: canvas.NewText("", color.Transparent),
		caption:    canvas.NewText("no speech", color.Transparent),
	}
	r.data = t.data
	r.raster = canvas.NewRaster(r.draw)
	r.raster.ScaleMode = canvas.ImageScalePixels
	r.caption.Alignment = fyne.TextAlignCenter
	r.applyTheme()
	r.sync()
	r.Layout(t.Size())
	return r
}

// levelEnvelope is a clip reduced to blocks of a fixed length, computed
// once per clip so that drawing costs the number of blocks, not samples.
type levelEnvelope struct {
	n     int       // samples in the clip
	block int       // samples per block
	peak  []float32 // largest |sample| of each block
	power []float32 // mean square of each block
}

// newLevelEnvelope cuts the clip into at least envelopeBlocks blocks, none
// shorter than 1 ms (shorter says nothing about level) nor longer than
// 10 ms (a syllable lasts about 200 ms; 10 ms keeps its shape).
func newLevelEnvelope(c pcm.Clip) levelEnvelope {
	n := len(c.Samples)
	e := levelEnvelope{n: n}
	if n == 0 || c.Rate <= 0 {
		return e
	}
	e.block = min(max(n/envelopeBlocks, c.Rate/1000, 1), max(c.Rate/100, 1))
	nb := (n + e.block - 1) / e.block
	e.peak = make([]float32, nb)
	e.power = make([]float32, nb)
	for b := range nb {
		s := c.Samples[b*e.block : min((b+1)*e.block, n)]
		// Plain comparisons and a float32 sum: the builtin max's NaN rules
		// and float64 conversions made this loop several times slower, and
		// a float32 sum over at most 10 ms of samples is exact to 1e-4,
		// far below what a pixel shows.
		var pk, sum float32
		for _, v := range s {
			if a := math.Float32frombits(math.Float32bits(v) &^ (1 << 31)); a > pk {
				pk = a
			}
			sum += v * v
		}
		e.peak[b] = pk
		e.power[b] = sum / float32(len(s))
	}
	return e
}

// column is the peak and mean square of column c of w columns, false when
// the clip is empty.
func (e *levelEnvelope) column(c, w int) (peak, power float32, ok bool) {
	nb := len(e.peak)
	if nb == 0 || w <= 0 {
		return 0, 0, false
	}
	// Each block goes to the column its start falls in, so no block counts
	// twice; a column narrower than a block takes the block it lies in.
	s0 := int(int64(c) * int64(e.n) / int64(w))
	s1 := int(int64(c+1) * int64(e.n) / int64(w))
	b0, b1 := (s0+e.block-1)/e.block, min((s1+e.block-1)/e.block, nb)
	if b1 <= b0 {
		b0 = min(s0/e.block, nb-1)
		b1 = b0 + 1
	}
	var sum float32
	for b := b0; b < b1; b++ {
		peak = max(peak, e.peak[b])
		sum += e.power[b]
	}
	return peak, sum / float32(b1-b0), true
}

// levelFraction maps a level in dBFS to 0 (at the floor or below) .. 1
// (full scale). NaN maps to 0.
func levelFraction(dbfs float64) float64 {
	f := 1 - dbfs/timelineFloorDBFS
	if !(f > 0) {
		return 0
	}
	return min(f, 1)
}

// timelineRenderer draws a Timeline. Its objects: a background, one
// rectangle per pause, one raster holding the envelope and the pitch trace
// (so the count does not grow with the clip's length or the window's
// width), two marker lines and labels, the playhead, a caption, and the
// axis with at most width/timelineTickSpacing+1 ticks and labels.
type timelineRenderer struct {
	t *Timeline

	bg                   *canvas.Rectangle
	pauses               []*canvas.Rectangle
	raster               *canvas.Raster
	cueLine, onsetLine   *canvas.Line
	playhead             *canvas.Line
	cueLabel, onsetLabel *canvas.Text
	caption              *canvas.Text
	axisLine             *canvas.Line
	ticks                []*canvas.Line
	tickLabels           []*canvas.Text
	nTicks               int // ticks in use
	objects              []fyne.CanvasObject

	// Colours of the raster, premultiplied, set by applyTheme. The halo
	// (the plot's background) outlines the pitch trace where it crosses
	// the envelope.
	peakColor, rmsColor, pitchColor, haloColor color.RGBA
	// version counts changes of the raster's content (data or colours);
	// drawn is the version img shows; data is the Timeline.data seen.
	version, drawn, data int
	img                  *image.RGBA
}

func (r *timelineRenderer) Destroy() {}

func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *timelineRenderer) MinSize() fyne.Size {
	return fyne.NewSize(timelineMinWidth, timelineMinHeight)
}

func (r *timelineRenderer) Refresh() {
	before := [...]color.RGBA{r.peakColor, r.rmsColor, r.pitchColor, r.haloColor}
	r.applyTheme()
	after := [...]color.RGBA{r.peakColor, r.rmsColor, r.pitchColor, r.haloColor}
	r.sync()
	r.Layout(r.t.Size())
	if before != after || r.data != r.t.data {
		r.data = r.t.data
		r.version++
		r.raster.Refresh()
	}
	for _, o := range r.objects {
		if o != r.raster {
			o.Refresh()
		}
	}
	canvas.Refresh(r.t)
}

// sync matches the pause rectangles and the texts to the widget's data.
func (r *timelineRenderer) sync() {
	t := r.t
	th, v := t.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	fill := th.Color(theme.ColorNameSelection, v)
	for len(r.pauses) < len(t.report.Pauses) {
		r.pauses = append(r.pauses, canvas.NewRectangle(fill))
	}
	r.pauses = r.pauses[:len(t.report.Pauses)]
	noSpeech := t.report.NoSpeech || t.duration <= 0
	r.onsetLine.Hidden = noSpeech
	r.onsetLabel.Hidden = noSpeech
	r.caption.Hidden = !noSpeech
	r.onsetLabel.Text = fmt.Sprintf("start %+.1f s", t.report.Latency.Seconds())
}

func (r *timelineRenderer) applyTheme() {
	th, v := r.t.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	cue := th.Color(theme.ColorNameSuccess, v)
	caption := th.Size(theme.SizeNameCaptionText)

	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	for _, p := range r.pauses {
		p.FillColor = th.Color(theme.ColorNameSelection, v)
	}
	r.cueLine.StrokeColor, r.cueLabel.Color = cue, cue
	r.onsetLine.StrokeColor, r.onsetLabel.Color = fg, fg
	r.playhead.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	r.axisLine.StrokeColor = fg
	r.caption.Color = th.Color(theme.ColorNamePlaceHolder, v)
	r.caption.TextSize = th.Size(theme.SizeNameText)
	for _, l := range []*canvas.Text{r.cueLabel, r.onsetLabel} {
		l.TextSize = caption
	}
	for i := range r.ticks {
		r.ticks[i].StrokeColor = fg
		r.tickLabels[i].Color = fg
		r.tickLabels[i].TextSize = caption
	}
	r.peakColor = premultiplied(fg, envelopePeakAlpha)
	r.rmsColor = premultiplied(fg, envelopeRMSAlpha)
	r.pitchColor = premultiplied(th.Color(theme.ColorNamePrimary, v), 0xff)
	r.haloColor = premultiplied(r.bg.FillColor, 0xff)
}

// premultiplied is c with its alpha scaled by a/255, as image.RGBA stores it.
func premultiplied(c color.Color, a uint8) color.RGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(uint16(n.A) * uint16(a) / 0xff)
	return color.RGBAModel.Convert(n).(color.RGBA)
}

// plot is the band of the widget the envelope occupies, below the marker
// labels and above the axis.
func (r *timelineRenderer) plot(size fyne.Size) (top, bottom float32) {
	caption := r.cueLabel.TextSize
	labelH := fyne.MeasureText("0", caption, fyne.TextStyle{}).Height
	bottom = max(size.Height-labelH-timelineTickLength-1, 0)
	top = min(labelH+1, bottom)
	return top, bottom
}

func (r *timelineRenderer) Layout(size fyne.Size) {
	t := r.t
	w := size.Width
	top, bottom := r.plot(size)

	r.bg.Move(fyne.NewPos(0, 0))
	r.bg.Resize(fyne.NewSize(w, bottom))
	for i, p := range r.pauses {
		iv := t.report.Pauses[i]
		x0, x1 := t.xAt(iv.Start, w), t.xAt(iv.End, w)
		p.Move(fyne.NewPos(x0, 0))
		p.Resize(fyne.NewSize(max(x1-x0, 1), bottom))
	}
	r.raster.Move(fyne.NewPos(0, top))
	r.raster.Resize(fyne.NewSize(w, bottom-top))

	// Markers: the cue label ends at its line and the onset label starts at
	// its line, so the usual order (cue, then the answer) keeps them apart.
	cueX, onsetX := t.xAt(t.cue, w), t.xAt(t.report.Onset, w)
	for _, m := range []struct {
		line *canvas.Line
		x    float32
	}{{r.cueLine, cueX}, {r.onsetLine, onsetX}} {
		m.line.StrokeWidth = 1
		m.line.Position1 = fyne.NewPos(m.x, 0)
		m.line.Position2 = fyne.NewPos(m.x, bottom)
	}
	cueSize := r.cueLabel.MinSize()
	onsetSize := r.onsetLabel.MinSize()
	cueLX, onsetLX := cueX-cueSize.Width-2, onsetX+2
	if onsetX < cueX { // an interruption: swap sides
		cueLX, onsetLX = cueX+2, onsetX-onsetSize.Width-2
	}
	cueLX = clampLabel(cueLX, cueSize.Width, w)
	onsetLX = clampLabel(onsetLX, onsetSize.Width, w)
	if !r.onsetLabel.Hidden && onsetLX < cueLX+cueSize.Width && cueLX < onsetLX+onsetSize.Width {
		onsetLX = clampLabel(cueLX+cueSize.Width+4, onsetSize.Width, w)
	}
	r.cueLabel.Move(fyne.NewPos(cueLX, 0))
	r.cueLabel.Resize(cueSize)
	r.onsetLabel.Move(fyne.NewPos(onsetLX, 0))
	r.onsetLabel.Resize(onsetSize)

	r.caption.Move(fyne.NewPos(0, top))
	r.caption.Resize(fyne.NewSize(w, bottom-top))

	r.layoutPlayhead(size)
	r.layoutAxis(w, bottom)
	r.collect()
}

// layoutPlayhead places the playback mark, hidden when there is none.
func (r *timelineRenderer) layoutPlayhead(size fyne.Size) {
	t := r.t
	_, bottom := r.plot(size)
	x := t.xAt(t.playhead, size.Width)
	r.playhead.Hidden = t.playhead < 0 || t.duration <= 0
	r.playhead.StrokeWidth = 2
	r.playhead.Position1 = fyne.NewPos(x, 0)
	r.playhead.Position2 = fyne.NewPos(x, bottom)
}

// clampLabel keeps a label of width lw starting at x inside [0, w].
func clampLabel(x, lw, w float32) float32 {
	return max(min(x, w-lw), 0)
}

// timelineSteps are the tick intervals the axis chooses from, the shortest
// that keeps labels timelineTickSpacing apart.
var timelineSteps = []time.Duration{
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
	15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute,
	5 * time.Minute, 10 * time.Minute,
}

// axisStep is the tick interval for a clip of length d across w units; 0
// when there is no room or no time.
func axisStep(d time.Duration, w float32) time.Duration {
	maxTicks := int(w / timelineTickSpacing)
	if d <= 0 || maxTicks < 1 {
		return 0
	}
	for _, s := range timelineSteps {
		if int(d/s) <= maxTicks {
			return s
		}
	}
	last := timelineSteps[len(timelineSteps)-1]
	return last * (d/last/time.Duration(maxTicks) + 1)
}

func (r *timelineRenderer) layoutAxis(w, bottom float32) {
	t := r.t
	r.axisLine.Position1 = fyne.NewPos(0, bottom)
	r.axisLine.Position2 = fyne.NewPos(w, bottom)
	r.axisLine.StrokeWidth = 1

	step := axisStep(t.duration, w)
	n := 0
	if step > 0 {
		n = int(t.duration/step) + 1
	}
	th, v := t.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	for len(r.ticks) < n {
		fg := th.Color(theme.ColorNameForeground, v)
		r.ticks = append(r.ticks, canvas.NewLine(fg))
		l := canvas.NewText("", fg)
		l.TextSize = th.Size(theme.SizeNameCaptionText)
		r.tickLabels = append(r.tickLabels, l)
	}
	r.nTicks = n
	for i := range n {
		at := time.Duration(i) * step
		x := t.xAt(at, w)
		tick := r.ticks[i]
		tick.StrokeWidth = 1
		tick.Position1 = fyne.NewPos(x, bottom)
		tick.Position2 = fyne.NewPos(x, bottom+timelineTickLength)
		l := r.tickLabels[i]
		l.Text = axisLabel(at, step)
		ls := l.MinSize()
		l.Move(fyne.NewPos(clampLabel(x-ls.Width/2, ls.Width, w), bottom+timelineTickLength))
		l.Resize(ls)
	}
}

// axisLabel writes a tick time with as many decimals as the step needs.
func axisLabel(at, step time.Duration) string {
	if step < time.Second {
		return fmt.Sprintf("%.1f s", at.Seconds())
	}
	return fmt.Sprintf("%d s", int(at/time.Second))
}

// collect rebuilds the object list, back to front.
func (r *timelineRenderer) collect() {
	o := r.objects[:0]
	o = append(o, r.bg)
	for _, p := range r.pauses {
		o = append(o, p)
	}
	o = append(o, r.raster, r.cueLine, r.onsetLine, r.playhead, r.axisLine)
	for _, tk := range r.ticks[:r.nTicks] {
		o = append(o, tk)
	}
	o = append(o, r.cueLabel, r.onsetLabel, r.caption)
	for _, l := range r.tickLabels[:r.nTicks] {
		o = append(o, l)
	}
	r.objects = o
}

// draw is the raster's generator: the envelope and the pitch trace at
// w × h pixels, on a transparent background. The image is reused while
// neither the size nor the data changes.
func (r *timelineRenderer) draw(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	if r.img != nil && r.img.Rect.Dx() == w && r.img.Rect.Dy() == h {
		if r.drawn == r.version {
			return r.img
		}
		clear(r.img.Pix)
	} else {
		r.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	r.drawn = r.version
	r.drawEnvelope(w, h)
	r.drawPitch(w, h)
	return r.img
}

func (r *timelineRenderer) drawEnvelope(w, h int) {
	env := &r.t.env
	half := float64(h) / 2
	for c := range w {
		peak, power, ok := env.column(c, w)
		if !ok {
			return
		}
		hp := levelFraction(20*math.Log10(float64(peak))) * half
		hr := levelFraction(10*math.Log10(float64(power))) * half
		// A one-pixel baseline even in silence shows the recording runs on.
		r.fillColumn(c, int(half-hp), int(math.Ceil(half+hp)), r.peakColor)
		r.fillColumn(c, int(half-hr), int(math.Ceil(half+hr)), r.rmsColor)
		r.fillColumn(c, int(half-0.5), int(half+0.5)+1, r.peakColor)
	}
}

// fillColumn paints rows [y0, y1) of column x, clipped to the image.
func (r *timelineRenderer) fillColumn(x, y0, y1 int, c color.RGBA) {
	img := r.img
	y0, y1 = max(y0, 0), min(y1, img.Rect.Dy())
	for y := y0; y < y1; y++ {
		i := y*img.Stride + x*4
		p := img.Pix[i : i+4 : i+4]
		p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
	}
}

// pitchY is the row of frequency hz on the log axis of an image h rows
// high, clamped to the image; false for an unvoiced point.
func pitchY(hz float64, h int) (float64, bool) {
	if !(hz > 0) || math.IsInf(hz, 0) {
		return 0, false
	}
	f := math.Log(hz/timelinePitchLowHz) / math.Log(timelinePitchHighHz/timelinePitchLowHz)
	f = min(max(f, 0), 1)
	return (1 - f) * float64(h-1), true
}

func (r *timelineRenderer) drawPitch(w, h int) {
	t := r.t
	if len(t.pitch) == 0 || t.duration <= 0 {
		return
	}
	scale := 1.0
	if rw := r.raster.Size().Width; rw > 0 {
		scale = float64(w) / float64(rw)
	}
	thick := max(int(math.Round(timelinePitchWidth*scale)), 1)
	xOf := func(d time.Duration) float64 {
		return min(max(float64(d)/float64(t.duration), 0), 1) * float64(w-1)
	}
	// The halo first, all of it, so it never covers the trace itself.
	for _, pass := range []struct {
		c     color.RGBA
		thick int
	}{{r.haloColor, thick + 2}, {r.pitchColor, thick}} {
		var prevX, prevY float64
		prevAt, prevOK := time.Duration(0), false
		for _, p := range t.pitch {
			y, ok := pitchY(p.Hz, h)
			if !ok {
				prevOK = false
				continue
			}
			x := xOf(p.At)
			if prevOK && p.At-prevAt <= timelinePitchGap {
				r.line(prevX, prevY, x, y, pass.thick, pass.c)
			} else {
				r.dot(x, y, pass.thick, pass.c)
			}
			prevX, prevY, prevAt, prevOK = x, y, p.At, true
		}
	}
}

// line joins two points with squares of side thick, one per pixel step.
func (r *timelineRenderer) line(x0, y0, x1, y1 float64, thick int, c color.RGBA) {
	steps := int(math.Ceil(max(math.Abs(x1-x0), math.Abs(y1-y0))))
	for i := 0; i <= steps; i++ {
		f := 1.0
		if steps > 0 {
			f = float64(i) / float64(steps)
		}
		r.dot(x0+(x1-x0)*f, y0+(y1-y0)*f, thick, c)
	}
}

// dot paints a square of side thick centred on (x, y), clipped.
func (r *timelineRenderer) dot(x, y float64, thick int, c color.RGBA) {
	img := r.img
	x0 := int(math.Round(x)) - thick/2
	y0 := int(math.Round(y)) - thick/2
	for xx := max(x0, 0); xx < min(x0+thick, img.Rect.Dx()); xx++ {
		r.fillColumn(xx, y0, y0+thick, c)
	}
}
