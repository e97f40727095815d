//go:build windows

package keyring

import (
	"context"
	"errors"

	"github.com/danieljoos/wincred"
)

// winCredBackend keeps generic credentials named "awsfed:<key>" in the
// Windows Credential Manager, as the backend awsfed used before did.
type winCredBackend struct{}

func winCredTarget(key string) string { return serviceName + ":" + key }

func (winCredBackend) get(_ context.Context, key string) (string, error) {
	cred, err := wincred.GetGenericCredential(winCredTarget(key))
	if err != nil {
		return "", winCredError(err)
	}
	return string(cred.CredentialBlob), nil
}

func (winCredBackend) set(_ context.Context, key, secret string) error {
	cred := wincred.NewGenericCredential(winCredTarget(key))
	cred.UserName = key
	cred.CredentialBlob = []byte(secret)
	// Local machine: the password stays on this computer, off roaming
	// profiles.
	cred.Persist = wincred.PersistLocalMachine
	return winCredError(cred.Write())
}

func (winCredBackend) remove(_ context.Context, key string) error {
	cred, err := wincred.GetGenericCredential(winCredTarget(key))
	if err != nil {
		return winCredError(err)
	}
	return winCredError(cred.Delete())
}

func winCredError(err error) error {
	if errors.Is(err, wincred.ErrElementNotFound) {
		return ErrNotFound
	}
	return err
}

func openWinCred(cfg Config) (*Store, error) {
	return newStore(BackendWinCred, winCredBackend{}, cfg), nil
}
