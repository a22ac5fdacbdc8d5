package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The blocked kernels (four outputs or four lags per pass) must give the
// plain dot products, to float32 rounding.
func TestBlockedKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 1))
	x := make([]float32, 4001)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for _, fac := range []int{2, 3, 4, 6} {
		d := decimate(x, float64(8000*fac), 8000)
		taps := lowpassTaps(fac)
		half := len(taps) / 2
		for j := range d.y {
			var want float64
			for i, c := range taps {
				if m := j*fac - half + i; m >= 0 && m < len(x) {
					want += float64(c) * float64(x[m])
				}
			}
			if math.Abs(float64(d.y[j])-want) > 1e-5 {
				t.Fatalf("decimate by %d, output %d: got %g, want %g", fac, j, d.y[j], want)
			}
		}
	}
	y := x[:2000]
	p := prefixSq(y)
	out := make([]float64, 37)
	nccfRange(y, p, 100, 240, 9, out)
	for k, v := range out {
		if want := nccfAt(y, p, 100, 240, 9+k); math.Abs(v-want) > 1e-5 {
			t.Errorf("lag %d: got %g, want %g", 9+k, v, want)
		}
	}
}
