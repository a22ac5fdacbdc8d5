package analysis

import (
	"fallback/internal/pcm"
	"fmt"
	"os"
	"testing"
)

func TestDbg(t *testing.T) {
	f := os.Getenv("DBG")
	if f == "" {
		t.Skip()
	}
	c, err := pcm.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	a := newAnalyser(c, 0, DefaultMinPause)
	r := a.run()
	fmt.Printf("floor %.1f thr %.1f noise %.1f\n", dbfs(a.floor), dbfs(a.thr), dbfs(a.noise))
	for _, s := range a.sound {
		fmt.Printf("  %.4f-%.4f\n", float64(s.start)/a.rate, float64(s.end)/a.rate)
	}
	for _, n := range a.nuclei() {
		fmt.Printf(" %.3f(%.0f)", float64(n.t)/a.rate, n.db)
	}
	fmt.Println()
	fmt.Printf("%+v\n", r)
}
