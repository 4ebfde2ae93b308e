package main

import (
	"image/color"
	"testing"

	"github.com/charmbracelet/x/vt"
)

// The picture keeps the terminal's colours: a cell drawn in red on blue
// is blue behind red strokes, reverse video swaps them, and an empty
// cell is the default background.
func TestPaintKeepsColours(t *testing.T) {
	emu := vt.NewEmulator(4, 2)
	emu.SetDefaultForegroundColor(defaultFg)
	emu.SetDefaultBackgroundColor(defaultBg)
	_, _ = emu.Write([]byte("\x1b[38;2;255;0;0;48;2;0;0;255mW\x1b[0m \x1b[7mM\x1b[0m"))
	fc, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	img := paint(emu, fc)
	count := func(x0 int, want color.RGBA) int {
		n := 0
		for y := pad; y < pad+cellH; y++ {
			for x := pad + x0*cellW; x < pad+(x0+1)*cellW; x++ {
				if img.RGBAAt(x, y) == want {
					n++
				}
			}
		}
		return n
	}
	blue, red := color.RGBA{0, 0, 255, 255}, color.RGBA{255, 0, 0, 255}
	if count(0, blue) == 0 || count(0, red) == 0 {
		t.Errorf("cell 0: %d blue and %d red pixels, want both", count(0, blue), count(0, red))
	}
	if n := count(1, defaultBg); n != cellW*cellH {
		t.Errorf("empty cell: %d of %d pixels in the default background", n, cellW*cellH)
	}
	if count(2, defaultFg) < cellW*cellH/2 {
		t.Errorf("reverse video: the cell is not mostly the default foreground")
	}
	if got := img.RGBAAt(1, 1); got != defaultBg {
		t.Errorf("margin is %v, want the background", got)
	}
}

func TestSettled(t *testing.T) {
	var all string
	for _, st := range states() {
		all += st.name + "\n"
	}
	for _, n := range notCloned {
		all += n + "\n"
	}
	if !settled(all) {
		t.Error("every repository shown, none waiting: want settled")
	}
	if settled(all + "refreshing") {
		t.Error("a refresh in progress: want not settled")
	}
	if settled("acme/docs") {
		t.Error("most repositories missing: want not settled")
	}
}
