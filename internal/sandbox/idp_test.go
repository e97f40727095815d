package sandbox

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"golang.org/x/net/html"
)

// page is what a browser sees of an HTML answer.
type page struct {
	status int
	url    *url.URL
	title  string
	text   string
	forms  []form
}

type form struct {
	method, action string
	inputs         map[string]input
	submit         bool // a submit button, possibly inside <noscript>
}

type input struct{ typ, value string }

func newBrowser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func getPage(t *testing.T, c *http.Client, u string) page {
	t.Helper()
	resp, err := c.Get(u)
	return readPage(t, resp, err)
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) page {
	t.Helper()
	resp, err := c.PostForm(u, v)
	return readPage(t, resp, err)
}

func readPage(t *testing.T, resp *http.Response, err error) page {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p := page{status: resp.StatusCode, url: resp.Request.URL}
	var text strings.Builder
	var cur *form
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data + " ")
		}
		attr := func(k string) string {
			for _, a := range n.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title":
				if n.FirstChild != nil {
					p.title = n.FirstChild.Data
				}
			case "form":
				p.forms = append(p.forms, form{method: strings.ToLower(attr("method")), action: attr("action"), inputs: map[string]input{}})
				cur = &p.forms[len(p.forms)-1]
			case "input":
				if cur != nil && attr("name") != "" {
					cur.inputs[attr("name")] = input{typ: attr("type"), value: attr("value")}
				}
				if cur != nil && attr("type") == "submit" {
					cur.submit = true
				}
			case "button":
				if cur != nil && (attr("type") == "submit" || attr("type") == "") {
					cur.submit = true
				}
			case "noscript":
				// html.Parse keeps <noscript> content as text when
				// scripting is on; parse it as a browser without it would.
				if n.FirstChild != nil && n.FirstChild.Type == html.TextNode && cur != nil {
					if strings.Contains(n.FirstChild.Data, `type="submit"`) {
						cur.submit = true
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	p.text = strings.Join(strings.Fields(text.String()), " ")
	return p
}

// submit posts a form the way a browser does: action resolved against the
// page's URL, every input sent with its value unless overridden.
func submit(t *testing.T, c *http.Client, p page, f form, set map[string]string) page {
	t.Helper()
	action, err := p.url.Parse(f.action)
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{}
	for name, in := range f.inputs {
		v.Set(name, in.value)
	}
	for k, val := range set {
		v.Set(k, val)
	}
	return postForm(t, c, action.String(), v)
}

func loginForm(t *testing.T, p page) form {
	t.Helper()
	if p.status != http.StatusOK {
		t.Fatalf("login page: HTTP %d: %s", p.status, p.text)
	}
	for _, f := range p.forms {
		if _, ok := f.inputs["password"]; ok {
			return f
		}
	}
	t.Fatalf("no login form on %s: %s", p.url, p.text)
	return form{}
}

func TestIdPBrowserFlow(t *testing.T) {
	s := start(t, Options{})
	c := newBrowser(t)
	var redirects []string
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		redirects = append(redirects, req.URL.Path)
		return nil
	}
	p := getPage(t, c, (s.IdPURL + "&RelayState=" + url.QueryEscape("https://console.aws.amazon.com/")))
	if len(redirects) != 1 || redirects[0] != "/idp/login" {
		t.Errorf("redirects %v, want one to /idp/login", redirects)
	}
	if p.url.Query().Get("AuthState") == "" {
		t.Errorf("login page URL %s has no AuthState", p.url)
	}
	f := loginForm(t, p)
	if p.title == "" || f.method != "post" || !f.submit {
		t.Errorf("login page: title %q, method %q, submit %v", p.title, f.method, f.submit)
	}
	if f.inputs["password"].typ != "password" || f.inputs["AuthState"].typ != "hidden" || f.inputs["AuthState"].value == "" {
		t.Errorf("login inputs %+v", f.inputs)
	}
	if _, ok := f.inputs["username"]; !ok {
		t.Errorf("no username input: %+v", f.inputs)
	}

	p = submit(t, c, p, f, map[string]string{"username": "demo", "password": "demo"})
	if p.status != http.StatusOK || len(p.forms) != 1 {
		t.Fatalf("after login: HTTP %d, %d forms: %s", p.status, len(p.forms), p.text)
	}
	post := p.forms[0]
	if post.method != "post" || post.action != "https://signin.aws.amazon.com/saml" || !post.submit {
		t.Errorf("auto-post form %+v", post)
	}
	if post.inputs["SAMLResponse"].typ != "hidden" || post.inputs["RelayState"].value != "https://console.aws.amazon.com/" {
		t.Errorf("auto-post inputs %+v", post.inputs)
	}
	samlResponse := post.inputs["SAMLResponse"].value
	checkIssuedResponse(t, s, samlResponse)

	r := postSTS(t, s, assumeForm(RoleARN("Admin"), ProviderARN(), samlResponse))
	if r.status != http.StatusOK || !strings.Contains(r.body, "assumed-role/Admin/demo@sandbox.example") {
		t.Errorf("redeeming the IdP's response: %d %s %s", r.status, r.code, r.msg)
	}
	if idp, _ := s.Counts(); idp != 3 {
		t.Errorf("IdP requests = %d, want 3", idp)
	}
}

// checkIssuedResponse reads the response the way a client and AWS do.
func checkIssuedResponse(t *testing.T, s *Sandbox, b64 string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	r := doc.Root()
	want := map[string]string{
		"Destination":                    r.SelectAttrValue("Destination", ""),
		"Version":                        r.SelectAttrValue("Version", ""),
		"Issuer":                         r.FindElement("./Issuer").Text(),
		"Status":                         r.FindElement("./Status/StatusCode").SelectAttrValue("Value", ""),
		"Assertion/Issuer":               r.FindElement("./Assertion/Issuer").Text(),
		"Audience":                       r.FindElement("./Assertion/Conditions/AudienceRestriction/Audience").Text(),
		"Recipient":                      r.FindElement("./Assertion/Subject/SubjectConfirmation/SubjectConfirmationData").SelectAttrValue("Recipient", ""),
		"NameID format":                  r.FindElement("./Assertion/Subject/NameID").SelectAttrValue("Format", ""),
		"SignatureMethod":                r.FindElement("./Assertion/Signature/SignedInfo/SignatureMethod").SelectAttrValue("Algorithm", ""),
		"CanonicalizationMethod":         r.FindElement("./Assertion/Signature/SignedInfo/CanonicalizationMethod").SelectAttrValue("Algorithm", ""),
		"Signature after Issuer":         r.FindElement("./Assertion").ChildElements()[1].Tag,
		"SubjectConfirmations":           strings.Repeat("x", len(r.FindElements("./Assertion/Subject/SubjectConfirmation"))),
		"AuthnStatement":                 r.FindElement("./Assertion/AuthnStatement/AuthnContext/AuthnContextClassRef").Text(),
		attrRole:                         strings.Join(attributeValues(r.FindElement("./Assertion"), attrRole), "|"),
		attrRoleSessionName:              strings.Join(attributeValues(r.FindElement("./Assertion"), attrRoleSessionName), "|"),
		attrSessionDuration:              strings.Join(attributeValues(r.FindElement("./Assertion"), attrSessionDuration), "|"),
		"Signature references Assertion": r.FindElement("./Assertion/Signature/SignedInfo/Reference").SelectAttrValue("URI", ""),
	}
	expect := map[string]string{
		"Destination":                    "https://signin.aws.amazon.com/saml",
		"Version":                        "2.0",
		"Issuer":                         s.entityID,
		"Status":                         "urn:oasis:names:tc:SAML:2.0:status:Success",
		"Assertion/Issuer":               s.entityID,
		"Audience":                       "urn:amazon:webservices",
		"Recipient":                      "https://signin.aws.amazon.com/saml",
		"NameID format":                  "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
		"SignatureMethod":                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
		"CanonicalizationMethod":         "http://www.w3.org/2001/10/xml-exc-c14n#",
		"Signature after Issuer":         "Signature",
		"SubjectConfirmations":           "x",
		"AuthnStatement":                 "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
		attrRole:                         RoleARN("Dev") + "," + ProviderARN() + "|" + RoleARN("Admin") + "," + ProviderARN(),
		attrRoleSessionName:              "demo@sandbox.example",
		attrSessionDuration:              "3600",
		"Signature references Assertion": "#" + r.FindElement("./Assertion").SelectAttrValue("ID", ""),
	}
	for k, v := range expect {
		if want[k] != v {
			t.Errorf("%s = %q, want %q", k, want[k], v)
		}
	}
	if s.entityID != strings.SplitN(s.IdPURL, "/idp/", 2)[0]+"/idp/metadata" {
		t.Errorf("entity ID %q is not the IdP's base URL + /idp/metadata", s.entityID)
	}
}

func TestIdPWrongCredentials(t *testing.T) {
	s := start(t, Options{})
	for _, tt := range []struct{ name, user, password string }{
		{"wrong password", "demo", "demO"},
		{"password with a trailing space", "demo", "demo "},
		{"unknown user", "nobody", "demo"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newBrowser(t)
			p := getPage(t, c, (s.IdPURL))
			f := loginForm(t, p)
			first := f.inputs["AuthState"].value
			p = submit(t, c, p, f, map[string]string{"username": tt.user, "password": tt.password})
			f = loginForm(t, p)
			if !strings.Contains(p.text, "Incorrect username or password.") {
				t.Errorf("no error text: %s", p.text)
			}
			if f.inputs["AuthState"].value == first || f.inputs["AuthState"].value == "" {
				t.Errorf("AuthState not renewed")
			}
			if f.inputs["username"].value != tt.user {
				t.Errorf("username not kept: %q", f.inputs["username"].value)
			}
			// The old state is used up; the fresh one works.
			stale := f
			stale.inputs = map[string]input{"AuthState": {value: first}}
			if p2 := submit(t, c, p, stale, map[string]string{"username": "demo", "password": "demo"}); p2.status != http.StatusBadRequest {
				t.Errorf("a used AuthState was accepted: HTTP %d", p2.status)
			}
			p = submit(t, c, p, f, map[string]string{"username": "demo", "password": "demo"})
			if len(p.forms) != 1 || p.forms[0].inputs["SAMLResponse"].value == "" {
				t.Errorf("retry with the right password failed: %s", p.text)
			}
		})
	}
}

func TestIdPLostSession(t *testing.T) {
	s := start(t, Options{})
	c := newBrowser(t)
	p := getPage(t, c, (s.IdPURL))
	f := loginForm(t, p)
	creds := map[string]string{"username": "demo", "password": "demo"}

	t.Run("no cookie", func(t *testing.T) {
		lost := submit(t, &http.Client{}, p, f, creds)
		if lost.status != http.StatusBadRequest || !strings.Contains(lost.text, "session lost: cookies required") {
			t.Errorf("HTTP %d: %s", lost.status, lost.text)
		}
	})
	t.Run("another session's AuthState", func(t *testing.T) {
		other := newBrowser(t)
		loginForm(t, getPage(t, other, (s.IdPURL)))
		lost := submit(t, other, p, f, creds)
		if lost.status != http.StatusBadRequest || !strings.Contains(lost.text, "session lost: cookies required") {
			t.Errorf("HTTP %d: %s", lost.status, lost.text)
		}
	})
	t.Run("unknown AuthState", func(t *testing.T) {
		lost := submit(t, c, p, f, map[string]string{"username": "demo", "password": "demo", "AuthState": "_forged"})
		if lost.status != http.StatusBadRequest {
			t.Errorf("HTTP %d: %s", lost.status, lost.text)
		}
	})
	t.Run("login page without cookie", func(t *testing.T) {
		lost := getPage(t, http.DefaultClient, (p.url.String()))
		if lost.status != http.StatusBadRequest {
			t.Errorf("HTTP %d", lost.status)
		}
	})
	t.Run("AuthState in the query only", func(t *testing.T) {
		action, _ := p.url.Parse("/idp/login?AuthState=" + url.QueryEscape(f.inputs["AuthState"].value))
		lost := postForm(t, c, action.String(), url.Values{"username": {"demo"}, "password": {"demo"}})
		if lost.status != http.StatusBadRequest {
			t.Errorf("HTTP %d", lost.status)
		}
	})
	t.Run("the session still works", func(t *testing.T) {
		ok := submit(t, c, p, f, creds)
		if len(ok.forms) != 1 || ok.forms[0].inputs["SAMLResponse"].value == "" {
			t.Errorf("HTTP %d: %s", ok.status, ok.text)
		}
	})
	t.Run("wrong service provider", func(t *testing.T) {
		bad := getPage(t, c, (strings.Replace(s.IdPURL, "urn:amazon:webservices", "urn:other", 1)))
		if bad.status != http.StatusBadRequest {
			t.Errorf("HTTP %d", bad.status)
		}
	})
}

func TestIdPPasswordsAreComparedExactly(t *testing.T) {
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
	}
	passwords := []string{ascii.String(), `p&ss=w+rd %#'"x y`, "  spaces  ", "pässwört 密码 🔑", "%41%26+plus&amp;", `a\b"c'd<e>`}
	users := make([]User, len(passwords))
	for i, pw := range passwords {
		users[i] = User{Name: "u" + string(rune('a'+i)), Password: pw, Roles: []string{"Dev"}}
	}
	s := start(t, Options{Users: users})
	for _, u := range users {
		for _, try := range []struct {
			password string
			ok       bool
		}{
			{u.Password, true},
			{strings.TrimSpace(u.Password) + "x", false},
			{url.QueryEscape(u.Password), u.Password == url.QueryEscape(u.Password)},
		} {
			c := newBrowser(t)
			p := getPage(t, c, (s.IdPURL))
			p = submit(t, c, p, loginForm(t, p), map[string]string{"username": u.Name, "password": try.password})
			got := len(p.forms) == 1 && p.forms[0].inputs["SAMLResponse"].value != ""
			if got != try.ok {
				t.Errorf("user %s, password %q: logged in %v, want %v", u.Name, try.password, got, try.ok)
			}
		}
	}
}

func TestIdPMetadata(t *testing.T) {
	s := start(t, Options{})
	resp, err := http.Get(s.entityID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc := etree.NewDocument()
	if _, err := doc.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	if root.Tag != "EntityDescriptor" || root.SelectAttrValue("entityID", "") != s.entityID {
		t.Errorf("root %s entityID %q", root.Tag, root.SelectAttrValue("entityID", ""))
	}
	cert := root.FindElement(".//X509Certificate")
	if cert == nil || cert.Text() != base64.StdEncoding.EncodeToString(s.Cert.Raw) {
		t.Errorf("metadata does not carry the signing certificate")
	}
}
