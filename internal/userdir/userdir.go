// Package userdir finds the user's directories — home, and the XDG base
// directories awsfed keeps its configuration, cache and keyring file in —
// from an environment lookup, so that tests and commands never reach for
// the process's environment behind the caller's back. It creates nothing.
package userdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Home is $HOME, else what the OS says (USERPROFILE on Windows).
func Home(env func(string) string) (string, error) {
	if h := env("HOME"); h != "" {
		return h, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home directory: %w", err)
	}
	if h == "" {
		return "", errors.New("find the home directory: it is not set")
	}
	return h, nil
}

// XDG is the directory named by the XDG variable (XDG_CACHE_HOME, ...),
// else home joined with fallback (".cache"). A relative value is ignored, as
// the XDG base directory specification asks.
func XDG(env func(string) string, variable string, fallback ...string) (string, error) {
	if x := env(variable); x != "" && filepath.IsAbs(x) {
		return x, nil
	}
	home, err := Home(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{home}, fallback...)...), nil
}
