package browser

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider/form"
)

// session is one browser process on the profile: headless for the silent
// attempt, or a visible window for the user.
type session struct {
	ctx         context.Context // chromedp context of the first tab
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	log         *debug.Logger
	acs         acs
	mode        string // "headless" or "window", for --debug

	captured chan string // the SAMLResponse, once

	// The silent attempt opens its own tab at browser level and attaches to
	// it only when it must look at the page: attaching costs about a second.
	tab       target.ID
	tabCtx    context.Context
	tabCancel context.CancelFunc
	attached  chan error // receives the attach's outcome once

	mu        sync.Mutex
	lastURL   string    // the last document requested; never logged whole
	lastDoc   time.Time // when it was requested
	docs      int       // documents requested so far
	badACS    bool      // a POST to the ACS without a SAMLResponse was stopped
	loadErr   *loadError
	startedAt time.Time
}

type startOptions struct {
	exec     string
	dataDir  string
	headless bool
	cookies  []*network.Cookie
	acs      acs
	log      *debug.Logger
}

// childEnv is the browser's environment: awsfed's own variables (a
// password, a keyring passphrase) and AWS keys never reach it.
func childEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWSFED_") || strings.HasPrefix(k, "AWS_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// start runs the browser on the profile, puts the cookies back and starts
// watching requests; it navigates nowhere yet.
func start(parent context.Context, o startOptions) (*session, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(o.exec),
		chromedp.UserDataDir(o.dataDir),
		chromedp.NoInheritEnv,
		chromedp.Env(childEnv()...),
		// The user's own sign-in window should not say it is remote-controlled
		// nor offer to translate the IdP's page.
		chromedp.Flag("disable-infobars", true),
	)
	mode := "headless"
	if o.headless {
		// The silent attempt opens its own tab (see open): a first, blank
		// one would only cost a renderer process (about 0.2 s of the start).
		opts = append(opts, chromedp.Flag("no-startup-window", true))
	}
	if !o.headless {
		opts = append(opts, chromedp.VisibleWindow, chromedp.Flag("start-maximized", false), chromedp.WindowSize(1000, 760))
		mode = "window"
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(parent, opts...)
	// chromedp's own log lines would land on stderr, which belongs to the
	// AWS tool running credential-process, and may quote protocol messages
	// (cookies, form data): drop them.
	quiet := func(string, ...any) {}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet), chromedp.WithDebugf(quiet))
	s := &session{
		ctx: ctx, cancel: cancel, allocCancel: allocCancel, log: o.log, acs: o.acs, mode: mode,
		captured: make(chan string, 1), startedAt: time.Now(),
	}
	if _, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{}); err != nil {
		s.close()
		return nil, err
	}
	s.log.Printf("browser: started %s (%s) in %s", o.exec, mode, time.Since(s.startedAt).Round(time.Millisecond))
	if len(o.cookies) > 0 {
		if _, err := chromedp.CallBrowser(ctx, storage.SetCookies, storage.SetCookiesParams{Cookies: params(o.cookies)}); err != nil {
			s.log.Printf("browser: could not restore the saved cookies: %v", err)
		} else {
			s.log.Printf("browser: restored %d saved cookies", len(o.cookies))
		}
	}
	paused := chromedp.BrowserEvents(ctx, fetch.RequestPaused)
	go s.watch(paused)
	if _, err := chromedp.CallBrowser(ctx, fetch.Enable, fetch.EnableParams{Patterns: o.acs.patterns()}); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// watch handles every paused request: the POST to the ACS is read and
// failed inside the browser, so the assertion never reaches AWS; every
// other request goes on unchanged.
func (s *session) watch(events iter.Seq2[fetch.EventRequestPaused, error]) {
	for ev, err := range events {
		if err != nil {
			return
		}
		if ev.ResponseStatusCode != 0 || ev.ResponseErrorReason != "" {
			if ev.ResponseStatusCode == 200 && ev.ResourceType == network.ResourceTypeDocument {
				s.read(ev)
			}
			if ev.ResponseErrorReason != "" && ev.ResourceType == network.ResourceTypeDocument && ev.Request != nil {
				s.mu.Lock()
				s.loadErr = &loadError{url: ev.Request.URL, text: string(ev.ResponseErrorReason)}
				s.mu.Unlock()
			}
			_, _ = chromedp.CallBrowser(s.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			continue
		}
		if ev.Request != nil && s.acs.matches(ev.Request.URL) {
			s.fail(ev)
			if strings.EqualFold(ev.Request.Method, "POST") {
				saml := samlResponse(header(ev.Request.Headers, "Content-Type"), postBody(ev.Request))
				s.log.Printf("browser: stopped the %s to %s in the browser (it never reaches AWS)", ev.Request.Method, httpx.RedactString(ev.Request.URL))
				if saml != "" {
					select {
					case s.captured <- saml:
					default:
					}
					continue
				}
			}
			s.mu.Lock()
			s.badACS = true
			s.mu.Unlock()
			continue
		}
		if ev.ResourceType == network.ResourceTypeDocument && ev.Request != nil {
			s.mu.Lock()
			s.lastURL, s.lastDoc = ev.Request.URL, time.Now()
			s.docs++
			s.mu.Unlock()
			s.log.Printf("browser: page %s (+%s)", httpx.RedactString(ev.Request.URL), s.since())
		}
		_, _ = chromedp.CallBrowser(s.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
}

// read looks for the SAMLResponse in a page as it arrives, with the form
// provider's parser: a form that posts it to the ACS is as good as the POST
// itself, and taking it there saves waiting for the page's resources and
// script. The POST, should the page still send it, is failed all the same.
func (s *session) read(ev fetch.EventRequestPaused) {
	if ev.Request == nil || !strings.Contains(strings.ToLower(responseHeader(ev.ResponseHeaders, "Content-Type")), "html") {
		return
	}
	res, err := chromedp.CallBrowser(s.ctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID})
	if err != nil {
		return
	}
	u, err := url.Parse(ev.Request.URL)
	if err != nil {
		return
	}
	pg := form.ReadSAMLPage(res.Body, u, int(ev.ResponseStatusCode))
	if !pg.Found || pg.Response == "" || !s.acs.matches(pg.Action) {
		return
	}
	s.log.Printf("browser: %s holds the SAMLResponse for %s; taken from the page (+%s)", httpx.RedactString(ev.Request.URL), httpx.RedactString(pg.Action), s.since())
	select {
	case s.captured <- pg.Response:
	default:
	}
}

func responseHeader(h []*fetch.HeaderEntry, name string) string {
	for _, e := range h {
		if e != nil && strings.EqualFold(e.Name, name) {
			return e.Value
		}
	}
	return ""
}

func (s *session) fail(ev fetch.EventRequestPaused) {
	_, _ = chromedp.CallBrowser(s.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonAborted})
}

// navigate opens u in the first tab. A page that cannot load is an error;
// one stopped because it went to the ACS is not.
func (s *session) navigate(u string) error {
	if s.mode == "window" {
		// The window opens on a blank tab, whose address bar has the
		// keyboard: give it to the page before it loads, so that whatever
		// the user types goes into the IdP's form.
		_, _ = chromedp.Call(s.ctx, page.BringToFront, cdp.Empty{})
	}
	res, err := chromedp.Call(s.ctx, page.Navigate, page.NavigateParams{URL: u})
	if err != nil {
		return err
	}
	if res.ErrorText != "" && res.ErrorText != "net::ERR_ABORTED" {
		return &loadError{url: u, text: res.ErrorText}
	}
	return nil
}

// open opens u in a new tab without attaching to it (the silent attempt).
func (s *session) open(u string) error {
	res, err := chromedp.CallBrowser(s.ctx, target.CreateTarget, target.CreateTargetParams{URL: u})
	if err != nil {
		return err
	}
	s.tab = res.TargetID
	return nil
}

// loadError is a page the browser could not load.
type loadError struct{ url, text string }

func (e *loadError) Error() string {
	return "the browser could not load " + httpx.RedactString(e.url) + ": " + e.text
}

// since is the time since the browser was started, for --debug.
func (s *session) since() time.Duration { return time.Since(s.startedAt).Round(time.Millisecond) }

// where returns the last document requested and how long ago.
func (s *session) where() (string, time.Duration, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastDoc.IsZero() {
		return s.lastURL, time.Since(s.startedAt), s.docs
	}
	return s.lastURL, time.Since(s.lastDoc), s.docs
}

// pageState is what the first tab shows.
type pageState struct {
	Ready  string `json:"ready"`
	Fields int    `json:"fields"` // visible inputs a person types into
	URL    string `json:"url"`
	Error  string `json:"error"` // the browser's error page's code (ERR_CONNECTION_REFUSED), if it shows one
}

const stateJS = `(() => {
  const kinds = ['', 'text', 'email', 'password', 'tel', 'number'];
  let n = 0;
  for (const e of document.querySelectorAll('input')) {
    const t = (e.getAttribute('type') || '').toLowerCase();
    if (kinds.includes(t) && !e.disabled && (e.offsetWidth || e.offsetHeight || e.getClientRects().length)) n++;
  }
  const error = location.protocol === 'chrome-error:' ? ((document.querySelector('.error-code') || {}).textContent || 'error') : '';
  return {ready: document.readyState, fields: n, url: location.href, error: error.trim()};
})()`

// state reads the first tab, giving up after a short time (a page being
// replaced answers late or not at all).
func (s *session) state() (pageState, error) {
	base := s.ctx
	if s.tab != "" {
		if s.tabCtx == nil {
			// The first call on a chromedp context attaches and runs the
			// tab's message loop under that call's context, so it must be
			// the long-lived one, not a timeout: attach in the background.
			s.tabCtx, s.tabCancel = chromedp.NewContext(s.ctx, chromedp.WithTargetID(s.tab))
			s.attached = make(chan error, 1)
			go func() { s.attached <- chromedp.Do(s.tabCtx) }()
		}
		if s.attached != nil {
			select {
			case err := <-s.attached:
				s.attached = nil
				if err != nil {
					return pageState{}, err
				}
			default:
				return pageState{}, errors.New("not attached yet")
			}
		}
		base = s.tabCtx
	}
	ctx, cancel := context.WithTimeout(base, 700*time.Millisecond)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[pageState](stateJS))
}

// pages counts the open tabs and pop-ups.
func (s *session) pages() (int, error) {
	ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range res.TargetInfos {
		if t.Type == "page" {
			n++
		}
	}
	return n, nil
}

// cookies returns every cookie of the browser, session-only ones included.
func (s *session) cookies() ([]*network.Cookie, error) {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		return nil, err
	}
	return res.Cookies, nil
}

// gone is closed when the browser has ended (the user closed its last
// window, or it crashed).
func (s *session) gone() <-chan struct{} { return s.ctx.Done() }

// close ends the browser and waits for it to exit, so the profile is free.
func (s *session) close() {
	t := time.Now()
	if s.tabCancel != nil {
		s.tabCancel()
	}
	s.cancel()
	s.allocCancel()
	s.log.Printf("browser: closed (%s) in %s", s.mode, time.Since(t).Round(time.Millisecond))
}

// errClosed says the browser ended while awsfed waited in it.
var errClosed = errors.New("the browser window was closed")
