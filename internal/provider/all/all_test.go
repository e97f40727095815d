package all

import (
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	r := Registry()
	if len(r) == 0 {
		t.Fatal("no provider registered")
	}
	if _, ok := r["form"]; !ok {
		t.Error("form provider missing")
	}
	for _, name := range r.Names() {
		if name == "" || name != strings.ToLower(name) || strings.ContainsAny(name, " \t") {
			t.Errorf("provider name %q is not a lower-case word", name)
		}
		p, err := r.New(name)
		if err != nil || p == nil {
			t.Errorf("New(%q) = %v, %v", name, p, err)
		}
	}
	// Each call hands out its own map, so no caller can change another's.
	delete(r, "form")
	if _, ok := Registry()["form"]; !ok {
		t.Error("Registry shares its map between calls")
	}
}
