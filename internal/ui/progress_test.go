package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/coach"
	"fallback/internal/store"
)

// memProgress is a Progress over points in memory that records the
// filters it was asked for.
type memProgress struct {
	points []store.TurnPoint
	// gate, when set, holds every read of points until the test sends on
	// it: the test driver runs fyne.Do on the calling goroutine, so a
	// test that changes a widget must be done with it before the read's
	// result is shown.
	gate chan struct{}

	mu      sync.Mutex // guards filters
	filters []store.ProgressFilter
}

func (m *memProgress) TurnPoints(_ context.Context, f store.ProgressFilter) ([]store.TurnPoint, error) {
	if m.gate != nil {
		<-m.gate
	}
	m.mu.Lock()
	m.filters = append(m.filters, f)
	m.mu.Unlock()
	var out []store.TurnPoint
	for _, p := range m.points {
		if (f.ScenarioID == "" || p.ScenarioID == f.ScenarioID) &&
			(f.Since.IsZero() || !p.StartedAt.Before(f.Since)) &&
			(f.Until.IsZero() || p.StartedAt.Before(f.Until)) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m *memProgress) PracticeDays(_ context.Context, loc *time.Location) ([]time.Time, error) {
	var days []time.Time
	for _, p := range m.points {
		y, mo, d := p.StartedAt.In(loc).Date()
		days = append(days, time.Date(y, mo, d, 0, 0, 0, 0, loc))
	}
	// Distinct and oldest first, as the store gives them.
	slices.SortFunc(days, time.Time.Compare)
	return slices.CompactFunc(days, time.Time.Equal), nil
}

func (m *memProgress) ScenarioSummaries(context.Context) ([]store.ScenarioSummary, error) {
	by := map[string]*store.ScenarioSummary{}
	var ids []string
	seen := map[string]bool{}
	for _, p := range m.points {
		s := by[p.ScenarioID]
		if s == nil {
			s = &store.ScenarioSummary{ScenarioID: p.ScenarioID}
			by[p.ScenarioID] = s
			ids = append(ids, p.ScenarioID)
		}
		s.ScenarioTitle, s.LastAttemptID, s.LastStartedAt = p.ScenarioTitle, p.AttemptID, p.StartedAt
		if !seen[p.AttemptID] {
			seen[p.AttemptID] = true
			s.Attempts++
		}
	}
	slices.Sort(ids)
	var out []store.ScenarioSummary
	for _, id := range ids {
		out = append(out, *by[id])
	}
	return out, nil
}

func (m *memProgress) lastFilter() store.ProgressFilter {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.filters[len(m.filters)-1]
}

// calmPoint is a turn the coach flags nothing in (no baseline): a 1 s
// pause before replying, steady pace and level, short pauses.
func calmPoint(attempt, scenario string, at time.Time, index int) store.TurnPoint {
	titles := map[string]string{"late": "Two days late", "bill": "Billed twice"}
	return store.TurnPoint{AttemptID: attempt, ScenarioID: scenario, ScenarioTitle: titles[scenario], StartedAt: at,
		Finished: true, Index: index, Latency: time.Second, LongestPause: 500 * time.Millisecond,
		ArticulationRate: 4.5, SpeechRate: 4, PaceChangePct: 2, TrendDB: 0.5, MeanDBFS: -25, F0MedianHz: 150}
}

// with is p changed by f.
func with(p store.TurnPoint, f func(*store.TurnPoint)) store.TurnPoint { f(&p); return p }

// hairTrigger is a reply so fast the coach flags it.
func hairTrigger(p *store.TurnPoint) { p.Latency = 100 * time.Millisecond }

// noSpeech is an answer in which nothing was heard.
func noSpeech(p *store.TurnPoint) {
	*p = store.TurnPoint{AttemptID: p.AttemptID, ScenarioID: p.ScenarioID, ScenarioTitle: p.ScenarioTitle, StartedAt: p.StartedAt,
		Index: p.Index, NoSpeech: true, ArticulationRate: math.NaN(), SpeechRate: math.NaN(), PaceChangePct: math.NaN(),
		TrendDB: math.NaN(), MeanDBFS: math.NaN(), F0MedianHz: math.NaN()}
}

// screenPoints: "Two days late" twice (1 of 2, then 2 of 2 calm) on the
// last two days, "Billed twice" once today with nothing heard.
func screenPoints(now time.Time) []store.TurnPoint {
	d2, d1 := now.AddDate(0, 0, -2), now.AddDate(0, 0, -1)
	return []store.TurnPoint{
		calmPoint("a1", "late", d2, 0), with(calmPoint("a1", "late", d2, 1), hairTrigger),
		calmPoint("a2", "late", d1, 0), calmPoint("a2", "late", d1, 1),
		with(calmPoint("b1", "bill", now.Add(-time.Minute), 0), noSpeech),
	}
}

// progressUI is an App in a test window whose screens are reported on
// shown.
func progressUI(t testing.TB) (*App, fyne.Window, chan string) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 640))
	shown := make(chan string, 64)
	a := New(w, Deps{Shown: func(s string) { shown <- s }})
	awaitShown(t, shown, "Scenarios")
	return a, w, shown
}

// awaitShown waits for these screens, in order.
func awaitShown(t testing.TB, shown <-chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-shown:
			if got != w {
				t.Fatalf("screen %q, want %q", got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("screen %q never shown", w)
		}
	}
}

// walkObjects calls f on o and everything inside it: containers, scrolls,
// widgets' renderers.
func walkObjects(t *testing.T, o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkObjects(t, c, f)
		}
	case *Chart:
		// Its texts are its own; the tests read them from the chart.
	case fyne.Widget:
		for _, c := range test.TempWidgetRenderer(t, v).Objects() {
			walkObjects(t, c, f)
		}
	}
}

// screenTexts are the labels on screen, one per line, and its charts.
func screenTexts(t *testing.T, w fyne.Window) (string, []*Chart) {
	t.Helper()
	var b strings.Builder
	var charts []*Chart
	walkObjects(t, w.Canvas().Content(), func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *Chart:
			charts = append(charts, v)
		}
	})
	return b.String(), charts
}

// selects are the screen's drop-downs: the scenario filter, then the range.
func selects(t *testing.T, w fyne.Window) []*KeySelect {
	var out []*KeySelect
	walkObjects(t, w.Canvas().Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*KeySelect); ok {
			out = append(out, s)
		}
	})
	if len(out) != 2 {
		t.Fatalf("%d drop-downs on screen, want 2 (scenario, range)", len(out))
	}
	return out
}

func TestProgressScreenShowsChartsAndScenarios(t *testing.T) {
	a, w, shown := progressUI(t)
	now := time.Now()
	p := &memProgress{points: screenPoints(now)}
	a.ShowProgressWith(p, coach.Baseline{}, nil)
	// "Loading…" first, then the content.
	awaitShown(t, shown, "Progress", "Progress")
	got, charts := screenTexts(t, w)
	for _, want := range []string{
		"3-day streak",
		"Two days late — 2 attempts · last 2 of 2 calm · best 2 of 2 calm",
		"Billed twice — 1 attempt · last 0 of 1 calm · best 0 of 1 calm",
		"Calibrate (Settings) to see your own target.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("progress lacks %q:\n%s", want, got)
		}
	}
	var titles []string
	for _, c := range charts {
		titles = append(titles, c.title)
	}
	want := []string{"Pause before replying", "Pace (syllables per second between pauses)", "Speeding up within the answer",
		"Level rise within the answer", "Pitch (median)", "Longest pause within the answer"}
	if !slices.Equal(titles, want) {
		t.Errorf("charts %q, want %q", titles, want)
	}
	// Four turns with speech are charted; the silent one is not.
	if n := charts[0].Drawn(); n != 4 {
		t.Errorf("reply pause chart draws %d points, want 4", n)
	}
	if f := p.lastFilter(); f.ScenarioID != "" || f.Since.IsZero() || now.Sub(f.Since) < 29*24*time.Hour {
		t.Errorf("first read %+v, want all scenarios over the last 30 days", f)
	}
}

func TestProgressWithBaselineJudgesAgainstIt(t *testing.T) {
	a, w, shown := progressUI(t)
	p := &memProgress{points: screenPoints(time.Now())}
	a.ShowProgressWith(p, coach.Baseline{ArticulationRate: 4.5, SpeechRate: 4, F0MedianHz: 150, MeanDBFS: -25}, nil)
	awaitShown(t, shown, "Progress", "Progress")
	got, charts := screenTexts(t, w)
	if strings.Contains(got, "Calibrate") {
		t.Errorf("calibrated, yet the screen asks to calibrate:\n%s", got)
	}
	if charts[1].title != "Pace against your calm pace" || charts[1].unit != "%" || charts[1].lo != -10 || charts[1].hi != 10 {
		t.Errorf("pace chart %q in %q, band %v..%v; want against the calm pace in %%, ±10", charts[1].title, charts[1].unit, charts[1].lo, charts[1].hi)
	}
	// The turns are at the calm pace and pitch: 0 % and 0 semitones.
	for _, c := range []*Chart{charts[1], charts[4]} {
		for _, d := range c.drawn {
			if math.Abs(d.value) > 1e-9 {
				t.Errorf("%s: %v, want 0 at the calm figure", c.title, d.value)
			}
		}
	}
}

func TestProgressFiltersReadAgain(t *testing.T) {
	a, w, shown := progressUI(t)
	now := time.Now()
	p := &memProgress{points: screenPoints(now)}
	a.ShowProgressWith(p, coach.Baseline{}, nil)
	awaitShown(t, shown, "Progress", "Progress")

	sel := selects(t, w)
	if got := sel[0].Options; !slices.Equal(got, []string{"All scenarios", "Billed twice", "Two days late"}) {
		t.Fatalf("scenario options %q", got)
	}
	p.gate = make(chan struct{})
	sel[0].SetSelected("Billed twice")
	p.gate <- struct{}{}
	awaitShown(t, shown, "Progress", "Progress")
	if f := p.lastFilter(); f.ScenarioID != "bill" {
		t.Errorf("after choosing Billed twice, read %+v", f)
	}
	got, _ := screenTexts(t, w)
	if !strings.Contains(got, "Billed twice — 1 attempt") || strings.Contains(got, "Two days late —") {
		t.Errorf("filtered to Billed twice, the screen shows:\n%s", got)
	}
	sel = selects(t, w)
	if sel[0].Selected != "Billed twice" {
		t.Errorf("scenario filter shows %q after the read, want it kept", sel[0].Selected)
	}

	sel[1].SetSelected("Last 7 days")
	p.gate <- struct{}{}
	awaitShown(t, shown, "Progress", "Progress")
	f := p.lastFilter()
	if back := now.Sub(f.Since); f.ScenarioID != "bill" || back < 7*24*time.Hour-time.Hour || back > 7*24*time.Hour+time.Hour {
		t.Errorf("after choosing the last 7 days, read %+v (since %v back), want bill over 7 days", f, back)
	}
	sel = selects(t, w)
	sel[1].SetSelected("All time")
	p.gate <- struct{}{}
	awaitShown(t, shown, "Progress", "Progress")
	if f := p.lastFilter(); !f.Since.IsZero() {
		t.Errorf("all time read since %v, want no bound", f.Since)
	}
}

func TestProgressTapOpensAttempt(t *testing.T) {
	a, w, shown := progressUI(t)
	p := &memProgress{points: screenPoints(time.Now())}
	opened := make(chan string, 1)
	a.ShowProgressWith(p, coach.Baseline{}, func(id string) { opened <- id })
	awaitShown(t, shown, "Progress", "Progress")
	_, charts := screenTexts(t, w)
	c := charts[0]
	if c.Size().Width < chartMinWidth {
		t.Fatalf("chart laid out %v wide", c.Size())
	}
	// The newest drawn point is a2's second turn; the first, a1's first.
	for _, tc := range []struct {
		name string
		d    chartDrawn
		want string
	}{
		{"newest", c.drawn[len(c.drawn)-1], "a2"},
		{"oldest", c.drawn[0], "a1"},
	} {
		// Clicked through the window, as a person does: nothing on the
		// screen (the scroll, the padding) takes the click instead.
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(c.geometry(c.Size()).pos(c, tc.d))
		test.TapCanvas(w.Canvas(), at)
		select {
		case got := <-opened:
			if got != tc.want {
				t.Errorf("%s point opened %q, want %q", tc.name, got, tc.want)
			}
		default:
			t.Errorf("%s point: nothing opened", tc.name)
		}
	}
}

func TestProgressKeys(t *testing.T) {
	a, w, shown := progressUI(t)
	now := time.Now()
	var pts []store.TurnPoint
	for i := range 20 {
		pts = append(pts, calmPoint(fmt.Sprintf("a%d", i), "late", now.Add(-time.Duration(i)*time.Hour), 0))
	}
	a.ShowProgressWith(&memProgress{points: pts}, coach.Baseline{}, nil)
	awaitShown(t, shown, "Progress", "Progress")
	scroll := findScroll(t, w)
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDown})
	if scroll.Offset.Y <= 0 {
		t.Errorf("Down left the screen at offset %v", scroll.Offset)
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyUp})
	if scroll.Offset.Y != 0 {
		t.Errorf("Up after Down left the screen at offset %v, want 0", scroll.Offset)
	}
	// Escape from a focused drop-down goes home too.
	sel := selects(t, w)
	w.Canvas().Focus(sel[1])
	sel[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	awaitShown(t, shown, "Scenarios")
}

func findScroll(t *testing.T, w fyne.Window) *container.Scroll {
	t.Helper()
	var s *container.Scroll
	walkObjects(t, w.Canvas().Content(), func(o fyne.CanvasObject) {
		if v, ok := o.(*container.Scroll); ok && s == nil {
			s = v
		}
	})
	if s == nil {
		t.Fatal("no scroll on screen")
	}
	return s
}

func TestProgressUnavailable(t *testing.T) {
	a, w, shown := progressUI(t)
	a.ShowProgressWith(nil, coach.Baseline{}, nil)
	awaitShown(t, shown, "Progress")
	if got, _ := screenTexts(t, w); !strings.Contains(got, "Progress is unavailable.") {
		t.Errorf("without a reader the screen shows:\n%s", got)
	}
}

func TestProgressWithoutPractice(t *testing.T) {
	a, w, shown := progressUI(t)
	a.ShowProgressWith(&memProgress{}, coach.Baseline{}, nil)
	awaitShown(t, shown, "Progress", "Progress")
	got, charts := screenTexts(t, w)
	if !strings.Contains(got, "No practice yet.") || len(charts) != 6 {
		t.Errorf("empty database: %d charts and\n%s", len(charts), got)
	}
	for _, c := range charts {
		if r := test.TempWidgetRenderer(t, c).(*chartRenderer); r.caption.Hidden {
			t.Errorf("%s: no \"no practice yet\" caption", c.title)
		}
	}
}

func TestHomeSummary(t *testing.T) {
	// Wednesday: the week began on Monday 23 November.
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	days := func(pts []store.TurnPoint) []time.Time {
		d, _ := (&memProgress{points: pts}).PracticeDays(context.Background(), time.UTC)
		return d
	}
	latency := func(d time.Duration) func(*store.TurnPoint) { return func(p *store.TurnPoint) { p.Latency = d } }
	fast := func(p *store.TurnPoint) { p.ArticulationRate = 5.625 } // +25 % on a calm 4.5
	for _, tc := range []struct {
		name   string
		points []store.TurnPoint
		base   coach.Baseline
		want   string
	}{
		{"nothing stored", nil, coach.Baseline{}, ""},
		{"all in band", []store.TurnPoint{
			calmPoint("a", "late", ago(2), 0), calmPoint("b", "late", ago(1), 0), calmPoint("c", "late", ago(0), 0), calmPoint("c", "late", ago(0), 1),
		}, coach.Baseline{}, "3-day streak · this week: 3 attempts, 4 turns"},
		{"reply pause getting better", []store.TurnPoint{
			with(calmPoint("a", "late", ago(12), 0), latency(300*time.Millisecond)),
			with(calmPoint("b", "late", ago(11), 0), latency(300*time.Millisecond)),
			with(calmPoint("c", "late", ago(2), 0), latency(800*time.Millisecond)),
			with(calmPoint("d", "late", ago(1), 0), latency(800*time.Millisecond)),
		}, coach.Baseline{}, "2-day streak · this week: 2 attempts, 2 turns\nMost to work on — reply pause: 0.3 s → 0.8 s over 2 weeks (target 0.5 to 1.5 s)"},
		{"given newest first", []store.TurnPoint{
			with(calmPoint("d", "late", ago(1), 0), latency(800*time.Millisecond)),
			with(calmPoint("c", "late", ago(2), 0), latency(800*time.Millisecond)),
			with(calmPoint("b", "late", ago(11), 0), latency(300*time.Millisecond)),
			with(calmPoint("a", "late", ago(12), 0), latency(300*time.Millisecond)),
		}, coach.Baseline{}, "2-day streak · this week: 2 attempts, 2 turns\nMost to work on — reply pause: 0.3 s → 0.8 s over 2 weeks (target 0.5 to 1.5 s)"},
		{"old practice only", []store.TurnPoint{calmPoint("a", "late", ago(20), 0)}, coach.Baseline{},
			"last practised Thu 5 Nov · nothing yet this week"},
		{"pace against the baseline", []store.TurnPoint{with(calmPoint("a", "late", ago(0), 0), fast)},
			coach.Baseline{ArticulationRate: 4.5, SpeechRate: 4},
			"1-day streak · this week: 1 attempt, 1 turn\nMost to work on — pace: +25 % in the last 2 weeks (target -10 to +10 %)"},
		{"pace without a baseline has no target", []store.TurnPoint{with(calmPoint("a", "late", ago(0), 0), fast)},
			coach.Baseline{}, "1-day streak · this week: 1 attempt, 1 turn"},
		{"the most often missed wins", []store.TurnPoint{
			with(calmPoint("a", "late", ago(1), 0), func(p *store.TurnPoint) { p.LongestPause = 3 * time.Second }),
			with(calmPoint("a", "late", ago(1), 1), func(p *store.TurnPoint) { p.LongestPause = 3 * time.Second; p.TrendDB = 4 }),
		}, coach.Baseline{}, "1-day streak · this week: 1 attempt, 2 turns\nMost to work on — longest pause: 3.0 s → 3.0 s over 2 weeks (target under 2.0 s)"},
		{"equal misses: the coach's order", []store.TurnPoint{
			with(calmPoint("a", "late", ago(1), 0), func(p *store.TurnPoint) { p.LongestPause = 3 * time.Second; p.TrendDB = 4 }),
		}, coach.Baseline{}, "1-day streak · this week: 1 attempt, 1 turn\nMost to work on — level rise: +4.0 dB in the last 2 weeks (target under +2.0 dB)"},
		{"nothing heard", []store.TurnPoint{with(calmPoint("a", "late", ago(0), 0), noSpeech)}, coach.Baseline{},
			"1-day streak · this week: 1 attempt, 1 turn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := homeSummary(tc.points, days(tc.points), now, coach.DefaultBands(), tc.base)
			if got != tc.want {
				t.Errorf("homeSummary:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestStreak(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 30, 0, 0, time.UTC)
	day := func(back int) time.Time { return time.Date(2026, 11, 25-back, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name string
		days []time.Time
		want int
	}{
		{"none", nil, 0},
		{"today", []time.Time{day(0)}, 1},
		{"until yesterday: not broken yet", []time.Time{day(3), day(2), day(1)}, 3},
		{"a gap ends it", []time.Time{day(5), day(4), day(2), day(1), day(0)}, 3},
		{"two days ago: broken", []time.Time{day(3), day(2)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := streak(tc.days, now); got != tc.want {
				t.Errorf("streak %d, want %d", got, tc.want)
			}
		})
	}
}

func TestScenarioResults(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	fast := func(p *store.TurnPoint) { p.ArticulationRate = 5.625 }
	calmBase := coach.Baseline{ArticulationRate: 4.5, SpeechRate: 4}
	for _, tc := range []struct {
		name   string
		points []store.TurnPoint
		base   coach.Baseline
		want   map[string]ScenarioResult
	}{
		{"nothing", nil, coach.Baseline{}, map[string]ScenarioResult{}},
		{"last is best", []store.TurnPoint{
			calmPoint("a1", "late", at(9), 0), with(calmPoint("a1", "late", at(9), 1), hairTrigger),
			calmPoint("a2", "late", at(10), 0), calmPoint("a2", "late", at(10), 1),
		}, coach.Baseline{}, map[string]ScenarioResult{"late": {2, "2 of 2 calm", "2 of 2 calm"}}},
		{"best is older", []store.TurnPoint{
			calmPoint("a1", "late", at(9), 0), calmPoint("a1", "late", at(9), 1),
			calmPoint("a2", "late", at(10), 0), with(calmPoint("a2", "late", at(10), 1), hairTrigger), with(calmPoint("a2", "late", at(10), 2), hairTrigger),
		}, coach.Baseline{}, map[string]ScenarioResult{"late": {2, "1 of 3 calm", "2 of 2 calm"}}},
		{"equal shares: more turns", []store.TurnPoint{
			calmPoint("a1", "late", at(9), 0),
			calmPoint("a2", "late", at(10), 0), calmPoint("a2", "late", at(10), 1),
			calmPoint("a3", "late", at(11), 0),
		}, coach.Baseline{}, map[string]ScenarioResult{"late": {3, "1 of 1 calm", "2 of 2 calm"}}},
		{"nothing heard is not calm", []store.TurnPoint{with(calmPoint("b1", "bill", at(9), 0), noSpeech)},
			coach.Baseline{}, map[string]ScenarioResult{"bill": {1, "0 of 1 calm", "0 of 1 calm"}}},
		{"fast against the baseline", []store.TurnPoint{with(calmPoint("a1", "late", at(9), 0), fast)},
			calmBase, map[string]ScenarioResult{"late": {1, "0 of 1 calm", "0 of 1 calm"}}},
		{"fast without a baseline is a figure only", []store.TurnPoint{with(calmPoint("a1", "late", at(9), 0), fast)},
			coach.Baseline{}, map[string]ScenarioResult{"late": {1, "1 of 1 calm", "1 of 1 calm"}}},
		{"level rise flagged", []store.TurnPoint{with(calmPoint("a1", "late", at(9), 0), func(p *store.TurnPoint) { p.TrendDB = 3 })},
			coach.Baseline{}, map[string]ScenarioResult{"late": {1, "0 of 1 calm", "0 of 1 calm"}}},
		{"scenarios apart, given out of order", []store.TurnPoint{
			calmPoint("b1", "bill", at(12), 0),
			with(calmPoint("a2", "late", at(10), 0), hairTrigger),
			calmPoint("a1", "late", at(9), 0),
		}, coach.Baseline{}, map[string]ScenarioResult{"late": {2, "0 of 1 calm", "1 of 1 calm"}, "bill": {1, "1 of 1 calm", "1 of 1 calm"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scenarioResults(tc.points, coach.DefaultBands(), tc.base)
			if len(got) != len(tc.want) {
				t.Fatalf("results %v, want %v", got, tc.want)
			}
			for id, want := range tc.want {
				if got[id] != want {
					t.Errorf("%s: %+v, want %+v", id, got[id], want)
				}
			}
		})
	}
}

// benchPoints are n attempts of 4 turns over the last year, in four
// scenarios, with figures that vary so that some turns miss their bands.
func benchPoints(n int, now time.Time) []store.TurnPoint {
	scs := []string{"late", "bill", "wrong", "rude"}
	pts := make([]store.TurnPoint, 0, 4*n)
	start := now.AddDate(-1, 0, 0)
	step := now.Sub(start) / time.Duration(n)
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		for k := range 4 {
			p := calmPoint(fmt.Sprintf("att-%05d", i), scs[i%len(scs)], at, k)
			p.ScenarioTitle = p.ScenarioID
			p.Latency = time.Duration(200+(i*7+k*13)%1800) * time.Millisecond
			p.ArticulationRate = 3.5 + float64((i+k)%20)/10
			p.PaceChangePct = float64((i*3+k)%25) - 10
			p.TrendDB = float64((i+k*5)%50)/10 - 2
			p.F0MedianHz = 120 + float64((i*11+k)%60)
			p.LongestPause = time.Duration((i*17+k*7)%3000) * time.Millisecond
			pts = append(pts, p)
		}
	}
	return pts
}

// BenchmarkProgress shows the Progress screen over 10,000 attempts of 4
// turns (all time, so every point is read and charted): the reads of an
// in-memory Progress, the aggregation, the charts and the first paint of
// the window in the test driver.
func BenchmarkProgress(b *testing.B) {
	test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	w.Resize(fyne.NewSize(800, 600))
	shown := make(chan string, 8)
	a := New(w, Deps{Shown: func(s string) { shown <- s }})
	awaitShown(b, shown, "Scenarios")
	now := time.Now()
	p := &memProgress{points: benchPoints(10000, now)}
	base := coach.Baseline{ArticulationRate: 4.5, SpeechRate: 4, F0MedianHz: 150, MeanDBFS: -25}
	b.ResetTimer()
	for range b.N {
		s := &progressScreen{a: a, p: p, base: base, now: time.Now, rangeIdx: len(progressRanges) - 1}
		s.load()
		awaitShown(b, shown, "Progress", "Progress")
		_ = w.Canvas().Capture()
	}
}

func TestReadHomeProgress(t *testing.T) {
	now := time.Now()
	p := &memProgress{points: screenPoints(now)}
	summary, results, err := readHomeProgress(context.Background(), p, coach.Bands{}, coach.Baseline{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(summary, "3-day streak · ") {
		t.Errorf("summary %q, want the 3-day streak first", summary)
	}
	if f := p.lastFilter(); f != (store.ProgressFilter{}) {
		t.Errorf("read %+v, want every turn", f)
	}
	want := map[string]ScenarioResult{"late": {2, "2 of 2 calm", "2 of 2 calm"}, "bill": {1, "0 of 1 calm", "0 of 1 calm"}}
	if len(results) != len(want) || results["late"] != want["late"] || results["bill"] != want["bill"] {
		t.Errorf("results %v, want %v", results, want)
	}
	if _, _, err := readHomeProgress(context.Background(), failingProgress{}, coach.Bands{}, coach.Baseline{}, now); err == nil || !strings.Contains(err.Error(), "read practice days") {
		t.Errorf("a failing read gave %v, want it wrapped with the operation", err)
	}
}

// failingProgress fails every read.
type failingProgress struct{}

var errDiskGone = fmt.Errorf("disk gone")

func (failingProgress) TurnPoints(context.Context, store.ProgressFilter) ([]store.TurnPoint, error) {
	return nil, errDiskGone
}
func (failingProgress) PracticeDays(context.Context, *time.Location) ([]time.Time, error) {
	return nil, errDiskGone
}
func (failingProgress) ScenarioSummaries(context.Context) ([]store.ScenarioSummary, error) {
	return nil, errDiskGone
}

func TestProgressReadErrorIsShown(t *testing.T) {
	a, w, shown := progressUI(t)
	a.ShowProgressWith(failingProgress{}, coach.Baseline{}, nil)
	awaitShown(t, shown, "Progress", "Progress")
	if len(a.dialogs) != 1 {
		t.Fatalf("%d dialogs open, want the error", len(a.dialogs))
	}
	if got, charts := screenTexts(t, w); !strings.Contains(got, "Your progress could not be read.") || len(charts) != 0 {
		t.Errorf("after a failed read the screen shows:\n%s", got)
	}
}
