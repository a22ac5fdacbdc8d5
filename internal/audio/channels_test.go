package audio

import (
	"slices"
	"testing"
)

// The virtual ALSA devices accept mono, and so does PortAudio's ALSA host API
// on stereo-only hardware (it adapts the channel count itself), so the
// multi-channel paths are tested here on their own.

func TestFirstChannel(t *testing.T) {
	tests := []struct {
		name     string
		src      []float32
		channels int
		want     []float32
	}{
		{name: "mono", src: []float32{1, 2, 3}, channels: 1, want: []float32{1, 2, 3}},
		{name: "stereo", src: []float32{1, -1, 2, -2, 3, -3}, channels: 2, want: []float32{1, 2, 3}},
		{name: "four channels", src: []float32{1, 9, 9, 9, 2, 9, 9, 9}, channels: 4, want: []float32{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]float32, len(tt.src)/tt.channels)
			firstChannel(got, tt.src, tt.channels)
			if !slices.Equal(got, tt.want) {
				t.Errorf("firstChannel = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSpread(t *testing.T) {
	tests := []struct {
		name     string
		src      []float32
		channels int
		want     []float32
	}{
		{name: "mono", src: []float32{1, 2}, channels: 1, want: []float32{1, 2}},
		{name: "stereo", src: []float32{1, 2}, channels: 2, want: []float32{1, 1, 2, 2}},
		{name: "three channels", src: []float32{1, 2}, channels: 3, want: []float32{1, 1, 1, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]float32, len(tt.src)*tt.channels)
			spread(got, tt.src, tt.channels)
			if !slices.Equal(got, tt.want) {
				t.Errorf("spread = %v, want %v", got, tt.want)
			}
		})
	}
}
