package provider

import "testing"

func TestRepoHost(t *testing.T) {
	for raw, want := range map[string]string{
		"https://GitLab.Example.com/a/b.git":      "gitlab.example.com",
		"https://gitlab.example.com:443/a/b.git":  "gitlab.example.com",
		"http://gitlab.example.com:80/a/b.git":    "gitlab.example.com",
		"https://gitlab.example.com:8443/a/b.git": "gitlab.example.com:8443",
		"http://gitlab.example.com:443/a/b.git":   "gitlab.example.com:443",
		"https://user@[::1]:8443/a/b.git":         "[::1]:8443",
		"":                                        "fallback",
		"not a url at all":                        "fallback",
	} {
		if got := repoHost(raw, "fallback"); got != want {
			t.Errorf("repoHost(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestOneServerOneHost: whichever provider kind lists a server, its
// repositories get the same Host, so they land in one directory; without a
// clone URL the API's host stands in, in the same form.
func TestOneServerOneHost(t *testing.T) {
	const want = "git.example.com:8443"
	for _, kind := range []string{KindGitHub, KindGitLab, KindGitea, KindBitbucket, KindAzureDevOps} {
		p, err := New(Config{Kind: kind, Name: kind, URL: "https://GIT.example.com:8443/tfs/Coll"})
		if err != nil {
			t.Fatal(err)
		}
		for _, clone := range []string{"https://Git.Example.com:8443/acme/api.git", ""} {
			var r Repo
			switch p := p.(type) {
			case *gitHub:
				r = p.repo(gitHubRepo{Name: "api", CloneURL: clone})
			case *gitLab:
				r = p.repo(glProject{Path: "api", HTTPURL: clone})
			case *gitea:
				r = p.repo(giteaRepo{Name: "api", CloneURL: clone})
			case *bitbucketDC:
				var br bbdcRepo
				br.Links.Clone = []bbLink{{Name: "http", Href: clone}}
				r = p.repo(br)
			case *azureDevOps: // Server: the host of the collection URL
				r = p.repo("Coll", adoRepo{Name: "api", RemoteURL: clone})
			default:
				t.Fatalf("%s: unexpected %T", kind, p)
			}
			if r.Host != want {
				t.Errorf("%s, clone URL %q: Host %q, want %q", kind, clone, r.Host, want)
			}
		}
	}
}
