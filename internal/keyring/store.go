package keyring

import (
	"context"
	"errors"
)

// Store keeps secrets in one backend. Its methods are safe for concurrent
// use; calls to the backend run one at a time.
type Store struct {
	g *guard
	// file is set for the file backend only: its passphrase and its
	// encryption run outside the time limit, so it drives the guard itself.
	file *fileBackend
}

// newStore wraps an opened backend; tests use it to put a fake behind the
// time limit.
func newStore(name string, b backend, cfg Config) *Store {
	return &Store{g: &guard{backend: name, limit: cfg.timeout(), b: b}}
}

// Backend names the backend in use, one of Backends().
func (s *Store) Backend() string { return s.g.backend }

// Get returns the secret stored under key, or an error wrapping ErrNotFound.
// The file backend asks for its passphrase only when the entry exists.
func (s *Store) Get(ctx context.Context, key string) (string, error) {
	if s.file != nil {
		return s.fileGet(ctx, key)
	}
	op := "read " + key
	var secret string
	err := s.g.do(ctx, op, func(ctx context.Context, b backend) error {
		var err error
		secret, err = b.get(ctx, key)
		return err
	})
	if err != nil {
		return "", s.fail(op, err)
	}
	return secret, nil
}

// Set stores secret under key, replacing what was there.
func (s *Store) Set(ctx context.Context, key, secret string) error {
	if s.file != nil {
		return s.fileSet(ctx, key, secret)
	}
	op := "store " + key
	return s.fail(op, s.g.do(ctx, op, func(ctx context.Context, b backend) error {
		return b.set(ctx, key, secret)
	}))
}

// Remove deletes the secret stored under key. Removing a key that holds
// nothing is not an error, so that "forget my password" can be run twice.
func (s *Store) Remove(ctx context.Context, key string) error {
	if s.file != nil {
		return s.fileRemove(ctx, key)
	}
	op := "remove " + key
	err := s.g.do(ctx, op, func(ctx context.Context, b backend) error {
		return b.remove(ctx, key)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return s.fail(op, err)
}

// fail turns a backend's error into an *Error naming the backend and the
// operation. The backends keep secrets out of their errors; this only adds
// the context and the hint.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Backend == "" {
			e.Backend = s.g.backend
		}
		if e.Op == "" {
			e.Op = op
		}
		return e
	}
	if errors.Is(err, ErrNotFound) {
		return &Error{Backend: s.g.backend, Op: op, Err: ErrNotFound}
	}
	return &Error{Backend: s.g.backend, Op: op, Err: err, Hint: hintFor(s.g.backend)}
}
