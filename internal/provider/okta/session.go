package okta

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/provider"
)

// Okta keeps the session in the sid cookie, or idx on Identity Engine orgs.
var sessionCookies = []string{"sid", "idx"}

// lockWait bounds the wait for another awsfed writing the session file.
const lockWait = 5 * time.Second

// sessionFile is the JSON kept in the cache directory. The org and user
// are kept too, so that a file is never used for another.
type sessionFile struct {
	Org    string    `json:"org"`
	User   string    `json:"user"`
	Cookie string    `json:"cookie"`
	Value  string    `json:"value"`
	Saved  time.Time `json:"saved"`
}

// SessionPath is the file holding the Okta session of user at the org of
// embedLink, in cacheDir.
func SessionPath(cacheDir, embedLink, user string) string {
	sum := sha256.Sum256([]byte(httpx.OriginOf(embedLink) + "\n" + user))
	return filepath.Join(cacheDir, "okta-session-"+hex.EncodeToString(sum[:8])+".json")
}

// ForgetSession removes the kept Okta session of user at the org of
// embedLink (logout); it reports whether there was one.
func ForgetSession(ctx context.Context, cacheDir, embedLink, user string) (bool, error) {
	if cacheDir == "" || httpx.OriginOf(embedLink) == "" {
		return false, nil
	}
	path := SessionPath(cacheDir, embedLink, user)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	lock, err := lockedfile.Acquire(ctx, path+".lock", lockWait)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer lock.Release()
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// ForgetSession is ForgetSession for `awsfed logout`, which knows the
// provider only by its methods.
func (p *Provider) ForgetSession(ctx context.Context, s provider.KeptSession) (bool, error) {
	return ForgetSession(ctx, s.CacheDir, s.URL, s.Username)
}

// HasSession reports whether an Okta session of user at the org of url is
// kept (it may have ended since): `awsfed login` then asks no username.
func (p *Provider) HasSession(cacheDir, url, username string) bool {
	if cacheDir == "" || httpx.OriginOf(url) == "" {
		return false
	}
	_, err := os.Stat(SessionPath(cacheDir, url, username))
	return err == nil
}

// sessionPath is this sign-in's session file, or "" when none is kept.
func (f *flow) sessionPath() string {
	if f.in.CacheDir == "" || !f.cfg.keepSession {
		return ""
	}
	return SessionPath(f.in.CacheDir, f.cfg.embed.String(), f.in.Username)
}

// reuseSession asks the embed link for the SAML form with the kept
// session cookie: one request, no redirect followed. A session Okta no
// longer knows is forgotten silently.
func (f *flow) reuseSession(ctx context.Context) (string, bool) {
	path := f.sessionPath()
	if path == "" {
		return "", false
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			f.log.Printf("okta: reading the kept session: %v", err)
		}
		return "", false
	}
	var sf sessionFile
	if json.Unmarshal(raw, &sf) != nil || sf.Value == "" || sf.Org != httpx.Origin(f.cfg.org) || sf.User != f.in.Username {
		f.log.Printf("okta: ignoring a session file of another org or user, or malformed")
		return "", false
	}
	f.secrets = append(f.secrets, sf.Value)
	client := *f.http
	client.Jar = nil // the cookie is set by hand: nothing else goes with it
	client.CheckRedirect = f.appRedirectsOnly
	p, err := f.getAppWithCookie(ctx, &client, sf)
	if err != nil {
		f.log.Printf("okta: the kept session did not serve: %v", err)
		return "", false
	}
	if p.saml == "" {
		f.log.Printf("okta: the kept Okta session has ended (HTTP %d); signing in", p.status)
		f.forget(ctx, path)
		return "", false
	}
	f.log.Printf("okta: the kept Okta session served the AWS app")
	// Okta's session cookie now lives on in the jar too; a refreshed one is kept.
	if f.http.Jar != nil {
		f.http.Jar.SetCookies(f.cfg.org, []*http.Cookie{{Name: sf.Cookie, Value: sf.Value, Path: "/"}})
	}
	return p.saml, true
}

// maxAppHops bounds the redirects from the embed link to the app's SSO URL.
const maxAppHops = 5

// appRedirectsOnly follows the embed link's redirects within the org (to
// the app's SSO URL) but stops at the sign-in page, which means the
// session has ended: following it would cost a request for nothing.
func (f *flow) appRedirectsOnly(req *http.Request, via []*http.Request) error {
	p := strings.ToLower(req.URL.Path)
	if len(via) >= maxAppHops || httpx.Origin(req.URL) != httpx.Origin(f.cfg.org) ||
		strings.HasPrefix(p, "/login/") || strings.HasPrefix(p, "/signin") || strings.HasPrefix(p, "/oauth2/") {
		return http.ErrUseLastResponse
	}
	return nil
}

// getAppWithCookie fetches the embed link with the session cookie.
func (f *flow) getAppWithCookie(ctx context.Context, client *http.Client, sf sessionFile) (*appPage, error) {
	client.Transport = cookieTransport{base: client.Transport, cookie: &http.Cookie{Name: sf.Cookie, Value: sf.Value}, origin: httpx.Origin(f.cfg.org)}
	return f.getApp(ctx, client, f.cfg.embed.String(), secretCookie)
}

// cookieTransport adds the session cookie to requests to the org only.
type cookieTransport struct {
	base   http.RoundTripper
	cookie *http.Cookie
	origin string
}

func (t cookieTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if httpx.Origin(req.URL) == t.origin {
		req = req.Clone(req.Context())
		req.AddCookie(t.cookie)
	}
	return base.RoundTrip(req)
}

// saveSession keeps the session cookie Okta set (0600, written atomically
// under a lock). Failing to keep it costs the next sign-in a password, not
// this one.
func (f *flow) saveSession() {
	path := f.sessionPath()
	if path == "" || f.http.Jar == nil {
		return
	}
	var sf *sessionFile
	for _, c := range f.http.Jar.Cookies(f.cfg.embed) {
		for _, name := range sessionCookies {
			if c.Name == name && c.Value != "" && sf == nil {
				sf = &sessionFile{Org: httpx.Origin(f.cfg.org), User: f.in.Username, Cookie: c.Name, Value: c.Value, Saved: f.p.clock.Now().UTC()}
			}
		}
	}
	if sf == nil {
		f.log.Printf("okta: Okta set no session cookie; nothing to keep")
		return
	}
	f.secrets = append(f.secrets, sf.Value)
	if err := os.MkdirAll(f.in.CacheDir, 0o700); err != nil {
		f.log.Printf("okta: not keeping the session: %v", err)
		return
	}
	data, _ := json.Marshal(sf)
	lock, err := lockedfile.Acquire(context.Background(), path+".lock", lockWait)
	if err != nil {
		f.log.Printf("okta: not keeping the session: %v", err)
		return
	}
	defer lock.Release()
	if err := lock.WriteAtomic(path, data, nil, 0o600); err != nil {
		f.log.Printf("okta: not keeping the session: %v", err)
		return
	}
	f.log.Printf("okta: kept the Okta session (cookie %s) in %s", sf.Cookie, path)
}

// forget removes an ended session's file.
func (f *flow) forget(ctx context.Context, path string) {
	lock, err := lockedfile.Acquire(ctx, path+".lock", lockWait)
	if err != nil {
		return
	}
	defer lock.Release()
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		f.log.Printf("okta: removing the ended session: %v", err)
	}
}
