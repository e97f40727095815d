package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

const sample = `# awsfed configuration
[idp corp]
provider = form
url      = https://idp.example.com/sso/aws?x=1&y=2
username = alice
ca_file  = /etc/corp-ca.pem

[account dev]
idp      = corp
role_arn = arn:aws:iam::123456789012:role/Dev
region   = eu-west-1
duration = 8h

[account prod]
idp = corp
profile = prod-admin
sts_endpoint = https://sts.eu-west-1.amazonaws.com
`

func TestParseSample(t *testing.T) {
	f, err := Parse("cfg", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	idp := f.IdPs["corp"]
	if idp == nil || idp.Provider != "form" || idp.URL != "https://idp.example.com/sso/aws?x=1&y=2" || idp.Username != "alice" {
		t.Fatalf("idp = %+v", idp)
	}
	if idp.Settings["ca_file"] != "/etc/corp-ca.pem" {
		t.Errorf("settings = %v", idp.Settings)
	}
	dev := f.Accounts["dev"]
	if dev.Duration != 8*time.Hour || dev.Region != "eu-west-1" || dev.IdP != "corp" {
		t.Errorf("dev = %+v", dev)
	}
}

func TestParseErrorsNameLineAndKey(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		key, msg   string
	}{
		{"bad duration", "[account dev]\nduration = forever\n", 2, "duration", "not a duration"},
		{"duration too long", "[account dev]\nduration = 13h\n", 2, "duration", "outside 15m to 12h"},
		{"unknown key", "[account dev]\nrole = x\n", 2, "role", "unknown key"},
		{"unknown section", "[accounts dev]\n", 1, "", "unknown section"},
		{"nameless", "[idp]\n", 1, "", "has no name"},
		{"duplicate section", "[idp a]\nurl = x\n[idp a]\n", 3, "", "appears again"},
		{"duplicate key", "[idp a]\nurl = x\nurl = y\n", 3, "url", "set twice"},
		{"password", "[idp a]\npassword = hunter2\n", 2, "password", "do not belong"},
		{"missing idp", "[account dev]\nidp = nope\n", 1, "idp", "no [idp nope] section"},
		{"key outside section", "url = x\n", 1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("/home/a/.config/awsfed/config", []byte(tt.text))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if ce.Line != tt.line || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("got line %d key %q msg %q; want line %d key %q msg containing %q", ce.Line, ce.Key, ce.Msg, tt.line, tt.key, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "/home/a/.config/awsfed/config:") || ce.Hint == "" {
				t.Errorf("error %q should start with the path and have a hint", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %q", err)
			}
		})
	}
}

func TestPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"AWSFED_CONFIG": "/x/c", "XDG_CONFIG_HOME": "/xdg", "HOME": "/h"}, "/x/c"},
		{map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/h"}, "/xdg/awsfed/config"},
		{map[string]string{"HOME": "/h"}, "/h/.config/awsfed/config"},
	}
	for _, tt := range tests {
		got, err := Path(env(tt.env))
		if err != nil || got != tt.want {
			t.Errorf("Path(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "none"))
	if err != nil || f.Exists || len(f.Accounts) != 0 {
		t.Fatalf("Load(missing) = %+v, %v", f, err)
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config")
	if err := os.Mkdir(p, 0o700); err != nil { // a directory cannot be read as a file
		t.Fatal(err)
	}
	_, err := Load(p)
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
}

func TestResolve(t *testing.T) {
	f, err := Parse("cfg", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	f.Exists = true
	env := func(k string) string {
		if k == "AWS_ENDPOINT_URL_STS" {
			return "http://127.0.0.1:9/"
		}
		return ""
	}

	l, err := f.Resolve("dev", Overrides{}, env)
	if err != nil {
		t.Fatal(err)
	}
	if l.Profile != "dev" || l.Provider != "form" || l.Username != "alice" || l.RoleARN != "arn:aws:iam::123456789012:role/Dev" ||
		l.STSEndpoint != "http://127.0.0.1:9/" || l.Settings["ca_file"] != "/etc/corp-ca.pem" || l.Duration != 8*time.Hour {
		t.Errorf("dev = %+v", l)
	}

	l, err = f.Resolve("prod", Overrides{Username: "bob", RoleARN: "Admin", Duration: time.Hour}, env)
	if err != nil {
		t.Fatal(err)
	}
	if l.Profile != "prod-admin" || l.Username != "bob" || l.RoleARN != "Admin" || l.Duration != time.Hour ||
		l.STSEndpoint != "https://sts.eu-west-1.amazonaws.com" {
		t.Errorf("prod = %+v", l)
	}

	if _, err := f.Resolve("", Overrides{}, env); err == nil || !strings.Contains(err.(*ResolveError).Hint, "dev, prod") {
		t.Errorf("no account: err = %v", err)
	}
	if _, err := f.Resolve("qa", Overrides{}, env); err == nil || !strings.Contains(err.Error(), "no [account qa]") {
		t.Errorf("unknown account: err = %v", err)
	}
}

func TestResolveFlagsOnly(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "none"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.Resolve("dev", Overrides{URL: "http://127.0.0.1:1/sso", Username: "demo"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if l.Provider != "form" || l.Profile != "dev" || l.IdPName != "127.0.0.1:1" {
		t.Errorf("flags only = %+v", l)
	}
	_, err = f.Resolve("dev", Overrides{}, noEnv)
	var re *ResolveError
	if !errors.As(err, &re) || !strings.Contains(re.Hint, "--url") {
		t.Errorf("no url: err = %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"1h": time.Hour, "12h": 12 * time.Hour, "900": 15 * time.Minute, "90m": 90 * time.Minute} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "14m", "12h1s", "1d", "-1h", "3600s5"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}
