package form

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestFormValues(t *testing.T) {
	tests := []struct {
		name, html string
		want       url.Values
	}{
		{"defaults and entities", `<form><input type=hidden name=a value="x&#43;y&amp;z&#61;"><input name=b value=" sp "></form>`,
			url.Values{"a": {"x+y&z="}, "b": {" sp "}}},
		{"checkboxes", `<form><input type=checkbox name=c1 value=yes checked><input type=checkbox name=c2 value=no><input type=checkbox name=c3 checked></form>`,
			url.Values{"c1": {"yes"}, "c3": {"on"}}},
		{"radio", `<form><input type=radio name=r value=1><input type=radio name=r value=2 checked></form>`,
			url.Values{"r": {"2"}}},
		{"disabled and unnamed", `<form><input name=d value=1 disabled><input value=nameless><input type=file name=f></form>`,
			url.Values{}},
		{"select", `<form><select name=s1><option value=a>A<option value=b selected>B</select><select name=s2><option>First one</option><option>2</select></form>`,
			url.Values{"s1": {"b"}, "s2": {"First one"}}},
		{"textarea", `<form><textarea name=t>
line &amp; more</textarea></form>`, url.Values{"t": {"line & more"}}},
		{"buttons are not values", `<form><input type=submit name=go value=Go><button name=b2 value=v>B</button><input type=image name=img></form>`,
			url.Values{}},
		{"form attribute", `<form id=f1></form><input type=hidden name=outside form=f1 value=1><input type=hidden name=nowhere value=2>`,
			url.Values{"outside": {"1"}}},
		{"noscript", `<form><noscript><input type=hidden name=ns value=1></noscript></form>`,
			url.Values{"ns": {"1"}}},
		{"repeated names", `<form><input type=hidden name=k value=1><input type=hidden name=k value=2></form>`,
			url.Values{"k": {"1", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage([]byte(tt.html), mustURL(t, "https://idp.example.com/"), 200)
			if len(p.forms) != 1 {
				t.Fatalf("%d forms", len(p.forms))
			}
			if got := p.forms[0].values(); got.Encode() != tt.want.Encode() {
				t.Errorf("values = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUsernameField(t *testing.T) {
	tests := []struct {
		name, html, configured, want string
	}{
		{"known name", `<form><input name=other><input name=j_username><input type=password name=p></form>`, "", "j_username"},
		{"known name, other case", `<form><input type=email name=UserName><input type=password name=Password></form>`, "", "UserName"},
		{"known names in order", `<form><input name=email><input name=login><input type=password></form>`, "", "login"},
		{"first text before password", `<form><input type=hidden name=st><input name=ctl00$Main$UserBox><input type=password name=pw><input name=later></form>`, "", "ctl00$Main$UserBox"},
		{"nothing before password", `<form><input type=password name=pw><input name=later></form>`, "", ""},
		{"configured wins", `<form><input name=username><input name=acct><input type=password></form>`, "acct", "acct"},
		{"password-only step", `<form><input type=hidden name=flow value=x><input type=password name=pw></form>`, "", ""},
		{"submit named login is not a username", `<form><input type=password name=pw><input type=submit name=login></form>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage([]byte(tt.html), mustURL(t, "https://idp/"), 200)
			if got := p.forms[0].usernameField(tt.configured); got != tt.want {
				t.Errorf("usernameField = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestButton(t *testing.T) {
	tests := []struct {
		name, html, want string // want: name=value, "" for none or unnamed
	}{
		{"one named", `<form><button type=submit name=_eventId_proceed>Login</button></form>`, "_eventId_proceed="},
		{"unnamed first", `<form><input type=submit value=Go><input type=submit name=alt value=Alt></form>`, ""},
		{"reject first", `<form><input type=submit name=_eventId_AttributeReleaseRejected value=Reject><input type=submit name=_eventId_proceed value=Accept></form>`, "_eventId_proceed=Accept"},
		{"no and yes", `<form><button name=no value=1>No</button><button name=yes value=1>Yes</button></form>`, "yes=1"},
		{"type=button is no submit", `<form><button type=button name=show>Show</button></form>`, ""},
		{"disabled", `<form><button name=x disabled>X</button></form>`, ""},
		{"none", `<form><input type=hidden name=a></form>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage([]byte(tt.html), mustURL(t, "https://idp/"), 200)
			got := ""
			if b := p.forms[0].button(); b != nil && b.name != "" {
				got = b.name + "=" + b.value
			}
			if got != tt.want {
				t.Errorf("button = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"adfs", `<div id="error" class="fieldMargin error smallText"><span id="errorText" for="">Incorrect user ID or password.</span></div>`, "Incorrect user ID or password."},
		{"empty error, then alert", `<div class=error> </div><div role=alert>Account locked</div>`, "Account locked"},
		{"error beats earlier message", `<p class=message>Welcome back</p><p class=form-error>Wrong password</p>`, "Wrong password"},
		{"hidden template skipped", `<div class=error style="display: none">Template</div><div class="error" hidden>T2</div><span class=alert-danger>Real one</span>`, "Real one"},
		{"scripts skipped", `<div class=error><script>var x="pw";</script>Bad <b>login</b></div>`, "Bad login"},
		{"whitespace collapsed", "<div class=error>\n  Bad\n\n  login\t</div>", "Bad login"},
		{"body class is no message", `<body class=error-page><p>plain text</p></body>`, ""},
		{"none", `<p>Hello</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage([]byte(tt.html), mustURL(t, "https://idp/"), 200)
			if p.errText != tt.want {
				t.Errorf("errText = %q, want %q", p.errText, tt.want)
			}
		})
	}
}

func TestAction(t *testing.T) {
	tests := []struct{ name, html, page, want string }{
		{"empty", `<form method=post>`, "https://idp/a/login?x=1", "https://idp/a/login?x=1"},
		{"query only", `<form action="?">`, "https://idp/a/login?x=1", "https://idp/a/login?"},
		{"relative", `<form action="next?y=2&amp;z=3">`, "https://idp/a/login", "https://idp/a/next?y=2&z=3"},
		{"absolute", `<form action="https://other/sso">`, "https://idp/", "https://other/sso"},
		{"base href", `<head><base href="https://idp/base/"></head><form action="go">`, "https://idp/a/b", "https://idp/base/go"},
		{"spaces", `<form action="  /p  ">`, "https://idp/a", "https://idp/p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parsePage([]byte(tt.html), mustURL(t, tt.page), 200)
			u, err := p.action(p.forms[0])
			if err != nil {
				t.Fatal(err)
			}
			if u.String() != tt.want {
				t.Errorf("action = %q, want %q", u, tt.want)
			}
		})
	}
}

func TestFixturesParse(t *testing.T) {
	// Each recorded-like page must show the provider the form it acts on.
	tests := []struct {
		file      string
		forms     int
		passwords int // in the login form
		fields    []string
	}{
		{"simplesamlphp_login.html", 2, 1, []string{"AuthState", "password", "username"}},
		{"shibboleth_login.html", 1, 1, []string{"csrf_token", "j_password", "j_username"}},
		{"adfs_login.html", 2, 1, []string{"AuthMethod", "Password", "UserName"}},
		{"keycloak_login.html", 1, 1, []string{"credentialId", "password", "username"}},
		{"autopost.html", 1, 0, []string{"RelayState", "SAMLRequest"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p := parsePage(raw, mustURL(t, "https://idp/"), 200)
			if len(p.forms) != tt.forms {
				t.Fatalf("%d forms, want %d", len(p.forms), tt.forms)
			}
			fm := loginForm(p)
			if tt.passwords == 0 {
				if fm != nil {
					t.Fatal("found a login form")
				}
				fm = p.forms[0]
			} else if fm == nil || len(fm.passwords) != tt.passwords {
				t.Fatalf("login form %v", fm)
			}
			var names []string
			for _, f := range fm.fields {
				if f.send {
					names = append(names, f.name)
				}
			}
			slices.Sort(names)
			names = slices.Compact(names)
			if !slices.Equal(names, tt.fields) {
				t.Errorf("fields %q, want %q", names, tt.fields)
			}
		})
	}
}

func FuzzParsePage(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<form action="%zz"><input type=password><select name=s></select><textarea name=t>`))
	base, _ := url.Parse("https://idp.example.com/a/b?q=1")
	f.Fuzz(func(t *testing.T, body []byte) {
		p := parsePage(body, base, 200)
		for _, fm := range p.forms {
			if fm.method != "GET" && fm.method != "POST" {
				t.Fatalf("method %q", fm.method)
			}
			_ = fm.values()
			_ = fm.usernameField("")
			_ = fm.button()
			if u, err := p.action(fm); err == nil && u.Scheme != "http" && u.Scheme != "https" {
				t.Fatalf("action scheme %q accepted", u.Scheme)
			}
		}
		if len([]rune(p.errText)) > maxDetail {
			t.Fatalf("errText has %d runes", len([]rune(p.errText)))
		}
	})
}
