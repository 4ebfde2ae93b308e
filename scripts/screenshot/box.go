package main

import (
	"image"
	"image/color"
	"image/draw"
)

// boxCell draws the light box-drawing and block characters as lines and
// rectangles that meet their neighbours exactly, as a terminal does (a
// font's glyphs leave gaps between cells). It reports whether s was one
// of them.
func boxCell(img *image.RGBA, r image.Rectangle, s string, c color.Color) bool {
	// Which arms the character has: left, right, up, down.
	arms := map[string][4]bool{
		"─": {true, true, false, false}, "│": {false, false, true, true},
		"┌": {false, true, false, true}, "┐": {true, false, false, true},
		"└": {false, true, true, false}, "┘": {true, false, true, false},
		"├": {false, true, true, true}, "┤": {true, false, true, true},
		"┬": {true, true, false, true}, "┴": {true, true, true, false},
		"┼": {true, true, true, true},
		"╭": {false, true, false, true}, "╮": {true, false, false, true},
		"╰": {false, true, true, false}, "╯": {true, false, true, false},
	}
	u := image.NewUniform(c)
	if a, ok := arms[s]; ok {
		mx, my := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
		if a[0] {
			draw.Draw(img, image.Rect(r.Min.X, my, mx+1, my+1), u, image.Point{}, draw.Src)
		}
		if a[1] {
			draw.Draw(img, image.Rect(mx, my, r.Max.X, my+1), u, image.Point{}, draw.Src)
		}
		if a[2] {
			draw.Draw(img, image.Rect(mx, r.Min.Y, mx+1, my+1), u, image.Point{}, draw.Src)
		}
		if a[3] {
			draw.Draw(img, image.Rect(mx, my, mx+1, r.Max.Y), u, image.Point{}, draw.Src)
		}
		return true
	}
	switch s {
	case "█":
		draw.Draw(img, r, u, image.Point{}, draw.Src)
	case "▀":
		draw.Draw(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, (r.Min.Y+r.Max.Y)/2), u, image.Point{}, draw.Src)
	case "▄":
		draw.Draw(img, image.Rect(r.Min.X, (r.Min.Y+r.Max.Y)/2, r.Max.X, r.Max.Y), u, image.Point{}, draw.Src)
	case "▌":
		draw.Draw(img, image.Rect(r.Min.X, r.Min.Y, (r.Min.X+r.Max.X)/2, r.Max.Y), u, image.Point{}, draw.Src)
	default:
		return false
	}
	return true
}
