package cache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Dir is the cache directory: $XDG_CACHE_HOME/awsfed, else ~/.cache/awsfed
// (on Windows %LocalAppData%\awsfed). A relative XDG_CACHE_HOME is ignored,
// as the XDG base directory specification asks.
func Dir(env func(string) string) (string, error) {
	if x := env("XDG_CACHE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "awsfed"), nil
	}
	if runtime.GOOS == "windows" {
		if l := env("LOCALAPPDATA"); l != "" && filepath.IsAbs(l) {
			return filepath.Join(l, "awsfed"), nil
		}
	}
	home, err := homeDir(env)
	if err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	return filepath.Join(home, ".cache", "awsfed"), nil
}

func homeDir(env func(string) string) (string, error) {
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
