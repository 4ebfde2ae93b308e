// Package styles holds every lipgloss style of the dashboard in one Styles
// value, chosen for a light or a dark background, or colourless when
// NO_COLOR is set (then emphasis is bold, faint and reverse only).
package styles
