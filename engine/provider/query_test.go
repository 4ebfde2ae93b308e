package provider

import (
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Query
		wantErr string
	}{
		{in: "acme", want: Query{Org: "acme"}},
		{in: "acme/", want: Query{Org: "acme"}},
		{in: "acme/api", want: Query{Org: "acme", Repo: "api"}},
		{in: "acme/*/api", want: Query{Org: "acme", Project: "*", Repo: "api"}},
		{in: "acme/Platform/api-*", want: Query{Org: "acme", Project: "Platform", Repo: "api-*"}},
		{in: " a?c/[a-c]* ", want: Query{Org: "a?c", Repo: "[a-c]*"}},
		{in: "", wantErr: "empty"},
		{in: "a//b", wantErr: "segment 2 is empty"},
		{in: "/a", wantErr: "segment 1 is empty"},
		{in: "grp/team/infra/api", want: Query{Org: "grp", Project: "team/infra", Repo: "api"}},
		{in: "grp/a/b/*/api-*", want: Query{Org: "grp", Project: "a/b/*", Repo: "api-*"}},
		{in: "a/b//d", wantErr: "segment 3 is empty"},
		{in: strings.Repeat("a/", 21) + "r", wantErr: "at most 21"},
		{in: "acme/api[", wantErr: `segment "api["`},
		{in: "acme/x\\", wantErr: "bad glob"},
	} {
		got, err := ParseQuery(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseQuery(%q) err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseQuery(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestQueryMatch(t *testing.T) {
	gh := Repo{Org: "Acme", Name: "API-Server"}
	ado := Repo{Org: "acme", Project: "Platform", Name: "api"}
	gl := Repo{Org: "grp", Project: "team/infra", Name: "deploy"}
	for _, tc := range []struct {
		q    string
		r    Repo
		want bool
	}{
		{"acme", gh, true},
		{"ACME/api-server", gh, true},
		{"acme/api", gh, false}, // exact, not a prefix
		{"acm", gh, false},
		{"acme/api-*", gh, true},
		{"acme/*/api-server", gh, true}, // two-level accepts org/*/repo
		{"acme/x/api-server", gh, false},
		{"acme/*-server", gh, true},
		{"a?me/[a-b]pi-server", gh, true},
		{"*", gh, true},
		{"*/api-server", gh, true},
		{"acme/api", ado, true}, // no project segment: every project
		{"acme/platform/api", ado, true},
		{"acme/plat/api", ado, false},
		{"acme/*/api", ado, true},
		{"acme/p*/a?i", ado, true},
		{"acme/other/*", ado, false},
		{"grp/*/deploy", gl, true},
		{"grp/team*/deploy", gl, true}, // '*' crosses subgroup boundaries
		{"grp/team/deploy", gl, false}, // exact: only directly in team
		{"grp/team?infra/deploy", gl, true},
		{"grp/team/infra/deploy", gl, true}, // a nested path as GitLab names it
		{"GRP/Team/Infra/deploy", gl, true},
		{"grp/team/*/deploy", gl, true},
		{"grp/team/other/deploy", gl, false},
		{"grp/team/infra/x", gl, false},
		{"grp/infra/team/deploy", gl, false},
		{"grp/team/infra", gl, false},
		{"grp/*/*", gl, true},
	} {
		q, err := ParseQuery(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Match(tc.r); got != tc.want {
			t.Errorf("%q.Match(%+v) = %v, want %v", tc.q, tc.r, got, tc.want)
		}
	}
}

func TestQueryString(t *testing.T) {
	for _, tc := range []struct {
		q    Query
		want string
	}{
		{Query{Org: "a"}, "a"},
		{Query{Org: "a", Repo: "r"}, "a/r"},
		{Query{Org: "a", Project: "*", Repo: "r"}, "a/*/r"},
		{Query{Org: "a", Project: "p"}, "a/p/*"},
		{Query{Repo: "r"}, "*/r"},
	} {
		if got := tc.q.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestFilter(t *testing.T) {
	repos := []Repo{
		{FullName: "acme/api", Name: "api"},
		{FullName: "acme/old", Name: "old", Archived: true},
		{FullName: "acme/fork", Name: "fork", Fork: true},
		{FullName: "acme/legacy-ui", Name: "legacy-ui"},
		{FullName: "acme/Platform/Legacy-db", Name: "Legacy-db"},
		{FullName: "acme/Platform/frozen", Name: "frozen", Disabled: true},
	}
	names := func(rs []Repo) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		opts FilterOptions
		want string
	}{
		{FilterOptions{}, "api,legacy-ui,Legacy-db"},
		{FilterOptions{IncludeArchived: true}, "api,old,legacy-ui,Legacy-db"},
		{FilterOptions{IncludeForks: true}, "api,fork,legacy-ui,Legacy-db"},
		// Azure DevOps lists disabled repositories; they cannot be cloned.
		{FilterOptions{IncludeDisabled: true}, "api,legacy-ui,Legacy-db,frozen"},
		{FilterOptions{Exclude: []string{"acme/legacy-*"}}, "api,Legacy-db"},
		{FilterOptions{Exclude: []string{"*/*/legacy-*", "ACME/API"}}, "legacy-ui"},
		{FilterOptions{Exclude: []string{"acme/leg"}}, "api,legacy-ui,Legacy-db"},
	} {
		if got := names(Filter(repos, tc.opts)); got != tc.want {
			t.Errorf("Filter(%+v) = %s, want %s", tc.opts, got, tc.want)
		}
	}
	if ValidateGlob("a[") == nil || ValidateGlob("a/*") != nil {
		t.Error("ValidateGlob misjudged a[ or a/*")
	}
}

// FuzzParseQuery checks that parsing never panics, that a parsed query
// prints back to an equivalent one, and that Match never panics on it.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"acme", "acme/api", "acme/*/api", "a/b/c/d", "a//b", "x[", "[a-z]?/r*", `a\*/b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			return
		}
		q2, err := ParseQuery(q.String())
		if err != nil {
			t.Fatalf("ParseQuery(%q).String() = %q does not parse: %v", s, q.String(), err)
		}
		r := Repo{Org: q.Org, Project: q.Project, Name: q.Repo}
		if q.Match(r) != q2.Match(r) {
			t.Fatalf("%q and its String %q disagree on %+v", s, q.String(), r)
		}
		_ = q.Match(Repo{Org: "o", Project: "a/b", Name: "n"})
	})
}

func TestParseQueryRefusesHugeQuery(t *testing.T) {
	if _, err := ParseQuery(strings.Repeat("*a", MaxQueryLength)); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("err = %v, want a length error", err)
	}
}
