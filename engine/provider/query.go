package provider

import (
	"fmt"
	"path"
	"strings"
)

// Query selects repositories by org/project/repo shell globs (*, ?, [...]),
// case-insensitively; a segment without glob characters matches exactly.
// Empty segments match everything.
//
// Two-level providers (GitHub, Bitbucket Cloud, Gitea) have no project:
// "org/repo" and "org/*/repo" select the same repositories there, while on
// a three-level provider "org/repo" matches repo in every project.
//
// GitLab subgroups: a repository's Project is its whole subgroup path below
// Org ("a/b"), and the query's project segment is matched against that
// whole path with '*' and '?' allowed to cross '/'. So "grp/*/api" finds
// api in every subgroup at any depth, "grp/team*/api" in team and all its
// descendants (and in "teamx"), "grp/team/api" only directly in team. A
// nested path is written as it is named: with more than three segments the
// first is the org, the last the repository and everything between the
// subgroup path ("grp/team/infra/api": project "team/infra"; globs work in
// each part, "grp/team/*/api" being api one or more levels below team).
type Query struct {
	Org, Project, Repo string
}

// MaxQueryLength bounds a query; real ones are a few dozen bytes.
const MaxQueryLength = 1024

// maxQuerySegments is GitLab's deepest namespace (20 levels of groups)
// plus the repository: no provider names anything deeper.
const maxQuerySegments = 21

// ParseQuery parses "org", "org/repo", "org/project/repo" or, for GitLab
// subgroups, "org/sub/group/repo" (project "sub/group"). A trailing '/'
// and spaces around segments are ignored; empty segments elsewhere, more
// than 21 segments and malformed globs are errors.
func ParseQuery(s string) (Query, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Query{}, fmt.Errorf("parse query: empty (want org, org/repo or org/project/repo)")
	}
	if len(s) > MaxQueryLength {
		// Glob matching costs pattern × name; a bound keeps a query from
		// turning into a CPU sink against long names.
		return Query{}, fmt.Errorf("parse query: %d bytes, at most %d", len(s), MaxQueryLength)
	}
	trimmed := strings.TrimSuffix(s, "/")
	segs := strings.Split(trimmed, "/")
	if len(segs) > maxQuerySegments {
		return Query{}, fmt.Errorf("parse query %q: %d segments, at most %d (org/project/repo, or org/group/…/repo on GitLab)",
			s, len(segs), maxQuerySegments)
	}
	for i, seg := range segs {
		seg = strings.TrimSpace(seg)
		segs[i] = seg
		if seg == "" {
			return Query{}, fmt.Errorf("parse query %q: segment %d is empty", s, i+1)
		}
		if _, err := path.Match(strings.ToLower(seg), ""); err != nil {
			return Query{}, fmt.Errorf("parse query %q: segment %q: bad glob: %w", s, seg, err)
		}
	}
	var q Query
	switch len(segs) {
	case 1:
		q.Org = segs[0]
	case 2:
		q.Org, q.Repo = segs[0], segs[1]
	default:
		q.Org, q.Project, q.Repo = segs[0], strings.Join(segs[1:len(segs)-1], "/"), segs[len(segs)-1]
	}
	return q, nil
}

// String is the query in the form ParseQuery reads.
func (q Query) String() string {
	switch {
	case q.Project == "" && q.Repo == "":
		return q.Org
	case q.Project == "":
		return orStar(q.Org) + "/" + q.Repo
	case q.Repo == "":
		return orStar(q.Org) + "/" + q.Project + "/*"
	default:
		return orStar(q.Org) + "/" + q.Project + "/" + q.Repo
	}
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// Match reports whether r is selected by q.
func (q Query) Match(r Repo) bool {
	if !matchSegment(q.Org, r.Org) || !matchSegment(q.Repo, r.Name) {
		return false
	}
	if r.Project == "" {
		return q.Project == "" || q.Project == "*"
	}
	// '/' → a byte path.Match does not treat specially, so '*' and '?'
	// cross subgroup boundaries (see the Query comment); a nested project
	// pattern ("team/infra") is rewritten the same way.
	sep := func(s string) string { return strings.ReplaceAll(s, "/", "\x1f") }
	return matchSegment(sep(q.Project), sep(r.Project))
}

// OrgIsLiteral reports whether the org segment names one organisation (no
// glob), so a provider can ask for that org's repositories directly.
func (q Query) OrgIsLiteral() bool { return q.Org != "" && !hasGlob(q.Org) }

// ProjectIsLiteral is OrgIsLiteral for the project segment.
func (q Query) ProjectIsLiteral() bool { return q.Project != "" && !hasGlob(q.Project) }

func hasGlob(s string) bool { return strings.ContainsAny(s, `*?[\`) }

// matchSegment matches one segment case-insensitively; an empty pattern
// matches everything and a pattern without glob characters must be equal.
func matchSegment(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	p, n := strings.ToLower(pattern), strings.ToLower(name)
	if !hasGlob(p) {
		return p == n
	}
	ok, err := path.Match(p, n)
	return err == nil && ok
}
