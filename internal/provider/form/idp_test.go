package form

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"text/template"
)

// samlResponse is what the fake IdPs put in their post-to-AWS page. Its
// '+' and '/' reach the page as HTML entities, which the provider must
// decode, not return as written.
const samlResponse = "PHNhbWxwOlJlc3BvbnNlIElEPSJfciI++/++7zwvc2FtbHA6UmVzcG9uc2U+"

// fixtures are pages as IdPs write them. text/template leaves them alone
// (html/template would rewrite their scripts); attr escapes a value the
// way IdP templates do, '+' and '=' as numeric entities included.
func fixtures(t *testing.T) *template.Template {
	t.Helper()
	escape := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "=", "&#61;")
	return template.Must(template.New("").Option("missingkey=zero").Funcs(template.FuncMap{"attr": escape.Replace}).ParseGlob("testdata/*.html"))
}

func render(t *testing.T, fx *template.Template, w http.ResponseWriter, status int, name string, data map[string]string) {
	t.Helper()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := fx.ExecuteTemplate(w, name, data); err != nil {
		t.Errorf("fixture %s: %v", name, err)
	}
}

// recorder keeps what the fake IdP received in login POSTs.
type recorder struct {
	mu       sync.Mutex
	bodies   []string     // raw bodies of POSTs that carried a password
	forms    []url.Values // the same, decoded
	failures []string     // what the fake IdP found wrong, besides credentials
}

// readForm reads r's url-encoded body and records it when passwordField is in it.
func (rec *recorder) readForm(t *testing.T, r *http.Request, passwordField string) url.Values {
	t.Helper()
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading the POST body: %v", err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", ct)
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil {
		t.Errorf("POST body is not url-encoded: %v", err)
	}
	if _, ok := v[passwordField]; ok {
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, string(raw))
		rec.forms = append(rec.forms, v)
		rec.mu.Unlock()
	}
	return v
}

// want records a protocol mistake of the client; the test fails on it.
func (rec *recorder) want(ok bool, what string) bool {
	if !ok {
		rec.mu.Lock()
		rec.failures = append(rec.failures, what)
		rec.mu.Unlock()
	}
	return ok
}

func (rec *recorder) passwordPosts() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.bodies)
}

func (rec *recorder) check(t *testing.T) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, f := range rec.failures {
		t.Errorf("fake IdP: %s", f)
	}
}

// only reports whether v holds exactly one value for name, equal to want.
func only(v url.Values, name, want string) bool {
	return len(v[name]) == 1 && v[name][0] == want
}

func absent(v url.Values, names ...string) bool {
	for _, n := range names {
		if _, ok := v[n]; ok {
			return false
		}
	}
	return true
}

func hasCookie(r *http.Request, name, value string) bool {
	c, err := r.Cookie(name)
	return err == nil && c.Value == value
}

// newSimpleSAMLphp fakes SimpleSAMLphp's IdP-initiated flow: a session
// cookie, a redirect to the login page carrying AuthState in the query and
// in a hidden field, and a redirect back before the post-to-AWS page.
func newSimpleSAMLphp(t *testing.T, user, password string) (*httptest.Server, *recorder) {
	fx := fixtures(t)
	rec := &recorder{}
	const authState = "_4f0b0c8e1a:https://idp.example.org/simplesaml/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices&cookieTime=1700000000"
	var mu sync.Mutex
	loggedIn := false
	mux := http.NewServeMux()
	mux.HandleFunc("GET /simplesaml/saml2/idp/SSOService.php", func(w http.ResponseWriter, r *http.Request) {
		if !rec.want(r.URL.Query().Get("spentityid") == "urn:amazon:webservices", "start URL query lost") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "SimpleSAMLSessionID", Value: "s3ss", Path: "/"})
		http.Redirect(w, r, "/simplesaml/module.php/core/loginuserpass.php?AuthState="+url.QueryEscape(authState), http.StatusFound)
	})
	login := "/simplesaml/module.php/core/loginuserpass.php"
	mux.HandleFunc("GET "+login, func(w http.ResponseWriter, r *http.Request) {
		rec.want(hasCookie(r, "SimpleSAMLSessionID", "s3ss"), "session cookie not sent")
		rec.want(r.URL.Query().Get("AuthState") == authState, "AuthState query lost")
		render(t, fx, w, http.StatusOK, "simplesamlphp_login.html", map[string]string{"AuthState": authState})
	})
	mux.HandleFunc("POST "+login, func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "password")
		rec.want(hasCookie(r, "SimpleSAMLSessionID", "s3ss"), "session cookie not sent with the login")
		rec.want(r.URL.RawQuery == "", "action \"?\" must post to the page path with an empty query")
		rec.want(only(v, "AuthState", authState), "AuthState not posted back exactly")
		rec.want(absent(v, "language", "remember_username"), "posted a field of another form or an unchecked box")
		rec.want(r.Header.Get("Origin") != "", "no Origin header")
		if only(v, "username", user) && only(v, "password", password) {
			mu.Lock()
			loggedIn = true
			mu.Unlock()
			http.Redirect(w, r, "/simplesaml/module.php/saml/idp/resume?AuthState="+url.QueryEscape(authState), http.StatusSeeOther)
			return
		}
		render(t, fx, w, http.StatusOK, "simplesamlphp_login.html", map[string]string{
			"AuthState": authState, "Username": v.Get("username"),
			"Error": "Either no user with the given username could be found, or the password you gave was wrong. Please check the username and try again.",
		})
	})
	mux.HandleFunc("GET /simplesaml/module.php/saml/idp/resume", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ok := loggedIn
		mu.Unlock()
		if !rec.want(ok && hasCookie(r, "SimpleSAMLSessionID", "s3ss"), "resume without a session") {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		render(t, fx, w, http.StatusOK, "saml_post.html", map[string]string{"SAMLResponse": samlResponse, "RelayState": "https://console.aws.amazon.com/"})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, rec
}

func sspStart(srv *httptest.Server) string {
	return srv.URL + "/simplesaml/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices"
}
