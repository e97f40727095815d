package saml

import (
	"encoding/base64"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, in := range fixtures(f) {
		f.Add(in)
		if doc, err := Decode(in); err == nil {
			f.Add(string(doc)) // raw XML reaches ParseXML, where mutations bite
		}
	}
	f.Add(response{}.xml())
	f.Add(response{attributes: roleAttr(provider+","+devRole, "x,y")}.xml())
	f.Add("")
	f.Add("<")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := Parse(in)
		check(t, "Parse", a, err)
		a, err = ParseXML([]byte(in))
		check(t, "ParseXML", a, err)
	})
}

func check(t *testing.T, fn string, a *Assertion, err error) {
	if err != nil {
		msg := err.Error()
		if strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, "saml response: ") {
			t.Fatalf("%s error is not one line starting with \"saml response: \": %q", fn, msg)
		}
		if a != nil {
			t.Fatalf("%s returned an assertion with an error", fn)
		}
		return
	}
	if len(a.Roles) == 0 {
		t.Fatalf("%s succeeded with no role", fn)
	}
	for _, r := range a.Roles {
		if r.Account() == "" || r.Name() == "" || r.Partition() == "" {
			t.Fatalf("%s returned an unusable role %+v", fn, r)
		}
	}
	if _, err := base64.StdEncoding.DecodeString(a.Response); err != nil {
		t.Fatalf("%s: Response is not standard base64", fn)
	}
}
