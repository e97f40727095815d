package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/beevik/etree"
)

const (
	ssoPath      = "/idp/sso"
	loginPath    = "/idp/login"
	metadataPath = "/idp/metadata"
	maxFormBody  = 64 << 10
)

func (s *Sandbox) idpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+ssoPath, s.serveSSO)
	mux.HandleFunc("GET "+loginPath, s.serveLoginPage)
	mux.HandleFunc("POST "+loginPath, s.serveLogin)
	mux.HandleFunc("GET "+metadataPath, s.serveMetadata)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.idpCount.Add(1)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		// The path only: AuthState in the query is a login secret.
		s.logf("idp %s %s -> %d", r.Method, r.URL.Path, sw.status)
	})
}

// serveSSO starts IdP-initiated SSO: a session cookie and a redirect to the
// login page, as SimpleSAMLphp's SSOService does.
func (s *Sandbox) serveSSO(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if sp := q.Get("spentityid"); sp != awsEntityID {
		s.errorPage(w, http.StatusBadRequest, "Unknown service provider",
			"this IdP only serves AWS: the spentityid parameter must be "+awsEntityID)
		return
	}
	now := s.now()
	var old string
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	sid, fresh := s.sessions.session(old, now)
	if fresh {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	returnURL := s.baseURL + ssoPath + "?spentityid=" + url.QueryEscape(awsEntityID)
	state := s.sessions.newState(sid, q.Get("RelayState"), returnURL, now)
	http.Redirect(w, r, loginPath+"?AuthState="+url.QueryEscape(state), http.StatusFound)
}

func (s *Sandbox) serveLoginPage(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("AuthState")
	if _, ok := s.sessions.state(sessionID(r), state, s.now(), false); !ok {
		s.stateLost(w)
		return
	}
	s.render(w, http.StatusOK, loginPage(), loginData{AuthState: state})
}

// serveLogin checks the credentials. Only the POST body counts, parsed by
// the standard library, and the password is compared byte for byte.
func (s *Sandbox) serveLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Bad request", "the login form could not be read")
		return
	}
	now := s.now()
	sid := sessionID(r)
	st, ok := s.sessions.state(sid, r.PostForm.Get("AuthState"), now, true)
	if !ok {
		s.stateLost(w)
		return
	}
	name, password := r.PostForm.Get("username"), r.PostForm.Get("password")
	u, known := s.users[name]
	if !known || subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) != 1 {
		fresh := s.sessions.newState(sid, st.relayState, s.baseURL+ssoPath+"?spentityid="+url.QueryEscape(awsEntityID), now)
		s.render(w, http.StatusOK, loginPage(), loginData{Error: "Incorrect username or password.", Username: name, AuthState: fresh})
		return
	}
	resp, err := s.buildResponse(s.defaultSpec(u))
	if err != nil {
		s.errorPage(w, http.StatusInternalServerError, "Internal error", "the IdP could not sign the SAML response")
		return
	}
	s.render(w, http.StatusOK, autoPostPage(), postData{Action: awsACS, SAMLResponse: resp, RelayState: st.relayState})
}

func (s *Sandbox) serveMetadata(w http.ResponseWriter, r *http.Request) {
	ed := etree.NewElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", "urn:oasis:names:tc:SAML:2.0:metadata")
	ed.CreateAttr("xmlns:ds", nsDSig)
	ed.CreateAttr("entityID", s.entityID)
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("protocolSupportEnumeration", nsProtocol)
	kd := idp.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(s.Cert.Raw))
	idp.CreateElement("md:NameIDFormat").SetText(nameIDPersistent)
	sso := idp.CreateElement("md:SingleSignOnService")
	sso.CreateAttr("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
	sso.CreateAttr("Location", s.baseURL+ssoPath)
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(ed)
	doc.Indent(2)
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	doc.WriteTo(w)
}

func (s *Sandbox) stateLost(w http.ResponseWriter) {
	s.errorPage(w, http.StatusBadRequest, "State information lost",
		"session lost: cookies required. The login state does not belong to this browser session; "+
			"enable cookies and start again from the sign-in link")
}

func (s *Sandbox) errorPage(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, errorPage(), errorData{Title: title, Message: msg})
}

func (s *Sandbox) render(w http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		http.Error(w, "sandbox: page template failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func sessionID(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(c.Value)
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
