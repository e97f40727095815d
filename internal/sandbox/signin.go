package sandbox

import (
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The AWS sign-in service, as far as awsfed uses it: the federation
// endpoint (getSigninToken, login, logout) and the SAML consumer that
// shows the role-selection page with the accounts' aliases.
const (
	federationPath = "/federation"
	logoutPath     = "/oauth"
	acsPath        = "/saml"
	// signinTokenLifetime is how long a sign-in token (and so a login URL)
	// is good for, as AWS documents.
	signinTokenLifetime = 15 * time.Minute
	maxSessionJSON      = 8 << 10
)

// Role-selection page layouts (Options.RolePage).
const (
	RolePageHTML = "html" // the older page: div.saml-account, labels per role ARN
	RolePageData = "data" // the newer page: base64 JSON in <meta name="data">
)

// consoleRE matches the console URLs AWS's federation endpoint sends a
// signed-in browser to.
var consoleRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://(?:[a-z0-9-]+\.)?console\.aws\.amazon\.com(?:/|$)|^https://console\.amazonaws-us-gov\.com(?:/|$)|^https://console\.amazonaws\.cn(?:/|$)`)
})

// signinToken is one token getSigninToken handed out.
type signinToken struct {
	arn     string
	expires time.Time
}

type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]signinToken
}

func (t *tokenStore) add(tok string, st signinToken, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, old := range t.tokens {
		if now.After(old.expires) {
			delete(t.tokens, k)
		}
	}
	t.tokens[tok] = st
}

func (t *tokenStore) get(tok string) (signinToken, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.tokens[tok]
	return st, ok
}

func (s *Sandbox) signinHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(federationPath, s.serveFederation)
	mux.HandleFunc("GET "+logoutPath, s.serveLogout)
	mux.HandleFunc("POST "+acsPath, s.serveACS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		// The path and action only: the query holds the session keys or the token.
		s.logf("signin %s %s %s -> %d", r.Method, r.URL.Path, truncate(r.URL.Query().Get("Action"), 32), sw.status)
	})
}

func (s *Sandbox) countSignin(action string, ok bool) {
	switch action {
	case "getSigninToken", "login", "logout", "saml":
	default:
		action = "(unknown action)"
	}
	s.countAction("signin "+action, ok)
}

// fedError answers as the federation endpoint does: a status and a short
// text that never repeats the request (it holds keys or a token).
func fedError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

func (s *Sandbox) serveFederation(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		fedError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		fedError(w, http.StatusBadRequest, "Bad request")
		return
	}
	switch action := r.Form.Get("Action"); action {
	case "getSigninToken":
		err := s.getSigninToken(w, r)
		s.countSignin(action, err == nil)
		if err != nil {
			fedError(w, http.StatusBadRequest, err.Error())
		}
	case "login":
		if r.Method != http.MethodGet {
			fedError(w, http.StatusMethodNotAllowed, "Action=login is a GET (a link the browser opens)")
			return
		}
		err := s.federationLogin(w, r)
		s.countSignin(action, err == nil)
		if err != nil {
			fedError(w, http.StatusBadRequest, err.Error())
		}
	default:
		s.countSignin(action, false)
		fedError(w, http.StatusBadRequest, "Unknown or missing Action")
	}
}

// getSigninToken checks the session JSON against the keys this STS issued
// (all three values, unexpired) and SessionDuration (900–43200, and not at
// all for chained keys, which AWS answers with 400).
func (s *Sandbox) getSigninToken(w http.ResponseWriter, r *http.Request) error {
	raw := r.Form.Get("Session")
	if raw == "" || len(raw) > maxSessionJSON {
		return fmt.Errorf("the Session parameter is missing or too long")
	}
	var sess map[string]string
	if err := json.Unmarshal([]byte(raw), &sess); err != nil {
		return fmt.Errorf("the Session parameter is not a JSON object of strings")
	}
	for k := range sess {
		if k != "sessionId" && k != "sessionKey" && k != "sessionToken" {
			return fmt.Errorf("the Session parameter has an unknown key %q", truncate(k, 32))
		}
	}
	key, ok := s.creds.get(sess["sessionId"])
	if !ok || subtle.ConstantTimeCompare([]byte(sess["sessionKey"]), []byte(key.secret)) != 1 ||
		subtle.ConstantTimeCompare([]byte(sess["sessionToken"]), []byte(key.token)) != 1 {
		return fmt.Errorf("the session keys are not valid temporary credentials")
	}
	now := s.now()
	if !now.Before(key.expires) {
		return fmt.Errorf("the session keys have expired")
	}
	if d := r.Form.Get("SessionDuration"); r.Form.Has("SessionDuration") {
		n, err := strconv.Atoi(d)
		if err != nil || n < minDuration || n > maxDuration {
			return fmt.Errorf("SessionDuration must be a number of seconds from %d to %d", minDuration, maxDuration)
		}
		if key.chained {
			return fmt.Errorf("SessionDuration is not allowed for credentials from role chaining")
		}
	}
	tok := randomHex(64)
	s.tokens.add(tok, signinToken{arn: key.arn, expires: now.Add(signinTokenLifetime)}, now)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]string{"SigninToken": tok})
}

// federationLogin checks the token and the console destination and sends
// the browser there.
func (s *Sandbox) federationLogin(w http.ResponseWriter, r *http.Request) error {
	tok, ok := s.tokens.get(r.Form.Get("SigninToken"))
	if !ok || r.Form.Get("SigninToken") == "" {
		return fmt.Errorf("the sign-in token is not valid")
	}
	if !s.now().Before(tok.expires) {
		return fmt.Errorf("the sign-in token has expired (they are good for 15 minutes)")
	}
	dest := r.Form.Get("Destination")
	if !consoleRE().MatchString(dest) {
		return fmt.Errorf("Destination must be an AWS console URL")
	}
	if iss := r.Form.Get("Issuer"); iss != "" {
		if u, err := url.Parse(iss); err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("Issuer must be a URL")
		}
	}
	s.logf("signin: console session for %s", tok.arn)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, dest, http.StatusFound)
	return nil
}

// serveLogout ends the console session and, when redirect_uri is a login
// link of this endpoint, follows it, as AWS's logout does.
func (s *Sandbox) serveLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("Action") != "logout" {
		s.countSignin("logout", false)
		fedError(w, http.StatusBadRequest, "Unknown or missing Action")
		return
	}
	next := q.Get("redirect_uri")
	if next == "" {
		s.countSignin("logout", true)
		fmt.Fprintln(w, "signed out")
		return
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != r.Host || u.Path != federationPath {
		s.countSignin("logout", false)
		fedError(w, http.StatusBadRequest, "redirect_uri must be a sign-in link of this endpoint")
		return
	}
	s.countSignin("logout", true)
	http.Redirect(w, r, next, http.StatusFound)
}

// serveACS is https://signin.aws.amazon.com/saml: a browser posts the
// SAMLResponse here. With one role AWS signs in at once; with several it
// shows the role-selection page, which names each account by its alias.
func (s *Sandbox) serveACS(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxAssertionLen)
	if err := r.ParseForm(); err != nil {
		s.countSignin("saml", false)
		fedError(w, http.StatusBadRequest, "Bad request")
		return
	}
	roles, err := s.acsRoles(r.PostForm.Get("SAMLResponse"))
	if err != nil {
		s.countSignin("saml", false)
		fedError(w, http.StatusBadRequest, "Your request included an invalid SAML response. "+err.Error())
		return
	}
	s.countSignin("saml", true)
	if len(roles) == 1 {
		http.Redirect(w, r, "https://console.aws.amazon.com/", http.StatusFound)
		return
	}
	byAccount := map[string][]string{}
	var accounts []string
	for _, arn := range roles {
		id := accountID(arn)
		if _, ok := byAccount[id]; !ok {
			accounts = append(accounts, id)
		}
		byAccount[id] = append(byAccount[id], arn)
	}
	slices.Sort(accounts)
	name := func(id string) string {
		if a := s.aliases[id]; a != "" {
			return a + " (" + id + ")"
		}
		return id
	}
	if s.rolePage == RolePageData {
		data := map[string]any{}
		ra := map[string][]string{}
		for _, id := range accounts {
			ra[name(id)] = byAccount[id]
		}
		data["roles_accounts"] = ra
		b, _ := json.Marshal(data)
		s.render(w, http.StatusOK, rolePageData(), map[string]string{"Data": base64.StdEncoding.EncodeToString(b)})
		return
	}
	type roleRow struct{ ARN, Name string }
	type accountRow struct {
		Index int
		Name  string
		Roles []roleRow
	}
	var rows []accountRow
	for i, id := range accounts {
		row := accountRow{Index: i, Name: name(id)}
		for _, arn := range byAccount[id] {
			row.Roles = append(row.Roles, roleRow{ARN: arn, Name: arn[strings.LastIndex(arn, "/")+1:]})
		}
		rows = append(rows, row)
	}
	s.render(w, http.StatusOK, rolePageHTML(), rows)
}

// acsRoles verifies a SAMLResponse as the sign-in page does (signature by
// the provider its roles name, bearer confirmation to AWS, not expired) and
// returns the role ARNs it grants.
func (s *Sandbox) acsRoles(b64 string) ([]string, error) {
	if b64 == "" {
		return nil, fmt.Errorf("SAMLResponse is missing")
	}
	// The provider is named by the response's role values; read them from
	// the signed part only, once a provider's certificate verified it.
	now := s.now()
	for _, cert := range s.certs() {
		a, status, err := s.verified(b64, cert, now)
		if err != nil || status != statusSuccess {
			continue
		}
		if _, err := checkSubjectConfirmation(a, now); err != nil {
			return nil, fmt.Errorf("the response is expired or not addressed to AWS")
		}
		var roles []string
		for _, v := range attributeValues(a, attrRole) {
			x, y, ok := strings.Cut(v, ",")
			if !ok {
				continue
			}
			x, y = strings.TrimSpace(x), strings.TrimSpace(y)
			if strings.Contains(x, ":saml-provider/") {
				x = y
			}
			roles = append(roles, x)
		}
		if len(roles) == 0 {
			return nil, fmt.Errorf("the response grants no role")
		}
		return roles, nil
	}
	return nil, fmt.Errorf("the signature does not match any SAML provider")
}

// certs are the sandbox IdP's certificate and the trusted ones.
func (s *Sandbox) certs() []*x509.Certificate {
	out := []*x509.Certificate{s.Cert}
	for _, c := range s.trust {
		out = append(out, c)
	}
	return out
}

// accountID is the account field of an ARN.
func accountID(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// The two layouts of AWS's role-selection page, reduced to what tools read.
var (
	rolePageHTML = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("roles").Parse(`<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Amazon Web Services Sign-In</title></head>
<body>
<div id="container">
<form id="saml_form" name="saml_form" action="/saml" method="post">
<p style="font-size: 16px; padding-left: 20px;">Select a role:</p>
<fieldset>
{{- range .}}
<div class="saml-account"><div onClick="expandCollapse({{.Index}});"><img id="image{{.Index}}" src="/static/image/down.png" valign="middle"></img><div class="saml-account-name">Account: {{.Name}}</div></div>
<hr style="border: 1px solid #ddd;">
<div id="{{.Index}}" class="saml-account">
{{- range .Roles}}
<div class="saml-role" onClick="checkRadio(this);"><input type="radio" name="roleIndex" value="{{.ARN}}" class="saml-radio" id="{{.ARN}}" /><label for="{{.ARN}}" class="saml-role-description">{{.Name}}</label><span style="clear: both;"></span></div>
{{- end}}
</div></div>
{{- end}}
</fieldset>
<input type="hidden" name="RelayState" value="" />
<input type="hidden" name="name" value="" />
<input type="hidden" name="portal" value="" />
<p class="buttoninput"><input id="signin_button" type="submit" value="Sign In" name="signin" /></p>
</form>
</div>
</body>
</html>
`))
	})
	rolePageData = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("rolesdata").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="data" content="{{.Data}}">
<title>Amazon Web Services Sign-In</title>
<script src="/static/js/saml-role-selection.js" defer></script>
</head>
<body><div id="root"></div></body>
</html>
`))
	})
)
