package keyring

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// Open picks and opens a backend. With Config.Backend "" it takes the first
// that works here: the macOS keychain, the Windows credential manager, then
// on other systems a Secret Service that answers on D-Bus, pass when it is
// installed and has a store, and else the encrypted file backend. The choice
// depends on the session (a desktop has D-Bus, ssh may not), so a user who
// moves between them should name a backend. Opening is bounded by
// Config.Timeout like every call. Nothing in this package talks to the
// system before Open.
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
	case BackendKeychain:
		return openKeychain(cfg)
	case BackendWinCred:
		return openWinCred(cfg)
	}
	return nil, &Error{Backend: cfg.Backend, Op: "open", Err: errors.New("unknown keyring backend"),
		Hint: "use one of: " + strings.Join(Backends(), ", ") + ", or leave it empty to choose automatically"}
}

func openAuto(cfg Config) (*Store, error) {
	switch runtime.GOOS {
	case "darwin":
		if s, err := openKeychain(cfg); err == nil {
			return s, nil
		}
	case "windows":
		return openWinCred(cfg)
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

func notAvailable(name string) error {
	return &Error{Backend: name, Op: "open", Err: fmt.Errorf("not available on this system (%s/%s)", runtime.GOOS, runtime.GOARCH),
		Hint: "choose another keyring backend (file works everywhere)"}
}
