package app

import "runtime/debug"

// buildVersion is stamped at link time:
//
//	go build -ldflags "-X github.com/mgit-dev/mgit/app.buildVersion=v1.2.3"
//
// It is a variable only because -X can set nothing else; nothing writes it
// at run time.
var buildVersion string

// version is the stamped version, else what the Go toolchain recorded
// (module version, or the VCS revision of a source build).
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := vcsRevision(info)
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

// vcsRevision is the commit the Go toolchain recorded for a build from a
// checkout, and whether the checkout had local changes.
func vcsRevision(info *debug.BuildInfo) (rev string, dirty bool) {
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	return rev, dirty
}

// buildCommit is the commit the binary was built from, stamped at link time
// next to buildVersion (the Dockerfile, the release and CI workflows):
//
//	go build -ldflags "-X github.com/mgit-dev/mgit/app.buildCommit=$(git rev-parse HEAD)"
//
// Like buildVersion it is a variable only because -X can set nothing else.
var buildCommit string

// commit is the stamped commit, else the VCS revision the Go toolchain
// recorded for a build from a checkout (with -dirty when it had local
// changes), else "".
func commit() string {
	if buildCommit != "" {
		return buildCommit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev, dirty := vcsRevision(info)
	if rev != "" && dirty {
		rev += "-dirty"
	}
	return rev
}
