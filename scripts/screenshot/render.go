package main

import (
	"bufio"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Cell size in pixels and the font size that fills it.
const (
	fontSize = 15
	cellW    = 9
	cellH    = 19
	pad      = 12 // the terminal window's inner margin
)

// faces are the regular and bold Go Mono faces.
type faces struct{ regular, bold font.Face }

func loadFaces() (faces, error) {
	var f faces
	for _, x := range []struct {
		ttf []byte
		dst *font.Face
	}{{gomono.TTF, &f.regular}, {gomonobold.TTF, &f.bold}} {
		tt, err := opentype.Parse(x.ttf)
		if err != nil {
			return f, err
		}
		*x.dst, err = opentype.NewFace(tt, &opentype.FaceOptions{Size: fontSize, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

// writePNG paints the emulator's screen into the PNG file name.
func writePNG(name string, emu *vt.Emulator) (err error) {
	fc, err := loadFaces()
	if err != nil {
		return err
	}
	img := paint(emu, fc)
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	bw := bufio.NewWriter(f)
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(bw, img); err != nil {
		return err
	}
	return bw.Flush()
}

func paint(emu *vt.Emulator, fc faces) *image.RGBA {
	w, h := emu.Width(), emu.Height()
	img := image.NewRGBA(image.Rect(0, 0, w*cellW+2*pad, h*cellH+2*pad))
	draw.Draw(img, img.Bounds(), image.NewUniform(defaultBg), image.Point{}, draw.Src)
	ascent := fc.regular.Metrics().Ascent.Ceil()
	top := (cellH - fc.regular.Metrics().Height.Ceil()) / 2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := emu.CellAt(x, y)
			if c == nil || c.Width == 0 {
				continue // the second half of a wide character
			}
			fg, bg := colours(c.Style)
			r := image.Rect(pad+x*cellW, pad+y*cellH, pad+(x+max(c.Width, 1))*cellW, pad+(y+1)*cellH)
			draw.Draw(img, r, image.NewUniform(bg), image.Point{}, draw.Src)
			if c.Content == "" || c.Content == " " {
				continue
			}
			if boxCell(img, r, c.Content, fg) || symbolCell(img, r, c.Content, fg) {
				continue
			}
			face := fc.regular
			if c.Style.Attrs&uv.AttrBold != 0 {
				face = fc.bold
			}
			d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: face,
				Dot: fixed.P(r.Min.X, r.Min.Y+top+ascent)}
			d.DrawString(c.Content)
			if c.Style.Underline != uv.UnderlineNone {
				draw.Draw(img, image.Rect(r.Min.X, r.Max.Y-2, r.Max.X, r.Max.Y-1), image.NewUniform(fg), image.Point{}, draw.Src)
			}
		}
	}
	return img
}

// colours are a cell's foreground and background, reverse video and
// faint applied, the terminal's defaults where the cell has none.
func colours(s uv.Style) (fg, bg color.Color) {
	fg, bg = color.Color(defaultFg), color.Color(defaultBg)
	if s.Fg != nil {
		fg = s.Fg
	}
	if s.Bg != nil {
		bg = s.Bg
	}
	if s.Attrs&uv.AttrReverse != 0 {
		fg, bg = bg, fg
	}
	if s.Attrs&uv.AttrFaint != 0 {
		fg = mix(fg, bg, 0.45)
	}
	return fg, bg
}

// mix is a moved toward b by t (0..1).
func mix(a, b color.Color, t float64) color.Color {
	ar, ag, ab, _ := a.RGBA()
	br, bgc, bb, _ := b.RGBA()
	f := func(x, y uint32) uint8 { return uint8((float64(x)*(1-t) + float64(y)*t) / 257) }
	return color.RGBA{f(ar, br), f(ag, bgc), f(ab, bb), 0xff}
}
