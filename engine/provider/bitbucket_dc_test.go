package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// bbdcRepoJSON is a repository as /rest/api/1.0 documents it.
func bbdcRepoJSON(key, slug, name, extra string) string {
	return fmt.Sprintf(`{
      "slug": %[2]q, "id": 1, "name": %[3]q, "scmId": "git", "state": "AVAILABLE", "forkable": true,
      "project": {"key": %[1]q, "id": 1, "name": "My Project", "public": false, "type": "NORMAL"},
      "public": false,
      "links": {
        "clone": [
          {"href": "ssh://git@bb.example.com:7999/%[1]s/%[2]s.git", "name": "ssh"},
          {"href": "https://admin@bb.example.com/scm/%[1]s/%[2]s.git", "name": "http"}
        ],
        "self": [{"href": "https://bb.example.com/projects/%[1]s/repos/%[2]s/browse"}]
      }%[4]s
    }`, key, slug, name, extra)
}

func bbdcFake(t *testing.T) *hostFake {
	return newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+fakeToken {
			writeJSON(w, 401, `{"errors": [{"context": null, "message": "Authentication failed. Please check your credentials and try again.", "exceptionName": "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"}]}`)
			return
		}
		w.Header().Set("X-AUSERNAME", "jdoe")
		start := r.URL.Query().Get("start")
		switch r.URL.Path {
		case "/rest/api/1.0/projects/PRJ/repos":
			if r.URL.Query().Get("limit") != "100" {
				writeJSON(w, 400, `{"errors": [{"message": "want limit"}]}`)
				return
			}
			if start == "" || start == "0" {
				writeJSON(w, 200, `{"size": 1, "limit": 1, "start": 0, "isLastPage": false, "nextPageStart": 1, "values": [`+
					bbdcRepoJSON("PRJ", "my-repo", "My Repo", `, "archived": true`)+`]}`)
				return
			}
			writeJSON(w, 200, `{"size": 1, "limit": 1, "start": 1, "isLastPage": true, "values": [`+
				bbdcRepoJSON("PRJ", "fork", "Fork", `, "origin": {"slug": "up", "project": {"key": "UP"}}`)+`]}`)
		case "/rest/api/1.0/projects/EMPTY/repos":
			writeJSON(w, 200, `{"size": 0, "limit": 100, "start": 0, "isLastPage": true, "values": []}`)
		case "/rest/api/1.0/projects/LOOP/repos":
			writeJSON(w, 200, `{"size": 0, "limit": 100, "start": 0, "isLastPage": false, "values": []}`)
		case "/rest/api/1.0/projects/BROKEN/repos":
			writeJSON(w, 200, `{"values": [`)
		case "/rest/api/1.0/repos":
			writeJSON(w, 200, `{"size": 2, "limit": 100, "start": 0, "isLastPage": true, "values": [`+
				bbdcRepoJSON("PRJ", "my-repo", "My Repo", "")+`,`+bbdcRepoJSON("~JDOE", "scratch", "Scratch", "")+`]}`)
		default:
			writeJSON(w, 404, `{"errors": [{"context": null, "message": "Project NOPE does not exist.", "exceptionName": "com.atlassian.bitbucket.project.NoSuchProjectException"}]}`)
		}
	})
}

func newBBDCTest(t *testing.T, f *hostFake, token string) *bitbucketDC {
	t.Helper()
	cfg := f.config(KindBitbucket)
	cfg.Token = token
	cfg.URL = f.srv.URL
	p, err := newBitbucket(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p.(*bitbucketDC)
}

func TestBitbucketDCPagesAndMapping(t *testing.T) {
	f := bbdcFake(t)
	b := newBBDCTest(t, f, fakeToken)
	repos, err := b.List(context.Background(), mustQuery(t, "prj/*"))
	if err != nil {
		t.Fatal(err)
	}
	if names(repos) != "PRJ/fork,PRJ/my-repo" {
		t.Fatalf("repos = %q", names(repos))
	}
	fork, mine := repos[0], repos[1]
	if !mine.Archived || mine.Fork || mine.Org != "PRJ" || mine.Project != "" || mine.Name != "my-repo" ||
		mine.CloneURL != "https://bb.example.com/scm/PRJ/my-repo.git" || mine.SSHURL != "ssh://git@bb.example.com:7999/PRJ/my-repo.git" ||
		mine.Host != "bb.example.com" || !mine.Private || mine.DefaultBranch != "" {
		t.Errorf("mapped %+v", mine)
	}
	if !fork.Fork || fork.Archived {
		t.Errorf("fork mapped %+v", fork)
	}
	if got := f.requests(); len(got) != 2 || got[1].Query != "limit=100&start=1" {
		t.Errorf("requests %+v", got)
	}
	// Two-level: org/*/repo works as org/repo.
	if r, err := b.List(context.Background(), mustQuery(t, "PRJ/*/my-repo")); err != nil || names(r) != "PRJ/my-repo" {
		t.Errorf("org/*/repo: %q %v", names(r), err)
	}
}

func TestBitbucketDCGlobListsAllRepos(t *testing.T) {
	f := bbdcFake(t)
	repos, err := newBBDCTest(t, f, fakeToken).List(context.Background(), mustQuery(t, "~*"))
	if err != nil || names(repos) != "~JDOE/scratch" {
		t.Fatalf("%q %v", names(repos), err)
	}
	if got := f.requests(); len(got) != 1 || got[0].Path != "/rest/api/1.0/repos" {
		t.Errorf("requests %+v", got)
	}
}

func TestBitbucketDCErrorsAndValidate(t *testing.T) {
	f := bbdcFake(t)
	b := newBBDCTest(t, f, fakeToken)
	for q, want := range map[string]error{"NOPE": ErrNotFound, "BROKEN": ErrBadResponse, "LOOP": ErrBadResponse} {
		if _, err := b.List(context.Background(), mustQuery(t, q)); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", q, err, want)
		}
	}
	if r, err := b.List(context.Background(), mustQuery(t, "EMPTY")); err != nil || len(r) != 0 {
		t.Errorf("empty project: %v %v", r, err)
	}
	if id, err := b.Validate(context.Background()); err != nil || id.Login != "jdoe" {
		t.Errorf("validate = %+v %v", id, err)
	}
	bad := newBBDCTest(t, f, "wrong")
	if _, err := bad.Validate(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("bad token validate err = %v", err)
	}
	if _, err := bad.List(context.Background(), mustQuery(t, "PRJ")); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("bad token list err = %v", err)
	}
	anon := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"size": 0, "limit": 1, "start": 0, "isLastPage": true, "values": []}`)
	})
	if _, err := newBBDCTest(t, anon, fakeToken).Validate(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("anonymous answer err = %v", err)
	}
}
