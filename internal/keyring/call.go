package keyring

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/keyring"
)

// guard runs backend calls one at a time with a time limit. The backends
// block without a context (a D-Bus call waiting for an unlock dialog, gpg
// waiting for pinentry, a keychain "allow access" sheet), so a call runs in
// its own goroutine and the caller stops waiting at the limit or when ctx
// ends. A call that never returns leaks its goroutine (and, for pass, its
// child process) until the process exits; awsfed is a short-lived command,
// so that is cheaper than hanging. Calls queued behind a hung one are skipped
// once their caller has given up, but a call that had already started may
// still take effect after its caller saw the timeout.
type guard struct {
	backend string
	limit   time.Duration
	mu      sync.Mutex // held by the goroutine doing the call: the backends are not safe for concurrent use
	kr      keyring.Keyring
}

// do runs f against the backend and waits at most g.limit for it.
func (g *guard) do(ctx context.Context, op string, f func(kr keyring.Keyring) error) error {
	if err := ctx.Err(); err != nil {
		return &Error{Backend: g.backend, Op: op, Err: err}
	}
	callCtx, abandon := context.WithCancel(ctx)
	defer abandon()
	done := make(chan error, 1) // buffered: a late answer must not block the leaked goroutine
	go func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if callCtx.Err() != nil {
			done <- callCtx.Err()
			return
		}
		done <- f(g.kr)
	}()
	timer := time.NewTimer(g.limit)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return &Error{Backend: g.backend, Op: op, Err: &timeoutError{limit: g.limit.String()}, Hint: hintFor(g.backend)}
	case <-ctx.Done():
		return &Error{Backend: g.backend, Op: op, Err: ctx.Err()}
	}
}
