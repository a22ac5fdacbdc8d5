package ui

import "fyne.io/fyne/v2"

// tableLayout lays objects out in rows of len(weights) cells; each column
// gets a share of the width by weight, each row the height of its tallest
// cell at that width (so wrapped labels get the lines they need).
type tableLayout struct {
	weights []float32
}

func (t *tableLayout) widths(total float32) []float32 {
	var sum float32
	for _, w := range t.weights {
		sum += w
	}
	ws := make([]float32, len(t.weights))
	for i, w := range t.weights {
		ws[i] = total * w / sum
	}
	return ws
}

// Layout implements fyne.Layout.
func (t *tableLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := t.widths(size.Width)
	cols := len(ws)
	var y float32
	for r := 0; r*cols < len(objs); r++ {
		row := objs[r*cols : min(len(objs), (r+1)*cols)]
		var h float32
		for i, o := range row {
			o.Resize(fyne.NewSize(ws[i], o.MinSize().Height))
			h = max(h, o.MinSize().Height)
		}
		var x float32
		for i, o := range row {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(ws[i], h))
			x += ws[i]
		}
		y += h
	}
}

// MinSize implements fyne.Layout.
func (t *tableLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	cols := len(t.weights)
	var w, h float32
	for r := 0; r*cols < len(objs); r++ {
		var rowW, rowH float32
		for _, o := range objs[r*cols : min(len(objs), (r+1)*cols)] {
			ms := o.MinSize()
			rowW += ms.Width
			rowH = max(rowH, ms.Height)
		}
		w = max(w, rowW)
		h += rowH
	}
	return fyne.NewSize(w, h)
}
