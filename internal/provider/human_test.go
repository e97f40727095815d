package provider

import (
	"testing"
	"time"
)

func TestHumanWait(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 500 * time.Millisecond: "1s", 45 * time.Second: "45s", 60 * time.Second: "1m", 61 * time.Second: "2m",
		720 * time.Second: "12m", time.Hour: "1h", 65 * time.Minute: "1h5m",
	} {
		if got := HumanWait(d); got != want {
			t.Errorf("HumanWait(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSecondsAndCleanCode(t *testing.T) {
	if Seconds(90*time.Second) != "90s" || Seconds(1500*time.Millisecond) != "1.5s" {
		t.Error(Seconds(90*time.Second), Seconds(1500*time.Millisecond))
	}
	if CleanCode(" 123 456\t") != "123456" {
		t.Error(CleanCode(" 123 456\t"))
	}
}
