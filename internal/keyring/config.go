package keyring

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/awsfed/awsfed/internal/userdir"
)

// Backend names, as the user spells them in the configuration.
const (
	BackendKeychain      = "keychain"
	BackendWinCred       = "wincred"
	BackendSecretService = "secret-service"
	BackendPass          = "pass"
	BackendFile          = "file"
)

// Backends lists every backend name Config.Backend accepts besides "" (auto).
func Backends() []string {
	return []string{BackendKeychain, BackendWinCred, BackendSecretService, BackendPass, BackendFile}
}

// DefaultTimeout bounds every backend call when Config.Timeout is zero.
const DefaultTimeout = 3 * time.Second

// serviceName names awsfed in every backend: the keychain service, the
// wincred target prefix, the pass folder, the Secret Service attribute.
const serviceName = "awsfed"

// Config chooses and tunes a backend. The zero value picks a backend
// automatically and reads the process environment.
type Config struct {
	// Backend is "" for automatic choice, or one of Backends().
	Backend string
	// FileDir holds the file backend's encrypted entries; default
	// <XDG_DATA_HOME or ~/.local/share>/awsfed/keyring.
	FileDir string
	// PassDir is the password store; default PASSWORD_STORE_DIR or ~/.password-store.
	PassDir string
	// PassCmd is the pass executable; default "pass" on PATH.
	PassCmd string
	// Passphrase unlocks the file backend. The caller decides where it
	// comes from (AWSFED_KEYRING_PASSPHRASE, or a prompt on the terminal);
	// it is called at most once per Store, and only when an entry must be
	// encrypted or decrypted. Returning an error that wraps
	// prompt.ErrNoTerminal becomes an input-needed error with a hint.
	Passphrase func(ctx context.Context) (string, error)
	// Timeout bounds every backend call; default DefaultTimeout. A human
	// answering an unlock dialog needs longer than the default: a caller
	// that expects one may raise it. For the file backend it bounds the
	// file-system work (reads, the lock, the write), not the passphrase
	// question nor the scrypt work.
	Timeout time.Duration
	// Env reads the environment for awsfed's own decisions (which backend,
	// default directories, the D-Bus session address); default os.Getenv.
	// The helper programs (pass, gpg, security) see the real process
	// environment, less every AWSFED_ variable.
	Env func(string) string
}

func (c Config) env(key string) string {
	if c.Env != nil {
		return c.Env(key)
	}
	return os.Getenv(key)
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c Config) home() (string, error) {
	if h := c.env("HOME"); h != "" {
		return h, nil
	}
	if runtime.GOOS == "windows" {
		if h := c.env("USERPROFILE"); h != "" {
			return h, nil
		}
	}
	return os.UserHomeDir()
}

func (c Config) fileDir() (string, error) {
	if c.FileDir != "" {
		return c.FileDir, nil
	}
	data, err := userdir.XDG(c.env, "XDG_DATA_HOME", ".local", "share")
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "awsfed", "keyring"), nil
}

func (c Config) passDir() (string, error) {
	if c.PassDir != "" {
		return c.PassDir, nil
	}
	if d := c.env("PASSWORD_STORE_DIR"); d != "" {
		return d, nil
	}
	home, err := c.home()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".password-store"), nil
}

func (c Config) passCmd() string {
	if c.PassCmd != "" {
		return c.PassCmd
	}
	return "pass"
}
