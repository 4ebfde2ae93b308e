package difftest

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestCompareSeesEveryField changes one field of a status at a time and
// requires Compare to name it: the harness compares every field, including
// ones added to git.Status after it was written.
func TestCompareSeesEveryField(t *testing.T) {
	want := git.Status{Branch: "main", Upstream: "origin/main", Head: git.Commit{SHA: "a", Subject: "s", Author: "x", Time: time.Unix(1, 0)}}
	typ := reflect.TypeFor[git.Status]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Name == "Head" {
			continue
		}
		got := want
		v := reflect.ValueOf(&got).Elem().Field(i)
		switch v.Kind() {
		case reflect.Bool:
			v.SetBool(!v.Bool())
		case reflect.Int:
			v.SetInt(v.Int() + 1)
		case reflect.String:
			v.SetString(v.String() + "x")
		default:
			t.Fatalf("field %s of kind %s: teach this test to change it", f.Name, v.Kind())
		}
		if !slices.ContainsFunc(Compare("r", want, got), func(d Diff) bool { return d.Field == f.Name }) {
			t.Errorf("Compare did not notice a different %s", f.Name)
		}
	}
	for _, change := range []func(*git.Commit){
		func(c *git.Commit) { c.SHA = "b" },
		func(c *git.Commit) { c.Subject = "t" },
		func(c *git.Commit) { c.Author = "y" },
		func(c *git.Commit) { c.Time = c.Time.In(time.FixedZone("", 3600)) }, // same instant, other zone
	} {
		got := want
		change(&got.Head)
		if len(Compare("r", want, got)) == 0 {
			t.Errorf("Compare did not notice Head %+v != %+v", got.Head, want.Head)
		}
	}
}

// TestHarnessFailsAWrongAnswer runs the comparison with a reader that
// lies by one untracked file, and one that refuses with an error other than
// the accepted ones: both must fail, even in a feature the allow-list
// knows, because the allow-list is per reader.
func TestHarnessFailsAWrongAnswer(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	remote, err := NewRemote(filepath.Join(base, "upstream.git"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(filepath.Join(base, "repo"), remote, 7, Ignore|Changes|Backdate)
	if err != nil {
		t.Fatal(err)
	}
	backend := cli.New()
	liar := reader{"liar", func(ctx context.Context, dir string) (git.Status, error) {
		st, err := backend.Status(ctx, dir)
		st.Untracked++
		return st, err
	}, func(*Repo, error) bool { return false }}
	refuser := reader{"refuser", func(context.Context, string) (git.Status, error) {
		return git.Status{}, errors.New("cannot")
	}, func(_ *Repo, err error) bool { return errors.Is(err, git.ErrUnsupported) }}
	o := check(r, outcome{declined: map[string]bool{}, took: map[string]time.Duration{}}, []reader{liar, refuser})
	if o.err != nil {
		t.Fatal(o.err)
	}
	var fields []string
	for _, d := range o.diffs {
		fields = append(fields, d.Reader+" "+d.Field)
	}
	for _, want := range []string{"liar Untracked", "refuser error"} {
		if !slices.Contains(fields, want) {
			t.Errorf("the harness let %q pass; failures: %q", want, fields)
		}
	}
}
