package cache

import (
	"context"
	"strings"
	"testing"
	"time"
)

// BenchmarkFetchHit measures the path credential-process takes before every
// AWS call when the keys are cached: one file read and a JSON decode.
func BenchmarkFetchHit(b *testing.B) {
	c := &Cache{Dir: b.TempDir()}
	e := newKeys("bench")
	e.Account, e.Role = "dev", "Admin"
	e.SessionToken = strings.Repeat("IQoJb3JpZ2luX2VjEJr", 40) // real tokens are about this long
	if err := c.Put(e); err != nil {
		b.Fatal(err)
	}
	refresh := func(context.Context) (*Entry, error) {
		b.Fatal("refresh on a hit")
		return nil, nil
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, cached, err := c.Fetch(ctx, "dev", "Admin", 10*time.Minute, refresh); err != nil || !cached {
			b.Fatal(cached, err)
		}
	}
}
