package deploycheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// kubeVersion is passed to helm template: a helm built with `go install`
// lacks the release ldflags and would assume Kubernetes v1.20.
const kubeVersion = "1.31.0"

type object = map[string]any

// get walks a path of map keys and list indexes through decoded YAML.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(object)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// renderChart runs helm template with the values files and --set pairs and
// returns the decoded objects by kind, or helm's error output.
func renderChart(t *testing.T, helm string, files []string, sets ...string) (map[string][]object, string, error) {
	t.Helper()
	return renderRelease(t, helm, "rel", kubeVersion, files, sets...)
}

// renderRelease is renderChart with the release name and Kubernetes version.
func renderRelease(t *testing.T, helm, release, kube string, files []string, sets ...string) (map[string][]object, string, error) {
	t.Helper()
	chart := filepath.Join(repoRoot(t), "deploy", "helm", "mgit")
	args := []string{"template", release, chart, "--namespace", "ns", "--kube-version", kube}
	for _, f := range files {
		args = append(args, "-f", filepath.Join(chart, f))
	}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(helm, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, stderr.String(), err
	}
	byKind := map[string][]object{}
	dec := yaml.NewDecoder(&stdout)
	for {
		var o object
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("helm template %v: output is not YAML: %v", files, err)
		}
		if o == nil {
			continue
		}
		kind, _ := o["kind"].(string)
		byKind[kind] = append(byKind[kind], o)
	}
	return byKind, "", nil
}

// podSpec returns the pod spec of the one workload rendered.
func podSpec(t *testing.T, objs map[string][]object) (string, object) {
	t.Helper()
	paths := map[string][]any{
		"Deployment":  {"spec", "template", "spec"},
		"StatefulSet": {"spec", "template", "spec"},
		"Job":         {"spec", "template", "spec"},
		"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
	}
	var kind string
	var spec object
	for k, p := range paths {
		for _, o := range objs[k] {
			if spec != nil {
				t.Fatalf("more than one workload: %s and %s", kind, k)
			}
			kind, spec = k, get(o, p...).(object)
		}
	}
	if spec == nil {
		t.Fatal("no workload rendered")
	}
	return kind, spec
}

func TestHelmChart(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	cases := []struct {
		files    []string
		kind     string
		shards   int // 0: no --shard
		once     bool
		kinds    []string // also rendered
		absent   []string
		volumePV bool // the data volume comes from a claim
	}{
		{[]string{"ci/deployment-values.yaml"}, "Deployment", 0, false,
			[]string{"Service", "ServiceMonitor", "Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount"}, nil, true},
		{[]string{"ci/cronjob-values.yaml"}, "CronJob", 0, true,
			[]string{"PersistentVolumeClaim"}, []string{"Service", "ServiceMonitor", "Secret"}, true},
		{[]string{"ci/statefulset-values.yaml"}, "StatefulSet", 4, false,
			[]string{"Service", "ServiceMonitor", "Secret"}, []string{"PersistentVolumeClaim"}, false},
		{[]string{"ci/indexedjob-values.yaml"}, "Job", 3, true,
			[]string{"PersistentVolumeClaim"}, []string{"Service", "ServiceMonitor"}, true},
		{[]string{"env/staging.yaml"}, "Deployment", 0, false, []string{"Service", "ServiceMonitor"}, []string{"Secret"}, true},
		{[]string{"env/production.yaml"}, "StatefulSet", 4, false, []string{"Service", "ServiceMonitor"}, []string{"Secret"}, false},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.files, "+"), func(t *testing.T) {
			objs, stderr, err := renderChart(t, helm, c.files)
			if err != nil {
				t.Fatalf("helm template: %v\n%s", err, stderr)
			}
			kind, spec := podSpec(t, objs)
			if kind != c.kind {
				t.Fatalf("workload %s, want %s", kind, c.kind)
			}
			for _, k := range c.kinds {
				if len(objs[k]) == 0 {
					t.Errorf("no %s rendered", k)
				}
			}
			for _, k := range c.absent {
				if len(objs[k]) != 0 {
					t.Errorf("%s rendered, want none", k)
				}
			}
			checkPodSecurity(t, spec)
			checkContainer(t, kind, spec, c.shards, c.once)
			checkVolumes(t, kind, spec, objs, c.volumePV)
			if c.kind == "StatefulSet" && get(objs["StatefulSet"][0], "spec", "replicas") != c.shards {
				t.Errorf("StatefulSet replicas %v, want %d", get(objs["StatefulSet"][0], "spec", "replicas"), c.shards)
			}
			if c.kind == "Job" {
				job := objs["Job"][0]
				if get(job, "spec", "completionMode") != "Indexed" || get(job, "spec", "completions") != c.shards {
					t.Errorf("Job is not an Indexed Job of %d: %v", c.shards, get(job, "spec"))
				}
			}
			for _, sm := range objs["ServiceMonitor"] {
				if get(sm, "spec", "endpoints", 0, "path") != "/metrics" || get(sm, "spec", "endpoints", 0, "port") != "metrics" {
					t.Errorf("ServiceMonitor does not scrape the metrics port's /metrics: %v", get(sm, "spec"))
				}
			}
		})
	}
}

func checkPodSecurity(t *testing.T, spec object) {
	t.Helper()
	psc := get(spec, "securityContext")
	if get(psc, "runAsNonRoot") != true || get(psc, "runAsUser") != 65532 || get(psc, "fsGroup") != 65532 {
		t.Errorf("pod securityContext %v: want runAsNonRoot, uid 65532, fsGroup 65532", psc)
	}
	if get(spec, "automountServiceAccountToken") != false {
		t.Error("the service account token is mounted: mgit never talks to the API server")
	}
	sc := get(spec, "containers", 0, "securityContext")
	if get(sc, "readOnlyRootFilesystem") != true || get(sc, "allowPrivilegeEscalation") != false ||
		!slices.Equal(strs(get(sc, "capabilities", "drop")), []string{"ALL"}) {
		t.Errorf("container securityContext %v: want read-only root, no privilege escalation, drop ALL", sc)
	}
}

func checkContainer(t *testing.T, kind string, spec object, shards int, once bool) {
	t.Helper()
	ctr := get(spec, "containers", 0)
	args := strs(get(ctr, "args"))
	if len(args) < 2 || args[0] != "sync" || args[1] == "" {
		t.Fatalf("args %q: want sync QUERY …", args)
	}
	joined := " " + strings.Join(args, " ") + " "
	for _, want := range []string{" --no-tui ", " --dir /data/repos ", " --git-backend go-git "} {
		if !strings.Contains(joined, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	if once != strings.Contains(joined, " --once ") {
		t.Errorf("args %q: --once should be there exactly for Jobs", args)
	}
	if once == strings.Contains(joined, " --interval ") {
		t.Errorf("args %q: --interval should be there exactly for long-running modes", args)
	}
	i := slices.Index(args, "--shard")
	switch {
	case shards == 0 && i >= 0:
		t.Errorf("args %q: --shard in an unsharded mode", args)
	case shards > 0 && (i < 0 || i+1 >= len(args) || args[i+1] != fmt.Sprintf("$(MGIT_SHARD_INDEX)/%d", shards)):
		t.Errorf("args %q: want --shard $(MGIT_SHARD_INDEX)/%d", args, shards)
	case shards > 0:
		field := map[string]string{
			"StatefulSet": "metadata.labels['apps.kubernetes.io/pod-index']",
			"Job":         "metadata.annotations['batch.kubernetes.io/job-completion-index']",
		}[kind]
		found := false
		for _, e := range get(ctr, "env").([]any) {
			if get(e, "name") == "MGIT_SHARD_INDEX" && get(e, "valueFrom", "fieldRef", "fieldPath") == field {
				found = true
			}
		}
		if !found {
			t.Errorf("env %v: MGIT_SHARD_INDEX must come from %s", get(ctr, "env"), field)
		}
	}
	if p := get(ctr, "livenessProbe", "httpGet", "path"); p != "/healthz" {
		t.Errorf("livenessProbe path %v, want /healthz", p)
	}
	if p := get(ctr, "readinessProbe", "httpGet", "path"); once && p != nil || !once && p != "/readyz" {
		t.Errorf("readinessProbe path %v: want /readyz for long-running pods, none for Jobs", p)
	}
	if p := get(ctr, "startupProbe", "httpGet", "path"); !once && p != "/readyz" {
		t.Errorf("startupProbe path %v: want /readyz (/healthz is 200 at once, so a startup probe on it does nothing)", p)
	}
	hasConfig, metricsAddr := false, false
	for _, e := range get(ctr, "env").([]any) {
		hasConfig = hasConfig || get(e, "name") == "MGIT_CONFIG" && get(e, "value") == "/etc/mgit/config.yaml"
		// The listener in every mode (Jobs too), and the address `kubectl
		// exec POD -- /mgit health --ready` probes.
		metricsAddr = metricsAddr || get(e, "name") == "MGIT_METRICS_ADDR" && get(e, "value") == "0.0.0.0:9090"
	}
	if !metricsAddr {
		t.Errorf("env %v: want MGIT_METRICS_ADDR=0.0.0.0:9090", get(ctr, "env"))
	}
	if !hasConfig {
		t.Errorf("env %v: MGIT_CONFIG does not point at the mounted config", get(ctr, "env"))
	}
	if get(ctr, "envFrom", 0, "secretRef", "name") == nil {
		t.Error("tokens are not passed from a Secret (envFrom)")
	}
}

func checkVolumes(t *testing.T, kind string, spec object, objs map[string][]object, fromClaim bool) {
	t.Helper()
	mounts := map[string]string{}
	for _, m := range get(spec, "containers", 0, "volumeMounts").([]any) {
		mounts[fmt.Sprint(get(m, "mountPath"))] = fmt.Sprint(get(m, "name"))
	}
	if mounts["/data"] != "data" || mounts["/tmp"] == "" {
		t.Errorf("mounts %v: want the data volume at /data and a writable /tmp (read-only root)", mounts)
	}
	hasClaim := false
	for _, v := range get(spec, "volumes").([]any) {
		if get(v, "name") == "data" && get(v, "persistentVolumeClaim", "claimName") != nil {
			hasClaim = true
		}
	}
	if hasClaim != fromClaim {
		t.Errorf("data volume from a claim: %v, want %v", hasClaim, fromClaim)
	}
	if kind == "StatefulSet" && get(objs["StatefulSet"][0], "spec", "volumeClaimTemplates", 0, "metadata", "name") != "data" {
		t.Error("StatefulSet has no per-replica data volumeClaimTemplate")
	}
}

func TestHelmChartRefusesBadValues(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	cases := []struct {
		sets []string
		want string
	}{
		{nil, "sync.query is required"},
		{[]string{"sync.query=o/*"}, "config.providers is required"},
		{[]string{"sync.query=o/*", "config.providers[0].name=g", "config.providers[0].type=github", "mode=daemonset"}, `mode "daemonset"`},
		{[]string{"sync.query=o/*", "config.providers[0].name=g", "config.providers[0].type=github", "mode=indexedJob", "shards.count=2"}, "ReadWriteMany"},
		{[]string{"sync.query=o/*", "config.providers[0].name=g", "config.providers[0].type=github", "shards.count=0"}, "at least 1"},
		{[]string{"sync.query=o/*", "config.providers[0].name=g", "config.providers[0].type=github", "credentials.tokens.bad-name=x"}, "MGIT_TOKEN_<NAME>"},
	}
	for _, c := range cases {
		_, stderr, err := renderChart(t, helm, nil, c.sets...)
		if err == nil || !strings.Contains(stderr, c.want) {
			t.Errorf("--set %v: err %v, want a failure mentioning %q:\n%s", c.sets, err, c.want, stderr)
		}
	}
}

func TestHelmChartTokensAndImage(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	objs, stderr, err := renderChart(t, helm, []string{"ci/deployment-values.yaml"}, "image.tag=v9.9.9")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if got := get(objs["Secret"][0], "data", "MGIT_TOKEN_GITHUB"); got == nil {
		t.Errorf("Secret data %v: want MGIT_TOKEN_GITHUB", get(objs["Secret"][0], "data"))
	}
	_, spec := podSpec(t, objs)
	if img := get(spec, "containers", 0, "image"); img != "ghcr.io/mgit-dev/mgit:v9.9.9" {
		t.Errorf("image %v, want the tag deploy.sh sets", img)
	}
	if cm := get(objs["ConfigMap"][0], "data", "config.yaml"); !strings.Contains(fmt.Sprint(cm), "type: github") {
		t.Errorf("config.yaml %q does not carry the values' config", cm)
	}
	objs, stderr, err = renderChart(t, helm, []string{"ci/cronjob-values.yaml"})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	_, spec = podSpec(t, objs)
	if img := fmt.Sprint(get(spec, "containers", 0, "image")); !strings.HasPrefix(img, "ghcr.io/mgit-dev/mgit@sha256:") {
		t.Errorf("image %v: a digest should win over the tag", img)
	}
	out, err := exec.Command(helm, "lint", filepath.Join(repoRoot(t), "deploy", "helm", "mgit"), "--strict",
		"--kube-version", kubeVersion, "-f", filepath.Join(repoRoot(t), "deploy", "helm", "mgit", "ci", "deployment-values.yaml")).CombinedOutput()
	if err != nil {
		t.Errorf("helm lint --strict: %v\n%s", err, out)
	}
}
