package keyring

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

const passphraseHint = "set AWSFED_KEYRING_PASSPHRASE or run in a terminal"

// fileBackend keeps one age-encrypted file per key in a directory (0700,
// files 0600). Only its file-system work runs under the time limit: asking
// for the passphrase waits on a person, and scrypt on the CPU, neither of
// which is a hang to cut short.
type fileBackend struct {
	dir  string
	logN int // scrypt cost of new entries; tests lower it
	ask  func(ctx context.Context) (string, error)

	mu   sync.Mutex
	pass string // "" until asked successfully
	// proven is set once the passphrase opened an entry, or there was none:
	// later Sets need not check it again.
	proven bool
}

func (f *fileBackend) path(key string) string { return filepath.Join(f.dir, entryName(key)) }

// passphrase asks once per Store, in the caller's goroutine.
func (f *fileBackend) passphrase(ctx context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pass != "" {
		return f.pass, nil
	}
	what := "keyring file: no passphrase to unlock " + f.dir
	if f.ask == nil {
		return "", &provider.InputNeededError{What: what, Hint: passphraseHint}
	}
	p, err := f.ask(ctx)
	switch {
	case errors.Is(err, prompt.ErrNoTerminal):
		return "", &provider.InputNeededError{What: what + " and no terminal to ask on", Hint: passphraseHint}
	case err != nil:
		return "", &Error{Backend: BackendFile, Op: "get the passphrase", Err: err}
	case p == "":
		return "", &provider.InputNeededError{What: "keyring file: the passphrase is empty", Hint: "set AWSFED_KEYRING_PASSPHRASE to a passphrase, or type one at the prompt"}
	}
	f.pass = p
	return p, nil
}

func (f *fileBackend) isProven() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.proven
}

func (f *fileBackend) prove() {
	f.mu.Lock()
	f.proven = true
	f.mu.Unlock()
}

func (s *Store) fileGet(ctx context.Context, key string) (string, error) {
	op := "read " + key
	var data []byte
	// A missing entry needs no passphrase.
	err := s.g.do(ctx, op, func(context.Context, backend) error {
		var err error
		data, err = os.ReadFile(s.file.path(key))
		if errors.Is(err, fs.ErrNotExist) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return "", s.fail(op, err)
	}
	pass, err := s.file.passphrase(ctx)
	if err != nil {
		return "", err
	}
	secret, err := unseal(data, pass)
	if err != nil {
		return "", s.badPassphrase(op)
	}
	s.file.prove()
	return secret, nil
}

func (s *Store) fileSet(ctx context.Context, key, secret string) error {
	op := "store " + key
	pass, err := s.file.passphrase(ctx)
	if err != nil {
		return err
	}
	if !s.file.isProven() {
		if err := s.checkPassphrase(ctx, op, pass); err != nil {
			return err
		}
	}
	sealed, err := seal(secret, pass, s.file.logN)
	if err != nil {
		return &Error{Backend: BackendFile, Op: op, Err: err}
	}
	return s.fail(op, s.g.do(ctx, op, func(ctx context.Context, _ backend) error {
		return s.file.locked(ctx, s.g.limit, func(l *lockedfile.Lock) error {
			// Entries are 0600 whatever an earlier one was.
			if err := l.WriteAtomic(s.file.path(key), sealed, nil, 0o600); err != nil {
				return err
			}
			return tightenModes(s.file.dir)
		})
	}))
}

func (s *Store) fileRemove(ctx context.Context, key string) error {
	op := "remove " + key
	return s.fail(op, s.g.do(ctx, op, func(ctx context.Context, _ backend) error {
		return s.file.locked(ctx, s.g.limit, func(*lockedfile.Lock) error {
			err := os.Remove(s.file.path(key))
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		})
	}))
}

// locked runs f holding the directory's lock, so that two awsfed processes
// storing at once both land and a Remove does not race a Set. Every write
// of an entry holds it, so a write may clear temp files killed writers left.
func (f *fileBackend) locked(ctx context.Context, limit time.Duration, do func(*lockedfile.Lock) error) error {
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return err
	}
	l, err := lockedfile.Acquire(ctx, filepath.Join(f.dir, lockName), limit)
	if err != nil {
		return err
	}
	defer l.Release()
	return do(l)
}

// checkPassphrase refuses a passphrase that opens none of the entries
// already stored, so that one directory never mixes passphrases and a typo
// at the prompt does not lock the user out of the other entries. It costs
// one decryption: the first entry either opens or proves the passphrase
// wrong; only damaged entries make it try the next.
func (s *Store) checkPassphrase(ctx context.Context, op, pass string) error {
	var sealed [][]byte
	err := s.g.do(ctx, op, func(context.Context, backend) error {
		des, err := os.ReadDir(s.file.dir)
		if errors.Is(err, fs.ErrNotExist) { // removed since Open: nothing to check
			return nil
		}
		if err != nil {
			return err
		}
		for _, de := range des {
			if !de.Type().IsRegular() || !isEntryName(de.Name()) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(s.file.dir, de.Name()))
			if errors.Is(err, fs.ErrNotExist) { // removed meanwhile
				continue
			}
			if err != nil {
				return err
			}
			sealed = append(sealed, data)
		}
		return nil
	})
	if err != nil {
		return s.fail(op, err)
	}
	for _, data := range sealed {
		_, err := unseal(data, pass)
		if err == nil {
			break
		}
		if errors.Is(err, errWrongPassphrase) {
			return s.badPassphrase(op)
		}
	}
	s.file.prove()
	return nil
}

// badPassphrase drops the decrypter's words, which could quote the file.
func (s *Store) badPassphrase(op string) error {
	return &Error{Backend: BackendFile, Op: op, Err: ErrBadPassphrase,
		Hint: "use the passphrase these entries were stored with (AWSFED_KEYRING_PASSPHRASE); if it is lost, remove " + s.file.dir + " and store the passwords again"}
}

// tightenModes keeps the directory 0700 and its files 0600 whatever the
// umask or an earlier tool left.
func tightenModes(dir string) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) { // a temp file renamed meanwhile
			continue
		}
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

func openFile(cfg Config) (*Store, error) {
	dir, err := cfg.fileDir()
	if err != nil {
		return nil, &Error{Backend: BackendFile, Op: "find the keyring directory", Err: err, Hint: "set HOME or XDG_DATA_HOME"}
	}
	if rest, ok := cutTilde(dir); ok {
		home, err := cfg.home()
		if err != nil {
			return nil, &Error{Backend: BackendFile, Op: "find the keyring directory", Err: err, Hint: "give an absolute directory"}
		}
		dir = filepath.Join(home, rest)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &Error{Backend: BackendFile, Op: "create " + dir, Err: err, Hint: hintFor(BackendFile)}
	}
	if err := tightenModes(dir); err != nil {
		return nil, &Error{Backend: BackendFile, Op: "protect " + dir, Err: err, Hint: hintFor(BackendFile)}
	}
	s := newStore(BackendFile, nil, cfg)
	s.file = &fileBackend{dir: dir, logN: defaultWorkFactor, ask: cfg.Passphrase}
	return s, nil
}

func cutTilde(dir string) (string, bool) {
	if dir == "~" {
		return "", true
	}
	if len(dir) > 1 && dir[0] == '~' && (dir[1] == '/' || dir[1] == filepath.Separator) {
		return dir[2:], true
	}
	return "", false
}
