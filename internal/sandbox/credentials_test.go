package sandbox

import (
	"testing"
	"time"
)

// Issued keys are known until a day after they expire, then forgotten by a
// later issue; the search for keys to forget runs once per sweepEvery, not
// at every issue.
func TestCredStoreForgetsLongExpiredKeys(t *testing.T) {
	c := newCredStore()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.add("ASIAOLD", issued{expires: t0.Add(time.Hour)}, t0)
	c.add("ASIANEW", issued{expires: t0.Add(25 * time.Hour)}, t0.Add(24*time.Hour))
	if _, ok := c.get("ASIAOLD"); !ok {
		t.Fatal("keys expired for 23h forgotten")
	}
	later := t0.Add(25*time.Hour + time.Second)
	c.add("ASIA1", issued{expires: later.Add(time.Hour)}, later)
	if _, ok := c.get("ASIAOLD"); ok {
		t.Error("keys expired for over a day still known")
	}
	if c.swept != later {
		t.Errorf("last sweep at %v, want %v", c.swept, later)
	}
	c.add("ASIA2", issued{expires: later.Add(time.Hour)}, later.Add(time.Minute))
	if c.swept != later {
		t.Error("swept again within sweepEvery")
	}
	for _, k := range []string{"ASIANEW", "ASIA1", "ASIA2"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s forgotten", k)
		}
	}
}
