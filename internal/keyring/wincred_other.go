//go:build !windows

package keyring

func openWinCred(Config) (*Store, error) { return nil, notAvailable(BackendWinCred) }
