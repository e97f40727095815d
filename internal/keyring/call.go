package keyring

import (
	"context"
	"sync"
	"time"
)

// guard runs backend calls one at a time with a time limit. A backend can
// block for as long as a person takes to answer a dialog (a Secret Service
// unlock prompt, gpg's pinentry, a keychain "allow access" sheet), so a call
// runs in its own goroutine and the caller stops waiting at the limit or
// when ctx ends; the call's own context is then cancelled, which kills a
// child process or closes a D-Bus connection (a call that cannot be
// interrupted, such as a wincred system call, keeps its goroutine until it
// returns; awsfed is short-lived). Calls queued behind a hung one
// are skipped once their caller has given up, but a call that had already
// started may still take effect after its caller saw the timeout.
type guard struct {
	backend string
	limit   time.Duration
	mu      sync.Mutex // held by the goroutine doing the call: backends assume calls do not overlap
	b       backend    // nil for the file backend, whose calls carry their own state
}

// do runs f against the backend and waits at most g.limit for it.
func (g *guard) do(ctx context.Context, op string, f func(ctx context.Context, b backend) error) error {
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
		done <- f(callCtx, g.b)
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
