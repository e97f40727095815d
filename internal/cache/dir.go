package cache

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/awsfed/awsfed/internal/userdir"
)

// Dir is the cache directory: $XDG_CACHE_HOME/awsfed, else ~/.cache/awsfed
// (on Windows %LocalAppData%\awsfed). A relative XDG_CACHE_HOME is ignored,
// as the XDG base directory specification asks.
func Dir(env func(string) string) (string, error) {
	if runtime.GOOS == "windows" && !filepath.IsAbs(env("XDG_CACHE_HOME")) {
		if l := env("LOCALAPPDATA"); l != "" && filepath.IsAbs(l) {
			return filepath.Join(l, "awsfed"), nil
		}
	}
	dir, err := userdir.XDG(env, "XDG_CACHE_HOME", ".cache")
	if err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	return filepath.Join(dir, "awsfed"), nil
}
