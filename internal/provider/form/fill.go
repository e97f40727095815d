package form

import (
	"net/url"
	"slices"
	"strings"
)

// values returns what a browser would submit without anyone typing: every
// default value, checked boxes only.
func (f *form) values() url.Values {
	v := url.Values{}
	for _, fl := range f.fields {
		if fl.send {
			v.Add(fl.name, fl.value)
		}
	}
	return v
}

// scriptSetFields are hidden fields that an IdP's login page fills by
// JavaScript when the user clicks "sign on"; the server ignores a login
// without them. PingFederate's HTML form adapter: pf.ok = "clicked".
var scriptSetFields = map[string]string{"pf.ok": "clicked"}

// setByScript does what the login page's script would have done.
func setByScript(v url.Values) {
	for name, value := range scriptSetFields {
		if got, ok := v[name]; ok && len(got) == 1 && got[0] == "" {
			v.Set(name, value)
		}
	}
}

// field returns the named control, or nil.
func (f *form) field(name string) *field {
	for _, fl := range f.fields {
		if fl.name == name {
			return fl
		}
	}
	return nil
}

// usernameField names the field for the user name: the configured one, a
// known name, or (on a login form) the first text input before the password.
func (f *form) usernameField(configured string) string {
	if configured != "" {
		return configured
	}
	// The user name fields of common IdPs, in the order they are tried
	// (compared without case): SimpleSAMLphp, Keycloak, ADFS (UserName),
	// Shibboleth (j_username), PingFederate (pf.username), Azure AD
	// (loginfmt), identifier-first pages and home-grown forms.
	knownUsernames := [...]string{
		"username", "user", "j_username", "login", "email", "pf.username", "loginfmt",
		"identifier", "userid", "user_id", "user_name", "uid", "loginid", "login_id", "usr",
	}
	for _, known := range knownUsernames {
		for _, fl := range f.fields {
			if (fl.textLike() || fl.kind == "hidden") && strings.EqualFold(fl.name, known) {
				return fl.name
			}
		}
	}
	if len(f.passwords) == 0 {
		return ""
	}
	for _, fl := range f.fields {
		if fl.position > f.passwords[0].position {
			break
		}
		if fl.kind == "text" || fl.kind == "email" {
			return fl.name
		}
	}
	return ""
}

// button returns the submit button to press: the first that does not
// refuse, which is the one a browser presses on Enter when there is no
// refusing button before it (ADFS and Shibboleth read its name). Nil when
// the form has no submit button.
func (f *form) button() *field {
	for _, b := range f.buttons {
		if !refuses(b) {
			return b
		}
	}
	if len(f.buttons) > 0 {
		return f.buttons[0]
	}
	return nil
}

// refuses reports a button a user would not press to sign in.
func refuses(b *field) bool {
	rejectWords := [...]string{"reject", "cancel", "deny", "decline", "abort", "back", "no"}
	for _, s := range []string{b.name, b.value} {
		s = strings.ToLower(s)
		for _, w := range rejectWords {
			// "no" only as a whole word: "notice" or "now" are not refusals.
			if s == w || w != "no" && strings.Contains(s, w) {
				return true
			}
		}
	}
	return false
}

// unfillable returns the names of text fields left empty that awsfed has
// nothing to put in (a one-time code, a security question), except skip.
func (f *form) unfillable(skip string) []string {
	var names []string
	for _, fl := range f.fields {
		if fl.textLike() && fl.value == "" && fl.name != skip {
			names = append(names, fl.name)
		}
	}
	return names
}

// fieldNames lists the names submitted, for --debug: never the values.
func fieldNames(v url.Values) string {
	return strings.Join(sortedKeys(v), ", ")
}

// sortedKeys returns the names in the order url.Values.Encode sends them.
func sortedKeys(v url.Values) []string {
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
