package browser

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"

	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/userdir"
)

// profile is the browser state awsfed keeps for one [idp] section, in
// <XDG_DATA_HOME or ~/.local/share>/awsfed/browser/<idp>/ (0700):
//
//	lock          held while a browser runs on the profile
//	cookies.json  every cookie at the end of the last sign-in (0600)
//	chrome/       the browser's own profile (--user-data-dir)
//
// A browser drops session-only cookies when it exits, and most IdPs keep
// their session in exactly those: cookies.json keeps them for the next run.
type profile struct {
	dir  string
	lock *lockedfile.Lock
}

// profileDir is the directory of [idp name].
func profileDir(env func(string) string, idp string) (string, error) {
	data, err := userdir.XDG(env, "XDG_DATA_HOME", ".local", "share")
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "awsfed", "browser", dirName(idp)), nil
}

// dirName makes an [idp] name safe as one path element; a name with other
// characters gets a digest, so two names never share a profile.
func dirName(idp string) string {
	if idp == "" {
		return "default"
	}
	for _, r := range idp {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			sum := sha256.Sum256([]byte(idp))
			return "idp-" + hex.EncodeToString(sum[:8])
		}
	}
	if idp == "." || idp == ".." {
		return "idp-" + hex.EncodeToString([]byte(idp))
	}
	return idp
}

// openProfile makes the directory 0700 (tightening one that others could
// enter) and takes its lock: one browser at a time per profile, since
// Chrome hands a second start on the same profile to the first and exits.
func openProfile(ctx context.Context, dir string, wait time.Duration) (*profile, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("browser profile %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("browser profile %s: %w", dir, err)
	}
	l, err := lockedfile.Acquire(ctx, filepath.Join(dir, "lock"), wait)
	if err != nil {
		return nil, fmt.Errorf("browser profile: %w", err)
	}
	return &profile{dir: dir, lock: l}, nil
}

func (p *profile) close()              { p.lock.Release() }
func (p *profile) chromeDir() string   { return filepath.Join(p.dir, "chrome") }
func (p *profile) cookiesPath() string { return filepath.Join(p.dir, "cookies.json") }

// savedCookies is the file format: a version, so a later format can be told apart.
type savedCookies struct {
	Version int               `json:"version"`
	Cookies []*network.Cookie `json:"cookies"`
}

// loadCookies returns the saved cookies that have not expired; a missing or
// unreadable file is no cookies (the IdP then asks the user to sign in).
func (p *profile) loadCookies(now time.Time) []*network.Cookie {
	b, err := os.ReadFile(p.cookiesPath())
	if err != nil {
		return nil
	}
	var s savedCookies
	if json.Unmarshal(b, &s) != nil || s.Version != 1 {
		return nil
	}
	return live(s.Cookies, now)
}

// saveCookies replaces the cookies file atomically, 0600.
func (p *profile) saveCookies(cs []*network.Cookie, now time.Time) error {
	b, err := json.Marshal(savedCookies{Version: 1, Cookies: live(cs, now)})
	if err != nil {
		return err
	}
	path := p.cookiesPath()
	_, old, err := lockedfile.ReadTarget(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		old = nil
	}
	if err := p.lock.WriteAtomic(path, b, old, 0o600); err != nil {
		return fmt.Errorf("save the browser's cookies: %w", err)
	}
	return nil
}

// live drops cookies that have expired.
func live(cs []*network.Cookie, now time.Time) []*network.Cookie {
	var out []*network.Cookie
	for _, c := range cs {
		if c == nil || c.Name == "" {
			continue
		}
		if !c.Session && c.Expires > 0 && c.Expires < float64(now.Unix()) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// params turns saved cookies into what Storage.setCookies takes; a
// session-only cookie stays session-only.
func params(cs []*network.Cookie) []*network.CookieParam {
	out := make([]*network.CookieParam, 0, len(cs))
	for _, c := range cs {
		p := &network.CookieParam{
			Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path,
			Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: c.SameSite,
			Priority: c.Priority, SourceScheme: c.SourceScheme, PartitionKey: c.PartitionKey,
		}
		if c.SourcePort > 0 {
			p.SourcePort = c.SourcePort
		}
		if !c.Session && c.Expires > 0 {
			p.Expires = cdp.TimeSinceEpoch(c.Expires)
		}
		out = append(out, p)
	}
	return out
}

// forgetWait is how long logout waits for a browser still signing in on
// the profile before it gives up and says so.
const forgetWait = 10 * time.Second

// ForgetSession ends the IdP session awsfed keeps for the [idp]: the saved
// cookies and the browser's own profile (`awsfed logout`). The next sign-in
// opens the window again.
func (p *Provider) ForgetSession(ctx context.Context, s provider.KeptSession) (bool, error) {
	dir, err := profileDir(p.env, s.IdP)
	if err != nil {
		return false, err
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	prof, err := openProfile(ctx, dir, forgetWait)
	if err != nil {
		return false, err
	}
	defer prof.close()
	return prof.forget()
}

// forget removes the saved cookies and the browser's profile; the
// directory and its lock stay.
func (p *profile) forget() (bool, error) {
	forgot := false
	for _, path := range []string{p.cookiesPath(), p.chromeDir()} {
		if _, err := os.Lstat(path); err != nil {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			return forgot, fmt.Errorf("forget the browser session: %w", err)
		}
		forgot = true
	}
	return forgot, nil
}
