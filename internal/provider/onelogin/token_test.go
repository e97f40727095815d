package onelogin

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
)

// cacheFile returns the one token file in dir and its content.
func cacheFile(t *testing.T, dir string) (string, tokenFile) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "onelogin-token-*.json"))
	if len(files) != 1 {
		t.Fatalf("token files %q, want one", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var tf tokenFile
	if err := json.Unmarshal(raw, &tf); err != nil {
		t.Fatal(err)
	}
	return files[0], tf
}

func TestTokenCached(t *testing.T) {
	e := newEnv(t, onelogintest.Options{})
	dir := filepath.Join(t.TempDir(), "cache")
	for i := range 2 {
		l := e.input()
		l.in.CacheDir = dir
		if _, err := e.run(l); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
	if c := e.fake.Counts(); c.Token != 1 || c.Assertion != 2 {
		t.Fatalf("counts %+v: want one token call for two logins", c)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir: %v, %v; want mode 0700", fi.Mode(), err)
	}
	path, tf := cacheFile(t, dir)
	fi, err = os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if tf.API != e.fake.URL || tf.ClientID != "client-id" || !tf.ExpiresAt.Equal(newClock().now().Add(10*time.Hour)) {
		t.Errorf("token file %+v", tf)
	}
	if strings.Contains(e.log.String(), tf.AccessToken) {
		t.Errorf("the access token is in the debug output")
	}

	// Another client_id of the same host gets its own file.
	l := e.input()
	l.in.CacheDir = dir
	l.in.Settings[SettingClientID] = "other"
	if _, err := e.run(l); err == nil {
		t.Fatal("a foreign client_id was accepted")
	}
	if c := e.fake.Counts(); c.Token != 2 {
		t.Fatalf("counts %+v: the other client_id reused the cached token", c)
	}
}

func TestNoCacheDirKeepsNothing(t *testing.T) {
	e := newEnv(t, onelogintest.Options{})
	for range 2 {
		if _, err := e.run(e.input()); err != nil {
			t.Fatal(err)
		}
	}
	if c := e.fake.Counts(); c.Token != 2 {
		t.Fatalf("counts %+v: want a token per login", c)
	}
}

func TestExpiredCachedTokenRefetched(t *testing.T) {
	for _, tc := range []struct {
		after  time.Duration
		tokens int
	}{
		{10*time.Hour - tokenMargin - time.Second, 1},
		{10*time.Hour - tokenMargin, 2}, // within the margin: a push wait could outlast it
		{11 * time.Hour, 2},
	} {
		e := newEnv(t, onelogintest.Options{})
		dir := t.TempDir()
		for i := range 2 {
			if i == 1 {
				e.clock.advance(tc.after)
			}
			l := e.input()
			l.in.CacheDir = dir
			if _, err := e.run(l); err != nil {
				t.Fatalf("after %v: %v", tc.after, err)
			}
		}
		if c := e.fake.Counts(); c.Token != tc.tokens || c.Assertion != 2 {
			t.Errorf("after %v: counts %+v, want %d token calls", tc.after, c, tc.tokens)
		}
	}
}

func TestRevokedCachedTokenRefetchedOnce(t *testing.T) {
	e := newEnv(t, onelogintest.Options{})
	dir := t.TempDir()
	l := e.input()
	l.in.CacheDir = dir
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	_, before := cacheFile(t, dir)
	e.fake.RevokeTokens()
	l = e.input()
	l.in.CacheDir = dir
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.Counts(); c.Token != 2 || c.Assertion != 3 || l.pwCalls.Load() != 1 {
		t.Fatalf("counts %+v, password calls %d: want one refetch and one retry", c, l.pwCalls.Load())
	}
	if _, after := cacheFile(t, dir); after.AccessToken == before.AccessToken {
		t.Fatal("the refused token is still cached")
	}
	if !strings.Contains(e.log.String(), "refused the cached API token") {
		t.Errorf("debug output lacks the refetch")
	}
}

func TestCorruptCacheIgnored(t *testing.T) {
	e := newEnv(t, onelogintest.Options{})
	dir := t.TempDir()
	l := e.input()
	l.in.CacheDir = dir
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	path, _ := cacheFile(t, dir)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	l = e.input()
	l.in.CacheDir = dir
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if _, tf := cacheFile(t, dir); tf.AccessToken == "" || e.fake.Counts().Token != 2 {
		t.Fatalf("the corrupt file was not replaced (counts %+v)", e.fake.Counts())
	}
}
