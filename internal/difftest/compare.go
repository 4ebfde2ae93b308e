package difftest

import (
	"fmt"
	"reflect"

	"github.com/mgit-dev/mgit/engine/git"
)

// Diff is one field on which a reader of the repository disagrees with
// git.
type Diff struct {
	Reader string // "cli", "go-git", "quickstatus"
	Field  string // a git.Status field ("Untracked", "Head.Time"), "State()", or "error"
	Git    string // git's answer
	Got    string // the reader's
}

func (d Diff) String() string {
	return fmt.Sprintf("%s %s: git says %s, %s says %s", d.Reader, d.Field, d.Git, d.Reader, d.Got)
}

// Compare returns every field of got that differs from git's want. It
// walks git.Status by reflection, so a field added to Status later is
// compared too (against git's zero value until the oracle learns it).
func Compare(reader string, want, got git.Status) []Diff {
	var diffs []Diff
	add := func(field string, w, g any) {
		diffs = append(diffs, Diff{Reader: reader, Field: field, Git: fmt.Sprint(w), Got: fmt.Sprint(g)})
	}
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		name := wv.Type().Field(i).Name
		if name == "Head" {
			continue
		}
		if w, g := wv.Field(i).Interface(), gv.Field(i).Interface(); !reflect.DeepEqual(w, g) {
			add(name, w, g)
		}
	}
	wh, gh := want.Head, got.Head
	if wh.SHA != gh.SHA {
		add("Head.SHA", wh.SHA, gh.SHA)
	}
	if wh.Subject != gh.Subject {
		add("Head.Subject", fmt.Sprintf("%q", wh.Subject), fmt.Sprintf("%q", gh.Subject))
	}
	if wh.Author != gh.Author {
		add("Head.Author", fmt.Sprintf("%q", wh.Author), fmt.Sprintf("%q", gh.Author))
	}
	_, wOff := wh.Time.Zone()
	_, gOff := gh.Time.Zone()
	if !wh.Time.Equal(gh.Time) || wOff != gOff {
		add("Head.Time", wh.Time.Format("2006-01-02T15:04:05-07:00"), gh.Time.Format("2006-01-02T15:04:05-07:00"))
	}
	if want.State() != got.State() {
		add("State()", want.State(), got.State())
	}
	if want.NeedsAttention() != got.NeedsAttention() {
		add("NeedsAttention()", want.NeedsAttention(), got.NeedsAttention())
	}
	return diffs
}
