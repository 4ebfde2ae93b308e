package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Version is the version the built binary reports (`mgit version`).
const Version = "v0.0.0-e2e"

// Build builds github.com/mgit-dev/mgit into dir/mgit and returns its path.
// env is the go command's environment (nil: this process's); a caller that
// moved HOME for git passes the environment from before, so the usual build
// cache serves the build. With GOCOVERDIR set the binary is built with
// -cover, so its runs write coverage data there (README).
func Build(dir string, env []string) (string, error) {
	bin := filepath.Join(dir, "mgit")
	args := []string{"build", "-o", bin,
		"-ldflags", "-X github.com/mgit-dev/mgit/app.buildVersion=" + Version}
	if os.Getenv("GOCOVERDIR") != "" {
		args = append(args, "-cover", "-coverpkg=github.com/mgit-dev/mgit/...")
	}
	cmd := exec.Command("go", append(args, "github.com/mgit-dev/mgit")...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}
