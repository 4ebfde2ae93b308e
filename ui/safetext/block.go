package safetext

import "strings"

// Block is Sanitize for multi-line output (a command's, mgit exec): each
// line, and each tab-separated cell of it so columns stay aligned, is
// sanitized on its own, and the newlines and tabs between them kept. A
// carriage return ending a line (CRLF output) is dropped.
func Block(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		cells := strings.Split(strings.TrimSuffix(l, "\r"), "\t")
		for j, c := range cells {
			cells[j] = Sanitize(c)
		}
		lines[i] = strings.Join(cells, "\t")
	}
	return strings.Join(lines, "\n")
}
