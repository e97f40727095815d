package provider

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// HumanWait rounds a wait up to what a person would say: 45s, 12m, 1h5m
// (how long until a rate limit lets a sign-in try again).
func HumanWait(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int((d+time.Second-1)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int((d+time.Minute-1)/time.Minute))
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	return fmt.Sprintf("%dh%dm", m/60, m%60)
}

// Seconds prints a duration the way --mfa-timeout is usually given: 90s.
func Seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", int64(d/time.Second))
	}
	return d.String()
}

// CleanCode drops the spaces people paste with one-time codes ("123 456").
func CleanCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
