package cli

import (
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

func TestStderrSinkSplitsProgressFromMessages(t *testing.T) {
	var got []git.Progress
	s := newStderrSink(func(p git.Progress) { got = append(got, p) })
	// Real --progress output of a clone, written in awkward chunks.
	stream := "Cloning into 'x'...\nremote: Enumerating objects: 25, done.\n" +
		"remote: Counting objects:  50% (1/2)\rremote: Counting objects: 100% (2/2), done.\n" +
		"Receiving objects:  45% (45/100), 1.20 MiB | 1.00 MiB/s\rReceiving objects:  45% (45/100)\r" +
		"Receiving objects: 100% (100/100), done.\nResolving deltas: 100% (3/3), done.\n" +
		"error: 5 things went wrong\nfatal: early EOF"
	for i := 0; i < len(stream); i += 7 {
		_, _ = s.Write([]byte(stream[i:min(i+7, len(stream))]))
	}
	s.flush()
	want := []git.Progress{
		{Phase: "Enumerating objects", Current: 25},
		{Phase: "Counting objects", Current: 1, Total: 2},
		{Phase: "Counting objects", Current: 2, Total: 2},
		{Phase: "Receiving objects", Current: 45, Total: 100},
		{Phase: "Receiving objects", Current: 100, Total: 100},
		{Phase: "Resolving deltas", Current: 3, Total: 3},
	}
	if len(got) != len(want) {
		t.Fatalf("progress = %+v\nwant       %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("progress[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if kept := s.String(); kept != "Cloning into 'x'...\nerror: 5 things went wrong\nfatal: early EOF\n" {
		t.Errorf("kept = %q", kept)
	}
}

func TestStderrSinkIsCapped(t *testing.T) {
	s := newStderrSink(nil)
	line := strings.Repeat("remote: noise ", 20) + "\n"
	for range 10000 {
		_, _ = s.Write([]byte(line))
	}
	_, _ = s.Write([]byte("fatal: the real problem\n"))
	kept := s.String()
	if len(kept) > maxKept+tailLines*(len(line)+1)+16 {
		t.Errorf("kept %d bytes", len(kept))
	}
	if !strings.HasSuffix(kept, "fatal: the real problem\n") {
		t.Errorf("the last line was lost: …%q", kept[len(kept)-80:])
	}
	if d := detail(kept); d != "the real problem" {
		t.Errorf("detail = %q", d)
	}
}

func TestDetail(t *testing.T) {
	for in, want := range map[string]string{
		"fatal: 'nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\n": "'nope' does not appear to be a git repository; Could not read from remote repository.",
		"Already up to date.\nhint: something\n": "Already up to date.",
		// The files in the way are what a person needs to know.
		"Updating 6b39030..28baa77\nerror: Your local changes to the following files would be overwritten by merge:\n\tb.txt\n\ta.txt\nPlease commit your changes or stash them before you merge.\nAborting\n": "Your local changes to the following files would be overwritten by merge: a.txt, b.txt",
		"": "",
	} {
		if got := detail(in); got != want {
			t.Errorf("detail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScrub(t *testing.T) {
	in := "fatal: unable to access 'https://alice:tok3n@h.example/r.git/': x; see http://u@other/ and tok3n"
	got := scrub(in, []string{"tok3n"})
	if strings.Contains(got, "tok3n") || strings.Contains(got, "alice") || strings.Contains(got, "u@") {
		t.Errorf("scrub = %q", got)
	}
	if !strings.Contains(got, "https://h.example/r.git/") {
		t.Errorf("scrub removed too much: %q", got)
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string][2]int{
		"git version 2.39.5\n":               {2, 39},
		"git version 2.39.5.windows.1":       {2, 39},
		"git version 2.39.3 (Apple Git-146)": {2, 39},
		"git version 2.30.0.rc1":             {2, 30},
	} {
		maj, mnr, err := parseVersion(in)
		if err != nil || maj != want[0] || mnr != want[1] {
			t.Errorf("parseVersion(%q) = %d.%d, %v", in, maj, mnr, err)
		}
	}
	if _, _, err := parseVersion("hub version 1"); err == nil {
		t.Error("parseVersion accepted garbage")
	}
}
