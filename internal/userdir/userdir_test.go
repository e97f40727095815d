package userdir

import (
	"path/filepath"
	"testing"
)

func TestXDG(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/h", "XDG_CACHE_HOME": "/x"}, "/x"},
		{map[string]string{"HOME": "/h"}, filepath.Join("/h", ".cache")},
		{map[string]string{"HOME": "/h", "XDG_CACHE_HOME": "rel/dir"}, filepath.Join("/h", ".cache")},
	} {
		got, err := XDG(func(k string) string { return tt.env[k] }, "XDG_CACHE_HOME", ".cache")
		if err != nil || got != tt.want {
			t.Errorf("XDG(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
