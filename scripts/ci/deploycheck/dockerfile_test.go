package deploycheck

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func parseRepoDockerfile(t *testing.T) *Dockerfile {
	t.Helper()
	df, err := ParseDockerfile(bytes.NewReader(readFile(t, filepath.Join(repoRoot(t), "Dockerfile"))))
	if err != nil {
		t.Fatalf("parse Dockerfile: %v", err)
	}
	return df
}

func TestDockerfileLintClean(t *testing.T) {
	df := parseRepoDockerfile(t)
	for _, p := range Lint(df) {
		t.Errorf("Dockerfile: %s", p)
	}
}

// TestDockerfileStampsTheVersionVariable: each -X target of the version and
// the commit must be a string variable of package app (in any of its
// files), or the stamp silently does nothing.
func TestDockerfileStampsTheVersionVariable(t *testing.T) {
	df := parseRepoDockerfile(t)
	build := strings.Join(args(Find(df.Instructions, "RUN")), " ")
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "app", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var src []byte
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			src = append(src, readFile(t, f)...)
		}
	}
	for _, arg := range []string{"VERSION", "COMMIT"} {
		m := regexp.MustCompile(`-X github.com/mgit-dev/mgit/app\.(\w+)=\$\{` + arg + `\}`).FindStringSubmatch(build)
		if m == nil {
			t.Errorf("the build does not stamp ${%s} into package app: %s", arg, build)
			continue
		}
		if !regexp.MustCompile(`(?m)^var ` + m[1] + ` string`).Match(src) {
			t.Errorf("app.%s is stamped with ${%s} but package app declares no such string variable", m[1], arg)
		}
	}
}

// TestDockerfileRuntimeLayout checks what the distroless simulation also
// relies on: every writable path under the one volume.
func TestDockerfileRuntimeLayout(t *testing.T) {
	df := parseRepoDockerfile(t)
	final := df.Final()
	env := strings.Join(args(Find(final, "ENV")), " ")
	for _, v := range []string{"HOME=/data/", "XDG_CONFIG_HOME=/data/", "XDG_CACHE_HOME=/data/", "XDG_STATE_HOME=/data/"} {
		if !strings.Contains(env, v) {
			t.Errorf("runtime ENV lacks %s…: with a read-only root only /data is writable", v)
		}
	}
	if vol := Find(final, "VOLUME"); len(vol) != 1 || !strings.Contains(vol[0].Args, `"/data"`) {
		t.Errorf("want exactly VOLUME [\"/data\"], got %v", vol)
	}
	// The listener address comes from MGIT_METRICS_ADDR, which `mgit
	// health` (the HEALTHCHECK) reads too: one setting moves both.
	if !strings.Contains(env, "MGIT_METRICS_ADDR=0.0.0.0:") {
		t.Error("runtime ENV lacks MGIT_METRICS_ADDR=0.0.0.0:…: sync would serve no metrics and the HEALTHCHECK would probe nothing")
	}
	cmd, _ := Find(final, "CMD")[0].ExecForm()
	joined := strings.Join(cmd, " ")
	for _, want := range []string{"--no-tui", "--dir /data/repos"} {
		if !strings.Contains(joined, want) {
			t.Errorf("default CMD %q lacks %q", joined, want)
		}
	}
	if strings.Contains(joined, "--metrics-addr") {
		t.Errorf("default CMD %q sets --metrics-addr: the HEALTHCHECK would not follow a changed address; use MGIT_METRICS_ADDR", joined)
	}
	// Owned by the nonroot user, group 0 with the owner's rights (g=u in
	// the build stage) for platforms that run an arbitrary UID in group 0.
	copies := strings.Join(args(Find(final, "COPY")), " ")
	if !strings.Contains(copies, "--chown=65532:0 /out/data /data") {
		t.Error("the /data directory is not created owned by 65532:0: a fresh volume would not be writable")
	}
	if !strings.Contains(strings.Join(args(Find(df.Instructions, "RUN")), " "), "chmod -R g=u /out/data") {
		t.Error("/data is not group-writable: an arbitrary UID in group 0 (OpenShift) could not write it")
	}
}

// TestDockerfileHasNoSyntaxDirective: `# syntax=` makes BuildKit pull a
// frontend image, which fails on an air-gapped builder; the built-in
// frontend reads this Dockerfile.
func TestDockerfileHasNoSyntaxDirective(t *testing.T) {
	for i, line := range strings.Split(string(readFile(t, filepath.Join(repoRoot(t), "Dockerfile"))), "\n") {
		l := strings.ToLower(strings.ReplaceAll(line, " ", ""))
		if strings.HasPrefix(l, "#syntax=") || strings.HasPrefix(l, "#check=") {
			t.Errorf("Dockerfile:%d: %q: remove the parser directive", i+1, line)
		}
	}
}

// TestDockerfileToolchain: the image builds with the toolchain the project
// pins (go.mod's toolchain line, GOTOOLCHAIN in .ci/run).
func TestDockerfileToolchain(t *testing.T) {
	gomod := string(readFile(t, filepath.Join(repoRoot(t), "go.mod")))
	m := regexp.MustCompile(`(?m)^toolchain (go\d+\.\d+\.\d+)$`).FindStringSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod has no toolchain line")
	}
	df := string(readFile(t, filepath.Join(repoRoot(t), "Dockerfile")))
	for _, want := range []string{"ENV GOTOOLCHAIN=" + m[1], "golang:" + strings.TrimPrefix(m[1], "go") + "-"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q (go.mod: toolchain %s)", want, m[1])
		}
	}
	for _, f := range []string{".ci/run", "README.md"} {
		if !strings.Contains(string(readFile(t, filepath.Join(repoRoot(t), f))), "GOTOOLCHAIN="+m[1]) {
			t.Errorf("%s does not set GOTOOLCHAIN=%s", f, m[1])
		}
	}
}

func TestDockerignore(t *testing.T) {
	lines := strings.Split(string(readFile(t, filepath.Join(repoRoot(t), ".dockerignore"))), "\n")
	var pats []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			pats = append(pats, l)
		}
	}
	// An allow-list: ignore everything, then let sources back in. That keeps
	// .git, env files with tokens and local binaries out by construction.
	if len(pats) == 0 || pats[0] != "*" {
		t.Fatalf(".dockerignore should start with * (allow-list), got %q", pats)
	}
	for _, p := range pats[1:] {
		if strings.HasPrefix(p, "!") && (strings.Contains(p, ".env") || strings.Contains(p, ".git")) {
			t.Errorf(".dockerignore lets %s back in", p)
		}
	}
	for _, want := range []string{"!go.mod", "!go.sum", "!**/*.go"} {
		if !slices.Contains(pats, want) {
			t.Errorf(".dockerignore lacks %s: the build needs it", want)
		}
	}
	// Docker 20.10's BuildKit applies !**/*.go at the top level only (seen
	// on a real engine: the context held main.go and no package), so each
	// top-level tree the binary imports is let back in by name.
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
	list.Dir = repoRoot(t)
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const module = "github.com/mgit-dev/mgit/"
	seen := map[string]bool{}
	for _, pkg := range strings.Fields(string(out)) {
		if rest, ok := strings.CutPrefix(pkg, module); ok {
			top, _, _ := strings.Cut(rest, "/")
			if !seen[top] && !slices.Contains(pats, "!"+top) {
				seen[top] = true
				t.Errorf(".dockerignore lacks !%s: the binary imports %s, and older BuildKit sends it only by name", top, pkg)
			}
		}
	}
}

// TestLintCatches proves each rule fires: a linter that passes everything
// would make TestDockerfileLintClean worthless.
func TestLintCatches(t *testing.T) {
	good := string(readFile(t, filepath.Join(repoRoot(t), "Dockerfile")))
	cases := []struct {
		name, old, new, want string
	}{
		{"unpinned builder", "ARG GO_IMAGE=golang:1.27.3-bookworm", "ARG GO_IMAGE=golang", "not pinned"},
		{"TARGETARCH default", "ARG TARGETARCH\n", "ARG TARGETARCH=amd64\n", "TARGETARCH has a default"},
		{"TARGETOS default", "ARG TARGETOS\n", "ARG TARGETOS=linux\n", "TARGETOS has a default"},
		{"TARGETARCH default in the runtime stage", "FROM ${RUNTIME_IMAGE}\n", "FROM ${RUNTIME_IMAGE}\nARG TARGETARCH=arm64\n", "TARGETARCH has a default"},
		{"TARGETARCH default among other ARGs", "ARG VERSION=dev\n", "ARG VERSION=dev TARGETARCH=amd64\n", "TARGETARCH has a default"},
		{"global TARGETPLATFORM default", "ARG GO_IMAGE=", "ARG TARGETPLATFORM=linux/amd64\nARG GO_IMAGE=", "TARGETPLATFORM has a default"},
		{"fixed health address", `CMD ["/mgit", "health"]`, `CMD ["/mgit", "health", "--addr", "127.0.0.1:9090"]`, "fixed --addr"},
		{"latest runtime", "ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot", "ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:latest", "not pinned"},
		{"root user", "USER 65532:65532", "USER root", "runs as root"},
		{"no user", "USER 65532:65532\n", "", "no USER"},
		{"curl healthcheck", `CMD ["/mgit", "health"]`, `CMD curl -f http://127.0.0.1:9090/healthz`, "curl/wget"},
		{"shell entrypoint", `ENTRYPOINT ["/mgit"]`, `ENTRYPOINT /mgit`, "exec form ENTRYPOINT"},
		{"cgo", "CGO_ENABLED=0", "CGO_ENABLED=1", "CGO_ENABLED=0"},
		{"debian runtime", "ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot", "ARG RUNTIME_IMAGE=debian:12", "want gcr.io/distroless/static"},
		{"secret env", "MGIT_LOG_LEVEL=info", "MGIT_LOG_LEVEL=info MGIT_TOKEN_GITHUB=abc", "secret"},
		{"no label", `org.opencontainers.image.revision="${COMMIT}" \`, `\`, "image.revision"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(good, c.old) {
				t.Fatalf("the Dockerfile no longer contains %q: update this case", c.old)
			}
			df, err := ParseDockerfile(strings.NewReader(strings.Replace(good, c.old, c.new, 1)))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			problems := strings.Join(Lint(df), "\n")
			if !strings.Contains(problems, c.want) {
				t.Errorf("want a problem mentioning %q, got:\n%s", c.want, problems)
			}
		})
	}
}

func TestParseDockerfileContinuations(t *testing.T) {
	src := "ARG A=1\nFROM x:1 AS b\nRUN a \\\n  # a comment inside\n  && b\n\nFROM scratch\nCOPY --from=b /x /x\n"
	df, err := ParseDockerfile(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if df.Stages != 2 || df.GlobalArgs["A"] != "1" {
		t.Fatalf("stages %d args %v", df.Stages, df.GlobalArgs)
	}
	run := Find(df.Instructions, "RUN")
	if len(run) != 1 || run[0].Args != "a  && b" || run[0].Line != 3 || run[0].Stage != 0 {
		t.Fatalf("RUN parsed as %+v", run)
	}
	if f := df.Final(); len(f) != 2 || f[1].Cmd != "COPY" {
		t.Fatalf("final stage %+v", f)
	}
	if _, err := ParseDockerfile(strings.NewReader("FROM a:1\nRUN x \\\n")); err == nil {
		t.Error("a trailing continuation should be an error")
	}
}
