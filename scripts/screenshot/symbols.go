package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// symbolCell draws the symbols the dashboard uses that Go Mono lacks:
// ✓ and ✗ as strokes, ▸ and ⚠ as filled triangles. It reports whether s
// was one of them.
func symbolCell(img *image.RGBA, r image.Rectangle, s string, c color.Color) bool {
	w, h := float64(r.Dx()), float64(r.Dy())
	at := func(fx, fy float64) (float64, float64) { return float64(r.Min.X) + fx*w, float64(r.Min.Y) + fy*h }
	switch s {
	case "✓":
		x0, y0 := at(0.12, 0.55)
		x1, y1 := at(0.4, 0.72)
		x2, y2 := at(0.9, 0.3)
		stroke(img, x0, y0, x1, y1, c)
		stroke(img, x1, y1, x2, y2, c)
	case "✗":
		x0, y0 := at(0.18, 0.3)
		x1, y1 := at(0.82, 0.72)
		stroke(img, x0, y0, x1, y1, c)
		x0, y0 = at(0.82, 0.3)
		x1, y1 = at(0.18, 0.72)
		stroke(img, x0, y0, x1, y1, c)
	case "▸":
		fillTriangle(img, r, c, func(fx, fy float64) bool {
			// Pointing right: narrower toward the tip at fx=0.8.
			return fx >= 0.2 && fx <= 0.8 && math.Abs(fy-0.5) <= 0.2*(0.8-fx)/0.6
		})
	case "⚠":
		fillTriangle(img, r, c, func(fx, fy float64) bool {
			// Pointing up from the baseline at fy=0.78 to the tip at 0.22.
			return fy >= 0.22 && fy <= 0.78 && math.Abs(fx-0.5) <= 0.48*(fy-0.22)/0.56
		})
	default:
		return false
	}
	return true
}

// stroke draws a line about 1.6 pixels wide from (x0,y0) to (x1,y1).
func stroke(img *image.RGBA, x0, y0, x1, y1 float64, c color.Color) {
	n := int(math.Hypot(x1-x0, y1-y0)*3) + 1
	u := image.NewUniform(c)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
		draw.Draw(img, image.Rect(int(x), int(y), int(x+1.6), int(y+1.6)), u, image.Point{}, draw.Src)
	}
}

// fillTriangle sets the pixels of r whose centre, in fractions of r,
// inside accepts.
func fillTriangle(img *image.RGBA, r image.Rectangle, c color.Color, inside func(fx, fy float64) bool) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			fx := (float64(x-r.Min.X) + 0.5) / float64(r.Dx())
			fy := (float64(y-r.Min.Y) + 0.5) / float64(r.Dy())
			if inside(fx, fy) {
				img.Set(x, y, c)
			}
		}
	}
}
