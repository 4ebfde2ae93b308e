package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNarrow(t *testing.T) {
	names := []string{"work", "Personal", "lab"}
	if idx, err := Narrow(names, ""); err != nil || len(idx) != 3 || idx[2] != 2 {
		t.Errorf("all: %v, %v", idx, err)
	}
	if idx, err := Narrow(names, "personal"); err != nil || len(idx) != 1 || idx[0] != 1 {
		t.Errorf("personal: %v, %v", idx, err)
	}
	var unknown *UnknownProviderError
	if _, err := Narrow(names, "nope"); !errors.As(err, &unknown) || strings.Join(unknown.Known, ",") != "work,Personal,lab" ||
		err.Error() != "--provider nope: no such provider" {
		t.Errorf("unknown: %v", err)
	}
	if _, err := Narrow(nil, ""); !errors.Is(err, ErrNoProviders) {
		t.Errorf("none: %v", err)
	}
}

// gitHubServer answers every listing with repos (full names) of org, the
// first of them archived, after ready is closed (nil: at once).
func gitHubServer(t *testing.T, ready chan struct{}, status int, names ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ready != nil {
			select {
			case <-ready:
			case <-time.After(10 * time.Second): // a failure guard, not synchronisation
				t.Error("providers asked one after the other: the other was never asked while this one waited")
			}
		}
		if status != http.StatusOK {
			http.Error(w, `{"message":"Bad credentials"}`, status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		var b strings.Builder
		b.WriteString("[")
		for i, n := range names {
			if i > 0 {
				b.WriteString(",")
			}
			archived := "false"
			if i == 0 {
				archived = "true"
			}
			b.WriteString(`{"name":"` + n + `","full_name":"org/` + n + `","owner":{"login":"org"},"archived":` + archived +
				`,"clone_url":"https://git.example/org/` + n + `.git","default_branch":"main"}`)
		}
		b.WriteString("]")
		_, _ = w.Write([]byte(b.String()))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFanOut: every provider is asked at once (the first answers only
// after the last was asked); a provider that could not be built answers
// first; one failure leaves the others' repositories; All sorts them and
// the failures in the targets' order; Filter, Vet and Span apply.
func TestFanOut(t *testing.T) {
	asked := make(chan struct{})
	slow := gitHubServer(t, asked, http.StatusUnauthorized)
	var once sync.Once
	fast := gitHubServer(t, nil, http.StatusOK, "old", "b", "A")
	fastAsked := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(asked) })
		fast.Config.Handler.ServeHTTP(w, r)
	})
	front := httptest.NewServer(fastAsked)
	defer front.Close()
	build := func(name, url string) Provider {
		p, err := New(Config{Name: name, Kind: KindGitHub, URL: url, Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	q, err := ParseQuery("org")
	if err != nil {
		t.Fatal(err)
	}
	noToken := errors.New("no token")
	ts := []Target{
		{Name: "a", Provider: build("a", slow.URL)},
		{Name: "b", Provider: build("b", front.URL)},
		{Name: "c", Err: noToken},
	}
	var mu sync.Mutex
	var spans, vetted []string
	fan := FanOut{Query: q, Filter: &FilterOptions{},
		Vet: func(name string, repos []Repo) []Repo {
			mu.Lock()
			defer mu.Unlock()
			vetted = append(vetted, name)
			return repos
		},
		Span: func(ctx context.Context, p Provider, q Query) (context.Context, func(error)) {
			mu.Lock()
			defer mu.Unlock()
			spans = append(spans, p.Name())
			return ctx, func(error) {}
		}}
	var first string
	fan.Each(context.Background(), ts, func(a Answer) {
		mu.Lock()
		defer mu.Unlock()
		if first == "" {
			first = a.Name
		}
	})
	if first != "c" {
		t.Errorf("first answer from %s; want the provider that could not be built", first)
	}
	repos, fails := fan.All(context.Background(), ts)
	if len(repos) != 2 || repos[0].FullName != "org/A" || repos[1].FullName != "org/b" {
		t.Errorf("repos %v; want org/A, org/b (sorted, archived filtered out)", repos)
	}
	if len(fails) != 2 || fails[0].Name != "a" || !errors.Is(fails[0].Err, ErrUnauthorized) || fails[1].Name != "c" || !errors.Is(fails[1].Err, noToken) {
		t.Errorf("fails %+v; want a's 401, then c's missing token", fails)
	}
	if len(spans) != 4 || strings.Join(vetted, ",") != "b,b" {
		t.Errorf("spans %v, vetted %v", spans, vetted)
	}
	// Without Filter, the answer is as listed.
	all, _ := FanOut{Query: q}.All(context.Background(), ts[1:2])
	if len(all) != 3 {
		t.Errorf("unfiltered: %v", all)
	}
}
