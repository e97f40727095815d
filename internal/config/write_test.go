package config

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSaveKeepsOtherBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	orig := "# my notes\n[idp corp]\nprovider = form\nurl=https://old.example/sso\nca_file = /etc/ca.pem\n\n; about prod\n[account prod]\nidp = corp\nrole_arn = Admin\n\n[account other]\nidp = corp\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Save(context.Background(), path,
		&IdP{Name: "corp", URL: "https://new.example/sso", Username: "alice"},
		&Account{Name: "prod", Region: "eu-west-1", Duration: 8 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# my notes\n[idp corp]\nprovider = form\nurl=https://new.example/sso\nca_file = /etc/ca.pem\nusername = alice\n\n; about prod\n[account prod]\nidp = corp\nrole_arn = Admin\nregion = eu-west-1\nduration = 8h\n\n[account other]\nidp = corp\n"
	if string(got) != want {
		t.Fatalf("file:\n%s\nwant:\n%s", got, want)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want the existing 0644 kept", fi.Mode().Perm())
	}
}

func TestSaveNewFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "awsfed")
	path := filepath.Join(dir, "config")
	idp := &IdP{Name: "corp", Provider: "form", URL: "https://idp.example/sso?x=1", Username: "bob", Settings: map[string]string{"ca_file": "/ca.pem"}}
	acct := &Account{Name: "dev team", IdP: "corp", RoleARN: "arn:aws:iam::123456789012:role/Dev", Profile: "dev", Region: "us-east-1", Duration: 90 * time.Minute, STSEndpoint: "http://127.0.0.1:9/"}
	if err := Save(context.Background(), path, idp, acct); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	gi, ga := f.IdPs["corp"], f.Accounts["dev team"]
	if gi == nil || ga == nil {
		t.Fatalf("sections missing: %+v", f)
	}
	gi.Line, ga.Line, ga.Lines = 0, 0, nil
	if !reflect.DeepEqual(gi, idp) {
		t.Errorf("idp %+v, want %+v", gi, idp)
	}
	if !reflect.DeepEqual(ga, acct) {
		t.Errorf("account %+v, want %+v", ga, acct)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "duration = 90m\n") {
		t.Errorf("duration not written as 90m:\n%s", data)
	}
	// A second identical save changes nothing.
	if err := Save(context.Background(), path, idp, acct); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(path)
	if string(again) != string(data) {
		t.Errorf("second save changed the file:\n%s", again)
	}
}

func TestSaveNilSkips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := Save(context.Background(), path, &IdP{Name: "x", URL: "https://x.example/"}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.IdPs) != 1 || len(f.Accounts) != 0 {
		t.Errorf("got %d idps, %d accounts", len(f.IdPs), len(f.Accounts))
	}
}

func TestSaveRefuses(t *testing.T) {
	tests := []struct {
		name string
		idp  *IdP
		acct *Account
		want string
	}{
		{"bracket in name", &IdP{Name: "a]b"}, nil, "contains ']'"},
		{"newline in name", nil, &Account{Name: "a\nb"}, "line break"},
		{"empty name", &IdP{}, nil, "name is empty"},
		{"ftp url", &IdP{Name: "a", URL: "ftp://x/"}, nil, "not an http or https URL"},
		{"relative url", &IdP{Name: "a", URL: "/sso"}, nil, "not an http or https URL"},
		{"no host", &IdP{Name: "a", URL: "https:///sso"}, nil, "no host"},
		{"short duration", nil, &Account{Name: "a", Duration: time.Minute}, "outside 15m to 12h"},
		{"password setting", &IdP{Name: "a", Settings: map[string]string{"password": "hunter2"}}, nil, "passwords do not belong"},
		{"unknown idp", nil, &Account{Name: "a", IdP: "nope"}, "no [idp nope] section"},
		{"bad value", &IdP{Name: "a", Username: " lead"}, nil, "starts or ends with a space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			err := Save(context.Background(), path, tt.idp, tt.acct)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows the secret: %v", err)
			}
			if _, serr := os.Stat(path); serr == nil {
				t.Errorf("file written despite the error")
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{8 * time.Hour: "8h", 90 * time.Minute: "90m", 1000 * time.Second: "16m40s"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("round trip of %v: %v, %v", d, back, err)
		}
	}
}
