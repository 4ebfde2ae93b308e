package deploycheck

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stub is a fake helm/kubectl/docker/curl: it appends its argv (and, for
// docker, the MGIT_VERSION it was given) to $STUB_LOG, then
//   - fails when its call line starts with one of the lines of $STUB_FAIL;
//   - for `helm template`, prints the file $STUB_TEMPLATE_OUT (when set);
//   - for `kubectl version -o json`, a server version ($STUB_KUBE_VERSION,
//     default v1.34.1+k3s1); for `kubectl get deployments,statefulsets`
//     and `kubectl get pods`, one workload and one pod of the release;
//   - for a readiness check (/readyz or `mgit health --ready`), succeeds
//     only once $STUB_READYZ_OK_AFTER (when set) appears in the log: "the
//     smoke test passes after the rollback".
const stub = `#!/usr/bin/env bash
line="$(basename "$0") $*"
if [ "$(basename "$0")" = docker ]; then line="$line MGIT_VERSION=${MGIT_VERSION:-}"; fi
if [[ "$line" == "kubectl version -o json"* ]] && [[ "${STUB_FAIL:-}" != *"kubectl version"* ]]; then
    printf '{\n  "clientVersion": {\n    "gitVersion": "v1.30.0"\n  },\n  "serverVersion": {\n    "major": "1",\n    "gitVersion": "%s"\n  }\n}\n' "${STUB_KUBE_VERSION:-v1.34.1+k3s1}"
fi
if [[ "$line" == "kubectl -n "*" get deployments,statefulsets "* ]]; then echo deployment.apps/mgit; fi
if [[ "$line" == "kubectl -n "*" get pods "* ]]; then echo pod/mgit-abc; fi
if [[ "$line" == *readyz* || "$line" == *"health --ready"* ]] && [ -n "${STUB_READYZ_OK_AFTER:-}" ]; then
    if grep -qF -- "$STUB_READYZ_OK_AFTER" "$STUB_LOG"; then printf '%s\n' "$line" >>"$STUB_LOG"; exit 0; fi
    printf '%s\n' "$line" >>"$STUB_LOG"
    exit 1
fi
printf '%s\n' "$line" >>"$STUB_LOG"
if [[ "$line" == "helm template"* ]] && [ -n "${STUB_TEMPLATE_OUT:-}" ]; then cat "$STUB_TEMPLATE_OUT"; fi
while IFS= read -r pat; do
    [ -n "$pat" ] || continue
    if [[ "$line" == "$pat"* ]]; then echo "stub: $pat fails" >&2; exit 1; fi
done <<<"${STUB_FAIL:-}"
exit 0
`

type scriptEnv struct {
	root, bin, log, state string
	extra                 []string
}

// newScriptEnv makes a bin directory with the stubs named (all four when
// none are named), a call log and a state directory.
func newScriptEnv(t *testing.T, tools ...string) *scriptEnv {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not available")
	}
	dir := t.TempDir()
	e := &scriptEnv{root: repoRoot(t), bin: filepath.Join(dir, "bin"), log: filepath.Join(dir, "calls.log"), state: filepath.Join(dir, "state")}
	if len(tools) == 0 {
		tools = []string{"helm", "kubectl", "docker", "curl"}
	}
	if err := os.MkdirAll(e.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range tools {
		if err := os.WriteFile(filepath.Join(e.bin, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(e.log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "mgit.env")
	if err := os.WriteFile(envFile, []byte("MGIT_TOKEN_GITHUB=not-a-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	configFile := filepath.Join(dir, "mgit-config.yaml")
	if err := os.WriteFile(configFile, []byte("providers:\n  - name: github\n    type: github\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.extra = []string{"MGIT_ENV_FILE=" + envFile, "MGIT_CONFIG_FILE=" + configFile}
	return e
}

type scriptResult struct {
	code   int
	stderr string
	calls  []string
}

// run runs scripts/NAME with args; env adds variables. Only the stub
// directory and the system directories are on PATH, so a real helm or
// kubectl can never be reached.
func (e *scriptEnv) run(t *testing.T, name string, env []string, args ...string) scriptResult {
	t.Helper()
	if err := os.WriteFile(e.log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{filepath.Join(e.root, "scripts", name)}, args...)...)
	cmd.Env = append([]string{
		"PATH=" + e.bin + ":/usr/bin:/bin",
		"HOME=" + filepath.Dir(e.log),
		"STUB_LOG=" + e.log,
		"MGIT_DEPLOY_STATE_DIR=" + e.state,
		"SMOKE_ATTEMPTS=2",
		"SMOKE_INTERVAL=0",
	}, append(e.extra, env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	var calls []string
	for _, l := range strings.Split(string(readFile(t, e.log)), "\n") {
		if l != "" {
			calls = append(calls, strings.ReplaceAll(l, e.root, "REPO"))
		}
	}
	return scriptResult{code: code, stderr: stderr.String(), calls: calls}
}

// inOrder fails unless each prefix starts some call, in this order.
func inOrder(t *testing.T, calls []string, prefixes ...string) {
	t.Helper()
	i := 0
	for _, c := range calls {
		if i < len(prefixes) && strings.HasPrefix(c, prefixes[i]) {
			i++
		}
	}
	if i < len(prefixes) {
		t.Errorf("missing call %q (or out of order); calls:\n%s", prefixes[i], strings.Join(calls, "\n"))
	}
}

func never(t *testing.T, calls []string, prefix string) {
	t.Helper()
	for _, c := range calls {
		if strings.HasPrefix(c, prefix) {
			t.Errorf("unexpected call %q", c)
		}
	}
}

const (
	chart = "REPO/deploy/helm/mgit"
	// readyzRaw is the Helm smoke test's readiness check: `mgit health
	// --ready` inside the pod, through kubectl exec (not the API server's
	// service proxy, which private clusters block).
	readyzRaw = "kubectl -n mgit-staging exec pod/mgit-abc -c mgit -- /mgit health --ready"
	rollout   = "kubectl -n mgit-staging rollout status deployment.apps/mgit"
)

func TestDeployHelm(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", nil, "--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	inOrder(t, r.calls,
		"kubectl version",
		"kubectl get namespace mgit-staging",
		// Rendered for the cluster's version, not helm's default (1.20
		// for a go-installed helm).
		"helm template mgit "+chart+" --namespace mgit-staging -f "+chart+"/env/staging.yaml --set image.tag=v1.2.3 --kube-version v1.34.1",
		"helm upgrade --install mgit "+chart+" --namespace mgit-staging -f "+chart+"/env/staging.yaml --set image.tag=v1.2.3 --atomic --wait --timeout 15m",
		rollout,
		readyzRaw,
	)
	never(t, r.calls, "helm rollback")
	never(t, r.calls, "kubectl -n mgit-staging get --raw")
}

// TestDeployHelmNeedsNoCurl: the Helm target checks readiness through
// kubectl; a machine without curl must still deploy.
func TestDeployHelmNeedsNoCurl(t *testing.T) {
	e := newScriptEnv(t, "helm", "kubectl")
	r := e.run(t, "deploy.sh", nil, "--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 0 {
		t.Fatalf("helm target without curl: exit %d:\n%s", r.code, r.stderr)
	}
}

// TestDeployHelmFirstInstallFailure: when there was no release before,
// --atomic leaves nothing behind, and the message must not claim that a
// previous release was restored.
func TestDeployHelmFirstInstallFailure(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", []string{"STUB_FAIL=helm status\nhelm upgrade"},
		"--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 1 || !strings.Contains(r.stderr, "first install") || strings.Contains(r.stderr, "restored") {
		t.Fatalf("exit %d, want 1 naming the first install and claiming no restore:\n%s", r.code, r.stderr)
	}
}

// TestScriptArguments: a flag without its value, a bad duration, a
// non-numeric SMOKE_ATTEMPTS and a version carrying Helm arguments are
// refused with a message and exit 2 before anything changes.
func TestScriptArguments(t *testing.T) {
	helm := []string{"--target", "helm", "--env", "staging"}
	for _, c := range []struct {
		script string
		env    []string
		args   []string
		want   string
	}{
		{"deploy.sh", nil, []string{"--target", "helm", "--env", "staging", "--version"}, "--version needs a value"},
		{"deploy.sh", nil, []string{"--target", "helm", "--version", "--env", "staging"}, "--version needs a value"},
		{"deploy.sh", nil, append(helm, "--version", "v1.2.3", "--timeout"), "--timeout needs a value"},
		{"deploy.sh", nil, append(helm, "--version", "v1.2.3", "--timeout", "soon"), "bad --timeout 'soon'"},
		{"deploy.sh", nil, append(helm, "--version", "v1.2.3", "--timeout", "15"), "bad --timeout '15'"},
		{"deploy.sh", []string{"SMOKE_ATTEMPTS=many"}, append(helm, "--version", "v1.2.3"), "SMOKE_ATTEMPTS='many' is not a whole number"},
		{"deploy.sh", []string{"SMOKE_INTERVAL=1.5"}, append(helm, "--version", "v1.2.3"), "SMOKE_INTERVAL='1.5' is not a whole number"},
		{"deploy.sh", nil, append(helm, "--version", "v1 --set x=y"), "bad version 'v1 --set x=y'"},
		{"rollback.sh", nil, append(helm, "--to-version", "v1 --set x=y"), "bad version 'v1 --set x=y'"},
		{"rollback.sh", nil, append(helm, "--to-version"), "--to-version needs a value"},
		{"rollback.sh", nil, []string{"--target"}, "--target needs a value"},
		{"rollback.sh", nil, append(helm, "--timeout", "1 day"), "bad --timeout"},
		{"rollback.sh", []string{"SMOKE_ATTEMPTS=x"}, helm, "not a whole number"},
	} {
		e := newScriptEnv(t)
		r := e.run(t, c.script, c.env, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s %q (env %q): exit %d, want 2 with %q:\n%s", c.script, c.args, c.env, r.code, c.want, r.stderr)
		}
		never(t, r.calls, "helm upgrade")
		never(t, r.calls, "helm rollback")
	}
}

func TestDeployHelmSmokeFailureRollsBack(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", []string{"STUB_READYZ_OK_AFTER=helm rollback"},
		"--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", r.code, r.stderr)
	}
	inOrder(t, r.calls,
		"helm upgrade --install mgit",
		readyzRaw, readyzRaw, // SMOKE_ATTEMPTS=2, both fail
		"helm status mgit --namespace mgit-staging",
		"helm rollback mgit 0 --namespace mgit-staging --wait",
		readyzRaw, // the rollback's own check, which passes
	)
	for _, want := range []string{"smoke test failed", "rolled back; the deployment of v1.2.3 FAILED"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestDeployHelmNoRollback(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", []string{"STUB_FAIL=" + readyzRaw},
		"--target", "helm", "--env", "staging", "--version", "v1.2.3", "--no-rollback")
	if r.code != 1 || !strings.Contains(r.stderr, "--no-rollback") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	never(t, r.calls, "helm rollback")
}

func TestDeployHelmUpgradeFailure(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", []string{"STUB_FAIL=helm upgrade"},
		"--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 1 || !strings.Contains(r.stderr, "--atomic already restored") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	never(t, r.calls, readyzRaw) // no smoke test of a failed upgrade
}

func TestDeployDryRun(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", nil, "--target", "helm", "--env", "production", "--version", "v1.2.3", "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	// Pre-flight runs for real; the upgrade is only printed.
	inOrder(t, r.calls, "kubectl version", "kubectl get namespace mgit-production", "helm template mgit")
	never(t, r.calls, "helm upgrade")
	never(t, r.calls, "kubectl -n")
	if !strings.Contains(r.stderr, "+ helm upgrade --install mgit") || !strings.Contains(r.stderr, "--set image.tag=v1.2.3 --atomic") {
		t.Errorf("dry run does not show the upgrade:\n%s", r.stderr)
	}

	r = e.run(t, "rollback.sh", nil, "--target", "helm", "--env", "production", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "+ helm rollback mgit 0") {
		t.Fatalf("rollback dry run: exit %d:\n%s", r.code, r.stderr)
	}
	never(t, r.calls, "helm rollback")
}

func TestDeployPreflight(t *testing.T) {
	cases := []struct {
		name  string
		tools []string
		env   []string
		args  []string
		want  string
	}{
		{"no target", nil, nil, []string{"--env", "staging", "--version", "v1"}, "--target is required"},
		{"bad target", nil, nil, []string{"--target", "k8s", "--env", "staging", "--version", "v1"}, "use --target helm or --target compose"},
		{"no version", nil, nil, []string{"--target", "helm", "--env", "staging"}, "--version is required"},
		{"production needs a release", nil, nil, []string{"--target", "helm", "--env", "production", "--version", "latest"}, "deploy a tag like v1.4.0"},
		{"unknown env", nil, nil, []string{"--target", "helm", "--env", "qa", "--version", "v1.0.0"}, "no values for environment 'qa'"},
		{"no helm", []string{"kubectl", "curl"}, nil, []string{"--target", "helm", "--env", "staging", "--version", "v1.0.0"}, "helm is not installed"},
		{"cluster unreachable", nil, []string{"STUB_FAIL=kubectl version"}, []string{"--target", "helm", "--env", "staging", "--version", "v1.0.0"}, "kubectl config use-context"},
		{"no namespace", nil, []string{"STUB_FAIL=kubectl get namespace"}, []string{"--target", "helm", "--env", "staging", "--version", "v1.0.0"}, "kubectl create namespace mgit-staging"},
		{"chart does not render", nil, []string{"STUB_FAIL=helm template"}, []string{"--target", "helm", "--env", "staging", "--version", "v1.0.0"}, "fix the values"},
		{"no docker daemon", nil, []string{"STUB_FAIL=docker info"}, []string{"--target", "compose", "--env", "local", "--version", "v1.0.0"}, "start Docker"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newScriptEnv(t, c.tools...)
			r := e.run(t, "deploy.sh", c.env, c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "fix: ") && c.name != "no target" {
				t.Errorf("exit %d, want 2 with %q and a fix:\n%s", r.code, c.want, r.stderr)
			}
			never(t, r.calls, "helm upgrade")
			never(t, r.calls, "docker compose -f")
		})
	}
}

func TestDeployServiceMonitorNeedsCRD(t *testing.T) {
	e := newScriptEnv(t)
	out := filepath.Join(t.TempDir(), "rendered.yaml")
	if err := os.WriteFile(out, []byte("---\nkind: Deployment\n---\nkind: ServiceMonitor\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"STUB_TEMPLATE_OUT=" + out}
	r := e.run(t, "deploy.sh", env, "--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	inOrder(t, r.calls, "helm template", "kubectl get crd servicemonitors.monitoring.coreos.com", "helm upgrade")

	r = e.run(t, "deploy.sh", append(env, "STUB_FAIL=kubectl get crd"), "--target", "helm", "--env", "staging", "--version", "v1.2.3")
	if r.code != 2 || !strings.Contains(r.stderr, "metrics.serviceMonitor.enabled=false") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	never(t, r.calls, "helm upgrade")
}

func TestDeployComposeEnvFilePermissions(t *testing.T) {
	e := newScriptEnv(t)
	envFile := strings.TrimPrefix(e.extra[0], "MGIT_ENV_FILE=")
	if err := os.Chmod(envFile, 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.run(t, "deploy.sh", nil, "--target", "compose", "--env", "local", "--version", "v1.0.0")
	if r.code != 2 || !strings.Contains(r.stderr, "chmod 600 "+envFile) {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}

func TestDeployComposeRollsBackToPreviousVersion(t *testing.T) {
	e := newScriptEnv(t)
	const up = "docker compose -f REPO/docker-compose.yml -p mgit-local up -d --wait mgit prometheus"
	r := e.run(t, "deploy.sh", nil, "--target", "compose", "--env", "local", "--version", "v1.0.0")
	if r.code != 0 {
		t.Fatalf("first deploy: exit %d:\n%s", r.code, r.stderr)
	}
	inOrder(t, r.calls,
		"docker compose version", "docker info",
		"docker compose -f REPO/docker-compose.yml -p mgit-local config --quiet",
		"docker compose -f REPO/docker-compose.yml -p mgit-local pull mgit MGIT_VERSION=v1.0.0",
		up+" MGIT_VERSION=v1.0.0",
		"curl -fsS --max-time 5 http://127.0.0.1:9090/readyz",
	)

	// v1.1.0 never gets ready: deploy.sh rolls back to v1.0.0, whose
	// /readyz answers.
	r = e.run(t, "deploy.sh", []string{"STUB_READYZ_OK_AFTER=" + up + " MGIT_VERSION=v1.0.0"},
		"--target", "compose", "--env", "local", "--version", "v1.1.0")
	if r.code != 1 {
		t.Fatalf("failing deploy: exit %d, want 1:\n%s", r.code, r.stderr)
	}
	inOrder(t, r.calls,
		up+" MGIT_VERSION=v1.1.0",
		"curl -fsS --max-time 5 http://127.0.0.1:9090/readyz",
		"curl -fsS --max-time 5 http://127.0.0.1:9090/readyz",
		up+" MGIT_VERSION=v1.0.0",
		"curl -fsS --max-time 5 http://127.0.0.1:9090/readyz",
	)
	if cur := strings.TrimSpace(string(readFile(t, filepath.Join(e.state, "mgit-local.current")))); cur != "v1.0.0" {
		t.Errorf("after the rollback the recorded version is %q, want v1.0.0", cur)
	}
}

// A failed image pull changes nothing: the old containers keep running, so
// the recorded versions must not move (a later rollback.sh would otherwise
// "roll back" to the version that is already running).
func TestDeployComposePullFailureKeepsState(t *testing.T) {
	e := newScriptEnv(t)
	r := e.run(t, "deploy.sh", nil, "--target", "compose", "--env", "local", "--version", "v1.0.0")
	if r.code != 0 {
		t.Fatalf("first deploy: exit %d:\n%s", r.code, r.stderr)
	}
	current := filepath.Join(e.state, "mgit-local.current")
	previous := filepath.Join(e.state, "mgit-local.previous")
	if cur := strings.TrimSpace(string(readFile(t, current))); cur != "v1.0.0" {
		t.Fatalf("after the first deploy the recorded version is %q, want v1.0.0", cur)
	}

	pull := "docker compose -f " + filepath.Join(e.root, "docker-compose.yml") + " -p mgit-local pull mgit"
	r = e.run(t, "deploy.sh", []string{"STUB_FAIL=" + pull}, "--target", "compose", "--env", "local", "--version", "v1.1.0")
	if r.code != 1 || !strings.Contains(r.stderr, "docker compose pull failed") {
		t.Fatalf("failing pull: exit %d, want 1 with the pull named:\n%s", r.code, r.stderr)
	}
	inOrder(t, r.calls, "docker compose -f REPO/docker-compose.yml -p mgit-local pull mgit MGIT_VERSION=v1.1.0")
	never(t, r.calls, "docker compose -f REPO/docker-compose.yml -p mgit-local up")
	if cur := strings.TrimSpace(string(readFile(t, current))); cur != "v1.0.0" {
		t.Errorf("after a failed pull the recorded version is %q, want v1.0.0 (unchanged)", cur)
	}
	if _, err := os.Stat(previous); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed pull recorded a previous version (stat: %v)", err)
	}
}

func TestRollbackHelm(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "helm rollback mgit 0 --namespace mgit-staging --wait --timeout 15m"},
		{[]string{"--to-revision", "7"}, "helm rollback mgit 7 --namespace mgit-staging --wait"},
		{[]string{"--to-version", "v1.0.0"}, "helm upgrade mgit " + chart + " --namespace mgit-staging --reuse-values --set image.tag=v1.0.0 --atomic --wait"},
	}
	for _, c := range cases {
		e := newScriptEnv(t)
		r := e.run(t, "rollback.sh", nil, append([]string{"--target", "helm", "--env", "staging"}, c.args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d:\n%s", c.args, r.code, r.stderr)
		}
		inOrder(t, r.calls, "helm status mgit --namespace mgit-staging", c.want, readyzRaw)
	}
}

func TestRollbackUsage(t *testing.T) {
	e := newScriptEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--target", "helm", "--env", "staging", "--to-revision", "x"}, "bad revision"},
		{[]string{"--target", "helm", "--env", "staging", "--to-revision", "1", "--to-version", "v1.0.0"}, "exclude each other"},
		{[]string{"--target", "compose", "--env", "local"}, "name one with --to-version"},
	} {
		r := e.run(t, "rollback.sh", nil, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q:\n%s", c.args, r.code, c.want, r.stderr)
		}
	}
	r := e.run(t, "rollback.sh", []string{"STUB_FAIL=helm status"}, "--target", "helm", "--env", "staging")
	if r.code != 2 || !strings.Contains(r.stderr, "helm list -A") {
		t.Errorf("missing release: exit %d:\n%s", r.code, r.stderr)
	}
}
