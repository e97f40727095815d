package cache

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("paths below are Unix ones")
	}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/u"}, "/home/u/.cache/awsfed"},
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/var/c"}, "/var/c/awsfed"},
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "rel/c"}, "/home/u/.cache/awsfed"},
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": ""}, "/home/u/.cache/awsfed"},
	}
	for _, tt := range tests {
		got, err := Dir(func(k string) string { return tt.env[k] })
		if err != nil || got != filepath.FromSlash(tt.want) {
			t.Errorf("Dir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
