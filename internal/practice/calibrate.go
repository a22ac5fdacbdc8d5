package practice

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

// RecordCalibration records the rep reading the calibration passage to
// path (kept beside the baseline it gives), the same way as an own line:
// written while it happens, ending on ctx (Done), after 3 s of silence
// following speech or at 2 minutes, and kept only when complete.
func RecordCalibration(ctx context.Context, rec Recorder, path string, levels chan analysis.LiveStats) (pcm.Clip, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return pcm.Clip{}, fmt.Errorf("record calibration: %w", err)
	}
	clip, err := RecordLine(ctx, rec, path, levels)
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("record calibration: %w", err)
	}
	return clip, nil
}
