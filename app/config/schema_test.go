package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The schema check uses github.com/santhosh-tekuri/jsonschema/v6: it
// implements draft 2020-12 completely (if/then, $defs, additionalProperties
// are all used by the schema), is pure Go, and is only linked into tests.

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	p := filepath.Join("..", "..", "docs", "config.schema.json")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("config.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlToJSONValue decodes YAML into the value model jsonschema expects.
func yamlToJSONValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(j)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExampleMatchesSchema(t *testing.T) {
	s := compileSchema(t)
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlToJSONValue(t, data)); err != nil {
		t.Fatalf("example does not validate:\n%v", err)
	}
}

// TestSchemaAgreesWithLoad: files Load refuses, the schema refuses too, so
// editors using the schema flag the same mistakes.
func TestSchemaAgreesWithLoad(t *testing.T) {
	s := compileSchema(t)
	bad := []string{
		"layuot: flat\n",
		"providers:\n  - name: w\n    type: github\n    token: ghp_x\n",
		"providers:\n  - name: w\n    type: gihtub\n",
		"providers:\n  - name: w\n",
		"concurrency: -1\n",
		"layout: tree\n",
		"providers:\n  - name: w\n    type: gitea\n",
		"providers:\n  - name: w\n    type: azuredevops\n",
		"workspace: src\n",
		"providers:\n  - name: w\n    type: gitlab\n    url: https://me:pw@gitlab.example.com\n",
		"providers:\n  - name: w\n    type: gitlab\n    credential_helper: gh\n",
		"providers:\n  - name: w\n    type: github\n    credential_helper: glab\n",
		"providers:\n  - name: w\n    type: github\n    credential_helper: wincred\n",
		"refresh_interval: fast\n",
	}
	for _, content := range bad {
		if _, err := Parse("c.yaml", []byte(content)); err == nil {
			t.Errorf("Load accepted %q", content)
		}
		if err := s.Validate(yamlToJSONValue(t, []byte(content))); err == nil {
			t.Errorf("schema accepted %q", content)
		}
	}
	for _, good := range []string{
		"providers:\n  - name: w\n    type: github\n    url: http://127.0.0.1:8080\n",
		"providers:\n  - name: w\n    type: github\n    credential_helper: gh\n",
		"providers:\n  - name: w\n    type: gitlab\n    credential_helper: glab\n",
		"providers:\n  - name: w\n    type: gitea\n    url: https://g.example\n    credential_helper: git\n",
		"refresh_interval: off\n",
		"refresh_interval: 1m30s\n",
	} {
		if _, err := Parse("c.yaml", []byte(good)); err != nil {
			t.Errorf("Load refused %q: %v", good, err)
		}
		if err := s.Validate(yamlToJSONValue(t, []byte(good))); err != nil {
			t.Errorf("schema refused %q: %v", good, err)
		}
	}
}
