package provider

import (
	"context"
	"strings"
	"time"
)

// Sleep waits d, or less when ctx ends first (then it returns ctx.Err()).
// Providers that poll (push approval, a broker's workflow) wait with it.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// OneLine makes a service's text fit an error message: its first line, at
// most 200 characters, with every given secret replaced by *** in case the
// service echoed one.
func OneLine(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
