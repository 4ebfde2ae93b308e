// Package repotable is the dashboard's repository table: the rows (one per
// repository, local or upstream-only), how engine events change them, and
// the view of the visible part — cursor, filter, sort and selection.
//
// Rows hold text already passed through safetext.Sanitize: Apply and the
// constructors sanitize everything that came from a repository or a
// server, so rendering never sees a control sequence.
package repotable
