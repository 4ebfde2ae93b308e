package telemetry

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// metricName finds mgit metric names in PromQL. A regexp rather than the
// PromQL parser: github.com/prometheus/prometheus would pull a very large
// dependency tree into the module for one test. mgit's names are all of
// this shape, so nothing is missed; a label value that happened to look
// like a metric name would be a false alarm, never a silent pass.
var metricName = regexp.MustCompile(`\bmgit_[a-z_]+\b`)

// registered returns every series name a scrape of NewMetrics can show,
// histogram series included.
func registered(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	touchAll(NewMetrics(reg, "test"))
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range fams {
		names[f.GetName()] = true
		if f.GetType() == dto.MetricType_HISTOGRAM {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[f.GetName()+s] = true
			}
		}
	}
	return names
}

func checkExprs(t *testing.T, where string, exprs []string, names map[string]bool) {
	t.Helper()
	if len(exprs) == 0 {
		t.Fatalf("%s: no expressions found", where)
	}
	for _, e := range exprs {
		for _, n := range metricName.FindAllString(e, -1) {
			if !names[n] {
				t.Errorf("%s: %q uses %s, which mgit does not export", where, strings.TrimSpace(e), n)
			}
		}
	}
}

const deployDir = "../deploy/prometheus"

// TestAlertRulesUseExistingMetrics reads every "expr:" of the alert rules,
// single-line or block (|) style.
func TestAlertRulesUseExistingMetrics(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		key, val, ok := strings.Cut(strings.TrimSpace(lines[i]), "expr:")
		if !ok || key != "" {
			continue
		}
		val = strings.TrimSpace(val)
		if val == "|" || val == ">" {
			indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
			val = ""
			for i+1 < len(lines) && (strings.TrimSpace(lines[i+1]) == "" ||
				len(lines[i+1])-len(strings.TrimLeft(lines[i+1], " ")) > indent) {
				i++
				val += lines[i] + "\n"
			}
		}
		exprs = append(exprs, val)
	}
	if len(exprs) < 5 {
		t.Fatalf("found %d rules, want at least 5", len(exprs))
	}
	checkExprs(t, "alerts.yml", exprs, registered(t))
}

func TestDashboardUsesExistingMetrics(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	var exprs []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	names := registered(t)
	checkExprs(t, "grafana-dashboard.json", exprs, names)
	// Every exported mgit family is on the dashboard somewhere.
	all := strings.Join(exprs, "\n")
	for n := range names {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_sum"), "_count")
		if base == n && !strings.Contains(all, n) && !names[n+"_bucket"] && n != "mgit_sync_last_run_timestamp_seconds" {
			t.Errorf("dashboard shows no panel for %s", n)
		}
	}
}

// TestCheckerCatchesUnknownNames: the check is not vacuous.
func TestCheckerCatchesUnknownNames(t *testing.T) {
	names := registered(t)
	if names["mgit_nonexistent_total"] || !names["mgit_operation_duration_seconds_bucket"] {
		t.Fatal("registered names wrong")
	}
	if got := metricName.FindAllString(`rate(mgit_nonexistent_total[5m]) / mgit_operations_total`, -1); len(got) != 2 {
		t.Fatalf("regexp found %v", got)
	}
}

// TestDashboardVariables: with several mgit deployments in one Prometheus
// (environments, namespaces, shards) the dashboard must let one be picked:
// namespace, job and instance variables, used by every query.
func TestDashboardVariables(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(deployDir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Templating struct {
			List []struct {
				Name string `json:"name"`
			} `json:"list"`
		} `json:"templating"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, v := range dash.Templating.List {
		vars[v.Name] = true
	}
	ref := regexp.MustCompile(`\bmgit_[a-z_]+(\{[^}]*\})?`)
	for _, want := range []string{"namespace", "job", "instance"} {
		if !vars[want] {
			t.Errorf("dashboard has no $%s variable", want)
		}
		for _, p := range dash.Panels {
			for _, tg := range p.Targets {
				for _, m := range ref.FindAllStringSubmatch(tg.Expr, -1) {
					if !strings.Contains(m[1], want+`=~"$`+want+`"`) {
						t.Errorf("panel %q: %s does not select by $%s", p.Title, m[0], want)
					}
				}
			}
		}
	}
}
