package signin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/saml"
)

// LockWait bounds the wait for another process's sign-in at the same IdP:
// long, because it may be waiting for the user to approve a push.
const LockWait = 5 * time.Minute

// LockIdP takes the lock of sign-ins at one IdP (section idp) as one user
// (who), in awsfed's cache directory dir: processes that need keys of
// sibling accounts wait here for the one signing in, which refreshes them
// all from its assertion, and then find their keys in the cache. Its name
// starts with "%", which never starts a cache file of an account.
func LockIdP(ctx context.Context, dir, who, idp string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	sum := sha256.Sum256([]byte(who + "\n" + idp))
	lock, err := lockedfile.Acquire(ctx, filepath.Join(dir, "%idp-"+hex.EncodeToString(sum[:12])+".lock"), LockWait)
	if err != nil {
		return nil, fmt.Errorf("cache: sign-in at %s: %w", idp, err)
	}
	return lock.Release, nil
}

// WithSiblings signs in for self and redeems the same assertion for the
// sibling accounts (which keep their keys themselves, see Account.Keep);
// it returns self's keys. A sibling that fails does not fail self.
func WithSiblings(ctx context.Context, self Options, siblings []*Account, assert func(context.Context) (*saml.Assertion, error)) (*Session, error) {
	outs := Many(ctx, append([]*Account{{Options: self}}, siblings...), assert)
	return outs[0].Session, outs[0].Err
}
