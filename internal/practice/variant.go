package practice

import (
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// StoredVariant is v as the store's variant column keeps it: the
// customer's reaction (store.VariantNormal for the plain line,
// store.VariantSoftened, store.VariantEscalated). The "are you still
// there?" line is the escalated reaction to dead air and is stored as
// escalated; the turn's stored line text says which line played. This and
// variantOf are the only places a variant changes form.
func StoredVariant(v scenario.Variant) string {
	switch v {
	case scenario.VariantSoftened:
		return store.VariantSoftened
	case scenario.VariantEscalated, scenario.VariantStillThere:
		return store.VariantEscalated
	}
	return store.VariantNormal
}

// variantOf is the variant of a stored turn answering t whose line read
// text: the reverse of StoredVariant, which tells the still-there line from
// the escalated one by its text.
func variantOf(stored string, t scenario.Turn, text string) scenario.Variant {
	switch stored {
	case store.VariantSoftened:
		return scenario.VariantSoftened
	case store.VariantEscalated:
		if t.StillThere != nil && t.StillThere.Text == text && (t.Escalated == nil || t.Escalated.Text != text) {
			return scenario.VariantStillThere
		}
		return scenario.VariantEscalated
	}
	return scenario.VariantLine
}
