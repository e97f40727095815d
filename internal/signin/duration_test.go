package signin

import (
	"testing"
	"time"
)

func TestSessionDuration(t *testing.T) {
	for _, tt := range []struct {
		configured, fromIdP, want time.Duration
	}{
		{0, 0, time.Hour},
		{0, 8 * time.Hour, 8 * time.Hour},
		{0, 24 * time.Hour, 12 * time.Hour},
		{0, 30 * time.Minute, 30 * time.Minute},
		{2 * time.Hour, 0, 2 * time.Hour},
		{2 * time.Hour, 8 * time.Hour, 2 * time.Hour},
		{8 * time.Hour, 2 * time.Hour, 2 * time.Hour},
	} {
		if got := sessionDuration(tt.configured, tt.fromIdP); got != tt.want {
			t.Errorf("sessionDuration(%s, %s) = %s, want %s", tt.configured, tt.fromIdP, got, tt.want)
		}
	}
}
