package setupprofile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/provider"
)

// env is one configured account, dev, and AWS files in a temporary home.
type env struct {
	t         *testing.T
	dir       string
	awsConfig string
}

func newEnv(t *testing.T) *env {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "awsfed-config")
	if err := os.WriteFile(cfg, []byte("[idp corp]\nprovider = form\nurl = https://idp.example/sso\n\n[account dev]\nidp = corp\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, dir: dir, awsConfig: filepath.Join(dir, "aws-config")}
}

// run runs setup-profile dev with --command bin ("" = none); loc nil =
// the real process.
func (e *env) run(loc *Locator, bin string) (error, string) {
	e.t.Helper()
	io, _, _, errOut := iostreams.Test()
	vars := map[string]string{
		"AWSFED_CONFIG":               filepath.Join(e.dir, "awsfed-config"),
		"AWS_CONFIG_FILE":             e.awsConfig,
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(e.dir, "aws-credentials"),
	}
	f := &factory.Factory{IO: io, Env: func(k string) string { return vars[k] }, Now: time.Now}
	err := Run(context.Background(), &Options{F: f, Account: "dev", Binary: bin, Locator: loc})
	return err, errOut.String()
}

// written is the AWS config file, "" when absent.
func (e *env) written() string {
	b, err := os.ReadFile(e.awsConfig)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		e.t.Fatal(err)
	}
	return string(b)
}

func executable(t *testing.T, path string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// A credential_process in a temporary directory or a Go build directory
// runs whatever someone puts at that path once it is gone: refused,
// whether named with --command or found as the running binary.
func TestRefusesTemporaryBinary(t *testing.T) {
	tmpBin := executable(t, filepath.Join(t.TempDir(), "awsfed"))
	tests := []struct {
		name string
		loc  *Locator
		bin  string
		why  string
	}{
		{"--command in the temp dir", nil, tmpBin, "temporary directory"},
		{"--command from go run", nil, "/home/u/.cache/go-build123/b001/exe/awsfed", "Go build directory"},
		{"go run", &Locator{
			Executable: func() (string, error) { return "/var/x/go-build42/b001/exe/awsfed", nil },
			LookPath:   func(string) (string, error) { return "", errors.New("not found") },
		}, "", "Go build directory"},
		{"GOCACHE", &Locator{
			Executable: func() (string, error) { return "/srv/gocache/ab/awsfed", nil },
			LookPath:   func(string) (string, error) { return "", errors.New("not found") },
			Risky:      []Risky{{"/srv/gocache", "Go's build cache"}},
		}, "", "Go's build cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			err, _ := e.run(tt.loc, tt.bin)
			var in *provider.InputNeededError
			if !errors.As(err, &in) || !strings.Contains(in.What, tt.why) || !strings.Contains(in.Hint, "go install ./cmd/awsfed") || !strings.Contains(in.Hint, "--command") {
				t.Fatalf("err = %v (%#v)", err, in)
			}
			if got := e.written(); got != "" {
				t.Errorf("wrote the AWS config file anyway:\n%s", got)
			}
		})
	}
}

// The awsfed on PATH is kept as the user sees it: resolving the link
// (bin/awsfed -> Cellar/awsfed/1.0/bin/awsfed) would break the profile on
// the next upgrade.
func TestFindKeepsThePathTheUserSees(t *testing.T) {
	dir := t.TempDir()
	real := executable(t, filepath.Join(dir, "Cellar", "awsfed", "1.0", "bin", "awsfed"))
	link := filepath.Join(dir, "bin", "awsfed")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	other := executable(t, filepath.Join(dir, "go", "bin", "awsfed"))
	self := func() (string, error) { return real, nil } // Linux: /proc/self/exe is resolved
	found := func(p string) func(string) (string, error) {
		return func(string) (string, error) { return p, nil }
	}
	none := func(string) (string, error) { return "", errors.New("not found") }
	tests := []struct {
		name string
		loc  Locator
		want string
	}{
		{"on PATH", Locator{Executable: self, LookPath: found(link)}, link},
		{"another awsfed on PATH", Locator{Executable: self, LookPath: found(other)}, real},
		{"run by its link", Locator{Executable: self, LookPath: none, Args0: link}, link},
		{"bare argv[0]", Locator{Executable: self, LookPath: none, Args0: "awsfed"}, real},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.loc.Find(); err != nil || got != tt.want {
				t.Errorf("Find() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	// A link whose target is temporary is as risky as the target.
	risky := Locator{Executable: self, LookPath: found(link), Risky: []Risky{{filepath.Join(dir, "Cellar"), "a temporary directory"}}}
	if got, err := risky.Find(); err == nil {
		t.Errorf("Find() = %q through a link into a risky directory", got)
	}
}

// --command names a file that must be a program; one not there yet is
// written with a warning (it may be installed later).
func TestExplicitCommand(t *testing.T) {
	dir := t.TempDir()
	loc := &Locator{Risky: []Risky{{"/nonexistent-tmp", "a temporary directory"}}}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	if err, _ := e.run(loc, plain); err == nil || !strings.Contains(err.Error(), "not an executable") {
		t.Errorf("non-executable --command: %v", err)
	}
	if err, _ := e.run(loc, dir); err == nil || !strings.Contains(err.Error(), "not an executable") {
		t.Errorf("directory as --command: %v", err)
	}
	missing := filepath.Join(dir, "opt", "awsfed")
	err, stderr := e.run(loc, missing)
	if err != nil || !strings.Contains(stderr, "Warning: "+missing+" does not exist") || !strings.Contains(e.written(), "credential_process = "+missing+" credential-process dev\n") {
		t.Errorf("missing --command: %v\n%s\n%s", err, stderr, e.written())
	}
	bin := executable(t, filepath.Join(dir, "bin", "awsfed"))
	err, stderr = e.run(loc, bin)
	if err != nil || strings.Contains(stderr, "Warning") || !strings.Contains(e.written(), "credential_process = "+bin+" credential-process dev\n") {
		t.Errorf("--command %s: %v\n%s", bin, err, stderr)
	}
}
