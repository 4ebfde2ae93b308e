package provider

// Query selects repositories by org/project/repo shell globs (*, ?, [...]),
// case-insensitively; a segment without glob characters matches exactly.
// Empty segments match everything.
type Query struct {
	Org, Project, Repo string
}
