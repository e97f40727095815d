package browser

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeIdP is a small IdP on loopback: /start answers the SAML form (which
// posts itself to the ACS) when the session cookie is there, else sends the
// browser to /login, whose form sets a session-only cookie. /popup is a
// portal page that opens /start in a new window, as IdP tiles do.
type fakeIdP struct {
	srv       *httptest.Server
	acs       *httptest.Server // stands in for AWS: it must never be reached
	acsHits   atomic.Int32
	passPosts atomic.Int32
	mu        sync.Mutex
	sessions  map[string]bool
}

const fakeSAML = "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXMiLz4+Kz0="

func newFakeIdP(t *testing.T) *fakeIdP {
	t.Helper()
	f := &fakeIdP{sessions: map[string]bool{}}
	f.acs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.acsHits.Add(1)
	}))
	t.Cleanup(f.acs.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sess")
		f.mu.Lock()
		ok := err == nil && f.sessions[c.Value]
		f.mu.Unlock()
		if !ok {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		fmt.Fprintf(w, `<html><body onload="document.forms[0].submit()"><form method="post" action="%s/saml">`+
			`<input type="hidden" name="SAMLResponse" value="%s"><input type="hidden" name="RelayState" value=""><noscript><button>Continue</button></noscript></form></body></html>`,
			html.EscapeString(f.acs.URL), fakeSAML)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			f.passPosts.Add(1)
			if r.FormValue("username") != "alice" || r.FormValue("password") != "alice-pass" {
				http.Redirect(w, r, "/login", http.StatusFound)
				return
			}
			id := fmt.Sprintf("s%d", f.passPosts.Load())
			f.mu.Lock()
			f.sessions[id] = true
			f.mu.Unlock()
			// Session-only: no Expires, as SimpleSAMLphp and most IdPs do.
			http.SetCookie(w, &http.Cookie{Name: "sess", Value: id, Path: "/", HttpOnly: true})
			http.Redirect(w, r, "/start", http.StatusFound)
			return
		}
		fmt.Fprint(w, `<html><body><form method="post"><input name="username" autofocus><input type="password" name="password"><button>Sign in</button></form></body></html>`)
	})
	mux.HandleFunc("/popup", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a id="tile" href="/start" target="_blank">AWS</a><script>window.open('/start', '_blank')</script></body></html>`)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// addSession makes a live IdP session and returns its cookie value.
func (f *fakeIdP) addSession(id string) {
	f.mu.Lock()
	f.sessions[id] = true
	f.mu.Unlock()
}

// needBrowser returns the system browser, or skips (fails under CI=true,
// where .ci/run installs chromium).
func needBrowser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real browser")
	}
	for _, name := range []string{"chromium", "google-chrome", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "BROWSER TESTS NOT RUN: no chromium on PATH (apt-get install chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true, so this is a failure)")
	}
	t.Skip(msg)
	return ""
}
