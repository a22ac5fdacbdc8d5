package ui

import "testing"

func TestReflow(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"joins hard breaks", "Your truck was\nsupposed to be here.", "Your truck was supposed to be here."},
		{"keeps paragraphs", "One\nline.\n\nTwo.", "One line.\n\nTwo."},
		{"trims and squeezes", "\n  lots   of\tspace \n", "lots of space"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reflow(tt.in); got != tt.want {
				t.Errorf("reflow(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
