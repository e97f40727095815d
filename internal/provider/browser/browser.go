// Package browser signs in through the user's own installed Chromium-family
// browser (Chrome, Chromium, Edge, Brave), driven over the DevTools
// protocol, so that any IdP and any MFA work: the user types into the IdP's
// own page. It owns finding the browser, the per-[idp] browser profile
// (with the IdP's session cookies kept from one run to the next), catching
// the SAMLResponse on its way to AWS and stopping it inside the browser.
//
// Every sign-in first runs the browser headless; while the IdP session
// lives, the assertion arrives with no window at all. Only a page that needs
// the user opens a visible window. It never downloads a browser, asks for no
// password (unless autofill = password), and knows nothing of roles, STS or
// AWS files.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// Settings keys of the [idp NAME] section this provider reads.
const (
	SettingBrowser  = "browser"  // the browser program; default: found on PATH or in the usual places
	SettingAutofill = "autofill" // "", "username" or "password" (the latter only with store_password)
	SettingACSURL   = "acs_url"  // where the assertion is posted, when not AWS's own ACS
)

// DefaultTimeout bounds the wait for the user in the window when
// --browser-timeout is not given.
const DefaultTimeout = 5 * time.Minute

// How the silent attempt decides that a page waits for a person: a page
// with fields to type into that has stood still for loginQuiet, any page
// that has stood still for idleQuiet, or no assertion after silentLimit.
const (
	loginQuiet  = 300 * time.Millisecond
	idleQuiet   = 3 * time.Second
	silentLimit = 20 * time.Second
)

// Provider is the browser provider.
type Provider struct {
	// Env reads the environment (HOME, XDG_DATA_HOME, DISPLAY); nil means
	// the process environment.
	Env func(string) string
	// GOOS is the operating system whose conventions apply; "" means this one.
	GOOS string
}

// New returns the browser provider.
func New() provider.Provider { return &Provider{} }

func (p *Provider) env(k string) string {
	if p.Env != nil {
		return p.Env(k)
	}
	return os.Getenv(k)
}

func (p *Provider) goos() string {
	if p.GOOS != "" {
		return p.GOOS
	}
	return runtime.GOOS
}

// Settings lists the keys `awsfed configure` asks for. The browser's
// default is the one awsfed finds, so the question shows what it found.
func (p *Provider) Settings() []provider.Setting {
	const label = "Browser (Chrome, Chromium, Edge or Brave; none found yet: give its path)"
	// Looking for the browser touches the disk: only when someone is asked.
	suggest := func() (string, string) {
		if path, err := systemFinder(p.goos(), p.env).find(""); err == nil {
			return "Browser (found " + path + "; Enter to use it, or another path)", path
		}
		return label, ""
	}
	return []provider.Setting{
		{Key: SettingBrowser, Label: label, Suggest: suggest, EnvVar: EnvBrowser},
		{Key: SettingAutofill, Label: "Type into the IdP's page for you (empty: nothing, username, or password with store_password)"},
	}
}

// HasSession tells `awsfed login` not to ask for the username at the
// terminal: a browser sign-in asks nothing there (the user types into the
// IdP's own page), whether or not the IdP session still lives. The
// configured username only labels the cached keys and feeds autofill.
func (p *Provider) HasSession(cacheDir, url, username string) bool { return true }

// Assertion returns the SAMLResponse the IdP posts towards AWS in the
// browser: silently when the IdP session lives, else after the user signs
// in in a window.
func (p *Provider) Assertion(ctx context.Context, in *provider.Input) (string, error) {
	if in.URL == "" {
		return "", &provider.InputNeededError{What: "no start URL for the browser provider", Hint: "set url in the [idp] section to the IdP's start URL for the AWS app (README: \"Browser sign-in\")"}
	}
	if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", &provider.InputNeededError{What: fmt.Sprintf("the start URL %q is not an http(s) URL", httpx.RedactString(in.URL)), Hint: "set url in the [idp] section to the IdP's start URL for the AWS app"}
	}
	target, err := newACS(strings.TrimSpace(in.Settings[SettingACSURL]))
	if err != nil {
		return "", &provider.InputNeededError{What: err.Error(), Hint: "set acs_url to an http(s) URL, or remove it to catch AWS's own sign-in URLs"}
	}
	fill, err := autofillOf(in.Settings)
	if err != nil {
		return "", err
	}
	exec, err := systemFinder(p.goos(), p.env).find(strings.TrimSpace(in.Settings[SettingBrowser]))
	if err != nil {
		return "", err
	}
	dir, err := profileDir(p.env, in.IdP)
	if err != nil {
		return "", err
	}
	timeout := in.BrowserTimeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// Another awsfed signing in with this IdP may be waiting for its user.
	prof, err := openProfile(ctx, dir, timeout+time.Minute)
	if err != nil {
		return "", err
	}
	defer prof.close()
	in.Debug.Printf("browser: profile %s", dir)

	r := &signIn{in: in, exec: exec, prof: prof, acs: target, fill: fill, timeout: timeout}
	saml, at, cookies, err := r.silent(ctx, prof.loadCookies(time.Now()))
	if err != nil {
		return "", err
	}
	if saml == "" {
		if !canShowWindow(p.goos(), p.env) {
			return "", &provider.InputNeededError{Desktop: true,
				What: fmt.Sprintf("the IdP at %s needs you to sign in, and no browser window can be shown here (no DISPLAY or WAYLAND_DISPLAY)", httpx.RedactString(at)),
				Hint: "run `awsfed login ACCOUNT` on a desktop session once; later refreshes are silent while the IdP session lasts",
			}
		}
		if saml, cookies, err = r.window(ctx, at, cookies); err != nil {
			// It ran headless, so what failed is the display (a stale
			// DISPLAY over SSH, a display that refuses the connection).
			var se *startError
			if errors.As(err, &se) {
				return "", &provider.InputNeededError{Desktop: true,
					What: fmt.Sprintf("the IdP at %s needs you to sign in, and the browser could not open a window (%v)", httpx.RedactString(at), se.err),
					Hint: "run `awsfed login ACCOUNT` on a desktop session once; later refreshes are silent while the IdP session lasts",
				}
			}
			return "", err
		}
	}
	if err := prof.saveCookies(cookies, time.Now()); err != nil {
		// The keys are good; the next refresh just asks again.
		in.Debug.Printf("browser: %v", err)
	}
	return saml, nil
}

// autofill is what awsfed types into the IdP's page for the user.
type autofill struct{ username, password bool }

func autofillOf(s map[string]string) (autofill, error) {
	switch v := strings.ToLower(strings.TrimSpace(s[SettingAutofill])); v {
	case "", "off", "none", "false":
		return autofill{}, nil
	case "username":
		return autofill{username: true}, nil
	case "password":
		if !isTrue(s["store_password"]) {
			return autofill{}, &provider.InputNeededError{What: "autofill = password needs store_password = true in the same [idp] section", Hint: "set store_password = true (the password then comes from the keyring), or autofill = username"}
		}
		return autofill{username: true, password: true}, nil
	default:
		return autofill{}, &provider.InputNeededError{What: fmt.Sprintf("autofill = %q is not one of username, password", v), Hint: "set autofill = username, or remove it"}
	}
}

func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1", "on":
		return true
	}
	return false
}

// signIn is the state of one Assertion call.
type signIn struct {
	in      *provider.Input
	exec    string
	prof    *profile
	acs     acs
	fill    autofill
	timeout time.Duration
}

func (r *signIn) start(ctx context.Context, headless bool, cookies []*network.Cookie) (*session, error) {
	s, err := start(ctx, startOptions{exec: r.exec, dataDir: r.prof.chromeDir(), headless: headless, cookies: cookies, acs: r.acs, log: r.in.Debug})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &startError{exec: r.exec, headless: headless, err: oneLineErr(err)}
	}
	return s, nil
}

// startError is a browser that did not start.
type startError struct {
	exec     string
	headless bool
	err      error
}

func (e *startError) Error() string { return fmt.Sprintf("start the browser %s: %v", e.exec, e.err) }
func (e *startError) Unwrap() error { return e.err }

// silent runs the browser headless at the start URL. It returns the
// assertion, or the address of the page that waits for a person, and the
// cookies the browser ended with.
func (r *signIn) silent(ctx context.Context, cookies []*network.Cookie) (saml, at string, _ []*network.Cookie, _ error) {
	s, err := r.start(ctx, true, cookies)
	if err != nil {
		return "", "", nil, err
	}
	defer s.close()
	if err := s.open(r.in.URL); err != nil {
		return "", "", nil, r.loadFailed(ctx, err)
	}
	limit := time.NewTimer(silentLimit)
	defer limit.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case saml := <-s.captured:
			r.in.Debug.Printf("browser: silent sign-in: got the SAMLResponse after %s", time.Since(s.startedAt).Round(time.Millisecond))
			cs, err := s.cookies()
			if err != nil {
				r.in.Debug.Printf("browser: could not read the cookies: %v", err)
			}
			return saml, "", cs, nil
		case <-ctx.Done():
			return "", "", nil, ctx.Err()
		case <-s.gone():
			if ctx.Err() != nil {
				return "", "", nil, ctx.Err()
			}
			return "", "", nil, fmt.Errorf("the browser %s ended during the silent sign-in", r.exec)
		case <-limit.C:
			at, _, _ := s.where()
			return r.needsUser(s, at)
		case <-tick.C:
			if err := r.badACS(s); err != nil {
				return "", "", nil, err
			}
			s.mu.Lock()
			le := s.loadErr
			s.mu.Unlock()
			if le != nil {
				return "", "", nil, r.loadFailed(ctx, le)
			}
			// Until the tab has asked for its first document it shows
			// about:blank, which is no IdP page, however long a busy
			// machine takes to get there.
			_, quiet, docs := s.where()
			if docs == 0 || quiet < loginQuiet {
				continue
			}
			st, err := s.state()
			if err != nil || st.Ready != "complete" {
				continue
			}
			if st.Error != "" {
				at, _, _ := s.where()
				return "", "", nil, r.loadFailed(ctx, &loadError{url: at, text: st.Error})
			}
			if st.Fields > 0 || quiet >= idleQuiet {
				return r.needsUser(s, st.URL)
			}
		}
	}
}

// needsUser ends the silent attempt at a page that waits for a person,
// unless the assertion slipped in meanwhile.
func (r *signIn) needsUser(s *session, at string) (string, string, []*network.Cookie, error) {
	cs, err := s.cookies()
	if err != nil {
		r.in.Debug.Printf("browser: could not read the cookies: %v", err)
	}
	select {
	case saml := <-s.captured:
		return saml, "", cs, nil
	default:
	}
	if at == "" || strings.HasPrefix(at, "chrome-error:") || strings.HasPrefix(at, "about:") {
		at = r.in.URL
	}
	r.in.Debug.Printf("browser: %s waits for you (silent attempt took %s)", httpx.RedactString(at), time.Since(s.startedAt).Round(time.Millisecond))
	return "", at, cs, nil
}

func (r *signIn) badACS(s *session) error {
	s.mu.Lock()
	bad := s.badACS
	s.mu.Unlock()
	if !bad {
		return nil
	}
	return &provider.UnexpectedPageError{URL: r.acsName(), What: "the IdP sent no SAMLResponse to AWS's sign-in URL (awsfed stopped the request in the browser)",
		Hint: "check that url is the IdP's start URL for the AWS app; --debug names each page"}
}

func (r *signIn) acsName() string {
	if r.acs.override != nil {
		return httpx.Redact(r.acs.override)
	}
	return "https://signin.aws.amazon.com/saml"
}

func (r *signIn) loadFailed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var le *loadError
	if errors.As(err, &le) {
		return &provider.UnexpectedPageError{URL: httpx.RedactString(le.url), What: "the browser could not load it (" + le.text + ")",
			Hint: "check url in the [idp] section; internal IdPs are often reachable only on the corporate network or VPN"}
	}
	return fmt.Errorf("browser: open %s: %w", httpx.RedactString(r.in.URL), oneLineErr(err))
}

// window opens a visible window at the page that waits for the user, and
// waits for the assertion, the window closing, or the timeout.
func (r *signIn) window(ctx context.Context, at string, cookies []*network.Cookie) (string, []*network.Cookie, error) {
	s, err := r.start(ctx, false, cookies)
	if err != nil {
		return "", nil, err
	}
	defer s.close()
	r.in.Debug.Printf("browser: opening a window at %s", httpx.RedactString(at))
	if err := s.navigate(at); err != nil {
		return "", nil, r.loadFailed(ctx, err)
	}
	pass := r.password(ctx)
	wctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if r.fill.username || r.fill.password {
		go r.autofill(wctx, s, pass)
	}
	stopLine := r.waitLine(wctx)
	defer stopLine()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case saml := <-s.captured:
			stopLine()
			cs, err := s.cookies()
			if err != nil {
				r.in.Debug.Printf("browser: could not read the cookies: %v", err)
			}
			return saml, cs, nil
		case <-ctx.Done():
			return "", nil, ctx.Err()
		case <-wctx.Done():
			at, _, _ := s.where()
			return "", nil, &provider.ServiceError{
				What: fmt.Sprintf("no sign-in in the browser window within %s (it was at %s)", r.timeout, httpx.RedactString(at)),
				Hint: "sign in sooner, or give yourself more time with --browser-timeout (e.g. --browser-timeout 10m)",
			}
		case <-s.gone():
			return "", nil, r.closed()
		case <-tick.C:
			if err := r.badACS(s); err != nil {
				return "", nil, err
			}
			if n, err := s.pages(); err == nil && n == 0 {
				return "", nil, r.closed()
			}
		}
	}
}

func (r *signIn) closed() error {
	return &provider.CancelledError{What: "the browser window was closed before the sign-in finished", Hint: "run the command again and sign in in the window"}
}

// waitLine shows the live "Waiting…" line until stop is called. Enter on
// the terminal changes nothing: the sign-in happens in the window.
func (r *signIn) waitLine(ctx context.Context) (stop func()) {
	if r.in.Prompt == nil {
		return func() {}
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for lctx.Err() == nil {
			if _, err := r.in.Prompt.Wait(lctx, "Waiting for you to sign in in the browser window"); err != nil {
				return
			}
		}
	}()
	return func() { cancel(); <-done }
}

// oneLineErr keeps the first line of a browser error: Chrome's own output
// can follow it.
func oneLineErr(err error) error {
	msg := err.Error()
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		return errors.New(strings.TrimSuffix(strings.TrimSpace(msg[:i]), ":"))
	}
	return err
}
