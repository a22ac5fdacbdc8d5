package ui

import (
	"fallback/internal/coach"
	"fallback/internal/practice"
	"fallback/internal/scenario"
)

// ShowTurnReport shows the role-play of sc as it stands after res was
// measured: the per-turn report, built by the screen's own showReport, so
// that a test can render it from a result it wrote by hand (a scripted
// microphone has no clock, so a measured cue differs from run to run).
func (a *App) ShowTurnReport(sc scenario.Scenario, run *practice.Run, res practice.TurnResult) {
	rp := a.showRolePlay(sc, run)
	rp.customerSpeaking(res.Line)
	rp.showReport(res)
}

// ShowCalibrationMeasured shows the calibration screen as it stands once a
// reading measured base (recorded at path).
func (a *App) ShowCalibrationMeasured(base coach.Baseline, path string) {
	a.showCalibration().measured(base, path, nil)
}
