package keyring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"

	"github.com/99designs/keyring"
)

// secretServiceCollection is the GNOME login keyring, unlocked at login. A
// collection of our own would make GNOME Keyring ask the user to invent a
// password for a new keyring on first use.
const secretServiceCollection = "login"

// Open picks and opens a backend. With Config.Backend "" it takes the first
// that works here: the macOS keychain, the Windows credential manager, then
// on other systems a Secret Service that answers on D-Bus, pass when it is
// installed and has a store, and else the encrypted file backend. The choice
// depends on the session (a desktop has D-Bus, ssh may not), so a user who
// moves between them should name a backend. Opening is bounded by
// Config.Timeout like every call.
func Open(cfg Config) (*Store, error) {
	switch cfg.Backend {
	case "":
		return openAuto(cfg)
	case BackendFile:
		return openFile(cfg)
	case BackendPass:
		return openPass(cfg, true)
	case BackendSecretService:
		return openSecretService(cfg)
	case BackendKeychain, BackendWinCred:
		return openNative(cfg, cfg.Backend)
	}
	return nil, &Error{Backend: cfg.Backend, Op: "open", Err: errors.New("unknown keyring backend"),
		Hint: "use one of: " + strings.Join(Backends(), ", ") + ", or leave it empty to choose automatically"}
}

func openAuto(cfg Config) (*Store, error) {
	switch runtime.GOOS {
	case "darwin":
		if available(keyring.KeychainBackend) { // needs cgo
			return openNative(cfg, BackendKeychain)
		}
	case "windows":
		return openNative(cfg, BackendWinCred)
	default:
		if cfg.env("DBUS_SESSION_BUS_ADDRESS") != "" {
			if s, err := openSecretService(cfg); err == nil {
				return s, nil
			}
		}
		if s, err := openPass(cfg, false); err == nil {
			return s, nil
		}
	}
	return openFile(cfg)
}

func available(b keyring.BackendType) bool {
	return slices.Contains(keyring.AvailableBackends(), b)
}

func notAvailable(name string) error {
	return &Error{Backend: name, Op: "open", Err: fmt.Errorf("not available on this system (%s/%s)", runtime.GOOS, runtime.GOARCH),
		Hint: "choose another keyring backend (file works everywhere)"}
}

// openGuarded opens a 99designs backend within the time limit: opening the
// Secret Service already talks to D-Bus.
func openGuarded(cfg Config, name string, kcfg keyring.Config) (*Store, error) {
	s := newStore(name, nil, cfg)
	err := s.g.do(context.Background(), "open", func(keyring.Keyring) error {
		kr, err := keyring.Open(kcfg)
		if err != nil {
			return err
		}
		s.g.kr = kr // the goroutine holds g.mu here
		return nil
	})
	if errors.Is(err, keyring.ErrNoAvailImpl) {
		return nil, notAvailable(name)
	}
	if err != nil {
		return nil, s.fail("open", err)
	}
	return s, nil
}

func openNative(cfg Config, name string) (*Store, error) {
	b := keyring.BackendType(name)
	if !available(b) {
		return nil, notAvailable(name)
	}
	return openGuarded(cfg, name, keyring.Config{
		AllowedBackends: []keyring.BackendType{b},
		ServiceName:     serviceName,
		// Trusting the binary spares the user an "allow access" dialog on
		// every run; the item stays in the login keychain, off iCloud.
		KeychainTrustApplication: true,
		WinCredPrefix:            serviceName,
	})
}

func openSecretService(cfg Config) (*Store, error) {
	// 99designs registers the backend only if its init reached the session
	// bus, which it looks for in the real environment.
	if !available(keyring.SecretServiceBackend) {
		return nil, &Error{Backend: BackendSecretService, Op: "open", Err: errors.New("no D-Bus session bus"),
			Hint: "run in a desktop session (DBUS_SESSION_BUS_ADDRESS set), or choose another keyring backend (file works everywhere)"}
	}
	s, err := openGuarded(cfg, BackendSecretService, keyring.Config{
		AllowedBackends:         []keyring.BackendType{keyring.SecretServiceBackend},
		ServiceName:             serviceName,
		LibSecretCollectionName: secretServiceCollection,
	})
	if err != nil {
		return nil, err
	}
	s.prefix = serviceName + "/"
	return s, nil
}

// openPass opens pass. explicit says the user named it, so a missing store
// is an error with a hint rather than a reason to try the next backend.
func openPass(cfg Config, explicit bool) (*Store, error) {
	if !available(keyring.PassBackend) {
		return nil, notAvailable(BackendPass)
	}
	cmd := cfg.passCmd()
	if _, err := exec.LookPath(cmd); err != nil {
		return nil, &Error{Backend: BackendPass, Op: "open", Err: fmt.Errorf("%s is not installed or not on PATH", cmd),
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
		return nil, &Error{Backend: BackendPass, Op: "open", Err: fmt.Errorf("no password store at %s", dir),
			Hint: "run 'pass init <gpg-id>' first, or set PASSWORD_STORE_DIR"}
	}
	return openGuarded(cfg, BackendPass, keyring.Config{
		AllowedBackends: []keyring.BackendType{keyring.PassBackend},
		PassDir:         dir,
		PassCmd:         cmd,
		PassPrefix:      serviceName,
	})
}
