package keyring

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"

	"github.com/99designs/keyring"
)

// Store keeps secrets in one backend. Its methods are safe for concurrent
// use; calls to the backend run one at a time.
type Store struct {
	g *guard
	// prefix is prepended to every key on backends shared with other
	// programs' secrets (the Secret Service login collection).
	prefix string
	// file is set for the file backend only.
	file *fileSecrets
}

// newStore wraps an opened backend; tests use it to put a fake behind the
// time limit.
func newStore(backend string, kr keyring.Keyring, cfg Config) *Store {
	return &Store{g: &guard{backend: backend, limit: cfg.timeout(), kr: kr}}
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
	var item keyring.Item
	err := s.g.do(ctx, op, func(kr keyring.Keyring) error {
		var err error
		item, err = kr.Get(s.prefix + key)
		return err
	})
	if err != nil {
		return "", s.fail(op, err)
	}
	return string(item.Data), nil
}

// Set stores secret under key, replacing what was there.
func (s *Store) Set(ctx context.Context, key, secret string) error {
	if s.file != nil {
		return s.fileSet(ctx, key, secret)
	}
	op := "store " + key
	err := s.g.do(ctx, op, func(kr keyring.Keyring) error {
		return kr.Set(newItem(s.prefix+key, secret))
	})
	return s.fail(op, err)
}

// Remove deletes the secret stored under key. Removing a key that holds
// nothing is not an error, so that "forget my password" can be run twice.
func (s *Store) Remove(ctx context.Context, key string) error {
	op := "remove " + key
	err := s.g.do(ctx, op, func(kr keyring.Keyring) error {
		return kr.Remove(s.prefix + key)
	})
	if errors.Is(err, keyring.ErrKeyNotFound) || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return s.fail(op, err)
}

func newItem(key, secret string) keyring.Item {
	return keyring.Item{
		Key:         key,
		Data:        []byte(secret),
		Label:       "awsfed: " + key,
		Description: "IdP password stored by awsfed",
	}
}

// fail turns a backend's error into an *Error naming the backend. Causes
// that could quote stored data are replaced: JSON errors show a character
// of the input they choke on, and a pass entry written by hand holds the
// password in clear.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return &Error{Backend: s.g.backend, Op: op, Err: ErrNotFound}
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) {
		return &Error{Backend: s.g.backend, Op: op, Err: errors.New("the entry is not in the format awsfed writes"),
			Hint: "remove the entry and let awsfed store the password again"}
	}
	return &Error{Backend: s.g.backend, Op: op, Err: err, Hint: hintFor(s.g.backend)}
}
