package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/lockedfile"
)

// DefaultLockWait is how long Fetch waits for another process's refresh of
// the same account: long, because that process may be waiting for the user
// to approve a push on their phone.
const DefaultLockWait = 5 * time.Minute

// Cache is the key cache in one directory. The zero value of Now and
// LockWait means time.Now and DefaultLockWait.
type Cache struct {
	Dir      string
	Now      func() time.Time
	LockWait time.Duration
	// Who, when set, is who the keys must have been obtained for (IdP
	// host and user, see Entry.Who): an entry of anyone else counts as
	// missing, so --username or --url never get another user's keys.
	Who string
	// Binding, when set, is the Entry.Binding an entry must have: keys of
	// another IdP section, URL, app or STS endpoint count as missing.
	Binding string
	// Requested, when set, is the session length asked for: an entry
	// obtained for a shorter one cannot cover it and counts as missing.
	Requested time.Duration
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) lockWait() time.Duration {
	if c.LockWait > 0 {
		return c.LockWait
	}
	return DefaultLockWait
}

func (c *Cache) path(name string) (string, error) {
	if c.Dir == "" {
		// Rather than scatter keys in the working directory.
		return "", errors.New("cache directory not set")
	}
	return filepath.Join(c.Dir, name), nil
}

// Get reads the entry of account and role without a lock: Put replaces files
// atomically, so a reader sees a whole file. A missing, corrupt or
// half-filled file, or one that holds another account's keys, is reported
// as missing (ok false, nil error) so that the caller signs in afresh and
// Put overwrites it; other read failures are errors. Expired entries are
// returned: see Entry.Remaining.
func (c *Cache) Get(account, role string) (e *Entry, ok bool, err error) {
	if account == "" {
		return nil, false, errors.New("cache: empty account name")
	}
	path, err := c.path(entryName(account, role))
	if err != nil {
		return nil, false, err
	}
	e, err = readEntry(path)
	if err != nil {
		return nil, false, fmt.Errorf("cache: account %s: %w", account, err)
	}
	if e == nil || e.Account != account || e.Role != role || !c.binds(e) {
		return nil, false, nil
	}
	return e, true, nil
}

// binds reports whether e was obtained for what c asks: the same user at the
// same IdP, the same binding, and a session at least as long as requested.
func (c *Cache) binds(e *Entry) bool {
	return (c.Who == "" || e.Who == c.Who) &&
		(c.Binding == "" || e.Binding == c.Binding) &&
		(c.Requested == 0 || e.Requested >= c.Requested)
}

// readEntry returns nil, nil for a file that is missing or holds no usable
// entry.
func readEntry(path string) (*Entry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var e Entry
	if json.Unmarshal(data, &e) != nil || !e.usable() {
		return nil, nil
	}
	return &e, nil
}

// Put stores e under (e.Account, e.Role), replacing any earlier entry, as a
// 0600 file in a 0700 directory. The directory is created if need be, and
// tightened to 0700 if it lets others in: it is awsfed's own, and holds
// nothing that others should list. Put refuses an entry without an account,
// keys or expiration, since Get would not return it.
//
// Put takes the account's lock, as Fetch does, so that every write of an
// entry holds it and may remove the temp files killed writers left. It waits
// at most putLockWait for a Fetch under way elsewhere, and must not be
// called from a refresh that Fetch runs (that Fetch holds the lock).
func (c *Cache) Put(e *Entry) error {
	if e == nil || !e.usable() {
		return errors.New("cache: entry without account, keys or expiration")
	}
	lockPath, err := c.path(lockName(e.Account))
	if err != nil {
		return err
	}
	if err := c.ensureDir(); err != nil {
		return err
	}
	lock, err := lockedfile.Acquire(context.Background(), lockPath, min(c.lockWait(), putLockWait))
	if err != nil {
		return fmt.Errorf("cache: account %s: %w", e.Account, err)
	}
	defer lock.Release()
	return c.put(lock, e)
}

// putLockWait bounds Put's wait: a Fetch may hold the lock while the user
// approves a push, and a login that already has its keys should not hang on
// a cache, which only saves a later sign-in.
const putLockWait = 10 * time.Second

// put writes e holding lock, the lock of e.Account.
func (c *Cache) put(lock *lockedfile.Lock, e *Entry) error {
	path, err := c.path(entryName(e.Account, e.Role))
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("cache: account %s: %w", e.Account, err)
	}
	// 0600 whatever mode an earlier file had. No fsync: an entry a crash
	// cuts short or loses reads as missing (see readEntry), so it costs a
	// sign-in, not wrong keys.
	if err := lock.WriteAtomicNoSync(path, append(data, '\n'), nil, 0o600); err != nil {
		return fmt.Errorf("cache: account %s: %w", e.Account, err)
	}
	return nil
}

func (c *Cache) ensureDir() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if runtime.GOOS == "windows" {
		// Permission bits mean nothing there; the profile directory's ACL
		// protects LocalAppData.
		return nil
	}
	fi, err := os.Stat(c.Dir)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("cache: %s is not a directory", c.Dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(c.Dir, 0o700); err != nil {
			return fmt.Errorf("cache: %s is open to other users and cannot be made private: %w", c.Dir, err)
		}
	}
	return nil
}

// Delete removes every entry of account, whatever the role, and says how
// many went. It takes no lock: a refresh of the account that is under way
// when Delete runs may store its entry afterwards.
func (c *Cache) Delete(account string) (int, error) {
	if account == "" {
		return 0, errors.New("cache: empty account name")
	}
	if c.Dir == "" {
		return 0, errors.New("cache directory not set")
	}
	names, err := c.entryNames()
	if err != nil {
		return 0, err
	}
	prefix, n := accountPrefix(account), 0
	for _, name := range names {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		err := os.Remove(filepath.Join(c.Dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // a concurrent Delete got there first
		}
		if err != nil {
			return n, fmt.Errorf("cache: account %s: %w", account, err)
		}
		n++
	}
	return n, nil
}

// List returns every readable entry, expired ones included, sorted by
// account then role. Files that are corrupt, unreadable, or not where Get
// would look for their entry are skipped.
func (c *Cache) List() ([]Entry, error) {
	if c.Dir == "" {
		return nil, errors.New("cache directory not set")
	}
	names, err := c.entryNames()
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, name := range names {
		e, err := readEntry(filepath.Join(c.Dir, name))
		if err != nil || e == nil || entryName(e.Account, e.Role) != name {
			continue
		}
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := strings.Compare(a.Account, b.Account); c != 0 {
			return c
		}
		return strings.Compare(a.Role, b.Role)
	})
	return out, nil
}

// entryNames lists the entry files of the directory; a missing directory
// has none. Temp files of an unfinished write start with "." and are left
// out, as are lock files.
func (c *Cache) entryNames() ([]string, error) {
	des, err := os.ReadDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	var names []string
	for _, de := range des {
		name := de.Name()
		if de.Type().IsRegular() && !strings.HasPrefix(name, ".") && strings.HasSuffix(name, entrySuffix) {
			names = append(names, name)
		}
	}
	return names, nil
}
