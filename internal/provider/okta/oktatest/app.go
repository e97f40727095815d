package oktatest

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// Session cookies: classic orgs keep the session in sid, Identity Engine
// orgs in idx.
const (
	cookieClassic = "sid"
	cookieIDX     = "idx"
)

// embed is GET of the AWS app's embed link: with a valid session token
// or a live session cookie, the SAML form to AWS; else the sign-in page.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) {
	if !s.getOnly(w, r, "sessionToken") {
		return
	}
	now := s.opts.Now()
	if tok := r.URL.Query().Get("sessionToken"); tok != "" {
		t := s.tokens[tok]
		if t == nil || t.used || now.Sub(t.issued) > s.opts.TokenLifetime {
			s.toSignIn(w, r)
			return
		}
		t.used = true
		u := s.opts.Users[t.user]
		switch {
		case s.opts.IdentityEngine:
			// The Identity Engine's sign-in widget: its state handle is not
			// a classic state token.
			s.page(w, http.StatusOK, "Acme - Sign In", `<div id="okta-sign-in"></div><script>var config = {"stateToken":"02.id.`+s.random(12)+`"};</script>`)
			return
		case u.StepUp && !t.mfaDone && len(u.Factors) > 0:
			st, _ := s.newState(t.user)
			s.page(w, http.StatusOK, "Acme - Extra Verification", `<div id="okta-sign-in"></div><script>var stateToken = '`+strings.ReplaceAll(st, "-", `\x2D`)+`';</script>`)
			return
		}
		s.startSession(w, t.user, cookieClassic)
		if s.opts.AppRedirect {
			http.Redirect(w, r, s.appSSOPath(), http.StatusFound)
			return
		}
		s.samlForm(w, t.user)
		return
	}
	if s.opts.AppRedirect {
		http.Redirect(w, r, s.appSSOPath(), http.StatusFound)
		return
	}
	s.appSSO(w, r)
}

// appSSOPath is the app's SSO URL, where the embed link redirects.
func (s *Server) appSSOPath() string { return "/app/amazon_aws/exk" + s.opts.AppID + "/sso/saml" }

// appSSO serves the SAML form to a live session, else the sign-in page.
func (s *Server) appSSO(w http.ResponseWriter, r *http.Request) {
	if !s.getOnly(w, r) {
		return
	}
	for _, name := range []string{cookieClassic, cookieIDX} {
		if user := s.liveSession(r, name); user != "" {
			s.samlForm(w, user)
			return
		}
	}
	s.toSignIn(w, r)
}

// liveSession is the user of the live session in cookie name, or "".
func (s *Server) liveSession(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	ss := s.sessions[c.Value]
	if ss == nil || ss.revoked || !s.opts.Now().Before(ss.expires) {
		return ""
	}
	return ss.user
}

// startSession sets the session cookie, session-only as Okta's is.
func (s *Server) startSession(w http.ResponseWriter, user, cookie string) {
	id := "102" + s.random(12)
	s.sessions[id] = &session{user: user, expires: s.opts.Now().Add(s.opts.SessionLength)}
	http.SetCookie(w, &http.Cookie{Name: cookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteNoneMode})
}

// toSignIn redirects to the org's sign-in page, as Okta does for a
// request without a usable session.
func (s *Server) toSignIn(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/login/login.htm?fromURI="+url.QueryEscape(r.URL.Path), http.StatusFound)
}

// samlForm is the page that posts the SAMLResponse to AWS.
func (s *Server) samlForm(w http.ResponseWriter, user string) {
	resp := Placeholder
	if s.opts.Assertion != nil {
		var err error
		if resp, err = s.opts.Assertion(user); err != nil {
			s.page(w, http.StatusInternalServerError, "Error", "<p class=\"error\">"+html.EscapeString(err.Error())+"</p>")
			return
		}
	}
	s.page(w, http.StatusOK, "Signing in to Amazon Web Services", fmt.Sprintf(
		`<form id="appForm" name="appForm" action="%s" method="POST"><input name="SAMLResponse" type="hidden" value="%s"/>`+
			`<input name="RelayState" type="hidden" value=""/></form><script>document.appForm.submit();</script>`,
		html.EscapeString(s.opts.ACS), html.EscapeString(resp)))
}

// sessionsMe is GET /api/v1/sessions/me: the session of the cookie.
func (s *Server) sessionsMe(w http.ResponseWriter, r *http.Request) {
	if !s.getOnly(w, r) {
		return
	}
	for _, name := range []string{cookieClassic, cookieIDX} {
		if user := s.liveSession(r, name); user != "" {
			c, _ := r.Cookie(name)
			ss := s.sessions[c.Value]
			s.json(w, http.StatusOK, map[string]any{"id": c.Value, "login": user, "userId": "00u1user", "status": "ACTIVE",
				"expiresAt": ss.expires.UTC().Format("2006-01-02T15:04:05.000Z")})
			return
		}
	}
	s.apiError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: me (Session)")
}

// wellKnown is GET /.well-known/okta-organization.
func (s *Server) wellKnown(w http.ResponseWriter, r *http.Request) {
	if !s.getOnly(w, r) {
		return
	}
	pipeline := "v1"
	if s.opts.IdentityEngine {
		pipeline = "idx"
	}
	s.json(w, http.StatusOK, map[string]any{"id": "00o1acme", "pipeline": pipeline,
		"_links": map[string]any{"organization": map[string]any{"href": s.URL}}})
}

// tokenSSO is GET /login/token/sso?token=: a web SSO token from the token
// exchange turned into a session and the SAML form.
func (s *Server) tokenSSO(w http.ResponseWriter, r *http.Request) {
	if !s.getOnly(w, r, "token") {
		return
	}
	tok := r.URL.Query().Get("token")
	user, ok := s.webSSO[tok]
	if !ok {
		s.page(w, http.StatusForbidden, "Error", `<p class="error">The token is invalid or has expired.</p>`)
		return
	}
	delete(s.webSSO, tok)
	s.startSession(w, user, cookieIDX)
	s.samlForm(w, user)
}
