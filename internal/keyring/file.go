package keyring

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/99designs/keyring"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

const passphraseHint = "set AWSFED_KEYRING_PASSPHRASE or run in a terminal"

// fileSecrets holds what the file backend needs beyond the 99designs one:
// the directory whose modes we keep strict, and the passphrase, asked once
// and only when an entry must be encrypted or decrypted.
type fileSecrets struct {
	dir string
	ask func(ctx context.Context) (string, error)

	mu   sync.Mutex
	pass string // "" until asked successfully
}

// passphrase runs in the caller's goroutine, outside the time limit: a
// person typing at a prompt needs longer than a backend call may take.
func (f *fileSecrets) passphrase(ctx context.Context) (string, error) {
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

// current is the 99designs FilePasswordFunc. It only hands over the
// passphrase already obtained by passphrase, so that the backend never
// reads stdin or writes to the terminal itself.
func (f *fileSecrets) current(string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pass == "" {
		return "", errors.New("no passphrase yet")
	}
	return f.pass, nil
}

func (s *Store) fileGet(ctx context.Context, key string) (string, error) {
	op := "read " + key
	// The metadata look-up only stats the file: a missing entry needs no
	// passphrase.
	err := s.g.do(ctx, op, func(kr keyring.Keyring) error {
		_, err := kr.GetMetadata(key)
		return err
	})
	if err != nil {
		return "", s.fail(op, err)
	}
	if _, err := s.file.passphrase(ctx); err != nil {
		return "", err
	}
	var item keyring.Item
	err = s.g.do(ctx, op, func(kr keyring.Keyring) error {
		var err error
		item, err = kr.Get(key)
		return err
	})
	if err != nil {
		return "", s.fileFail(op, err)
	}
	return string(item.Data), nil
}

func (s *Store) fileSet(ctx context.Context, key, secret string) error {
	op := "store " + key
	if _, err := s.file.passphrase(ctx); err != nil {
		return err
	}
	err := s.g.do(ctx, op, func(kr keyring.Keyring) error {
		if err := samePassphrase(kr); err != nil {
			return err
		}
		if err := kr.Set(newItem(key, secret)); err != nil {
			return err
		}
		return tightenModes(s.file.dir)
	})
	return s.fileFail(op, err)
}

// samePassphrase refuses a passphrase that opens none of the entries already
// stored, so that one directory never mixes passphrases and a typo at the
// prompt does not lock the user out of the other entries.
func samePassphrase(kr keyring.Keyring) error {
	keys, err := kr.Keys()
	if err != nil {
		return err
	}
	var last error
	for _, k := range keys {
		_, err := kr.Get(k)
		if err == nil {
			return nil
		}
		last = err
	}
	if last == nil {
		return nil
	}
	var pathErr *fs.PathError
	if errors.As(last, &pathErr) {
		return last
	}
	return ErrBadPassphrase
}

// fileFail is fail for the file backend: any error that is not about the
// file system means decryption failed. The decrypter's own words are
// dropped (they could quote decrypted bytes).
func (s *Store) fileFail(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &e), errors.Is(err, keyring.ErrKeyNotFound), errors.As(err, &pathErr):
		return s.fail(op, err)
	}
	return &Error{Backend: BackendFile, Op: op, Err: ErrBadPassphrase,
		Hint: "use the passphrase these entries were stored with (AWSFED_KEYRING_PASSPHRASE); if it is lost, remove " + s.file.dir + " and store the passwords again"}
}

// tightenModes keeps the directory 0700 and its files 0600 whatever the
// umask or an earlier tool left: the 99designs backend sets modes only when
// it creates a file.
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
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil {
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
	f := &fileSecrets{dir: dir, ask: cfg.Passphrase}
	kr, err := keyring.Open(keyring.Config{
		AllowedBackends:  []keyring.BackendType{keyring.FileBackend},
		ServiceName:      serviceName,
		FileDir:          dir,
		FilePasswordFunc: f.current,
	})
	if err != nil {
		return nil, &Error{Backend: BackendFile, Op: "open " + dir, Err: err, Hint: hintFor(BackendFile)}
	}
	s := newStore(BackendFile, kr, cfg)
	s.file = f
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
