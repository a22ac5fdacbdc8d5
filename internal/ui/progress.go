package ui

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/store"
)

// Progress reads what the Progress screen and the Home summary show
// (*store.DB has these methods).
type Progress interface {
	TurnPoints(ctx context.Context, f store.ProgressFilter) ([]store.TurnPoint, error)
	PracticeDays(ctx context.Context, loc *time.Location) ([]time.Time, error)
	ScenarioSummaries(ctx context.Context) ([]store.ScenarioSummary, error)
}

// progressRanges are the date ranges the screen offers, in days back from
// now (0: all). The default is the month: long enough for a trend, short
// enough that old habits do not hide this week's.
var progressRanges = []struct {
	label string
	days  int
}{
	{"Last 7 days", 7}, {"Last 30 days", 30}, {"Last 90 days", 90}, {"All time", 0},
}

// progressDefaultRange is the index in progressRanges shown first.
const progressDefaultRange = 1

// progressAllScenarios is the scenario filter's first option.
const progressAllScenarios = "All scenarios"

// trendWindow is the span of the Home summary's trend: two weeks hold
// several sessions of a rep practising a few times a week, so one bad day
// does not make the trend.
const trendWindow = 14 * 24 * time.Hour

// scrollStep is how far Up and Down scroll the Progress screen: about a
// line of text.
const scrollStep = 40

// progressMetric is one chart of the Progress screen and one candidate of
// the Home summary: how a turn's figure is read, its band and its wording.
type progressMetric struct {
	// title is the chart's title; name the short name of the summary.
	title, name string
	unit        string
	// lo and hi are the target band; NaN is open.
	lo, hi float64
	// value is the turn's figure, NaN when it was not measured.
	value func(p store.TurnPoint) float64
	// note, when set, is shown under the chart (no baseline yet).
	note string
}

// format is v with the metric's unit, as the summary shows it: percent and
// Hz whole (a 1 % or 1 Hz step is below what a rep can hear), the rest
// with one decimal; changes signed.
func (m progressMetric) format(v float64) string {
	dec := 1
	if m.unit == "%" || m.unit == "Hz" {
		dec = 0
	}
	scale := math.Pow(10, float64(dec))
	v = math.Round(v*scale)/scale + 0 // +0: no "-0"
	s := strconv.FormatFloat(v, 'f', dec, 64)
	switch m.unit {
	case "%", "dB", "st":
		if v > 0 {
			s = "+" + s
		}
	}
	return s + " " + m.unit
}

// outside reports whether v lies outside the band (NaN is not).
func (m progressMetric) outside(v float64) bool {
	return (!math.IsNaN(m.lo) && v < m.lo) || (!math.IsNaN(m.hi) && v > m.hi)
}

// hasBand reports whether the metric has a target to miss.
func (m progressMetric) hasBand() bool { return !math.IsNaN(m.lo) || !math.IsNaN(m.hi) }

// spoken is f(p) for a turn with speech, NaN otherwise.
func spoken(p store.TurnPoint, f func() float64) float64 {
	if p.NoSpeech {
		return math.NaN()
	}
	return f()
}

// progressMetrics are the charts in the coach's order, judged against b
// and, for pace and pitch, against the rep's calm baseline when there is
// one.
func progressMetrics(b coach.Bands, base coach.Baseline) []progressMetric {
	nan := math.NaN()
	ms := []progressMetric{{
		title: "Pause before replying", name: "reply pause", unit: "s",
		lo: b.LatencyMin.Seconds(), hi: b.LatencyMax.Seconds(),
		value: func(p store.TurnPoint) float64 { return spoken(p, p.Latency.Seconds) },
	}}
	// Pace compares like with like, as the coach does: the articulation
	// rate when the baseline has one, else the speech rate.
	calm, rate := base.ArticulationRate, func(p store.TurnPoint) float64 { return p.ArticulationRate }
	if calm <= 0 {
		calm, rate = base.SpeechRate, func(p store.TurnPoint) float64 { return p.SpeechRate }
	}
	if calm > 0 {
		ms = append(ms, progressMetric{
			title: "Pace against your calm pace", name: "pace", unit: "%",
			lo: -b.PaceTolerancePct, hi: b.PaceTolerancePct,
			value: func(p store.TurnPoint) float64 {
				return spoken(p, func() float64 {
					if r := rate(p); r > 0 {
						return 100 * (r/calm - 1)
					}
					return nan
				})
			},
		})
	} else {
		ms = append(ms, progressMetric{
			title: "Pace (syllables per second between pauses)", name: "pace", unit: "syl/s",
			lo: nan, hi: nan, note: "Calibrate (Settings) to see your own target.",
			value: func(p store.TurnPoint) float64 {
				return spoken(p, func() float64 { return positive(p.ArticulationRate) })
			},
		})
	}
	ms = append(ms,
		progressMetric{
			title: "Speeding up within the answer", name: "speeding up", unit: "%",
			lo: nan, hi: b.SpeedUpPct,
			value: func(p store.TurnPoint) float64 { return spoken(p, func() float64 { return p.PaceChangePct }) },
		},
		progressMetric{
			title: "Level rise within the answer", name: "level rise", unit: "dB",
			lo: nan, hi: b.LouderDB,
			value: func(p store.TurnPoint) float64 { return spoken(p, func() float64 { return p.TrendDB }) },
		})
	if base.Calibrated() && base.F0MedianHz > 0 {
		ms = append(ms, progressMetric{
			title: "Pitch against your calm pitch", name: "pitch", unit: "st",
			lo: nan, hi: b.TensionST,
			value: func(p store.TurnPoint) float64 {
				return spoken(p, func() float64 {
					if f := positive(p.F0MedianHz); !math.IsNaN(f) {
						return 12 * math.Log2(f/base.F0MedianHz)
					}
					return nan
				})
			},
		})
	} else {
		ms = append(ms, progressMetric{
			title: "Pitch (median)", name: "pitch", unit: "Hz",
			lo: nan, hi: nan, note: "Calibrate (Settings) to see your own target.",
			value: func(p store.TurnPoint) float64 { return spoken(p, func() float64 { return positive(p.F0MedianHz) }) },
		})
	}
	ms = append(ms, progressMetric{
		title: "Longest pause within the answer", name: "longest pause", unit: "s",
		lo: nan, hi: b.LongPause.Seconds(),
		value: func(p store.TurnPoint) float64 { return spoken(p, p.LongestPause.Seconds) },
	})
	return ms
}

// positive is v when it is above 0, else NaN (0 is "not measured").
func positive(v float64) float64 {
	if v > 0 {
		return v
	}
	return math.NaN()
}

// pointReport is the analysis a stored point stands for: the figures the
// coach judges, with "not measured" (NaN) as the zero the coach skips.
func pointReport(p store.TurnPoint) analysis.Report {
	z := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return v
	}
	level, trend := z(p.MeanDBFS), z(p.TrendDB)
	return analysis.Report{
		NoSpeech:         p.NoSpeech,
		Latency:          p.Latency,
		LongestPause:     p.LongestPause,
		SpeechRate:       z(p.SpeechRate),
		ArticulationRate: z(p.ArticulationRate),
		PaceChangePct:    z(p.PaceChangePct),
		MeanDBFS:         level,
		FirstHalfDBFS:    level - trend/2,
		SecondHalfDBFS:   level + trend/2,
		F0MedianHz:       z(p.F0MedianHz),
	}
}

// calm reports whether the coach flags nothing in the turn.
func calm(p store.TurnPoint, b coach.Bands, base coach.Baseline) bool {
	for _, f := range coach.Assess(pointReport(p), b, base) {
		if f.Mark == coach.Flag {
			return false
		}
	}
	return true
}

// calmChunk is the fewest turns a worker of calmTurns takes: the coach
// spends a few µs on a turn, so below this a goroutine costs more than it
// saves.
const calmChunk = 2048

// calmTurns reports for each point whether it is calm, on all the
// processors: judging 40,000 turns (a year of daily practice) takes the
// coach about 0.2 s on one.
func calmTurns(points []store.TurnPoint, b coach.Bands, base coach.Baseline) []bool {
	out := make([]bool, len(points))
	workers := min(runtime.GOMAXPROCS(0), (len(points)+calmChunk-1)/calmChunk)
	if workers <= 1 {
		for i, p := range points {
			out[i] = calm(p, b, base)
		}
		return out
	}
	var wg sync.WaitGroup
	per := (len(points) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*per, min((w+1)*per, len(points))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = calm(points[i], b, base)
			}
		}()
	}
	wg.Wait()
	return out
}

// ScenarioResult is a scenario's practice as its card shows it: how many
// attempts, and the last and the best as "2 of 3 calm" (calm turns of the
// attempt's answered turns).
type ScenarioResult struct {
	Attempts   int
	Last, Best string
}

// scenarioResults are the results per scenario ID of points (oldest first,
// as TurnPoints returns them; the order of attempts is taken from their
// start times in any case). The best attempt has the largest share of calm
// turns; of equal shares, the one with more turns, then the newer.
func scenarioResults(points []store.TurnPoint, b coach.Bands, base coach.Baseline) map[string]ScenarioResult {
	type tally struct {
		scenario string
		started  time.Time
		calm, n  int
	}
	isCalm := calmTurns(points, b, base)
	var order []string
	byID := make(map[string]*tally)
	for i, p := range points {
		t := byID[p.AttemptID]
		if t == nil {
			t = &tally{scenario: p.ScenarioID, started: p.StartedAt}
			byID[p.AttemptID] = t
			order = append(order, p.AttemptID)
		}
		t.n++
		if isCalm[i] {
			t.calm++
		}
	}
	slices.SortStableFunc(order, func(x, y string) int { return byID[x].started.Compare(byID[y].started) })
	type acc struct {
		attempts   int
		last, best *tally
	}
	per := make(map[string]*acc)
	for _, id := range order {
		t := byID[id]
		a := per[t.scenario]
		if a == nil {
			a = &acc{}
			per[t.scenario] = a
		}
		a.attempts++
		a.last = t
		// Cross-multiplied shares: no rounding; later wins ties.
		if a.best == nil || t.calm*a.best.n > a.best.calm*t.n ||
			(t.calm*a.best.n == a.best.calm*t.n && t.n >= a.best.n) {
			a.best = t
		}
	}
	out := make(map[string]ScenarioResult, len(per))
	for sc, a := range per {
		out[sc] = ScenarioResult{Attempts: a.attempts,
			Last: fmt.Sprintf("%d of %d calm", a.last.calm, a.last.n),
			Best: fmt.Sprintf("%d of %d calm", a.best.calm, a.best.n)}
	}
	return out
}

// streak is how many days in a row, ending today or yesterday (a streak
// lasts until a day ends without practice), days holds; days are the
// practice days as PracticeDays returns them, in now's location.
func streak(days []time.Time, now time.Time) int {
	loc := now.Location()
	have := make(map[int64]bool, len(days))
	for _, d := range days {
		have[dayNumber(d, loc)] = true
	}
	day := dayNumber(now, loc)
	if !have[day] {
		day--
	}
	n := 0
	for have[day] {
		n++
		day--
	}
	return n
}

// weekStart is the Monday 00:00 of now's week, in now's location.
func weekStart(now time.Time) time.Time {
	y, m, d := now.Date()
	back := (int(now.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
	return time.Date(y, m, d-back, 0, 0, 0, 0, now.Location())
}

// weekPractice counts the attempts and turns of points started since
// Monday of now's week.
func weekPractice(points []store.TurnPoint, now time.Time) (attempts, turns int) {
	from := weekStart(now)
	seen := make(map[string]bool)
	for _, p := range points {
		if p.StartedAt.Before(from) || p.StartedAt.After(now) {
			continue
		}
		turns++
		if !seen[p.AttemptID] {
			seen[p.AttemptID] = true
			attempts++
		}
	}
	return attempts, turns
}

// practiceLine is the streak and this week's practice ("3-day streak ·
// this week: 2 attempts, 8 turns").
func practiceLine(points []store.TurnPoint, days []time.Time, now time.Time) string {
	var parts []string
	if s := streak(days, now); s > 0 {
		parts = append(parts, fmt.Sprintf("%d-day streak", s))
	} else if len(days) > 0 {
		parts = append(parts, "last practised "+days[len(days)-1].In(now.Location()).Format("Mon 2 Jan"))
	}
	if a, t := weekPractice(points, now); a > 0 {
		parts = append(parts, fmt.Sprintf("this week: %s, %s", plural(a, "attempt"), plural(t, "turn")))
	} else {
		parts = append(parts, "nothing yet this week")
	}
	return strings.Join(parts, " · ")
}

// needsWork picks, among the turns of the last two weeks (to now), the
// metric with a band whose figure was outside it most often, and its trend
// as the mean of the older half of those turns → the mean of the newer
// half; n is how many turns measured it. ok is false when no metric missed
// its band (or nothing was measured in the window).
func needsWork(points []store.TurnPoint, now time.Time, ms []progressMetric) (m progressMetric, from, to float64, n int, ok bool) {
	since := now.Add(-trendWindow)
	bestShare := 0.0
	for _, cand := range ms {
		if !cand.hasBand() {
			continue
		}
		var window []ChartPoint
		out := 0
		for _, p := range points {
			if p.StartedAt.Before(since) || p.StartedAt.After(now) {
				continue
			}
			v := cand.value(p)
			if math.IsNaN(v) {
				continue
			}
			window = append(window, ChartPoint{At: p.StartedAt, Value: v})
			if cand.outside(v) {
				out++
			}
		}
		// The halves are halves in time, whatever order points came in.
		slices.SortStableFunc(window, func(a, b ChartPoint) int { return a.At.Compare(b.At) })
		vals := make([]float64, len(window))
		for i, w := range window {
			vals[i] = w.Value
		}
		if out == 0 {
			continue
		}
		// Strictly greater: of equal shares the earlier metric (the
		// coach's priority) stays.
		if share := float64(out) / float64(len(vals)); share > bestShare {
			bestShare, m, n, ok = share, cand, len(vals), true
			half := len(vals) / 2
			if half == 0 {
				from, to = vals[0], vals[0]
			} else {
				from, to = mean(vals[:half]), mean(vals[len(vals)-half:])
			}
		}
	}
	return m, from, to, n, ok
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// homeSummary is one or two lines for the Home screen: the streak and this
// week's practice, then the metric most in need of work with its trend
// over the last two weeks ("reply pause: 0.3 s → 0.8 s over 2 weeks").
// points are the stored turns (in any order), days the practice days in
// now's location; "" when nothing is stored.
func homeSummary(points []store.TurnPoint, days []time.Time, now time.Time, b coach.Bands, base coach.Baseline) string {
	if len(points) == 0 && len(days) == 0 {
		return ""
	}
	if b == (coach.Bands{}) {
		b = coach.DefaultBands()
	}
	line := practiceLine(points, days, now)
	if m, from, to, n, ok := needsWork(points, now, progressMetrics(b, base)); ok {
		if n < 2 {
			// One turn has no trend.
			line += fmt.Sprintf("\nMost to work on — %s: %s in the last 2 weeks (target %s)", m.name, m.format(to), m.target())
		} else {
			line += fmt.Sprintf("\nMost to work on — %s: %s → %s over 2 weeks (target %s)", m.name, m.format(from), m.format(to), m.target())
		}
	}
	return line
}

// target is the band in words ("0.5–1.5 s", "under +10.0 %").
func (m progressMetric) target() string {
	switch {
	case !math.IsNaN(m.lo) && !math.IsNaN(m.hi):
		return strings.TrimSuffix(m.format(m.lo), " "+m.unit) + " to " + m.format(m.hi)
	case !math.IsNaN(m.hi):
		return "under " + m.format(m.hi)
	case !math.IsNaN(m.lo):
		return "over " + m.format(m.lo)
	}
	return ""
}

// progressScreen is the Progress screen: its filters are its state, load
// reads the database for them and show puts the result on screen.
type progressScreen struct {
	a    *App
	p    Progress
	base coach.Baseline
	open func(attemptID string)
	now  func() time.Time

	scenario  string // ID; "" is all
	rangeIdx  int    // in progressRanges
	summaries []store.ScenarioSummary
	scroll    *container.Scroll
}

// progressData is what one load reads, and what is made of it off the UI
// goroutine (see view).
type progressData struct {
	points    []store.TurnPoint
	days      []time.Time
	summaries []store.ScenarioSummary

	practice string
	metrics  []progressMetric
	series   []progressSeries // one per metric
	results  map[string]ScenarioResult
	titles   map[string]string // scenario titles by ID
	scIDs    []string          // the scenarios of results, by title
}

// progressSeries is a metric's points reduced for its chart.
type progressSeries struct {
	drawn []chartDrawn
	days  int
}

// view fills d's derived fields from its points: the work of the screen
// that does not touch widgets, so that it can run off the UI goroutine.
func (d *progressData) view(b coach.Bands, base coach.Baseline, now time.Time) {
	d.practice = practiceLine(d.points, d.days, now)
	d.metrics = progressMetrics(b, base)
	at := make([]ChartPoint, len(d.points))
	d.series = make([]progressSeries, len(d.metrics))
	for k, m := range d.metrics {
		for i, p := range d.points {
			at[i] = ChartPoint{At: p.StartedAt, Value: m.value(p)}
		}
		d.series[k].drawn, d.series[k].days = chartReduce(at, time.Local)
	}
	d.results = scenarioResults(d.points, b, base)
	d.titles = make(map[string]string)
	for _, p := range d.points {
		d.titles[p.ScenarioID] = p.ScenarioTitle
	}
	d.scIDs = make([]string, 0, len(d.results))
	for id := range d.results {
		d.scIDs = append(d.scIDs, id)
	}
	slices.SortFunc(d.scIDs, func(x, y string) int {
		return strings.Compare(d.titles[x]+"\x00"+x, d.titles[y]+"\x00"+y)
	})
}

// ShowProgressWith shows the Progress screen read from p: a chart per
// metric with its target band (judged against base, the rep's calibration;
// zero is none), filters by scenario and date range (each change reads
// again), per scenario its attempts, last and best, the streak and this
// week's practice. Clicking a point calls open with that turn's attempt ID
// (on the UI goroutine; open may be nil). The database is read off the UI
// goroutine; the screen says "Loading…" meanwhile. Escape goes back,
// Up/Down scroll.
func (a *App) ShowProgressWith(p Progress, base coach.Baseline, open func(attemptID string)) {
	s := &progressScreen{a: a, p: p, base: base, open: open, now: time.Now, rangeIdx: progressDefaultRange}
	s.load()
}

// header is the nav bar, the title and the filters.
func (s *progressScreen) header() fyne.CanvasObject {
	a := s.a
	title := widget.NewLabelWithStyle("Your progress", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if s.p == nil {
		return container.NewVBox(a.nav("Progress"), title)
	}
	names := []string{progressAllScenarios}
	ids := map[string]string{progressAllScenarios: ""}
	selected := progressAllScenarios
	for _, sum := range s.summaries {
		name := sum.ScenarioTitle
		if _, dup := ids[name]; dup || name == "" {
			name = fmt.Sprintf("%s (%s)", sum.ScenarioTitle, sum.ScenarioID)
		}
		names = append(names, name)
		ids[name] = sum.ScenarioID
		if sum.ScenarioID == s.scenario {
			selected = name
		}
	}
	scSel := a.newSelect(names, nil)
	scSel.Selected = selected
	scSel.OnChanged = func(name string) {
		if id, ok := ids[name]; ok && id != s.scenario {
			s.scenario = id
			s.load()
		}
	}
	var rangeNames []string
	for _, r := range progressRanges {
		rangeNames = append(rangeNames, r.label)
	}
	rgSel := a.newSelect(rangeNames, nil)
	rgSel.Selected = progressRanges[s.rangeIdx].label
	rgSel.OnChanged = func(name string) {
		if i := slices.Index(rangeNames, name); i >= 0 && i != s.rangeIdx {
			s.rangeIdx = i
			s.load()
		}
	}
	// Two halves, each drop-down as wide as its half: a select is only as
	// wide as its placeholder otherwise, which cuts long titles short.
	filters := container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, widget.NewLabel("Scenario"), nil, scSel),
		container.NewBorder(nil, nil, widget.NewLabel("Range"), nil, rgSel))
	return container.NewVBox(a.nav("Progress"), title, filters)
}

// filter is the store filter of the current choices.
func (s *progressScreen) filter() store.ProgressFilter {
	f := store.ProgressFilter{ScenarioID: s.scenario}
	if d := progressRanges[s.rangeIdx].days; d > 0 {
		f.Since = s.now().AddDate(0, 0, -d)
	}
	return f
}

// load shows "Loading…" and reads the current choices off the UI
// goroutine, then shows them.
func (s *progressScreen) load() {
	a := s.a
	if s.p == nil {
		msg := widget.NewLabel("Progress is unavailable.\n\n" + Friendly(a.deps.HistoryErr))
		msg.Wrapping = fyne.TextWrapWord
		a.show("Progress", container.NewBorder(s.header(), nil, nil, nil, msg), a.backHome)
		return
	}
	ctx := a.show("Progress", container.NewBorder(s.header(), nil, nil, nil, widget.NewLabel("Loading your progress…")), a.backHome)
	p, f, first := s.p, s.filter(), s.summaries == nil
	bands, base, now := a.deps.Bands, s.base, s.now()
	go func() {
		d, err := readProgress(ctx, p, f, first)
		if err == nil {
			d.view(bands, base, now)
		}
		fyne.Do(func() {
			if ctx.Err() != nil {
				return // the rep has moved on
			}
			if err != nil {
				// Said in the dialog and on the screen, so that nothing
				// read in part passes for the rep's progress.
				msg := widget.NewLabel("Your progress could not be read. " + firstLine(Friendly(err)))
				msg.Wrapping = fyne.TextWrapWord
				a.showError("Cannot read your progress", err)
				a.show("Progress", container.NewBorder(s.header(), nil, nil, nil, msg), a.backHome)
				return
			}
			if first {
				s.summaries = d.summaries
				if s.summaries == nil {
					s.summaries = []store.ScenarioSummary{}
				}
			}
			s.show(d)
		})
	}()
}

// readProgress reads one load: the points of f, the practice days and,
// when summaries is set, the scenario summaries. It stops at the first
// error, returning what it has.
func readProgress(ctx context.Context, p Progress, f store.ProgressFilter, summaries bool) (progressData, error) {
	var d progressData
	var err error
	if summaries {
		if d.summaries, err = p.ScenarioSummaries(ctx); err != nil {
			return d, fmt.Errorf("read scenario summaries: %w", err)
		}
	}
	if d.days, err = p.PracticeDays(ctx, time.Local); err != nil {
		return d, fmt.Errorf("read practice days: %w", err)
	}
	if d.points, err = p.TurnPoints(ctx, f); err != nil {
		return d, fmt.Errorf("read progress points: %w", err)
	}
	return d, nil
}

// show puts d on screen under the header.
func (s *progressScreen) show(d progressData) {
	a := s.a
	body := s.content(d)
	s.scroll = container.NewVScroll(body)
	a.show("Progress", container.NewBorder(s.header(), nil, nil, nil, s.scroll), s.key)
	a.logf("ui: progress shows %s", plural(len(d.points), "turn"))
}

// content is the screen's body for d (whose view is made): the practice
// line and the scenarios, which a glance takes in, then the charts.
func (s *progressScreen) content(d progressData) fyne.CanvasObject {
	a := s.a
	box := container.NewVBox()
	practice := widget.NewLabel(d.practice)
	if len(d.days) == 0 {
		practice.SetText("No practice yet. Choose a scenario and answer the customer: every turn is charted here.")
	}
	practice.Wrapping = fyne.TextWrapWord
	box.Add(practice)

	box.Add(widget.NewLabelWithStyle("By scenario", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	// One label, a line per scenario: no padding between the lines.
	lines := make([]string, 0, len(d.scIDs))
	for _, id := range d.scIDs {
		r := d.results[id]
		lines = append(lines, fmt.Sprintf("%s — %s · last %s · best %s", d.titles[id], plural(r.Attempts, "attempt"), r.Last, r.Best))
	}
	if len(lines) == 0 {
		lines = append(lines, "No attempts in this range.")
	}
	scenarios := widget.NewLabel(strings.Join(lines, "\n"))
	scenarios.Wrapping = fyne.TextWrapWord
	box.Add(scenarios)

	points := d.points
	for k, m := range d.metrics {
		c := NewChart(m.title, m.unit)
		c.lo, c.hi = m.lo, m.hi
		c.setDrawn(d.series[k].drawn, d.series[k].days, len(points))
		c.OnTapped = func(i int) {
			if i >= 0 && i < len(points) && s.open != nil {
				a.logf("ui: progress opens attempt %s", points[i].AttemptID)
				s.open(points[i].AttemptID)
			}
		}
		// Padded like the labels, and clear of the scroll bar.
		box.Add(container.NewPadded(c))
		if m.note != "" {
			n := widget.NewLabel(m.note)
			n.Importance = widget.LowImportance
			box.Add(n)
		}
	}

	return box
}

// key is the screen's key handler: Escape goes back, Up and Down scroll.
func (s *progressScreen) key(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		s.a.ShowHome()
	case fyne.KeyUp, fyne.KeyDown:
		if s.scroll == nil {
			return
		}
		dy := float32(scrollStep)
		if ev.Name == fyne.KeyUp {
			dy = -dy
		}
		s.scroll.ScrollToOffset(fyne.NewPos(0, s.scroll.Offset.Y+dy))
	}
}

// readHomeProgress reads what the Home screen shows of progress: the
// summary of homeSummary and the results of scenarioResults by scenario
// ID, from all stored turns. It reads the database and judges every turn
// (about 0.1 s for 40,000), so call it off the UI goroutine and show the
// result with fyne.Do.
func readHomeProgress(ctx context.Context, p Progress, b coach.Bands, base coach.Baseline, now time.Time) (string, map[string]ScenarioResult, error) {
	if b == (coach.Bands{}) {
		b = coach.DefaultBands()
	}
	days, err := p.PracticeDays(ctx, now.Location())
	if err != nil {
		return "", nil, fmt.Errorf("read practice days: %w", err)
	}
	points, err := p.TurnPoints(ctx, store.ProgressFilter{})
	if err != nil {
		return "", nil, fmt.Errorf("read progress points: %w", err)
	}
	return homeSummary(points, days, now, b, base), scenarioResults(points, b, base), nil
}
