package form

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/awsfed/awsfed/internal/provider"
)

// fakeIdP is a running fake: where to start, the client that trusts it
// (nil for plain http) and what it received.
type fakeIdP struct {
	start  string
	client *http.Client
	rec    *recorder
}

func (f fakeIdP) input(user, pw string, calls *atomic.Int32) *provider.Input {
	in := input(f.start, user, pw, calls)
	if f.client != nil {
		in.HTTP = f.client
	}
	return in
}

func TestFlavors(t *testing.T) {
	flavors := []struct {
		name  string
		start func(t *testing.T, user, pw string) fakeIdP
		// the IdP's error text when the password is wrong
		rejection string
	}{
		{"autopost", startAutoPost, "Incorrect username or password Either no user with the given username could be found, or the password you gave was wrong. Please check the username and try aga…"},
		{"shibboleth", startShibboleth, "The password you entered was incorrect."},
		{"adfs", startADFS, "Incorrect user ID or password. Type the correct user ID and password, and try again."},
		{"keycloak", startKeycloak, "Invalid username or password."},
	}
	for _, fl := range flavors {
		t.Run(fl.name, func(t *testing.T) {
			idp := fl.start(t, "alice", `p&ss=w+rd %#'"x y`)
			rec := idp.rec
			var calls atomic.Int32
			got, err := New().Assertion(t.Context(), idp.input("alice", `p&ss=w+rd %#'"x y`, &calls))
			rec.check(t)
			if err != nil {
				t.Fatal(err)
			}
			if got != samlResponse {
				t.Fatalf("SAMLResponse = %q", got)
			}
			if rec.passwordPosts() != 1 || calls.Load() != 1 {
				t.Fatalf("%d password POSTs, %d Password calls", rec.passwordPosts(), calls.Load())
			}
		})
		t.Run(fl.name+"/rejected", func(t *testing.T) {
			idp := fl.start(t, "alice", "right")
			rec := idp.rec
			var calls atomic.Int32
			_, err := New().Assertion(t.Context(), idp.input("alice", "wrong password", &calls))
			rec.check(t)
			var rej *provider.RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("got %T %v, want *provider.RejectedError", err, err)
			}
			if rej.Detail != fl.rejection {
				t.Errorf("Detail = %q, want %q", rej.Detail, fl.rejection)
			}
			if rec.passwordPosts() != 1 || calls.Load() != 1 {
				t.Fatalf("%d password POSTs, %d Password calls, want 1 and 1", rec.passwordPosts(), calls.Load())
			}
		})
	}
}

// startAutoPost fakes an SP that hands the browser a JavaScript-free
// auto-post of SAMLRequest and RelayState to the IdP, which then shows a
// SimpleSAMLphp-like login.
func startAutoPost(t *testing.T, user, pw string) fakeIdP {
	fx := fixtures(t)
	idp, rec := newSimpleSAMLphp(t, user, pw)
	const samlRequest = "fZJNT8MwDIbv+RVR7m3SbgMUrZ0GCIHER7XBgVtIXRatTbo4ner+vdl2q3bZ7rRq++w+/8s18Ot+/s22f0gjfsCJ0QaYrPuU+RQvcpdeGx8=="
	const relayState = "https://signin.aws.amazon.com/saml?a=1&b=two words"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sp/start", func(w http.ResponseWriter, r *http.Request) {
		render(t, fx, w, http.StatusOK, "autopost.html", map[string]string{
			"Action": "/idp/SSO", "SAMLRequest": samlRequest, "RelayState": relayState,
		})
	})
	mux.HandleFunc("POST /idp/SSO", func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "password")
		rec.want(only(v, "SAMLRequest", samlRequest), "SAMLRequest not posted exactly")
		rec.want(only(v, "RelayState", relayState), "RelayState not posted exactly")
		rec.want(len(v) == 2, "the auto-post sent more than its two fields")
		http.Redirect(w, r, sspStart(idp), http.StatusFound)
	})
	sp := httptest.NewServer(mux)
	t.Cleanup(sp.Close)
	return fakeIdP{start: sp.URL + "/sp/start?target=aws", rec: rec}
}

// startShibboleth fakes Shibboleth IdP v4: a webflow execution key in the
// query, a CSRF token, a named submit button (_eventId_proceed), unchecked
// boxes, and an attribute-release page whose first button rejects.
func startShibboleth(t *testing.T, user, pw string) fakeIdP {
	fx := fixtures(t)
	rec := &recorder{}
	const path = "/idp/profile/SAML2/Unsolicited/SSO"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("execution") {
		case "":
			rec.want(r.URL.Query().Get("providerId") == "urn:amazon:webservices", "providerId lost")
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "J1", Path: "/idp", HttpOnly: true})
			http.Redirect(w, r, path+"?execution=e1s1", http.StatusFound)
		case "e1s1":
			rec.want(hasCookie(r, "JSESSIONID", "J1"), "JSESSIONID not sent")
			render(t, fx, w, http.StatusOK, "shibboleth_login.html", map[string]string{"Action": path + "?execution=e1s1", "CSRF": "_c5rf"})
		case "e1s2":
			render(t, fx, w, http.StatusOK, "shibboleth_consent.html", map[string]string{"Action": path + "?execution=e1s2", "CSRF": "_c5rf2"})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "j_password")
		rec.want(hasCookie(r, "JSESSIONID", "J1"), "JSESSIONID not sent with a POST")
		switch r.URL.Query().Get("execution") {
		case "e1s1":
			rec.want(only(v, "_eventId_proceed", ""), "_eventId_proceed not sent")
			rec.want(only(v, "csrf_token", "_c5rf"), "csrf_token not sent")
			rec.want(absent(v, "donotcache", "_shib_idp_revokeConsent"), "unchecked boxes sent")
			if only(v, "j_username", user) && only(v, "j_password", pw) {
				http.Redirect(w, r, path+"?execution=e1s2", http.StatusFound)
				return
			}
			render(t, fx, w, http.StatusOK, "shibboleth_login.html", map[string]string{"Action": path + "?execution=e1s1", "CSRF": "_c5rf", "Error": "The password you entered was incorrect."})
		case "e1s2":
			rec.want(only(v, "_eventId_proceed", "Accept"), "consent not accepted")
			rec.want(absent(v, "_eventId_AttributeReleaseRejected"), "consent rejected")
			rec.want(only(v, "_shib_idp_consentOptions", "_shib_idp_rememberConsent"), "checked radio not sent")
			rec.want(only(v, "_shib_idp_consentIds", "uid"), "hidden field in the table not sent")
			rec.want(only(v, "csrf_token", "_c5rf2"), "consent csrf_token not sent")
			render(t, fx, w, http.StatusOK, "saml_post.html", map[string]string{"SAMLResponse": samlResponse})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return fakeIdP{start: srv.URL + path + "?providerId=urn%3Aamazon%3Awebservices", rec: rec}
}

// startADFS fakes AD FS forms login: form#loginForm next to a second,
// password-less options form; UserName, Password and a hidden AuthMethod;
// a JavaScript "button" that is no button; the error in label#errorText.
func startADFS(t *testing.T, user, pw string) fakeIdP {
	fx := fixtures(t)
	rec := &recorder{}
	const path = "/adfs/ls/IdpInitiatedSignOn.aspx"
	const query = "loginToRp=urn:amazon:webservices&client-request-id=4f2b-9c1e"
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		rec.want(r.URL.Query().Get("loginToRp") == "urn:amazon:webservices", "loginToRp lost")
		if r.Method == http.MethodGet {
			if hasCookie(r, "MSISAuth", "ok") {
				render(t, fx, w, http.StatusOK, "saml_post.html", map[string]string{"SAMLResponse": samlResponse})
				return
			}
			render(t, fx, w, http.StatusOK, "adfs_login.html", map[string]string{"Action": path + "?" + query})
			return
		}
		v := rec.readForm(t, r, "Password")
		rec.want(r.URL.RawQuery == query, "action query not kept: "+r.URL.RawQuery)
		rec.want(only(v, "AuthMethod", "FormsAuthentication"), "AuthMethod not sent once")
		rec.want(absent(v, "Kmsi"), "unchecked Kmsi sent")
		if only(v, "UserName", user) && only(v, "Password", pw) {
			http.SetCookie(w, &http.Cookie{Name: "MSISAuth", Value: "ok", Path: "/adfs"})
			http.Redirect(w, r, path+"?"+query, http.StatusFound)
			return
		}
		render(t, fx, w, http.StatusOK, "adfs_login.html", map[string]string{
			"Action": path + "?" + query,
			"Error":  "Incorrect user ID or password. Type the correct user ID and password, and try again.",
		})
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	// ADFS is https only: the provider must use the client it is given,
	// here one that trusts the test server and has no cookie jar.
	return fakeIdP{start: srv.URL + path + "?" + query, client: srv.Client(), rec: rec}
}

// startKeycloak fakes Keycloak: an absolute action with session_code,
// execution and tab_id in the query, a named submit input, a non-submit
// button, and an unchecked rememberMe.
func startKeycloak(t *testing.T, user, pw string) fakeIdP {
	fx := fixtures(t)
	rec := &recorder{}
	var srv *httptest.Server
	action := func() string {
		return srv.URL + "/realms/demo/login-actions/authenticate?session_code=SC-1_x&execution=EX1&client_id=urn%3Aamazon%3Awebservices&tab_id=T4b"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /realms/demo/protocol/saml/clients/amazon-aws", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "AUTH_SESSION_ID", Value: "A1", Path: "/realms/demo/"})
		render(t, fx, w, http.StatusOK, "keycloak_login.html", map[string]string{"Action": action()})
	})
	mux.HandleFunc("POST /realms/demo/login-actions/authenticate", func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "password")
		q := r.URL.Query()
		rec.want(q.Get("session_code") == "SC-1_x" && q.Get("tab_id") == "T4b" && q.Get("client_id") == "urn:amazon:webservices", "action query lost: "+r.URL.RawQuery)
		rec.want(hasCookie(r, "AUTH_SESSION_ID", "A1"), "AUTH_SESSION_ID not sent")
		rec.want(only(v, "login", "Sign In"), "submit input not sent")
		rec.want(only(v, "credentialId", ""), "empty hidden field not sent")
		rec.want(absent(v, "rememberMe"), "unchecked rememberMe sent")
		if only(v, "username", user) && only(v, "password", pw) {
			render(t, fx, w, http.StatusOK, "saml_post.html", map[string]string{"SAMLResponse": samlResponse})
			return
		}
		render(t, fx, w, http.StatusOK, "keycloak_login.html", map[string]string{"Action": action(), "Username": v.Get("username"), "Error": "Invalid username or password."})
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return fakeIdP{start: srv.URL + "/realms/demo/protocol/saml/clients/amazon-aws", rec: rec}
}
