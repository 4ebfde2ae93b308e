package deploycheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Instruction is one Dockerfile instruction, continuation lines joined.
type Instruction struct {
	Line  int    // 1-based line of the instruction's first line
	Cmd   string // upper case: FROM, RUN, …
	Args  string // the rest, with continuations joined by a space
	Stage int    // index of the build stage it belongs to (-1 before the first FROM)
}

// ExecForm reports whether Args is a JSON array (exec form) and returns it.
func (in Instruction) ExecForm() ([]string, bool) {
	var argv []string
	if err := json.Unmarshal([]byte(in.Args), &argv); err != nil {
		return nil, false
	}
	return argv, true
}

// Dockerfile is a parsed Dockerfile.
type Dockerfile struct {
	Instructions []Instruction
	// GlobalArgs are the ARG defaults declared before the first FROM; they
	// are what FROM lines may expand.
	GlobalArgs map[string]string
	Stages     int
}

// ParseDockerfile reads a Dockerfile: comments and blank lines dropped,
// backslash continuations joined (with comment lines inside them skipped,
// as BuildKit does), instructions upper-cased. Heredocs are not supported.
func ParseDockerfile(r io.Reader) (*Dockerfile, error) {
	df := &Dockerfile{GlobalArgs: map[string]string{}}
	sc := bufio.NewScanner(r)
	lineNo, start := 0, 0
	var buf strings.Builder
	stage := -1
	flush := func() error {
		text := strings.TrimSpace(buf.String())
		buf.Reset()
		if text == "" {
			return nil
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := Instruction{Line: start, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		if strings.Contains(in.Args, "<<") && (in.Cmd == "RUN" || in.Cmd == "COPY") {
			return fmt.Errorf("line %d: heredocs are not supported by this linter", start)
		}
		if in.Cmd == "FROM" {
			stage++
			df.Stages++
		}
		in.Stage = stage
		if in.Cmd == "ARG" && stage < 0 {
			name, def, _ := strings.Cut(in.Args, "=")
			df.GlobalArgs[strings.TrimSpace(name)] = strings.Trim(strings.TrimSpace(def), `"`)
		}
		df.Instructions = append(df.Instructions, in)
		return nil
	}
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && buf.Len() == 0) {
			continue
		}
		if buf.Len() == 0 {
			start = lineNo
		}
		if strings.HasSuffix(trimmed, `\`) {
			buf.WriteString(strings.TrimSuffix(trimmed, `\`))
			buf.WriteString(" ")
			continue
		}
		buf.WriteString(trimmed)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read dockerfile: %w", err)
	}
	if buf.Len() > 0 {
		return nil, fmt.Errorf("line %d: continuation at end of file", start)
	}
	return df, nil
}

// Final returns the instructions of the last stage: what ships.
func (df *Dockerfile) Final() []Instruction {
	var out []Instruction
	for _, in := range df.Instructions {
		if in.Stage == df.Stages-1 {
			out = append(out, in)
		}
	}
	return out
}

// Find returns the instructions named cmd in ins.
func Find(ins []Instruction, cmd string) []Instruction {
	var out []Instruction
	for _, in := range ins {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

var argRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// expand substitutes global ARG defaults into a FROM image reference.
func (df *Dockerfile) expand(s string) string {
	return argRef.ReplaceAllStringFunc(s, func(m string) string {
		name := argRef.FindStringSubmatch(m)[1]
		if v, ok := df.GlobalArgs[name]; ok {
			return v
		}
		return m
	})
}

// fromImage returns the image of a FROM instruction (flags and AS dropped),
// with global ARG defaults expanded, and its stage name.
func (df *Dockerfile) fromImage(in Instruction) (image, name string) {
	fields := strings.Fields(in.Args)
	var rest []string
	for _, f := range fields {
		if !strings.HasPrefix(f, "--") {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		return "", ""
	}
	if len(rest) >= 3 && strings.EqualFold(rest[1], "AS") {
		name = rest[2]
	}
	return df.expand(rest[0]), name
}

// imagePinned reports whether an image reference names a version: a digest,
// or a tag other than latest. "scratch" needs none.
func imagePinned(ref string) bool {
	if ref == "scratch" || strings.Contains(ref, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if colon <= slash {
		return false // no tag: implicitly latest
	}
	tag := ref[colon+1:]
	return tag != "" && tag != "latest" && !strings.Contains(tag, "$")
}

// platformArgs are the build arguments BuildKit sets from --platform.
var platformArgs = map[string]bool{
	"TARGETPLATFORM": true, "TARGETOS": true, "TARGETARCH": true, "TARGETVARIANT": true,
	"BUILDPLATFORM": true, "BUILDOS": true, "BUILDARCH": true, "BUILDVARIANT": true,
}

var (
	downloaders = regexp.MustCompile(`(?i)\b(curl|wget)\b`)
	secretEnv   = regexp.MustCompile(`(?i)(TOKEN|PASSWORD|SECRET|API_KEY)[A-Z0-9_]*=`)
	rootUser    = regexp.MustCompile(`^(root|0)(:|$)`)
)

// Lint returns the problems found in a Dockerfile meant for a distroless,
// non-root, headless mgit image. Each problem names the line and the fix.
func Lint(df *Dockerfile) []string {
	var p []string
	add := func(in Instruction, format string, a ...any) {
		p = append(p, fmt.Sprintf("line %d: %s: %s", in.Line, in.Cmd, fmt.Sprintf(format, a...)))
	}
	if df.Stages < 2 {
		p = append(p, "want a multi-stage build: a Go builder stage and a distroless runtime stage")
	}
	for _, in := range Find(df.Instructions, "FROM") {
		image, _ := df.fromImage(in)
		if strings.HasPrefix(image, "$") || strings.Contains(image, "${") {
			add(in, "image %q does not resolve: give its ARG a default before the first FROM", image)
		} else if !imagePinned(image) && !isStageName(df, image) {
			add(in, "image %q is not pinned: use an explicit tag (not latest) or a digest", image)
		}
	}
	for _, in := range df.Instructions {
		if in.Cmd == "ADD" && (strings.Contains(in.Args, "http://") || strings.Contains(in.Args, "https://")) {
			add(in, "remote ADD: fetch in the build stage with a checksum, or COPY")
		}
		if in.Cmd == "MAINTAINER" {
			add(in, "deprecated: use LABEL org.opencontainers.image.authors")
		}
		if (in.Cmd == "ENV" || in.Cmd == "ARG") && secretEnv.MatchString(in.Args) {
			add(in, "looks like a secret baked into the image: pass it at run time")
		}
		if in.Cmd == "ARG" {
			// One ARG may declare several: ARG VERSION=dev TARGETARCH=amd64.
			for _, decl := range strings.Fields(in.Args) {
				if name, _, hasDefault := strings.Cut(decl, "="); hasDefault && platformArgs[name] {
					add(in, "%s has a default: BuildKit keeps a declared default over the --platform value (an amd64 binary in the arm64 image); declare it as ARG %s", name, name)
				}
			}
		}
	}
	final := df.Final()
	if len(final) == 0 {
		return append(p, "no stage at all")
	}
	if image, _ := df.fromImage(final[0]); !strings.HasPrefix(image, "gcr.io/distroless/static") {
		add(final[0], "runtime image %q: want gcr.io/distroless/static-*:nonroot (no shell, no package manager)", image)
	}
	for _, in := range final {
		if (in.Cmd == "RUN" || in.Cmd == "HEALTHCHECK") && downloaders.MatchString(in.Args) {
			add(in, "curl/wget in the runtime image: use `mgit health` (there is no shell or curl in distroless)")
		}
		if in.Cmd == "RUN" {
			add(in, "RUN in the runtime stage: distroless has no shell; do the work in the build stage")
		}
	}
	p = append(p, lintRuntime(final)...)
	return append(p, lintBuild(df)...)
}

// lintRuntime checks the runtime stage's user, health check, entry point,
// command, volume and labels.
func lintRuntime(final []Instruction) []string {
	var p []string
	add := func(in Instruction, format string, a ...any) {
		p = append(p, fmt.Sprintf("line %d: %s: %s", in.Line, in.Cmd, fmt.Sprintf(format, a...)))
	}
	users := Find(final, "USER")
	if len(users) == 0 {
		p = append(p, "runtime stage has no USER: run as the nonroot user, USER 65532:65532")
	} else if u := users[len(users)-1]; rootUser.MatchString(u.Args) {
		add(u, "runs as root: use USER 65532:65532")
	} else if !strings.HasPrefix(u.Args, "65532") && !strings.HasPrefix(u.Args, "nonroot") {
		add(u, "want the distroless nonroot user (65532) so volume ownership matches")
	}
	hc := Find(final, "HEALTHCHECK")
	switch {
	case len(hc) == 0:
		p = append(p, "runtime stage has no HEALTHCHECK: add HEALTHCHECK CMD [\"/mgit\", \"health\", …]")
	case !strings.Contains(hc[len(hc)-1].Args, `CMD ["/mgit", "health"`):
		add(hc[len(hc)-1], "want the exec form CMD [\"/mgit\", \"health\", …]: the image has no shell")
	case strings.Contains(hc[len(hc)-1].Args, "--addr"):
		add(hc[len(hc)-1], "a fixed --addr makes a container started with another MGIT_METRICS_ADDR unhealthy: let `mgit health` read MGIT_METRICS_ADDR")
	}
	if ep := Find(final, "ENTRYPOINT"); len(ep) == 0 {
		p = append(p, `runtime stage has no ENTRYPOINT ["/mgit"]`)
	} else if argv, ok := ep[len(ep)-1].ExecForm(); !ok || len(argv) != 1 || argv[0] != "/mgit" {
		add(ep[len(ep)-1], `want the exec form ENTRYPOINT ["/mgit"] (a shell form needs /bin/sh, which distroless lacks)`)
	}
	if cmd := Find(final, "CMD"); len(cmd) == 0 {
		p = append(p, "runtime stage has no CMD: the default should run `sync` headless")
	} else if argv, ok := cmd[len(cmd)-1].ExecForm(); !ok || len(argv) == 0 || argv[0] != "sync" {
		add(cmd[len(cmd)-1], `want an exec-form CMD running sync, e.g. ["sync", "--no-tui", …]`)
	}
	if len(Find(final, "VOLUME")) == 0 {
		p = append(p, "runtime stage has no VOLUME: state and repositories need one writable volume")
	}
	labels := strings.Join(args(Find(final, "LABEL")), " ")
	for _, l := range []string{"title", "source", "version", "revision", "created", "licenses"} {
		if !strings.Contains(labels, "org.opencontainers.image."+l+"=") {
			p = append(p, "missing OCI label org.opencontainers.image."+l)
		}
	}
	return p
}

// lintBuild checks the RUN that builds the shipped binary, not any other
// Go command (the man pages are written by a `go run` with its own flags).
func lintBuild(df *Dockerfile) []string {
	var p []string
	var builds []Instruction
	for _, in := range Find(df.Instructions, "RUN") {
		if strings.Contains(in.Args, "go build") {
			builds = append(builds, in)
		}
	}
	if len(builds) == 0 {
		p = append(p, "the build does not use go build")
	}
	for _, in := range builds {
		for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "$TARGETOS", "$TARGETARCH", "-ldflags"} {
			if !strings.Contains(in.Args, want) {
				p = append(p, fmt.Sprintf("line %d: %s: the build does not use %s", in.Line, in.Cmd, want))
			}
		}
	}
	return p
}

func isStageName(df *Dockerfile, image string) bool {
	for _, in := range Find(df.Instructions, "FROM") {
		if _, name := df.fromImage(in); name != "" && strings.EqualFold(name, image) {
			return true
		}
	}
	return false
}

func args(ins []Instruction) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = in.Args
	}
	return out
}
