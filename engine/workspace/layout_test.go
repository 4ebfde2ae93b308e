package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDestination(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	mkdirs(t, filepath.Join(root, "example.com"))
	// example.com/evil -> outside root; example.com/fine -> inside root.
	if err := os.Symlink(outside, filepath.Join(root, "example.com", "evil")); err != nil {
		t.Fatal(err)
	}
	mkdirs(t, filepath.Join(root, "inside"))
	if err := os.Symlink(filepath.Join(root, "inside"), filepath.Join(root, "example.com", "fine")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "nowhere"), filepath.Join(root, "example.com", "dangling")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		url    string
		layout Layout
		dest   string // relative to root; "" means an error is expected
		host   string
		errHas string
	}{
		{"https://github.com/org/repo.git", LayoutHost, "github.com/org/repo", "github.com", ""},
		{"https://user:tok@GitHub.com:443/org/repo/", LayoutHost, "github.com/org/repo", "github.com", ""},
		{"http://127.0.0.1:8080/git/org/repo.git", LayoutHost, "127.0.0.1_8080/git/org/repo", "127.0.0.1:8080", ""},
		{"ssh://git@host.xz:2222/org/sub/repo.git", LayoutHost, "host.xz_2222/org/sub/repo", "host.xz:2222", ""},
		{"git@github.com:org/repo.git", LayoutHost, "github.com/org/repo", "github.com", ""},
		{"git@github.com:org/repo.git", LayoutFlat, "repo", "github.com", ""},
		{"https://dev.azure.com/org/proj/_git/repo", LayoutHost, "dev.azure.com/org/proj/_git/repo", "dev.azure.com", ""},
		{"file:///srv/git/repo.git", LayoutHost, "localhost/srv/git/repo", "", ""},
		{"/srv/git/repo.git", LayoutFlat, "repo", "", ""},
		{"https://example.com/fine/repo", LayoutHost, "example.com/fine/repo", "example.com", ""},

		{"../../etc", LayoutHost, "", "", "not a URL"},
		{"relative/dir", LayoutHost, "", "", "not a URL"},
		{"https://h/../../x", LayoutHost, "", "", "relative path segment"},
		{"https://h/a/%2e%2e/%2e%2e/x", LayoutHost, "", "", "relative path segment"},
		{"https://h/org/./repo", LayoutHost, "", "", "relative path segment"},
		{"https://h/org//repo", LayoutHost, "", "", "empty path segment"},
		{"https://h/org/.git/repo", LayoutHost, "", "", ".git path segment"},
		{"https://h/.git", LayoutHost, "", "", "empty path segment"},
		{"https://h/", LayoutHost, "", "", "empty path segment"},
		{"https://h/a%00b", LayoutHost, "", "", "control character"},
		{"https://h/a%0Ab", LayoutHost, "", "", "control character"},
		{"https://h/a%5Cb", LayoutHost, "", "", "separator"},
		{"git@h:../../x", LayoutHost, "", "", "relative path segment"},
		{"ftp://h/x", LayoutHost, "", "", "unsupported scheme"},
		{"https:///x", LayoutHost, "", "", "no host"},
		{"https://example.com/evil/repo", LayoutHost, "", "", "through a symlink outside"},
		{"https://example.com/dangling/repo", LayoutHost, "", "", "dangling symlink"},
		{"https://h/org/repo", "tree", "", "", "unknown layout"},
	}
	for _, tc := range tests {
		dest, host, err := Destination(root, tc.url, tc.layout)
		if tc.dest == "" {
			if err == nil {
				t.Errorf("%s (%s): want error containing %q, got %s", tc.url, tc.layout, tc.errHas, dest)
				continue
			}
			if !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("%s: error %q does not contain %q", tc.url, err, tc.errHas)
			}
			if strings.Contains(tc.errHas, "segment") && !errors.Is(err, ErrUnsafePath) {
				t.Errorf("%s: error %v does not wrap ErrUnsafePath", tc.url, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if want := filepath.Join(root, filepath.FromSlash(tc.dest)); dest != want || host != tc.host {
			t.Errorf("%s (%s): got %s %q, want %s %q", tc.url, tc.layout, dest, host, want, tc.host)
		}
	}
}

func TestDestinationRedactsPassword(t *testing.T) {
	_, _, err := Destination(t.TempDir(), "https://u:s3cret@h/../x", LayoutHost)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error must not reveal the password: %v", err)
	}
}

func TestSameRemote(t *testing.T) {
	same := [][2]string{
		{"https://github.com/org/repo.git", "https://token@github.com/org/repo"},
		{"https://GitHub.com/org/repo/", "http://github.com:80/org/repo.git"},
		{"git@github.com:org/repo.git", "ssh://git@github.com/org/repo"},
	}
	for _, p := range same {
		if !SameRemote(p[0], p[1]) {
			t.Errorf("SameRemote(%q, %q) = false", p[0], p[1])
		}
	}
	differ := [][2]string{
		{"https://github.com/org/repo", "https://github.com/org/other"},
		{"https://github.com/org/repo", "git@github.com:org/repo"},
		{"https://github.com/Org/repo", "https://github.com/org/repo"},
	}
	for _, p := range differ {
		if SameRemote(p[0], p[1]) {
			t.Errorf("SameRemote(%q, %q) = true", p[0], p[1])
		}
	}
}

func TestParseRemoteErrorsHideCredentials(t *testing.T) {
	for _, raw := range []string{
		"https://u:s3cret@github.com:99x/o/r",   // bad port: url.Parse fails
		"https://u:s3cret@github.com/o/r\n",     // control character
		"https://u:s3cret@github.com/o/r\x7f",   // DEL
		"ftp://s3cret@github.com/o/r",           // token as user name, unsupported scheme
		"https://u:s3cret@github.com:99x/o/r\n", // both
	} {
		_, err := ParseRemote(raw)
		if err == nil {
			t.Errorf("%q: parsed, want an error", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: error reveals the credential: %v", raw, err)
		}
	}
	// The reason survives the redaction.
	if _, err := ParseRemote("https://u:s3cret@github.com:99x/o/r"); err == nil || !strings.Contains(err.Error(), "invalid port") {
		t.Errorf("bad port: want the parser's reason in %v", err)
	}
}
