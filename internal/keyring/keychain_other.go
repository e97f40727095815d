//go:build !darwin

package keyring

func openKeychain(Config) (*Store, error) { return nil, notAvailable(BackendKeychain) }
