package form

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/awsfed/awsfed/internal/provider"
)

// startPingFed fakes PingFederate's HTML Form Adapter: IdP-initiated SSO
// redirects to a resume path, whose login page has pf.username, pf.pass,
// hidden pf.ok, pf.cancel and pf.adapterId, a JavaScript link for a button
// and a <noscript> submit without a name; the answer is a JavaScript-free
// auto-post to AWS.
func startPingFed(t *testing.T, user, pw string) fakeIdP {
	fx := fixtures(t)
	rec := &recorder{}
	const resume = "/idp/xyz12/resumeSAML20/idp/startSSO.ping"
	const relayState = "https://console.aws.amazon.com/console/home?region=eu-west-1"
	var srv *httptest.Server
	login := func(w http.ResponseWriter, errText, username string) {
		render(t, fx, w, http.StatusOK, "pingfed_login.html", map[string]string{
			"Base": srv.URL + "/", "Action": resume, "AdapterID": "HTMLFormAD",
			"Error": errText, "Username": username,
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /idp/startSSO.ping", func(w http.ResponseWriter, r *http.Request) {
		rec.want(r.URL.Query().Get("PartnerSpId") == "urn:amazon:webservices", "PartnerSpId lost")
		http.SetCookie(w, &http.Cookie{Name: "PF", Value: "pf1", Path: "/", HttpOnly: true})
		http.Redirect(w, r, resume, http.StatusFound)
	})
	mux.HandleFunc("GET "+resume, func(w http.ResponseWriter, r *http.Request) {
		rec.want(hasCookie(r, "PF", "pf1"), "PF cookie not sent")
		login(w, "", "")
	})
	mux.HandleFunc("POST "+resume, func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "pf.pass")
		rec.want(hasCookie(r, "PF", "pf1"), "PF cookie not sent with the login")
		// Hidden inputs are always sent, empty or not.
		// The page's script sets pf.ok=clicked on "Sign On"; PingFederate ignores a login without it.
		rec.want(only(v, "pf.ok", "clicked"), "pf.ok not clicked")
		rec.want(only(v, "pf.cancel", ""), "hidden pf.cancel not sent empty")
		rec.want(only(v, "pf.adapterId", "HTMLFormAD"), "pf.adapterId not sent")
		rec.want(absent(v, "pf.rememberUsername"), "unchecked box sent")
		rec.want(len(v) == 5, "fields beyond the five a browser sends: "+fieldNames(v))
		if only(v, "pf.username", user) && only(v, "pf.pass", pw) {
			render(t, fx, w, http.StatusOK, "pingfed_post.html", map[string]string{"SAMLResponse": samlResponse, "RelayState": relayState})
			return
		}
		login(w, "We didn't recognize the username or password you entered. Please try again.", v.Get("pf.username"))
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return fakeIdP{start: srv.URL + "/idp/startSSO.ping?PartnerSpId=urn%3Aamazon%3Awebservices", rec: rec}
}

func TestPingFederate(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		const pw = `p&ss=w+rd %#'"x y`
		idp := startPingFed(t, "alice", pw)
		var calls atomic.Int32
		got, err := New().Assertion(t.Context(), idp.input("alice", pw, &calls))
		idp.rec.check(t)
		if err != nil {
			t.Fatal(err)
		}
		if got != samlResponse {
			t.Fatalf("SAMLResponse = %q", got)
		}
		if idp.rec.passwordPosts() != 1 || calls.Load() != 1 {
			t.Fatalf("%d password POSTs, %d Password calls, want 1 and 1", idp.rec.passwordPosts(), calls.Load())
		}
	})
	t.Run("rejected", func(t *testing.T) {
		idp := startPingFed(t, "alice", "right")
		var calls atomic.Int32
		_, err := New().Assertion(t.Context(), idp.input("alice", "wrong password", &calls))
		idp.rec.check(t)
		var rej *provider.RejectedError
		if !errors.As(err, &rej) {
			t.Fatalf("got %T %v, want *provider.RejectedError", err, err)
		}
		const want = "We didn't recognize the username or password you entered. Please try again."
		if rej.Detail != want || rej.Username != "alice" {
			t.Errorf("Detail = %q, Username = %q, want %q and alice", rej.Detail, rej.Username, want)
		}
		if idp.rec.passwordPosts() != 1 || calls.Load() != 1 {
			t.Fatalf("%d password POSTs, %d Password calls, want 1 and 1", idp.rec.passwordPosts(), calls.Load())
		}
	})
}
