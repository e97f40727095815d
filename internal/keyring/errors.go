package keyring

import (
	"errors"
	"fmt"
)

// ErrNotFound means no secret is stored under the key.
var ErrNotFound = errors.New("not in the keyring")

// ErrBadPassphrase means the file backend could not decrypt an entry with
// the passphrase it was given: the passphrase is wrong or the file damaged.
var ErrBadPassphrase = errors.New("wrong passphrase, or the keyring file is damaged")

// ErrTimeout means the backend did not answer within Config.Timeout.
var ErrTimeout = errors.New("no answer in time")

// Error is a failure of one backend call. It never holds a secret: the
// causes it carries (exit statuses, D-Bus and file-system errors) hold none,
// decryption errors, which could quote stored bytes, are replaced by our own
// words, and a helper program's stderr is cut to its first line.
type Error struct {
	Backend string // "file", "pass", "secret-service", "keychain", "wincred"
	Op      string // what was being done, e.g. "read corp/alice"
	Err     error  // the cause; errors.Is(err, ErrNotFound), ErrTimeout, ErrBadPassphrase work through it
	Hint    string // what the user can do next, printed on its own line
}

func (e *Error) Error() string {
	if errors.Is(e.Err, ErrTimeout) {
		return fmt.Sprintf("keyring %s did not answer within %s (%s)", e.Backend, timeoutText(e.Err), e.Op)
	}
	return fmt.Sprintf("keyring %s: %s: %v", e.Backend, e.Op, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// timeoutError carries the limit so the message can say how long we waited.
type timeoutError struct{ limit string }

func (e *timeoutError) Error() string        { return "no answer within " + e.limit }
func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }

func timeoutText(err error) string {
	var t *timeoutError
	if errors.As(err, &t) {
		return t.limit
	}
	return "the time limit"
}

// hintFor says what a user can try when a backend fails or hangs.
func hintFor(backend string) string {
	const other = "; or choose another keyring backend (file works everywhere)"
	switch backend {
	case BackendKeychain:
		return "if macOS shows a keychain dialog, allow access and run again" + other
	case BackendWinCred:
		return "check the Windows Credential Manager" + other
	case BackendSecretService:
		return "if an unlock dialog is waiting, unlock the keyring and run again; check that GNOME Keyring or KeePassXC answers on D-Bus" + other
	case BackendPass:
		return "check that 'pass show' works in this shell (gpg-agent, pinentry, the key in .gpg-id)" + other
	case BackendFile:
		return "check that the keyring directory exists, is yours, and is readable and writable"
	}
	return ""
}
