package awsfiles

import (
	"path/filepath"
	"testing"
)

func TestPaths(t *testing.T) {
	home := filepath.FromSlash("/home/alice")
	tests := []struct {
		name       string
		env        map[string]string
		cred, conf string
	}{
		{"defaults", map[string]string{"HOME": home}, "/home/alice/.aws/credentials", "/home/alice/.aws/config"},
		{
			"variables", map[string]string{"HOME": home, "AWS_SHARED_CREDENTIALS_FILE": "/etc/creds", "AWS_CONFIG_FILE": "rel/conf"},
			"/etc/creds", "rel/conf",
		},
		{
			"tilde expanded", map[string]string{"HOME": home, "AWS_SHARED_CREDENTIALS_FILE": "~/x/creds", "AWS_CONFIG_FILE": "~"},
			"/home/alice/x/creds", "/home/alice",
		},
		{
			"other user's tilde left alone", map[string]string{"HOME": home, "AWS_SHARED_CREDENTIALS_FILE": "~bob/creds", "AWS_CONFIG_FILE": "a~/b"},
			"~bob/creds", "a~/b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := func(k string) string { return tt.env[k] }
			cred, err := CredentialsPath(env)
			if err != nil || cred != filepath.FromSlash(tt.cred) {
				t.Errorf("CredentialsPath = %q, %v, want %q", cred, err, tt.cred)
			}
			conf, err := ConfigPath(env)
			if err != nil || conf != filepath.FromSlash(tt.conf) {
				t.Errorf("ConfigPath = %q, %v, want %q", conf, err, tt.conf)
			}
		})
	}
}

func TestPathsFallBackToUserHomeDir(t *testing.T) {
	t.Setenv("HOME", filepath.FromSlash("/home/fallback"))
	t.Setenv("USERPROFILE", filepath.FromSlash("/home/fallback"))
	got, err := CredentialsPath(func(string) string { return "" })
	if want := filepath.FromSlash("/home/fallback/.aws/credentials"); err != nil || got != want {
		t.Errorf("CredentialsPath = %q, %v, want %q", got, err, want)
	}
}
