package keyring

import "context"

// backend is one secret store behind the time limit. Each implementation
// lives in its own file (pass.go, secretservice.go, keychain_darwin.go,
// wincred_windows.go); the file backend is the exception, see file.go.
//
// Implementations MUST:
//   - return an error wrapping ErrNotFound when nothing is stored under key,
//     from get and from remove;
//   - never put the secret, or bytes read from the store, in an error;
//   - give up promptly when ctx ends (kill a child process, close a D-Bus
//     connection): the guard cancels ctx when its caller stops waiting;
//   - store the secret exactly, or refuse it with an error saying why.
//
// Calls never overlap: the guard runs them one at a time.
type backend interface {
	get(ctx context.Context, key string) (string, error)
	set(ctx context.Context, key, secret string) error
	remove(ctx context.Context, key string) error
}
