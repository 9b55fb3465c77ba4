package scoring

import (
	"strings"
	"testing"
)

// TestCheckLabels: every check of the catalogue has a short name of its
// own, distinct from the others and from its description, and the names
// that carry a figure take it from the method.
func TestCheckLabels(t *testing.T) {
	m := CurrentMethod()
	seen := map[string]string{}
	for _, c := range Catalog() {
		l := m.CheckLabel(c)
		if l == "" || l == c.Description {
			t.Errorf("%s has no short name", c.ID)
		}
		if other, dup := seen[l]; dup {
			t.Errorf("%s and %s share the name %q", c.ID, other, l)
		}
		seen[l] = c.ID
	}
	for id := range checkLabels {
		found := false
		for _, c := range Catalog() {
			found = found || c.ID == id
		}
		if !found {
			t.Errorf("name for %q, which is not in the catalogue", id)
		}
	}
	reach := Check{ID: "task-reachable"}
	if got := m.CheckLabel(reach); got != "Top tasks within three clicks" || m.Thresholds.TaskMaxDepth != 3 {
		t.Errorf("task-reachable: %q at depth %d", got, m.Thresholds.TaskMaxDepth)
	}
	if got := m.TaskCheckLabel("task-reachable"); got != "Within 3 clicks" {
		t.Errorf("task-reachable column: %q", got)
	}
	m.Thresholds.TaskMaxDepth = 4
	if got := m.CheckLabel(reach); got != "Top tasks within four clicks" {
		t.Errorf("depth 4: %q", got)
	}
	if got := m.TaskCheckLabel("task-reachable"); got != "Within 4 clicks" {
		t.Errorf("depth 4 column: %q", got)
	}
	m.Thresholds.TaskMaxDepth = 12
	if got := m.CheckLabel(reach); !strings.Contains(got, "12 clicks") {
		t.Errorf("depth 12: %q", got)
	}
	for _, id := range []string{"task-home-link", "task-site-search", "task-a-to-z"} {
		if m.TaskCheckLabel(id) == id {
			t.Errorf("%s has no column name", id)
		}
	}
}
