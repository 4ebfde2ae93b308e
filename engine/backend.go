package engine

// Backend names accepted by --git-backend. Which concrete backend a name
// stands for is decided where the program is wired together (app), never
// here: the engine runs whatever git.Backend it is given.
const (
	BackendAuto  = "auto"
	BackendCLI   = "cli"
	BackendGoGit = "go-git"
)
