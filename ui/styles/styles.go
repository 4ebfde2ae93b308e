package styles

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is the dashboard's look.
type Styles struct {
	Title, Muted, Bold lipgloss.Style

	Header struct {
		Bar, Count, Warn, Bad lipgloss.Style
	}
	Table struct {
		Heading, Cursor, Selected lipgloss.Style
		OK, Bad, Warn, Busy       lipgloss.Style
		Muted                     lipgloss.Style
	}
	Status struct {
		Info, Error lipgloss.Style
	}
	Detail struct {
		Title, Label, Error, Hint lipgloss.Style
	}
	Dialog lipgloss.Style
	Filter struct {
		Prompt, Text lipgloss.Style
	}
	Help help.Styles
}

// New returns the styles for a dark or light background; noColor drops
// every colour.
func New(isDark, noColor bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	var (
		accent = c("#5a3fc0", "#a48cf2")
		green  = c("#1a7f37", "#56d364")
		red    = c("#c0392b", "#ff7b72")
		yellow = c("#9a6700", "#e3b341")
		muted  = c("#6e7781", "#8b949e")
		cursor = c("#dde4f7", "#2d333b")
		fg     = c("#1f2328", "#e6edf3")
	)
	s := &Styles{}
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Muted = lipgloss.NewStyle().Foreground(muted).Faint(noColor)
	s.Bold = lipgloss.NewStyle().Bold(true)

	s.Header.Bar = lipgloss.NewStyle().Foreground(fg)
	s.Header.Count = lipgloss.NewStyle().Bold(true)
	s.Header.Warn = lipgloss.NewStyle().Foreground(yellow).Bold(true)
	s.Header.Bad = lipgloss.NewStyle().Foreground(red).Bold(true)

	s.Table.Heading = lipgloss.NewStyle().Bold(true).Foreground(muted)
	if noColor {
		s.Table.Cursor = lipgloss.NewStyle().Reverse(true)
	} else {
		s.Table.Cursor = lipgloss.NewStyle().Background(cursor).Bold(true)
	}
	s.Table.Selected = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Table.OK = lipgloss.NewStyle().Foreground(green)
	s.Table.Bad = lipgloss.NewStyle().Foreground(red).Bold(noColor)
	s.Table.Warn = lipgloss.NewStyle().Foreground(yellow)
	s.Table.Busy = lipgloss.NewStyle().Foreground(accent)
	s.Table.Muted = s.Muted

	s.Status.Info = lipgloss.NewStyle().Foreground(fg)
	s.Status.Error = lipgloss.NewStyle().Foreground(red).Bold(true)

	s.Detail.Title = s.Title
	s.Detail.Label = lipgloss.NewStyle().Foreground(muted).Width(12)
	s.Detail.Error = lipgloss.NewStyle().Foreground(red)
	s.Detail.Hint = lipgloss.NewStyle().Foreground(yellow)

	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 2)
	s.Filter.Prompt = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Filter.Text = lipgloss.NewStyle().Foreground(fg)

	if noColor {
		s.Help = help.Styles{
			ShortKey: lipgloss.NewStyle().Bold(true), ShortDesc: lipgloss.NewStyle(),
			ShortSeparator: lipgloss.NewStyle(), Ellipsis: lipgloss.NewStyle(),
			FullKey: lipgloss.NewStyle().Bold(true), FullDesc: lipgloss.NewStyle(),
			FullSeparator: lipgloss.NewStyle(),
		}
	} else {
		s.Help = help.DefaultStyles(isDark)
	}
	return s
}
