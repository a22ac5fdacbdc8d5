package store

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// TestWriteJSONLayout checks that writing attempt by attempt gives the
// bytes of encoding the whole file at once, for empty and full lists.
func TestWriteJSONLayout(t *testing.T) {
	finished := "2025-03-14T09:30:00.000000000Z"
	turn := exportTurn{ID: "t", CueMS: number(1.5), MeanDBFS: number(math.NaN()), FirstHalfDBFS: number(math.Inf(-1)),
		SelfChecks: []selfCheckJSON{{Text: "a <b> & c", Done: true}}, Pauses: []exportPause{{number(1), number(2)}}}
	attempts := []exportAttempt{
		{ID: "a1", FinishedAt: &finished, Turns: []exportTurn{turn, turn}},
		{ID: "a2", Turns: []exportTurn{}},
	}
	baselines := []exportBaseline{{ID: "b1", SpeechRate: number(4)}, {ID: "b2"}}
	tests := []struct {
		name string
		f    exportFile
	}{
		{"empty", exportFile{Attempts: []exportAttempt{}, Baselines: []exportBaseline{}}},
		{"attempts only", exportFile{Attempts: attempts, Baselines: []exportBaseline{}}},
		{"baselines only", exportFile{Attempts: []exportAttempt{}, Baselines: baselines}},
		{"both, with since", exportFile{Since: "2025-01-01T00:00:00.000000000Z", Attempts: attempts, Baselines: baselines}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Format, tt.f.FormatVersion, tt.f.AppVersion = exportFormat, ExportFormatVersion, "1.2.3"
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(&tt.f); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := writeJSON(&got, &tt.f); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}
