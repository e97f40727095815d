package cmdutil

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/provider"
)

// A cache hit (every credential_process run) reads the configuration and
// one cache file, and builds nothing a sign-in needs: here the STS client
// could not even be built (AWS_CA_BUNDLE names no file), and the hit is
// served all the same; the miss that follows reports it.
func TestCacheHitBuildsNothing(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, "awsfed.conf")
	if err := os.WriteFile(cfg, []byte("[idp corp]\nprovider = form\nurl = https://idp.example.org/sso\nusername = alice\n\n[account dev]\nidp = corp\nrole_arn = arn:aws:iam::123456789012:role/Dev\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": home, "AWSFED_CONFIG": cfg, "AWS_CA_BUNDLE": filepath.Join(home, "missing.pem")}
	io, _, _, _ := iostreams.Test()
	now := time.Now()
	watched := 0
	f := &factory.Factory{IO: io, Env: func(k string) string { return env[k] }, Now: func() time.Time { return now },
		Providers:    provider.Registry{"form": func() provider.Provider { return nil }},
		WatchSignals: func() { watched++ }}
	lf := &LoginFlags{}

	s, err := resolve(f, "dev", lf, io.ErrOut)
	if err != nil {
		t.Fatal(err)
	}
	entry := &cache.Entry{Account: "dev", Role: s.Login.RoleARN, RoleARN: s.Login.RoleARN,
		AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "token",
		Expiration: now.Add(time.Hour), Issued: now, Who: s.Cache.Who, Binding: s.Cache.Binding}
	if err := s.Cache.Put(entry); err != nil {
		t.Fatal(err)
	}

	s, e, err := AccountKeys(context.Background(), f, "dev", lf, DefaultRefreshWindow, io.ErrOut, true)
	if err != nil {
		t.Fatalf("cache hit: %v", err)
	}
	if e.AccessKeyID != "ASIAEXAMPLE" || s.Login.Account != "dev" {
		t.Errorf("got %v for %s", e, s.Login.Account)
	}
	if s.built || s.secrets != nil || s.Options.STS != nil {
		t.Error("a cache hit built the sign-in")
	}
	if watched != 0 {
		t.Error("a cache hit watched signals")
	}

	// Keys that have less than the window left need a sign-in: now the
	// session is built, and the CA bundle is read.
	_, _, err = AccountKeys(context.Background(), f, "dev", lf, 2*time.Hour, io.ErrOut, true)
	if err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("miss: %v, want the unreadable AWS_CA_BUNDLE", err)
	}
	if watched != 1 {
		t.Errorf("a sign-in watched signals %d times, want 1", watched)
	}
}
