package ui

import (
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// chartDay is noon on day d of November 2026, local time.
func chartDay(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.Local) }

// chartRend is c's renderer, laid out at size.
func chartRend(t *testing.T, c *Chart, size fyne.Size) *chartRenderer {
	t.Helper()
	c.Resize(size)
	return test.WidgetRenderer(c).(*chartRenderer)
}

func TestChartTapReportsNearestPoint(t *testing.T) {
	test.NewTempApp(t)
	// Given out of time order: the index is into this slice, not the
	// drawing order. A NaN point is not drawn and never reported.
	pts := []ChartPoint{
		{chartDay(5), 1.2}, {chartDay(1), 0.4}, {chartDay(3), math.NaN()}, {chartDay(9), 2.5}, {chartDay(7), 0.9},
	}
	c := NewChart("Pause before replying", "s")
	c.SetPoints(pts)
	size := fyne.NewSize(400, 200)
	chartRend(t, c, size)
	g := c.geometry(size)
	for _, tc := range []struct {
		name string
		i    int
		dx   float32 // off the point, in units
	}{
		{"first", 1, 0}, {"middle", 0, 0}, {"last", 3, 0}, {"beside", 4, 6}, {"other side", 4, -6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := -1
			calls := 0
			c.OnTapped = func(i int) { got = i; calls++ }
			p := g.pos(c, chartDrawn{at: pts[tc.i].At, value: pts[tc.i].Value})
			test.TapAt(c, p.AddXY(tc.dx, 0))
			if calls != 1 || got != tc.i {
				t.Errorf("tap at point %d: OnTapped(%d) called %d times, want OnTapped(%d) once", tc.i, got, calls, tc.i)
			}
		})
	}
}

func TestChartTapWithoutPointsDoesNothing(t *testing.T) {
	test.NewTempApp(t)
	c := NewChart("Pace", "%")
	called := false
	c.OnTapped = func(int) { called = true }
	chartRend(t, c, fyne.NewSize(300, 150))
	test.TapAt(c, fyne.NewPos(150, 75))
	if called {
		t.Error("OnTapped called on a chart without points")
	}
}

func TestChartRedrawsOnResize(t *testing.T) {
	test.NewTempApp(t)
	c := NewChart("Level rise", "dB")
	c.SetPoints([]ChartPoint{{chartDay(1), 0}, {chartDay(11), 3}})
	w := test.NewTempWindow(t, c)
	w.SetPadded(false)
	last := func() fyne.Position {
		r := test.WidgetRenderer(c).(*chartRenderer)
		d := r.dots[len(r.dots)-1]
		return d.Position().AddXY(chartDotRadius, chartDotRadius)
	}
	w.Resize(fyne.NewSize(400, 200))
	small := last()
	w.Resize(fyne.NewSize(800, 400))
	big := last()
	// The newest point sits at the plot's right edge, a scroll bar in.
	bar := c.Theme().Size(theme.SizeNameScrollBar)
	if math.Abs(float64(small.X-(400-bar))) > 1 || math.Abs(float64(big.X-(800-bar))) > 1 {
		t.Errorf("newest point at x %.1f (400 wide) and %.1f (800 wide), want the right edge", small.X, big.X)
	}
	if big.Y <= small.Y {
		t.Errorf("highest point at y %.1f after growing, was %.1f: the plot did not grow", big.Y, small.Y)
	}
}

func TestChartBand(t *testing.T) {
	test.NewTempApp(t)
	nan := math.NaN()
	pts := []ChartPoint{{chartDay(1), 0.2}, {chartDay(2), 1.0}, {chartDay(3), 2.6}}
	size := fyne.NewSize(400, 200)
	for _, tc := range []struct {
		name     string
		lo, hi   float64
		hidden   bool
		toTop    bool // open above: the shade reaches the top of the plot
		toBottom bool
	}{
		{"closed", 0.5, 1.5, false, false, false},
		{"open below", nan, 2, false, false, true},
		{"open above", 1, nan, false, true, false},
		{"none", nan, nan, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewChart("Pause before replying", "s")
			c.SetPoints(pts)
			c.SetBand(tc.lo, tc.hi)
			r := chartRend(t, c, size)
			if r.band.Hidden != tc.hidden {
				t.Fatalf("band hidden %v, want %v", r.band.Hidden, tc.hidden)
			}
			if tc.hidden {
				return
			}
			g := c.geometry(size)
			top, bottom := r.band.Position().Y, r.band.Position().Y+r.band.Size().Height
			wantTop, wantBottom := g.top, g.bottom
			if !tc.toTop {
				wantTop = g.y(c, tc.hi)
			}
			if !tc.toBottom {
				wantBottom = g.y(c, tc.lo)
			}
			if math.Abs(float64(top-wantTop)) > 0.5 || math.Abs(float64(bottom-wantBottom)) > 0.5 {
				t.Errorf("band from y %.1f to %.1f, want %.1f to %.1f", top, bottom, wantTop, wantBottom)
			}
			// A closed band edge lies within the value range drawn.
			if !math.IsNaN(tc.hi) && (c.v0 > tc.hi || c.v1 < tc.hi) {
				t.Errorf("value range %.2f..%.2f leaves out the band's top %.2f", c.v0, c.v1, tc.hi)
			}
		})
	}
}

func TestChartWithoutPointsSaysSo(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		name    string
		pts     []ChartPoint
		caption string
	}{
		{"none", nil, "no practice yet"},
		{"none measured", []ChartPoint{{chartDay(1), math.NaN()}, {chartDay(2), math.Inf(1)}}, "not measured in these answers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewChart("Pitch", "Hz")
			c.SetPoints(tc.pts)
			c.SetBand(0, 1)
			r := chartRend(t, c, fyne.NewSize(300, 150))
			if r.caption.Hidden || r.caption.Text != tc.caption {
				t.Errorf("caption %q hidden %v, want %q shown", r.caption.Text, r.caption.Hidden, tc.caption)
			}
			if len(r.dots) != 0 || len(r.segments) != 0 || !r.band.Hidden {
				t.Errorf("%d dots, %d segments, band hidden %v: want nothing plotted", len(r.dots), len(r.segments), r.band.Hidden)
			}
		})
	}
	c := NewChart("Pitch", "Hz")
	c.SetPoints([]ChartPoint{{chartDay(1), 120}})
	if r := chartRend(t, c, fyne.NewSize(300, 150)); !r.caption.Hidden || len(r.dots) != 1 {
		t.Errorf("one point: caption hidden %v, %d dots; want the dot and no caption", r.caption.Hidden, len(r.dots))
	}
}

func TestChartAveragesManyPoints(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		name       string
		n, perDay  int
		wantDrawn  int
		wantPerDay int
	}{
		{"few: as given", 150, 50, 150, 0},
		{"many in 10 days: per day", 1000, 100, 10, 1},
		{"one a day for 1000 days: several days each", 1000, 1, 200, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Date(2024, 1, 1, 8, 0, 0, 0, time.Local)
			pts := make([]ChartPoint, tc.n)
			for i := range pts {
				day, k := i/tc.perDay, i%tc.perDay
				// Day d's values average to d.
				pts[i] = ChartPoint{At: start.AddDate(0, 0, day).Add(time.Duration(k) * time.Minute), Value: float64(day) + float64(k%2)*2 - 1}
				if tc.perDay%2 == 1 && k == tc.perDay-1 {
					pts[i].Value = float64(day)
				}
			}
			c := NewChart("Pace", "%")
			c.SetPoints(pts)
			if c.Drawn() != tc.wantDrawn || c.DaysPerPoint() != tc.wantPerDay {
				t.Fatalf("%d points drawn, %d days each; want %d, %d", c.Drawn(), c.DaysPerPoint(), tc.wantDrawn, tc.wantPerDay)
			}
			wantTitle := map[int]string{0: "Pace", 1: "Pace · mean per day", 5: "Pace · mean per 5 days"}[tc.wantPerDay]
			if got := c.titleText(); got != wantTitle {
				t.Errorf("title %q, want %q", got, wantTitle)
			}
			if tc.wantPerDay == 1 {
				for i, d := range c.drawn {
					if math.Abs(d.value-float64(i)) > 1e-9 {
						t.Errorf("day %d: mean %.3f, want %d", i, d.value, i)
					}
					// The tap target is the day's newest point.
					if want := (i+1)*tc.perDay - 1; d.index != want {
						t.Errorf("day %d stands for point %d, want %d (its newest)", i, d.index, want)
					}
				}
			}
			r := chartRend(t, c, fyne.NewSize(1920, 300))
			// Bound: background, band, two axes, title, caption, a dot and a
			// segment per drawn point, five value labels and a date label
			// per chartDateSpacing, each with its tick.
			bound := 6 + 2*chartMaxPoints + 2*(5+1920/chartDateSpacing+1)
			if n := len(r.Objects()); n > bound {
				t.Errorf("%d objects, want ≤ %d", n, bound)
			}
		})
	}
}

func TestChartAxisLabels(t *testing.T) {
	test.NewTempApp(t)
	c := NewChart("Pause before replying", "s")
	c.SetPoints([]ChartPoint{{chartDay(2), 0.4}, {chartDay(6), 1.2}, {chartDay(12), 0.8}})
	r := chartRend(t, c, fyne.NewSize(500, 220))
	var unit, date bool
	for _, l := range r.labels {
		switch {
		case len(l.Text) > 2 && l.Text[len(l.Text)-2:] == " s":
			unit = true
		default:
			// A date within the range shown.
			if d, err := time.ParseInLocation("2 Jan 2006", l.Text+" 2026", time.Local); err == nil &&
				!d.Before(chartDay(1)) && !d.After(chartDay(12)) {
				date = true
			}
		}
	}
	if !unit || !date {
		var got []string
		for _, l := range r.labels {
			got = append(got, l.Text)
		}
		t.Errorf("labels %q: want values with the unit \" s\" and dates between %q and %q", got, chartDay(2).Format("2 Jan"), chartDay(12).Format("2 Jan"))
	}
	if r.title.Text != "Pause before replying" {
		t.Errorf("title %q", r.title.Text)
	}
}

func TestChartFollowsTheTheme(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		name string
		th   fyne.Theme
	}{
		{"test theme", test.Theme()},
		{"ugly test theme", test.NewTheme()},
		{"Fallback theme", NewTheme()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewChart("Pace", "%")
			c.SetPoints([]ChartPoint{{chartDay(1), 1}, {chartDay(2), 5}})
			c.SetBand(-10, 10)
			w := test.NewTempWindow(t, container.NewThemeOverride(c, tc.th))
			w.Resize(fyne.NewSize(400, 200))
			c.Refresh()
			v := fyne.CurrentApp().Settings().ThemeVariant()
			r := test.WidgetRenderer(c).(*chartRenderer)
			if got, want := r.bg.FillColor, tc.th.Color(theme.ColorNameInputBackground, v); got != want {
				t.Errorf("plot background %v, want %v", got, want)
			}
			if got, want := r.dots[0].FillColor, tc.th.Color(theme.ColorNamePrimary, v); got != want {
				t.Errorf("dot %v, want the primary colour %v", got, want)
			}
			want := premultipliedNRGBA(tc.th.Color(theme.ColorNameSuccess, v), chartBandAlpha)
			if got := color.NRGBAModel.Convert(r.band.FillColor); got != want {
				t.Errorf("band %v, want the success colour shaded %v", got, want)
			}
			if r.title.Color != tc.th.Color(theme.ColorNameForeground, v) {
				t.Errorf("title colour %v, want the foreground", r.title.Color)
			}
		})
	}
}

func TestChartMinSize(t *testing.T) {
	test.NewTempApp(t)
	if got := NewChart("x", "s").MinSize(); got.Width < chartMinWidth || got.Height < chartMinHeight {
		t.Errorf("MinSize %v, want at least %d×%d", got, chartMinWidth, chartMinHeight)
	}
}
