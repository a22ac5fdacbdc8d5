package store

import (
	"testing"
	"time"
)

// TestParseStored checks the fast parse against parseTime on stored
// times, edge dates and texts it must hand over: the same time or an
// error in both.
func TestParseStored(t *testing.T) {
	tests := []struct{ name, text string }{
		{"stored", "2025-03-14T09:26:53.589793238Z"},
		{"midnight", "2026-01-01T00:00:00.000000000Z"},
		{"last nanosecond of a year", "1999-12-31T23:59:59.999999999Z"},
		{"leap day", "2024-02-29T12:00:00.000000001Z"},
		{"no leap day", "2025-02-29T12:00:00.000000000Z"},
		{"31 April", "2025-04-31T12:00:00.000000000Z"},
		{"month 13", "2025-13-01T12:00:00.000000000Z"},
		{"day 0", "2025-03-00T12:00:00.000000000Z"},
		{"hour 24", "2025-03-14T24:00:00.000000000Z"},
		{"second 60", "2025-03-14T09:26:60.000000000Z"},
		{"a letter", "2025-03-14T09:2x:53.589793238Z"},
		{"another zone", "2025-03-14T09:26:53.589793238+01:00"},
		{"fewer digits", "2025-03-14T09:26:53.5Z"},
		{"no fraction", "2025-03-14T09:26:53Z"},
		{"lower-case z", "2025-03-14T09:26:53.589793238z"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStored([]byte(tt.text))
			want, werr := parseTime(tt.text)
			if (err == nil) != (werr == nil) || !got.Equal(want) || got.Location() != want.Location() {
				t.Errorf("parseStored(%q) = %v, %v; parseTime gives %v, %v", tt.text, got, err, want, werr)
			}
		})
	}
	// Every stored time of a year, minute by minute, reads back.
	for m := time.Date(2028, 1, 1, 0, 0, 0, 123456789, time.UTC); m.Year() == 2028; m = m.Add(61 * time.Minute) {
		if got, err := parseStored([]byte(formatTime(m))); err != nil || !got.Equal(m) {
			t.Fatalf("parseStored(%q) = %v, %v; want %v", formatTime(m), got, err, m)
		}
	}
}
