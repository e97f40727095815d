package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/lockedfile"
)

// counted returns a refresh that makes new keys and counts its calls.
func counted(calls *atomic.Int32, tag string) func(context.Context) (*Entry, error) {
	return func(context.Context) (*Entry, error) {
		calls.Add(1)
		return newKeys(tag), nil
	}
}

func TestFetchFreshHit(t *testing.T) {
	c := newCache(t)
	stored := entryFor("dev", "Admin")
	writeRaw(t, c, "dev", "Admin", mustJSON(t, stored)) // Put would make the lock file
	var calls atomic.Int32
	e, cached, err := c.Fetch(context.Background(), "dev", "Admin", 10*time.Minute, counted(&calls, "new"))
	if err != nil || !cached || e.AccessKeyID != stored.AccessKeyID || calls.Load() != 0 {
		t.Errorf("Fetch: %v, cached %v, %v; %d refreshes", e, cached, err, calls.Load())
	}
	// The hit path takes no lock, so it leaves no lock file behind.
	if _, err := os.Stat(filepath.Join(c.Dir, lockName("dev"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after a hit: %v", err)
	}
}

func TestFetchRefreshes(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]*time.Time{
		"absent":              nil,
		"expired":             new(now.Add(-time.Minute)),
		"inside the window":   new(now.Add(5 * time.Minute)),
		"exactly the window":  new(now.Add(10 * time.Minute)),
		"just outside window": new(now.Add(10*time.Minute + time.Second)),
	}
	for name, exp := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCache(t)
			c.Now = func() time.Time { return now }
			var old *Entry
			if exp != nil {
				old = entryFor("dev", "")
				old.Expiration = *exp
				if err := c.Put(old); err != nil {
					t.Fatal(err)
				}
			}
			var calls atomic.Int32
			refresh := func(context.Context) (*Entry, error) {
				calls.Add(1)
				e := newKeys("new")
				e.Expiration = now.Add(time.Hour)
				return e, nil
			}
			e, cached, err := c.Fetch(context.Background(), "dev", "", 10*time.Minute, refresh)
			if err != nil {
				t.Fatal(err)
			}
			wantHit := exp != nil && exp.Sub(now) > 10*time.Minute
			if wantHit {
				if !cached || calls.Load() != 0 || e.AccessKeyID != old.AccessKeyID {
					t.Errorf("want the cached entry: cached %v, %d refreshes", cached, calls.Load())
				}
				return
			}
			if cached || calls.Load() != 1 {
				t.Fatalf("cached %v, %d refreshes; want one refresh", cached, calls.Load())
			}
			if e.Account != "dev" || e.Role != "" || !e.Issued.Equal(now) {
				t.Errorf("entry not filed under its key: %+v", e)
			}
			got, ok, err := c.Get("dev", "")
			if err != nil || !ok || got.AccessKeyID != e.AccessKeyID {
				t.Errorf("refreshed entry not stored: %v, %v, %v", got, ok, err)
			}
			// The next Fetch is a hit.
			if _, cached, _ := c.Fetch(context.Background(), "dev", "", 10*time.Minute, refresh); !cached || calls.Load() != 1 {
				t.Errorf("second Fetch: cached %v, %d refreshes", cached, calls.Load())
			}
		})
	}
}

func TestFetchRoleIsolation(t *testing.T) {
	c := newCache(t)
	admin := entryFor("dev", "Admin")
	if err := c.Put(admin); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	for _, role := range []string{"Dev", "", "admin"} {
		e, cached, err := c.Fetch(context.Background(), "dev", role, time.Minute, counted(&calls, role))
		if err != nil || cached || e.AccessKeyID == admin.AccessKeyID || e.Role != role {
			t.Errorf("role %q: %v, cached %v, %v", role, e, cached, err)
		}
	}
	if calls.Load() != 3 {
		t.Errorf("%d refreshes, want 3", calls.Load())
	}
	// Admin's entry is untouched.
	if e, _, _ := c.Get("dev", "Admin"); e.AccessKeyID != admin.AccessKeyID {
		t.Errorf("Admin entry replaced")
	}
}

func TestFetchRefreshError(t *testing.T) {
	c := newCache(t)
	boom := errors.New("mfa rejected")
	_, _, err := c.Fetch(context.Background(), "dev", "", time.Minute, func(context.Context) (*Entry, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
	if _, ok, _ := c.Get("dev", ""); ok {
		t.Error("something was stored")
	}
	for name, bad := range map[string]*Entry{"nil": nil, "no keys": {Expiration: time.Now().Add(time.Hour)}} {
		if e, _, err := c.Fetch(context.Background(), "dev", "", time.Minute, func(context.Context) (*Entry, error) { return bad, nil }); err == nil || e != nil {
			t.Errorf("refresh returning %s: %v, %v", name, e, err)
		}
	}
}

func TestFetchNotSaved(t *testing.T) {
	c := newCache(t)
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A directory where the entry file should go makes the write fail
	// after the refresh succeeded.
	if err := os.Mkdir(filepath.Join(c.Dir, entryName("dev", "")), 0o700); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	e, cached, err := c.Fetch(context.Background(), "dev", "", time.Minute, counted(&calls, "x"))
	if !errors.Is(err, ErrNotSaved) || e == nil || e.AccessKeyID == "" || cached {
		t.Errorf("Fetch: %v, %v, %v; want the keys and ErrNotSaved", e, cached, err)
	}
}

func TestFetchCancelWhileWaiting(t *testing.T) {
	c := newCache(t)
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	held, err := lockedfile.Acquire(context.Background(), filepath.Join(c.Dir, lockName("dev")), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	var calls atomic.Int32
	start := time.Now()
	_, _, err = c.Fetch(ctx, "dev", "", time.Minute, counted(&calls, "x"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %s", d)
	}
	if calls.Load() != 0 {
		t.Error("refresh ran without the lock")
	}
}

func TestFetchLockWaitLimit(t *testing.T) {
	c := newCache(t)
	c.LockWait = 100 * time.Millisecond
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	held, err := lockedfile.Acquire(context.Background(), filepath.Join(c.Dir, lockName("dev")), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	var calls atomic.Int32
	start := time.Now()
	if _, _, err := c.Fetch(context.Background(), "dev", "", time.Minute, counted(&calls, "x")); err == nil {
		t.Error("no error though the lock stayed held")
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 5*time.Second {
		t.Errorf("gave up after %s, want about 100ms", d)
	}
	if calls.Load() != 0 {
		t.Error("refresh ran without the lock")
	}
	// Another account's lock is not this one.
	if _, _, err := c.Fetch(context.Background(), "prod", "", time.Minute, counted(&calls, "x")); err != nil || calls.Load() != 1 {
		t.Errorf("other account: %v, %d refreshes", err, calls.Load())
	}
}
