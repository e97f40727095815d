//go:build darwin

package keyring

import (
	"context"
	"errors"
	"os"
	"strings"
)

// securityCmd is macOS's own tool, by absolute path so PATH cannot swap it.
const securityCmd = "/usr/bin/security"

// errSecItemNotFound is security's exit status for a missing item.
const errSecItemNotFound = 44

// keychainBackend runs security(1) rather than calling the Security
// framework through cgo: awsfed builds without cgo, and items that
// /usr/bin/security creates are readable by it without an "allow access"
// dialog after every awsfed upgrade.
type keychainBackend struct{}

func (keychainBackend) get(ctx context.Context, key string) (string, error) {
	if err := keychainKeyOK(key); err != nil {
		return "", err
	}
	_, stderr, err := runTool(ctx, nil, nil, securityCmd, "find-generic-password", "-s", serviceName, "-a", key, "-g")
	if err != nil {
		return "", keychainError(err)
	}
	return keychainPassword(string(stderr))
}

func (keychainBackend) set(ctx context.Context, key, secret string) error {
	line, err := keychainAddCommand(key, secret)
	if err != nil {
		return err
	}
	// -i reports a failed command on stderr but may still exit 0.
	_, stderr, err := runTool(ctx, nil, strings.NewReader(line), securityCmd, "-i")
	if err != nil {
		return keychainError(err)
	}
	if said := oneLine(string(stderr)); said != "" {
		return errors.New("security: " + said)
	}
	return nil
}

func (keychainBackend) remove(ctx context.Context, key string) error {
	if err := keychainKeyOK(key); err != nil {
		return err
	}
	_, _, err := runTool(ctx, nil, nil, securityCmd, "delete-generic-password", "-s", serviceName, "-a", key)
	return keychainError(err)
}

func keychainError(err error) error {
	var te *toolError
	if errors.As(err, &te) && te.code == errSecItemNotFound {
		return ErrNotFound
	}
	return err
}

func openKeychain(cfg Config) (*Store, error) {
	if _, err := os.Stat(securityCmd); err != nil {
		return nil, notAvailable(BackendKeychain)
	}
	return newStore(BackendKeychain, keychainBackend{}, cfg), nil
}
