// Package assets embeds the bundled customer-line audio: 16 kHz mono 16-bit
// WAV files under voices/<scenario>/<turn>-<variant>.wav, made by
// tools/voices from the scenario files.
package assets

import "embed"

// FS holds the bundled audio; paths are those in scenario.Line.Audio.
//
//go:embed voices
var FS embed.FS
