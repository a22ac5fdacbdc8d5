package ui

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Chart geometry and limits.
const (
	// chartMaxPoints is the most points a chart draws. Each drawn point is
	// a dot and a line segment, so this bounds the object count; 200 dots
	// 3 units wide still sit apart on the narrowest chart.
	chartMaxPoints = 200
	// chartMinWidth leaves room for the y labels and four date labels.
	chartMinWidth = 300
	// chartMinHeight leaves about 80 units of plot under the title and
	// above the date axis: enough to tell a point in the band from one out.
	chartMinHeight = 150
	// chartDateSpacing is the least distance between two date labels; a
	// label such as "30 Sep" in caption text is about 40 units wide.
	chartDateSpacing = 80
	// chartValueSpacing is the least height per y label, so the value
	// labels never touch (a caption line is about 15 units).
	chartValueSpacing = 28
	// chartDotRadius is the radius of a point's dot, in units: large
	// enough to see and to aim a click at.
	chartDotRadius = 3
	// chartLineWidth is the thickness of the line joining the points.
	chartLineWidth = 1.5
	// chartTickLength is the length of an axis tick mark.
	chartTickLength = 4
	// chartBandAlpha is the opacity of the target band's shade: light
	// enough that the points and the line drawn over it stand out.
	chartBandAlpha = 0x40
)

// ChartPoint is one value of a time series. A NaN or infinite Value is not
// drawn (a figure that was not measured).
type ChartPoint struct {
	At    time.Time
	Value float64
}

// Chart draws a time series: x is time (dates on the axis), y the value in
// Unit, the target band shaded, the points joined by a line, and a title.
// Either edge of the band may be open (NaN), then the shade reaches that
// edge of the plot. Without points it says "no practice yet", and "not
// measured in these answers" when none of its points has a value.
//
// A chart draws at most chartMaxPoints (200) points, so its object count is
// bounded: with more, the points are averaged per day (mean of the values
// and of the times), and per several days when there are more days than
// that; its title then says so ("· mean per day"). Tapping it reports,
// through OnTapped, the index in the points given to SetPoints of the drawn
// point nearest the pointer; for an averaged point, the newest point it
// stands for. It redraws on resize and follows the theme (light or dark).
//
// Like every Fyne widget it is used from the UI goroutine only.
type Chart struct {
	widget.BaseWidget

	// OnTapped, if not nil, is called with the index of the point nearest
	// the pointer when the chart is tapped (not called when none is drawn).
	OnTapped func(i int)

	title, unit string
	lo, hi      float64
	drawn       []chartDrawn
	// days is how many days each drawn point spans: 0 when every point is
	// drawn as given.
	days int
	// given is how many points SetPoints was given, drawable or not.
	given int
	// t0, t1 and v0, v1 are the axes' ranges.
	t0, t1 time.Time
	v0, v1 float64
}

// chartDrawn is a point as drawn: its time, value and the index of the
// (newest) point given that it stands for.
type chartDrawn struct {
	at    time.Time
	value float64
	index int
}

// NewChart returns an empty chart with this title and y unit ("s", "%").
// Its band is open on both sides (none drawn) until SetBand.
func NewChart(title, unit string) *Chart {
	c := &Chart{title: title, unit: unit, lo: math.NaN(), hi: math.NaN()}
	c.ExtendBaseWidget(c)
	return c
}

// SetPoints replaces the series. The points need not be in time order; the
// slice is not kept.
func (c *Chart) SetPoints(pts []ChartPoint) {
	drawn, days := chartReduce(pts, time.Local)
	c.setDrawn(drawn, days, len(pts))
}

// setDrawn shows points already reduced by chartReduce (which screens may
// run off the UI goroutine) from given points.
func (c *Chart) setDrawn(drawn []chartDrawn, days, given int) {
	c.drawn, c.days, c.given = drawn, days, given
	c.ranges()
	c.Refresh()
}

// SetBand sets the target band lo..hi; a NaN edge is open, and two NaNs
// remove the band.
func (c *Chart) SetBand(lo, hi float64) {
	c.lo, c.hi = lo, hi
	c.ranges()
	c.Refresh()
}

// titleText is the title, with how the points are averaged when they are.
func (c *Chart) titleText() string {
	switch c.days {
	case 0:
		return c.title
	case 1:
		return c.title + " · mean per day"
	}
	return fmt.Sprintf("%s · mean per %d days", c.title, c.days)
}

// Drawn is how many points the chart draws (after averaging).
func (c *Chart) Drawn() int { return len(c.drawn) }

// DaysPerPoint is 0 when every point is drawn as given, else how many days
// each drawn point averages.
func (c *Chart) DaysPerPoint() int { return c.days }

// chartReduce keeps the finite points in time order and, above
// chartMaxPoints, averages them per day (in loc), or per the fewest days
// that keep the count within chartMaxPoints.
func chartReduce(pts []ChartPoint, loc *time.Location) ([]chartDrawn, int) {
	out := make([]chartDrawn, 0, len(pts))
	for i, p := range pts {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			out = append(out, chartDrawn{at: p.At, value: p.Value, index: i})
		}
	}
	if len(out) == 0 {
		return nil, 0
	}
	byTime := func(a, b chartDrawn) int { return a.at.Compare(b.at) }
	// Stores hand the points in time order; checking is cheaper than
	// sorting them again.
	if !slices.IsSortedFunc(out, byTime) {
		slices.SortStableFunc(out, byTime)
	}
	if len(out) <= chartMaxPoints {
		return out, 0
	}
	first, last := dayNumber(out[0].at, loc), dayNumber(out[len(out)-1].at, loc)
	days := max(1, int((last-first+1+chartMaxPoints-1)/chartMaxPoints))
	var (
		agg        []chartDrawn
		bucket     = int64(-1)
		sumV, sumT float64
		n          int
		newest     time.Time
	)
	flush := func(idx int) {
		if n == 0 {
			return
		}
		mean := sumT / float64(n)
		at := time.Unix(0, int64(mean)).In(loc)
		agg = append(agg, chartDrawn{at: at, value: sumV / float64(n), index: idx})
	}
	// The day of a point is computed once per day, not per point: the
	// points are in time order, so a point inside the last day's bounds
	// shares its number.
	var (
		curDay         int64
		dayFrom, dayTo time.Time
	)
	dayOf := func(t time.Time) int64 {
		if t.Before(dayFrom) || !t.Before(dayTo) {
			y, m, d := t.In(loc).Date()
			dayFrom, dayTo = time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)
			curDay = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		}
		return curDay
	}
	idx := -1
	for _, d := range out {
		b := (dayOf(d.at) - first) / int64(days)
		if b != bucket {
			flush(idx)
			bucket, sumV, sumT, n, newest, idx = b, 0, 0, 0, time.Time{}, -1
		}
		// float64 holds nanoseconds since 1970 to within a microsecond,
		// far finer than a chart's day.
		sumV += d.value
		sumT += float64(d.at.UnixNano())
		n++
		if idx < 0 || !d.at.Before(newest) {
			newest, idx = d.at, d.index
		}
	}
	flush(idx)
	return agg, days
}

// dayNumber is the calendar day of t in loc as a count of days, so that
// day arithmetic ignores clock changes.
func dayNumber(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// ranges sets the axes' ranges from the drawn points and the band's closed
// edges, with a margin so no dot sits on the plot's edge.
func (c *Chart) ranges() {
	if len(c.drawn) == 0 {
		return
	}
	c.t0, c.t1 = c.drawn[0].at, c.drawn[len(c.drawn)-1].at
	if !c.t1.After(c.t0) {
		// One instant: centre it in a day.
		c.t0, c.t1 = c.t0.Add(-12*time.Hour), c.t1.Add(12*time.Hour)
	}
	v0, v1 := math.Inf(1), math.Inf(-1)
	for _, d := range c.drawn {
		v0, v1 = min(v0, d.value), max(v1, d.value)
	}
	for _, e := range []float64{c.lo, c.hi} {
		if !math.IsNaN(e) && !math.IsInf(e, 0) {
			v0, v1 = min(v0, e), max(v1, e)
		}
	}
	if v1-v0 < 1e-9 {
		v0, v1 = v0-1, v1+1
	}
	// A tenth of the range above and below.
	pad := (v1 - v0) / 10
	c.v0, c.v1 = v0-pad, v1+pad
}

// Tapped implements fyne.Tappable: it reports the point nearest the
// pointer, by horizontal distance first (a click in a point's column
// chooses it), then vertical.
func (c *Chart) Tapped(ev *fyne.PointEvent) {
	if c.OnTapped == nil || len(c.drawn) == 0 {
		return
	}
	g := c.geometry(c.Size())
	best, bestDX, bestDY := -1, float32(math.MaxFloat32), float32(math.MaxFloat32)
	for i, d := range c.drawn {
		p := g.pos(c, d)
		dx, dy := abs32(p.X-ev.Position.X), abs32(p.Y-ev.Position.Y)
		// Within half a unit counts as the same column.
		if dx < bestDX-0.5 || (abs32(dx-bestDX) <= 0.5 && dy < bestDY) {
			best, bestDX, bestDY = i, dx, dy
		}
	}
	c.OnTapped(c.drawn[best].index)
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// Cursor implements desktop.Cursorable: a pointer when a tap does something.
func (c *Chart) Cursor() desktop.Cursor {
	if c.OnTapped != nil && len(c.drawn) > 0 {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// MinSize is at least chartMinWidth × chartMinHeight.
func (c *Chart) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return c.BaseWidget.MinSize()
}

// chartGeometry is the plot's rectangle inside the widget.
type chartGeometry struct {
	left, top, right, bottom float32
}

// geometry places the plot: the title above, the value labels to the
// left, the date labels below.
func (c *Chart) geometry(size fyne.Size) chartGeometry {
	th := c.Theme()
	caption := th.Size(theme.SizeNameCaptionText)
	text := th.Size(theme.SizeNameText)
	titleH := fyne.MeasureText("Ag", text, fyne.TextStyle{Bold: true}).Height
	labelH := fyne.MeasureText("0", caption, fyne.TextStyle{}).Height
	labelW := float32(0)
	for _, s := range c.valueLabels() {
		labelW = max(labelW, fyne.MeasureText(s.text, caption, fyne.TextStyle{}).Width)
	}
	// The right margin is a scroll bar wide: charts sit in scrolled
	// screens, whose bar is drawn over the content's right edge.
	g := chartGeometry{left: labelW + chartTickLength + 2, top: titleH + 4,
		right: size.Width - th.Size(theme.SizeNameScrollBar), bottom: size.Height - labelH - chartTickLength - 1}
	g.right = max(g.right, g.left)
	g.bottom = max(g.bottom, g.top)
	return g
}

// x is the position of time t.
func (g chartGeometry) x(c *Chart, t time.Time) float32 {
	span := c.t1.Sub(c.t0)
	if span <= 0 {
		return (g.left + g.right) / 2
	}
	f := float64(t.Sub(c.t0)) / float64(span)
	return g.left + float32(f)*(g.right-g.left)
}

// y is the position of value v, clamped to the plot.
func (g chartGeometry) y(c *Chart, v float64) float32 {
	if c.v1 <= c.v0 {
		return (g.top + g.bottom) / 2
	}
	f := min(max((v-c.v0)/(c.v1-c.v0), 0), 1)
	return g.bottom - float32(f)*(g.bottom-g.top)
}

func (g chartGeometry) pos(c *Chart, d chartDrawn) fyne.Position {
	return fyne.NewPos(g.x(c, d.at), g.y(c, d.value))
}

// chartLabel is an axis label and where along its axis it goes.
type chartLabel struct {
	text string
	v    float64   // for a value label
	at   time.Time // for a date label
}

// valueLabels are the y labels: round values a 1, 2 or 5 step apart, at
// most five (the plot is short), the unit after each.
func (c *Chart) valueLabels() []chartLabel {
	if len(c.drawn) == 0 {
		return nil
	}
	return c.valueLabelsN(5)
}

func (c *Chart) valueLabelsN(n int) []chartLabel {
	if n < 2 || c.v1 <= c.v0 {
		return nil
	}
	step := niceStep((c.v1 - c.v0) / float64(n-1))
	var out []chartLabel
	for v := math.Ceil(c.v0/step) * step; v <= c.v1+step*1e-9 && len(out) < n+1; v += step {
		v := math.Round(v/step) * step
		out = append(out, chartLabel{text: chartNumber(v, step) + " " + c.unit, v: v})
	}
	return out
}

// niceStep is the smallest 1, 2 or 5 × 10^k at least s.
func niceStep(s float64) float64 {
	if !(s > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(s)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= s*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// chartNumber is v with as many decimals as step needs and no "-0".
func chartNumber(v, step float64) string {
	dec := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	return strconv.FormatFloat(v+0, 'f', dec, 64)
}

// chartDateSteps are the date label intervals, in days, the axis chooses
// from: the shortest that keeps labels chartDateSpacing apart.
var chartDateSteps = []int{1, 2, 7, 14, 30, 91, 182, 365}

// dateLabels are the x labels: local midnights a whole number of days
// apart, within the time range.
func (c *Chart) dateLabels(width float32) []chartLabel {
	if len(c.drawn) == 0 {
		return nil
	}
	maxLabels := max(1, int(width/chartDateSpacing))
	loc := time.Local
	first, last := dayNumber(c.t0, loc), dayNumber(c.t1, loc)
	step := chartDateSteps[len(chartDateSteps)-1]
	for _, s := range chartDateSteps {
		if int(last-first)/s+1 <= maxLabels {
			step = s
			break
		}
	}
	layout := "2 Jan"
	if step >= 30 {
		layout = "Jan 2006"
	}
	y, m, d := c.t0.In(loc).Date()
	var out []chartLabel
	for day := time.Date(y, m, d, 0, 0, 0, 0, loc); !day.After(c.t1) && len(out) <= maxLabels; day = day.AddDate(0, 0, step) {
		if day.Before(c.t0) {
			continue
		}
		out = append(out, chartLabel{text: day.Format(layout), at: day})
	}
	if len(out) == 0 {
		// A range within one day: name that day at its middle.
		mid := c.t0.Add(c.t1.Sub(c.t0) / 2)
		out = append(out, chartLabel{text: mid.In(loc).Format("2 Jan"), at: mid})
	}
	return out
}

// CreateRenderer implements fyne.Widget.
func (c *Chart) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	r := &chartRenderer{
		c:       c,
		bg:      canvas.NewRectangle(color.Transparent),
		band:    canvas.NewRectangle(color.Transparent),
		title:   canvas.NewText(c.title, color.Transparent),
		caption: canvas.NewText("no practice yet", color.Transparent),
		xAxis:   canvas.NewLine(color.Transparent),
		yAxis:   canvas.NewLine(color.Transparent),
	}
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.caption.Alignment = fyne.TextAlignCenter
	r.Layout(c.Size())
	return r
}

// chartRenderer draws a Chart. Its objects: a background, the band, the
// two axes, a title, a caption, at most chartMaxPoints dots and segments,
// and at most five value and width/chartDateSpacing+1 date labels with
// their ticks.
type chartRenderer struct {
	c *Chart

	bg, band     *canvas.Rectangle
	title        *canvas.Text
	caption      *canvas.Text
	xAxis, yAxis *canvas.Line
	dots         []*canvas.Circle
	segments     []*canvas.Line
	labels       []*canvas.Text // value labels, then date labels
	ticks        []*canvas.Line
	objects      []fyne.CanvasObject
}

func (r *chartRenderer) Destroy() {}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *chartRenderer) MinSize() fyne.Size { return fyne.NewSize(chartMinWidth, chartMinHeight) }

func (r *chartRenderer) Refresh() {
	r.Layout(r.c.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
	canvas.Refresh(r.c)
}

// Layout places everything for size and takes the theme's colours, so a
// resize or a theme change redraws the chart.
func (r *chartRenderer) Layout(size fyne.Size) {
	c := r.c
	th, variant := c.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, variant)
	primary := th.Color(theme.ColorNamePrimary, variant)
	caption := th.Size(theme.SizeNameCaptionText)
	g := c.geometry(size)

	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, variant)
	r.bg.Move(fyne.NewPos(g.left, g.top))
	r.bg.Resize(fyne.NewSize(g.right-g.left, g.bottom-g.top))
	r.title.Text, r.title.Color = c.titleText(), fg
	r.title.TextSize = th.Size(theme.SizeNameText)
	r.title.Move(fyne.NewPos(0, 0))
	r.title.Resize(r.title.MinSize())
	for _, a := range []*canvas.Line{r.xAxis, r.yAxis} {
		a.StrokeColor, a.StrokeWidth = fg, 1
	}
	r.xAxis.Position1, r.xAxis.Position2 = fyne.NewPos(g.left, g.bottom), fyne.NewPos(g.right, g.bottom)
	r.yAxis.Position1, r.yAxis.Position2 = fyne.NewPos(g.left, g.top), fyne.NewPos(g.left, g.bottom)

	empty := len(c.drawn) == 0
	r.caption.Hidden = !empty
	r.caption.Text = "no practice yet"
	if c.given > 0 {
		r.caption.Text = "not measured in these answers"
	}
	r.caption.Color = th.Color(theme.ColorNamePlaceHolder, variant)
	r.caption.TextSize = th.Size(theme.SizeNameText)
	r.caption.Move(fyne.NewPos(g.left, g.top))
	r.caption.Resize(fyne.NewSize(g.right-g.left, g.bottom-g.top))

	r.layoutBand(g, th.Color(theme.ColorNameSuccess, variant), empty)

	// Dots and the line between them.
	for len(r.dots) < len(c.drawn) {
		r.dots = append(r.dots, canvas.NewCircle(primary))
	}
	r.dots = r.dots[:len(c.drawn)]
	nseg := max(len(c.drawn)-1, 0)
	for len(r.segments) < nseg {
		r.segments = append(r.segments, canvas.NewLine(primary))
	}
	r.segments = r.segments[:nseg]
	var prev fyne.Position
	for i, d := range c.drawn {
		p := g.pos(c, d)
		dot := r.dots[i]
		dot.FillColor = primary
		dot.Move(fyne.NewPos(p.X-chartDotRadius, p.Y-chartDotRadius))
		dot.Resize(fyne.NewSquareSize(2 * chartDotRadius))
		if i > 0 {
			s := r.segments[i-1]
			s.StrokeColor, s.StrokeWidth = primary, chartLineWidth
			s.Position1, s.Position2 = prev, p
		}
		prev = p
	}

	// Axis labels and ticks.
	values := c.valueLabels()
	if n := int((g.bottom - g.top) / chartValueSpacing); len(values) > 0 && n+1 < len(values) {
		values = c.valueLabelsN(max(n+1, 2))
	}
	dates := c.dateLabels(g.right - g.left)
	n := len(values) + len(dates)
	for len(r.labels) < n {
		r.labels = append(r.labels, canvas.NewText("", fg))
		r.ticks = append(r.ticks, canvas.NewLine(fg))
	}
	r.labels, r.ticks = r.labels[:n], r.ticks[:n]
	for i, l := range values {
		t, tick := r.labels[i], r.ticks[i]
		t.Text, t.Color, t.TextSize, t.Alignment = l.text, fg, caption, fyne.TextAlignTrailing
		ts := t.MinSize()
		y := g.y(c, l.v)
		t.Move(fyne.NewPos(g.left-chartTickLength-2-ts.Width, y-ts.Height/2))
		t.Resize(ts)
		tick.StrokeColor, tick.StrokeWidth = fg, 1
		tick.Position1, tick.Position2 = fyne.NewPos(g.left-chartTickLength, y), fyne.NewPos(g.left, y)
	}
	for j, l := range dates {
		t, tick := r.labels[len(values)+j], r.ticks[len(values)+j]
		t.Text, t.Color, t.TextSize, t.Alignment = l.text, fg, caption, fyne.TextAlignLeading
		ts := t.MinSize()
		x := g.x(c, l.at)
		t.Move(fyne.NewPos(max(min(x-ts.Width/2, size.Width-ts.Width), 0), g.bottom+chartTickLength))
		t.Resize(ts)
		tick.StrokeColor, tick.StrokeWidth = fg, 1
		tick.Position1, tick.Position2 = fyne.NewPos(x, g.bottom), fyne.NewPos(x, g.bottom+chartTickLength)
	}
	r.collect()
}

// layoutBand shades lo..hi, an open edge reaching the plot's edge; hidden
// when there is no band or nothing to plot.
func (r *chartRenderer) layoutBand(g chartGeometry, fill color.Color, empty bool) {
	c := r.c
	r.band.FillColor = premultipliedNRGBA(fill, chartBandAlpha)
	r.band.Hidden = empty || (math.IsNaN(c.lo) && math.IsNaN(c.hi))
	if r.band.Hidden {
		return
	}
	top, bottom := g.top, g.bottom
	if !math.IsNaN(c.hi) {
		top = g.y(c, c.hi)
	}
	if !math.IsNaN(c.lo) {
		bottom = g.y(c, c.lo)
	}
	r.band.Move(fyne.NewPos(g.left, top))
	r.band.Resize(fyne.NewSize(g.right-g.left, max(bottom-top, 1)))
}

// premultipliedNRGBA is c with its alpha scaled by a/255.
func premultipliedNRGBA(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(uint16(n.A) * uint16(a) / 0xff)
	return n
}

// collect lists the objects back to front: the plot, the band, the line
// and the dots, then the axes and the texts.
func (r *chartRenderer) collect() {
	r.objects = r.objects[:0]
	r.objects = append(r.objects, r.bg, r.band)
	for _, s := range r.segments {
		r.objects = append(r.objects, s)
	}
	for _, d := range r.dots {
		r.objects = append(r.objects, d)
	}
	r.objects = append(r.objects, r.xAxis, r.yAxis, r.title, r.caption)
	for i := range r.labels {
		r.objects = append(r.objects, r.ticks[i], r.labels[i])
	}
}
