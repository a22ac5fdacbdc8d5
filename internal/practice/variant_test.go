package practice

import (
	"testing"

	"fallback/internal/scenario"
	"fallback/internal/store"
)

// TestVariantRoundTrip: a variant goes into the store's form and comes back
// from it (with the line text the store keeps beside it) unchanged.
func TestVariantRoundTrip(t *testing.T) {
	turn := scenario.Turn{
		Line:       scenario.Line{Text: "Well?"},
		Softened:   &scenario.Line{Text: "OK, what happened?"},
		Escalated:  &scenario.Line{Text: "Don't you dare!"},
		StillThere: &scenario.Line{Text: "Hello? Are you still there?"},
	}
	noStill := turn
	noStill.StillThere = nil
	tests := []struct {
		name       string
		turn       scenario.Turn
		v          scenario.Variant
		wantStored string
	}{
		{"plain line", turn, scenario.VariantLine, store.VariantNormal},
		{"softened", turn, scenario.VariantSoftened, store.VariantSoftened},
		{"escalated", turn, scenario.VariantEscalated, store.VariantEscalated},
		{"still there is stored as the escalated reaction", turn, scenario.VariantStillThere, store.VariantEscalated},
		{"escalated on a turn without a still-there line", noStill, scenario.VariantEscalated, store.VariantEscalated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := StoredVariant(tt.v)
			if stored != tt.wantStored {
				t.Errorf("StoredVariant(%q) = %q, want %q", tt.v, stored, tt.wantStored)
			}
			if back := variantOf(stored, tt.turn, tt.turn.Variant(tt.v).Text); back != tt.v {
				t.Errorf("variantOf(%q) = %q, want %q back", stored, back, tt.v)
			}
		})
	}
}
