package app

import "testing"

func TestShownToPeople(t *testing.T) {
	for _, tc := range []struct {
		fields map[string]any
		want   bool
	}{
		{map[string]any{"message": "op finished", "outcome": "failed"}, true},
		{map[string]any{"message": "provider failed"}, true},
		{map[string]any{"message": "provider request", "status": 404.0}, true},
		{map[string]any{"message": "provider request", "rate_limited": true}, false},
		{map[string]any{"message": "state cache corrupt, discarded"}, false},
	} {
		if got := shownToPeople(tc.fields); got != tc.want {
			t.Errorf("shownToPeople(%v) = %v, want %v", tc.fields, got, tc.want)
		}
	}
}
