// Package humanize is how mgit shortens and counts things for people, in
// one place for the engine's messages and both presenters (the dashboard
// and the headless output): an abbreviated commit name (SHA), text cut to
// a display width (Truncate), the singular or plural of a noun (Plural)
// and the age of a commit (Age). Before it each had two to four copies
// that had drifted apart (byte-cut truncation that split runes, "1112d
// ago" in one pane and "3y" in the next).
//
// It is a leaf under engine/ because the engine needs SHA and Truncate for
// its error messages and engine imports nothing of ui; ui and ui/headless
// (which must import no charm.land package) import it freely.
package humanize
