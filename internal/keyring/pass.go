package keyring

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/awsfed/awsfed/internal/childproc"
)

// passBackend runs pass(1), so entries are ordinary pass entries under
// awsfed/ that the user can read and edit with pass itself: the password on
// the first line, as pass users expect.
type passBackend struct {
	cmd string
	dir string   // the store, given to pass as PASSWORD_STORE_DIR
	env []string // the real environment with the store; runTool drops awsfed's variables
}

func (p *passBackend) name(key string) string { return serviceName + "/" + key }

// exists spares running gpg for a missing entry, and keeps a key that names
// one of pass's directories from being "shown" as a tree listing.
func (p *passBackend) exists(key string) bool {
	info, err := os.Stat(filepath.Join(p.dir, serviceName, filepath.FromSlash(key)+".gpg"))
	return err == nil && info.Mode().IsRegular()
}

func (p *passBackend) get(ctx context.Context, key string) (string, error) {
	if !p.exists(key) {
		return "", ErrNotFound
	}
	out, _, err := runTool(ctx, p.env, nil, p.cmd, "show", p.name(key))
	if err != nil {
		return "", passError(err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first, nil
}

func (p *passBackend) set(ctx context.Context, key, secret string) error {
	if strings.Contains(secret, "\n") {
		return &Error{Err: errors.New("pass keeps a password on one line, and this one spans several"),
			Hint: "choose another keyring backend (file works everywhere)"}
	}
	_, _, err := runTool(ctx, p.env, strings.NewReader(secret+"\n"), p.cmd, "insert", "--multiline", "--force", p.name(key))
	return passError(err)
}

func (p *passBackend) remove(ctx context.Context, key string) error {
	if !p.exists(key) {
		return ErrNotFound
	}
	_, _, err := runTool(ctx, p.env, nil, p.cmd, "rm", "--force", p.name(key))
	return passError(err)
}

// passError recognises pass's "not in the password store" (the entry went
// between our check and pass's).
func passError(err error) error {
	var te *toolError
	if errors.As(err, &te) && strings.Contains(te.said, "is not in the password store") {
		return ErrNotFound
	}
	return err
}

// openPass opens pass. explicit says the user named it, so a missing store
// is an error with a hint rather than a reason to try the next backend.
func openPass(cfg Config, explicit bool) (*Store, error) {
	cmd := cfg.passCmd()
	path, err := exec.LookPath(cmd)
	if err != nil {
		return nil, &Error{Backend: BackendPass, Op: "open", Err: errors.New(cmd + " is not installed or not on PATH"),
			Hint: "install pass (and gnupg), or choose another keyring backend (file works everywhere)"}
	}
	dir, err := cfg.passDir()
	if err != nil {
		return nil, &Error{Backend: BackendPass, Op: "find the password store", Err: err, Hint: "set PASSWORD_STORE_DIR"}
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		if !explicit {
			return nil, errors.New("no password store")
		}
		return nil, &Error{Backend: BackendPass, Op: "open", Err: errors.New("no password store at " + dir),
			Hint: "run 'pass init <gpg-id>' first, or set PASSWORD_STORE_DIR"}
	}
	env := childproc.Env(os.Environ(), map[string]string{"PASSWORD_STORE_DIR": dir}, nil)
	return newStore(BackendPass, &passBackend{cmd: path, dir: dir, env: env}, cfg), nil
}
