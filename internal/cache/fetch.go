package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awsfed/awsfed/internal/lockedfile"
)

// ErrNotSaved marks a Fetch whose refresh succeeded but whose result could
// not be stored: the returned entry is good to use, only the cache failed.
var ErrNotSaved = errors.New("keys not saved in the cache")

// Fetch returns the keys of account and role, refreshing them when fewer
// than window remain.
//
// A cached entry with more than window left is returned at once with no
// lock taken: credential-process runs before every AWS call, so this path
// is a read of one file. Otherwise Fetch takes the account's lock (waiting
// up to LockWait, or until ctx ends), reads again, because the process it
// waited for may have just refreshed, and only then calls refresh and stores
// its result under account and role. Errors from refresh are returned
// unchanged; when only storing fails, Fetch returns the new entry with an
// error wrapping ErrNotSaved.
func (c *Cache) Fetch(ctx context.Context, account, role string, window time.Duration, refresh func(ctx context.Context) (*Entry, error)) (e *Entry, cached bool, err error) {
	if account == "" {
		return nil, false, errors.New("cache: empty account name")
	}
	if e, ok := c.Fresh(account, role, window); ok {
		return e, true, nil
	}
	lockPath, err := c.path(lockName(account))
	if err != nil {
		return nil, false, err
	}
	if err := c.ensureDir(); err != nil {
		return nil, false, err
	}
	lock, err := lockedfile.Acquire(ctx, lockPath, c.lockWait())
	if err != nil {
		return nil, false, fmt.Errorf("cache: account %s: %w", account, err)
	}
	defer lock.Release()
	if e, ok := c.Fresh(account, role, window); ok {
		return e, true, nil
	}
	e, err = refresh(ctx)
	if err != nil {
		return nil, false, err
	}
	if e == nil {
		return nil, false, fmt.Errorf("account %s: refresh returned no keys", account)
	}
	// The entry must land where the next Fetch for this account and role
	// will look, whatever refresh filled in.
	e.Account, e.Role = account, role
	if c.Who != "" {
		e.Who = c.Who
	}
	if c.Binding != "" {
		e.Binding = c.Binding
	}
	if c.Requested != 0 {
		e.Requested = c.Requested
	}
	if !e.usable() {
		return nil, false, fmt.Errorf("account %s: refresh returned no keys or no expiration", account)
	}
	if e.Issued.IsZero() {
		e.Issued = c.now()
	}
	if err := c.put(lock, e); err != nil {
		return e, false, fmt.Errorf("%w: %w", ErrNotSaved, err)
	}
	return e, false, nil
}

// Fresh returns the cached entry if it has more than window left. Read
// errors count as a miss here: the refresh that follows will report any
// lasting problem with the directory.
func (c *Cache) Fresh(account, role string, window time.Duration) (*Entry, bool) {
	e, ok, err := c.Get(account, role)
	if err != nil || !ok || e.Remaining(c.now()) <= window {
		return nil, false
	}
	return e, true
}
