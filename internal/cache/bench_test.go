package cache

import (
	"context"
	"fmt"
	"strings"
	"sync"
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

// BenchmarkPutMany measures what a login for 20 accounts costs the cache:
// 20 entries written at once, each under its account's lock.
func BenchmarkPutMany(b *testing.B) {
	c := &Cache{Dir: b.TempDir()}
	entries := make([]*Entry, 20)
	for i := range entries {
		e := newKeys("bench")
		e.Account, e.Role = fmt.Sprintf("acct%d", i), "arn:aws:iam::123456789012:role/Team"
		e.SessionToken = strings.Repeat("IQoJb3JpZ2luX2VjEJr", 40)
		entries[i] = e
	}
	for b.Loop() {
		var wg sync.WaitGroup
		for _, e := range entries {
			wg.Go(func() {
				if err := c.Put(e); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
}
