package engine

import (
	"slices"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestGitTemplateIsNotLocalWork: what git's default template puts in every
// new repository (sample hooks, an info/exclude of comments, a
// description) is not local work; a hook of one's own and an exclude
// pattern are. This package's TestMain gives git an empty template, so the
// clones of the other tests no longer carry these files: this test keeps
// the case covered.
func TestGitTemplateIsNotLocalWork(t *testing.T) {
	t.Parallel() // TestMain isolated git's configuration
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	base, err := fileWork(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	// As in git 2.39's /usr/share/git-core/templates.
	gittest.WriteFile(t, dir, ".git/hooks/pre-commit.sample", "#!/bin/sh\nexit 0\n")
	gittest.WriteFile(t, dir, ".git/hooks/fsmonitor-watchman.sample", "#!/usr/bin/perl\n")
	gittest.WriteFile(t, dir, ".git/info/exclude", "# git ls-files --others --exclude-from=.git/info/exclude\n"+
		"# Lines that start with '#' are comments.\n# *.[oa]\n# *~\n")
	gittest.WriteFile(t, dir, ".git/description", "Unnamed repository; edit this file 'description' to name the repository.\n")
	got, err := fileWork(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, base) {
		t.Errorf("git's template files count as local work: %q (an empty repository: %q)", got, base)
	}
	gittest.WriteFile(t, dir, ".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n")
	gittest.WriteFile(t, dir, ".git/info/exclude", "# mine\n*.local\n")
	got, err = fileWork(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(base)+2 {
		t.Errorf("an own hook and an exclude pattern: %q, want two reasons more than %q", got, base)
	}
}
