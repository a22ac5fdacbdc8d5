package ui

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
)

// Meter scale: -60 dBFS (empty) to 0 dBFS (full). Speech into a headset
// sits around -30 to -15 dBFS; below -60 is the noise of a quiet room.
const (
	meterFloorDBFS = -60.0
	meterHotDBFS   = -6.0 // above this the bar turns to the warning colour (near clipping)
)

// LevelMeter is a horizontal bar showing the input level in dBFS.
type LevelMeter struct {
	widget.BaseWidget
	// level holds the dBFS value's bits: atomic, so the renderer and a
	// test may read it while the meter loop sets it.
	level atomic.Uint64
}

// NewLevelMeter returns an empty meter.
func NewLevelMeter() *LevelMeter {
	m := &LevelMeter{}
	m.level.Store(math.Float64bits(math.Inf(-1)))
	m.ExtendBaseWidget(m)
	return m
}

// SetLevel shows a new level (dBFS; -Inf or NaN = silence).
func (m *LevelMeter) SetLevel(dbfs float64) {
	m.level.Store(math.Float64bits(dbfs))
	m.Refresh()
}

// Level is the level shown, in dBFS.
func (m *LevelMeter) Level() float64 { return math.Float64frombits(m.level.Load()) }

// Fraction is how full the bar is, 0..1.
func (m *LevelMeter) Fraction() float32 {
	l := m.Level()
	if math.IsNaN(l) || l <= meterFloorDBFS {
		return 0
	}
	if l >= 0 {
		return 1
	}
	return float32(1 - l/meterFloorDBFS)
}

// CreateRenderer implements fyne.Widget.
func (m *LevelMeter) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 4
	bar := canvas.NewRectangle(theme.Color(theme.ColorNameSuccess))
	bar.CornerRadius = 4
	return &meterRenderer{m: m, bg: bg, bar: bar}
}

type meterRenderer struct {
	m       *LevelMeter
	bg, bar *canvas.Rectangle
}

func (r *meterRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.bar.Resize(fyne.NewSize(size.Width*r.m.Fraction(), size.Height))
}

func (r *meterRenderer) MinSize() fyne.Size { return fyne.NewSize(120, 18) }

func (r *meterRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	var c color.Color = theme.Color(theme.ColorNameSuccess)
	if r.m.Level() > meterHotDBFS {
		c = theme.Color(theme.ColorNameWarning)
	}
	r.bar.FillColor = c
	r.Layout(r.m.Size())
	r.bg.Refresh()
	r.bar.Refresh()
}

func (r *meterRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.bar} }

func (r *meterRenderer) Destroy() {}

// meterLoop shows live levels (and, when clock is set, the time since
// start) at ~30 Hz until ctx ends. It owns no widget state: every update
// goes through fyne.Do.
func meterLoop(ctx context.Context, levels <-chan analysis.LiveStats, m *LevelMeter, clock *widget.Label, watch func(analysis.LiveStats)) {
	start := time.Now()
	tick := time.NewTicker(levelRate)
	defer tick.Stop()
	last := analysis.LiveStats{LevelDBFS: math.Inf(-1)} // nothing heard yet
	for {
		select {
		case <-ctx.Done():
			return
		case st := <-levels:
			last = st
			if watch != nil {
				watch(st)
			}
		case <-tick.C:
			lvl, el := last.LevelDBFS, time.Since(start)
			fyne.Do(func() {
				m.SetLevel(lvl)
				if clock != nil {
					clock.SetText(fmt.Sprintf("%.1f s", el.Seconds()))
				}
			})
		}
	}
}
