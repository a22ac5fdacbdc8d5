// Package scenario holds the role-play scenarios a rep practises on: their
// types, the TOML file format, validation that reports every problem with
// file, line and field, and loading from an fs.FS (the embedded library or a
// user folder). It depends on the standard library and the TOML decoder only.
package scenario

import (
	"path"
	"time"
)

// Scenario is one role-play: a customer persona, a brief the rep reads first
// and the customer's turns in order.
type Scenario struct {
	ID         string // unique slug, e.g. "missed-delivery"
	Title      string
	Brief      string // one paragraph the rep reads before starting
	Difficulty int    // 1 (easy) .. 3 (hard)
	Persona    Persona
	Turns      []Turn
	Source     string // file the scenario came from, as named in its fs.FS
}

// Persona is the customer the rep talks to.
type Persona struct {
	Name, Company, Role, Mood string
	// Voice names the synthetic voice tools/voices uses for this customer
	// (e.g. "flite:rms"); the app ignores it.
	Voice string
}

// Turn is one exchange: the customer speaks, the rep answers.
type Turn struct {
	ID   string
	Line Line // the default line; the only line of the first turn
	// Softened is played instead of Line when the rep's previous answer was
	// calm; Escalated when it was hair-trigger, getting louder or speeding up.
	// Both are nil on the first turn and set on every later turn. Which one
	// to play is the coaching logic's decision.
	Softened, Escalated *Line
	// StillThere is the optional "are you still there?" line, played
	// instead of Escalated when the rep left dead air before answering the
	// previous line. Nil when the file gives none (Escalated plays then);
	// always nil on the first turn.
	StillThere *Line
	Step       Step     // the method step the rep should take now
	Model      string   // a model answer
	Checks     []string // self-check items for the rep
	Targets    Targets  // delivery targets that differ from the coach's defaults
}

// Variant names which of a turn's lines is meant. It is the one name of a
// line variant in the app: the coach's decision, the run's result and the
// screens use it; the store's column and the file's table names are
// converted where they are read and written.
type Variant string

// The line variants of a turn; they also name the bundled audio files.
const (
	VariantLine       Variant = "line"
	VariantSoftened   Variant = "softened"
	VariantEscalated  Variant = "escalated"
	VariantStillThere Variant = "still-there"
)

// Variants lists every variant in play order, as Turn.Variant knows them.
var Variants = []Variant{VariantLine, VariantSoftened, VariantEscalated, VariantStillThere}

// Field is the variant's table in a scenario file ("still_there"), or ""
// for VariantLine, whose fields sit in the [[turn]] itself.
func (v Variant) Field() string {
	switch v {
	case VariantLine:
		return ""
	case VariantStillThere:
		return "still_there"
	}
	return string(v)
}

// Variant returns the line for v, or nil if the turn has none.
func (t *Turn) Variant(v Variant) *Line {
	switch v {
	case VariantLine:
		return &t.Line
	case VariantSoftened:
		return t.Softened
	case VariantEscalated:
		return t.Escalated
	case VariantStillThere:
		return t.StillThere
	}
	return nil
}

// Line is something the customer says.
type Line struct {
	Text  string
	Audio string   // path inside the audio fs.FS, slash-separated
	Tags  []string // how the line is delivered: Tag* constants
}

// HasTag reports whether the line carries tag.
func (l Line) HasTag(tag string) bool {
	for _, t := range l.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// DefaultAudio is the audio path a line gets when its file names none:
// voices/<scenario>/<turn>-<variant>.wav. User recordings use the same path
// inside the user folder (see Overlay).
func DefaultAudio(scenarioID, turnID string, v Variant) string {
	return path.Join("voices", scenarioID, turnID+"-"+string(v)+".wav")
}

// Targets are delivery targets for the rep's answer to one turn. A zero
// field means the coach's default band.
type Targets struct {
	MinLatency, MaxLatency time.Duration
}

// The delivery tags of a Line: how it is spoken. Each is measurable, and
// the bundled audio is checked against its tags.
const (
	// TagAngry: loud from the start (mean level well above a calm line).
	TagAngry = "angry"
	// TagEscalating: louder (≥ 2 dB) and faster at the end than at the start.
	TagEscalating = "escalating"
	// TagHesitant: at least one pause (≥ 0.3 s) inside the line.
	TagHesitant = "hesitant"
	// TagCalm: steady level (first and second half within 2 dB).
	TagCalm = "calm"
)

// Tags lists every known delivery tag.
var Tags = []string{TagAngry, TagEscalating, TagHesitant, TagCalm}

func knownTag(t string) bool {
	for _, k := range Tags {
		if k == t {
			return true
		}
	}
	return false
}

// Step is the step of the method ("when under attack, fall back") the rep
// should take in answer to a turn.
type Step string

// The steps of the method, in the order they usually come.
const (
	// StepFallBack: own it, acknowledge the feeling, say an explanation would
	// not help, voice the worst case, ask "Would that be a fair statement?"
	StepFallBack Step = "fall-back"
	// StepOwnMistake: you found the mistake yourself: apologise at once, state
	// the problem plainly and how it happened, blame no one.
	StepOwnMistake Step = "own-mistake"
	// StepNameDemand: for a demand you cannot meet, name it without refusing:
	// "I get the feeling that unless we can do X, we've lost your business."
	StepNameDemand Step = "name-demand"
	// StepExplain: they asked what happened: explain briefly, blame no one,
	// say what you changed so it does not happen again.
	StepExplain Step = "explain"
	// StepInMyShoes: make them part of the solution: "If you were in my
	// shoes, what would you do to make things right?"
	StepInMyShoes Step = "in-my-shoes"
	// StepAlternatives: "What alternatives would you come up with, knowing
	// the constraints I'm under?"
	StepAlternatives Step = "alternatives"
	// StepOfferOptions: offer your best options, three at most, and ask
	// which works.
	StepOfferOptions Step = "offer-options"
	// StepCheckUnderstanding: they paused or sound unsure: slow down,
	// restate simply and check they understood.
	StepCheckUnderstanding Step = "check-understanding"
)

// Steps lists every step in method order.
var Steps = []Step{
	StepFallBack, StepOwnMistake, StepNameDemand, StepExplain,
	StepInMyShoes, StepAlternatives, StepOfferOptions, StepCheckUnderstanding,
}

var hints = map[Step]string{
	StepFallBack:           "Fall back: own it, acknowledge the feeling, voice the worst case, ask \"Would that be a fair statement?\"",
	StepOwnMistake:         "Own the mistake: apologise, say plainly what went wrong and how, blame no one.",
	StepNameDemand:         "Name the demand, don't refuse it: \"I get the feeling that unless we can …, we've lost your business.\"",
	StepExplain:            "They asked what happened: explain briefly, blame no one, say what you've changed.",
	StepInMyShoes:          "Make them part of the solution: \"If you were in my shoes, what would you do to make things right?\"",
	StepAlternatives:       "Ask for their ideas: \"Knowing the constraints I'm under, what alternatives would you come up with?\"",
	StepOfferOptions:       "Offer options, the best three at most, and ask which one works for them.",
	StepCheckUnderstanding: "They're unsure: slow down, say it again simply, check they understood.",
}

// Hint is a one-line reminder of the step for the role-play screen; empty
// for an unknown step.
func Hint(s Step) string { return hints[s] }

// Valid reports whether s is one of the known steps.
func (s Step) Valid() bool { _, ok := hints[s]; return ok }
