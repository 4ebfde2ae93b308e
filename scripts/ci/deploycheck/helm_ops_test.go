package deploycheck

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var chartFiles = []struct {
	file, kind string
}{
	{"ci/deployment-values.yaml", "Deployment"},
	{"ci/cronjob-values.yaml", "CronJob"},
	{"ci/statefulset-values.yaml", "StatefulSet"},
	{"ci/indexedjob-values.yaml", "Job"},
}

// podAnnotations returns the pod template annotations of the one workload.
func podAnnotations(t *testing.T, objs map[string][]object) object {
	t.Helper()
	for kind, path := range map[string][]any{
		"Deployment":  {"spec", "template", "metadata", "annotations"},
		"StatefulSet": {"spec", "template", "metadata", "annotations"},
		"Job":         {"spec", "template", "metadata", "annotations"},
		"CronJob":     {"spec", "jobTemplate", "spec", "template", "metadata", "annotations"},
	} {
		for _, o := range objs[kind] {
			a, _ := get(o, path...).(object)
			return a
		}
	}
	t.Fatal("no workload")
	return nil
}

// TestHelmChartRollsAndScrapesEveryMode: every mode's pods carry the
// checksums that roll them when config or tokens change, and the scrape
// annotations (a CronJob's or Job's pods have no Service to be found by).
func TestHelmChartRollsAndScrapesEveryMode(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	for _, c := range chartFiles {
		objs, stderr, err := renderChart(t, helm, []string{c.file})
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.file, err, stderr)
		}
		a := podAnnotations(t, objs)
		for _, k := range []string{"checksum/config", "checksum/credentials"} {
			if a[k] == nil {
				t.Errorf("%s: pod annotations %v lack %s", c.file, a, k)
			}
		}
		if a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != "9090" || a["prometheus.io/path"] != "/metrics" {
			t.Errorf("%s: pod annotations %v: want prometheus.io/scrape, port 9090, path /metrics", c.file, a)
		}
	}
	// A changed token changes the checksum: the pods roll.
	one, _, err := renderChart(t, helm, []string{"ci/deployment-values.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	two, _, err := renderChart(t, helm, []string{"ci/deployment-values.yaml"}, "credentials.tokens.github=rotated-token")
	if err != nil {
		t.Fatal(err)
	}
	if podAnnotations(t, one)["checksum/credentials"] == podAnnotations(t, two)["checksum/credentials"] {
		t.Error("a rotated token does not change checksum/credentials: the pods would keep the old token")
	}
	// The Job modes can be scraped by the Prometheus Operator too.
	objs, stderr, err := renderChart(t, helm, []string{"ci/cronjob-values.yaml"}, "metrics.podMonitor.enabled=true")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if len(objs["PodMonitor"]) != 1 || get(objs["PodMonitor"][0], "spec", "podMetricsEndpoints", 0, "port") != "metrics" {
		t.Errorf("no PodMonitor on the metrics port for the CronJob: %v", objs["PodMonitor"])
	}
}

// TestHelmChartSecretName: the chart's generated Secret never has the name
// the docs tell people to create by hand (mgit-tokens), whatever the
// release is called.
func TestHelmChartSecretName(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	guide := string(readFile(t, filepath.Join(repoRoot(t), "docs", "deployment", "deployment-guide.md")))
	m := regexp.MustCompile(`create secret generic (\S+)`).FindStringSubmatch(guide)
	if m == nil {
		t.Fatal("the deployment guide no longer creates a Secret by hand: update this test")
	}
	for _, release := range []string{"mgit", "rel", "mgit-staging"} {
		objs, stderr, err := renderRelease(t, helm, release, kubeVersion, []string{"ci/deployment-values.yaml"})
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		name := get(objs["Secret"][0], "metadata", "name")
		if name == m[1] {
			t.Errorf("release %s: the chart's Secret is %v, the name the guide creates by hand", release, name)
		}
		_, spec := podSpec(t, objs)
		if ref := get(spec, "containers", 0, "envFrom", 0, "secretRef", "name"); ref != name {
			t.Errorf("release %s: pods read Secret %v, the chart made %v", release, ref, name)
		}
	}
}

// TestHelmChartBackoffLimitPerIndex: the field is alpha (off) on 1.28, the
// chart's minimum; it is rendered only where it works.
func TestHelmChartBackoffLimitPerIndex(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	for kube, want := range map[string]bool{"1.28.0": false, "1.29.0": true, "1.34.0": true} {
		objs, stderr, err := renderRelease(t, helm, "rel", kube, []string{"ci/indexedjob-values.yaml"})
		if err != nil {
			t.Fatalf("kube %s: %v\n%s", kube, err, stderr)
		}
		spec := get(objs["Job"][0], "spec")
		if got := get(spec, "backoffLimitPerIndex") != nil; got != want {
			t.Errorf("kube %s: backoffLimitPerIndex rendered %v, want %v", kube, got, want)
		}
		if !want && get(spec, "backoffLimit") == nil {
			t.Errorf("kube %s: no backoffLimit either", kube)
		}
	}
}

// TestHelmChartPlatformValues: extra volumes (a CA bundle, an audit log),
// an arbitrary UID (OpenShift), and the NetworkPolicy.
func TestHelmChartPlatformValues(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	objs, stderr, err := renderChart(t, helm, []string{"ci/deployment-values.yaml"},
		"extraVolumes[0].name=ca", "extraVolumes[0].configMap.name=corp-ca",
		"extraVolumeMounts[0].name=ca", "extraVolumeMounts[0].mountPath=/etc/mgit-ca", "extraVolumeMounts[0].readOnly=true",
		"podSecurityContext.runAsUser=null", "podSecurityContext.runAsGroup=null", "podSecurityContext.fsGroup=null",
		"networkPolicy.enabled=true", "networkPolicy.egressCIDRs[0]=10.20.0.0/16")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	_, spec := podSpec(t, objs)
	found := false
	for _, v := range get(spec, "volumes").([]any) {
		found = found || get(v, "name") == "ca" && get(v, "configMap", "name") == "corp-ca"
	}
	mounted := false
	for _, m := range get(spec, "containers", 0, "volumeMounts").([]any) {
		mounted = mounted || get(m, "name") == "ca" && get(m, "mountPath") == "/etc/mgit-ca"
	}
	if !found || !mounted {
		t.Errorf("extraVolumes/extraVolumeMounts not rendered: volume %v, mount %v", found, mounted)
	}
	psc := get(spec, "securityContext").(object)
	for _, k := range []string{"runAsUser", "runAsGroup", "fsGroup"} {
		if v, ok := psc[k]; ok && v != nil {
			t.Errorf("podSecurityContext.%s = %v after setting it to null: the platform's UID could not be used", k, v)
		}
	}
	if psc["runAsNonRoot"] != true {
		t.Error("runAsNonRoot dropped with the UID")
	}
	if len(objs["NetworkPolicy"]) != 1 {
		t.Fatalf("NetworkPolicy rendered %d times, want 1", len(objs["NetworkPolicy"]))
	}
	np := get(objs["NetworkPolicy"][0], "spec")
	if !slices.Equal(strs(get(np, "policyTypes")), []string{"Ingress", "Egress"}) {
		t.Errorf("policyTypes %v", get(np, "policyTypes"))
	}
	if get(np, "ingress", 0, "ports", 0, "port") != "metrics" {
		t.Errorf("ingress %v: want the metrics port only", get(np, "ingress"))
	}
	egress := fmt.Sprint(get(np, "egress"))
	for _, want := range []string{"port:53 protocol:UDP", "port:53 protocol:TCP", "port:443 protocol:TCP", "cidr:10.20.0.0/16"} {
		if !strings.Contains(egress, want) {
			t.Errorf("egress %s lacks %s", egress, want)
		}
	}
}

type alertRule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	Annotations map[string]string `yaml:"annotations"`
}

func loadAlerts(t *testing.T, path string) []alertRule {
	t.Helper()
	var doc struct {
		Groups []struct {
			Rules []alertRule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(readFile(t, path), &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []alertRule
	for _, g := range doc.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

// TestAlertRulesOperations: every alert links an existing runbook; the
// rules catch a repository that fails every cycle and a missing mgit, and
// depend on no job or release name.
func TestAlertRulesOperations(t *testing.T) {
	root := repoRoot(t)
	rules := loadAlerts(t, filepath.Join(root, "deploy", "prometheus", "alerts.yml"))
	exprs := ""
	for _, r := range rules {
		exprs += r.Expr + "\n"
		want := "https://github.com/mgit-dev/mgit/blob/main/docs/runbooks/" + r.Alert + ".md"
		if r.Annotations["runbook_url"] != want {
			t.Errorf("%s: runbook_url %q, want %q", r.Alert, r.Annotations["runbook_url"], want)
		}
		if _, err := os.Stat(filepath.Join(root, "docs", "runbooks", r.Alert+".md")); err != nil {
			t.Errorf("%s: no runbook: %v", r.Alert, err)
		}
		if regexp.MustCompile(`job\s*=~?\s*"`).MatchString(r.Expr) {
			t.Errorf("%s: %q depends on the job's name (a release not named mgit* would be missed)", r.Alert, r.Expr)
		}
	}
	for _, want := range []string{"absent(", "mgit_repositories_failing_streak", "up == 0"} {
		if !strings.Contains(exprs, want) {
			t.Errorf("no alert uses %s", want)
		}
	}
	// The chart ships the same rules.
	a := readFile(t, filepath.Join(root, "deploy", "prometheus", "alerts.yml"))
	b := readFile(t, filepath.Join(root, "deploy", "helm", "mgit", "files", "alerts.yml"))
	if !bytes.Equal(a, b) {
		t.Error("deploy/helm/mgit/files/alerts.yml differs from deploy/prometheus/alerts.yml: cp deploy/prometheus/alerts.yml deploy/helm/mgit/files/alerts.yml")
	}
	// Every runbook belongs to an alert.
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "runbooks", "Mgit*.md"))
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		if !slices.ContainsFunc(rules, func(r alertRule) bool { return r.Alert == name }) {
			t.Errorf("docs/runbooks/%s.md has no alert", name)
		}
	}
}

// TestHelmChartPrometheusRule: the chart's PrometheusRule carries exactly
// the rules of alerts.yml, their {{ $labels }} templates untouched.
func TestHelmChartPrometheusRule(t *testing.T) {
	requireDeployChecks(t)
	helm := tool(t, "helm")
	objs, stderr, err := renderChart(t, helm, []string{"ci/deployment-values.yaml"}, "metrics.prometheusRule.enabled=true")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if len(objs["PrometheusRule"]) != 1 {
		t.Fatalf("PrometheusRule rendered %d times", len(objs["PrometheusRule"]))
	}
	var want object
	if err := yaml.Unmarshal(readFile(t, filepath.Join(repoRoot(t), "deploy", "prometheus", "alerts.yml")), &want); err != nil {
		t.Fatal(err)
	}
	if got := get(objs["PrometheusRule"][0], "spec"); !reflect.DeepEqual(got, want) {
		t.Errorf("PrometheusRule spec differs from alerts.yml:\n%v\nwant\n%v", got, want)
	}
	objs, _, err = renderChart(t, helm, []string{"ci/deployment-values.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs["PrometheusRule"]) != 0 {
		t.Error("PrometheusRule rendered although not enabled")
	}
}
