package app

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/mgit-dev/mgit/engine/provider"
)

func TestListTableFitsWidth(t *testing.T) {
	repos := []provider.Repo{
		{Provider: "work-github", FullName: "acme/payments-service-with-a-long-name", DefaultBranch: "release/2026-q4-hotfixes",
			Private: true, Archived: true, Fork: true},
		{Provider: "ado", FullName: "contoso/Web/portal", DefaultBranch: "main"},
	}
	for _, tc := range []struct {
		width int
		want  []string
	}{
		{0, []string{
			"PROVIDER     REPOSITORY                              BRANCH                    FLAGS",
			"work-github  acme/payments-service-with-a-long-name  release/2026-q4-hotfixes  private,archived,fork",
			"ado          contoso/Web/portal                      main                      -",
		}},
		{120, []string{
			"PROVIDER     REPOSITORY                              BRANCH                    FLAGS",
			"work-github  acme/payments-service-with-a-long-name  release/2026-q4-hotfixes  private,archived,fork",
			"ado          contoso/Web/portal                      main                      -",
		}},
		// The provider goes first; the branch, shortened to fit before
		// that, gets back what the drop freed beyond the need.
		{80, []string{
			"REPOSITORY                              BRANCH             FLAGS",
			"acme/payments-service-with-a-long-name  release/2026-q4-…  private,archived,fork",
			"contoso/Web/portal                      main               -",
		}},
		{60, []string{
			"REPOSITORY                              BRANCH",
			"acme/payments-service-with-a-long-name  release/2026-q4-hot…",
			"contoso/Web/portal                      main",
		}},
	} {
		got := listTable(repos, tc.width)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("width %d:\n%s\nwant\n%s", tc.width, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
		for _, l := range got {
			if w := uniseg.StringWidth(l); tc.width > 0 && w > tc.width {
				t.Errorf("width %d: %q is %d columns", tc.width, l, w)
			}
		}
	}
}
