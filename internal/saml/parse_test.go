package saml

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"
)

// secretMarker stands for assertion content that must never reach an error.
const secretMarker = "S3CR3T-NAMEID-9f2c"

const (
	devRole  = "arn:aws:iam::123456789012:role/Dev"
	provider = "arn:aws:iam::123456789012:saml-provider/IdP"
)

// response builds a prefixed SAML response; each field replaces a part of it.
type response struct {
	root       string // root element name with prefix; "samlp:Response" when empty
	status     string // inner XML of samlp:Status
	assertion  string // the whole saml:Assertion element, replacing the default
	attributes string // inner XML of saml:AttributeStatement
	prolog     string // before the root element
	after      string // after the root element
}

func (r response) xml() string {
	root := r.root
	if root == "" {
		root = "samlp:Response"
	}
	status := r.status
	if status == "" {
		status = `<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>`
	}
	attrs := r.attributes
	if attrs == "" {
		attrs = roleAttr(devRole + "," + provider)
	}
	assertion := r.assertion
	if assertion == "" {
		assertion = `<saml:Assertion ID="_a" Version="2.0" IssueInstant="2024-05-14T09:21:05Z">` +
			`<saml:Issuer>https://idp.example.org/</saml:Issuer>` +
			`<saml:Subject><saml:NameID>` + secretMarker + `</saml:NameID>` +
			`<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
			`<saml:SubjectConfirmationData NotOnOrAfter="2024-05-14T09:26:05Z" Recipient="https://signin.aws.amazon.com/saml"/>` +
			`</saml:SubjectConfirmation></saml:Subject>` +
			`<saml:Conditions NotOnOrAfter="2024-05-14T09:25:00Z"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
			`<saml:AttributeStatement>` + attrs + `</saml:AttributeStatement></saml:Assertion>`
	}
	return r.prolog + `<` + root + ` xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
		` Destination="https://signin.aws.amazon.com/saml" IssueInstant="2024-05-14T09:21:04Z">` +
		`<samlp:Status>` + status + `</samlp:Status>` + assertion + `</` + root + `>` + r.after
}

func roleAttr(values ...string) string {
	var b strings.Builder
	b.WriteString(`<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">`)
	for _, v := range values {
		b.WriteString(`<saml:AttributeValue>` + v + `</saml:AttributeValue>`)
	}
	b.WriteString(`</saml:Attribute>`)
	return b.String()
}

func attr(name, value string) string {
	return `<saml:Attribute Name="` + name + `"><saml:AttributeValue>` + value + `</saml:AttributeValue></saml:Attribute>`
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseReadsFields(t *testing.T) {
	x := response{attributes: roleAttr(devRole+","+provider) +
		attr(attrRoleSessionName, " alice@example.org ") + attr(attrSessionDuration, "7200")}.xml()
	a, err := Parse(b64(x))
	if err != nil {
		t.Fatal(err)
	}
	if a.Response != b64(x) {
		t.Errorf("Response is not the standard base64 of the XML")
	}
	checks := []struct{ field, got, want string }{
		{"Issuer", a.Issuer, "https://idp.example.org/"},
		{"Destination", a.Destination, "https://signin.aws.amazon.com/saml"},
		{"Recipient", a.Recipient, "https://signin.aws.amazon.com/saml"},
		{"Subject", a.Subject, secretMarker},
		{"RoleSessionName", a.RoleSessionName, "alice@example.org"},
		{"SessionDuration", a.SessionDuration.String(), "2h0m0s"},
		{"IssueInstant (the assertion's)", a.IssueInstant.Format(time.RFC3339), "2024-05-14T09:21:05Z"},
		{"NotOnOrAfter (the earliest)", a.NotOnOrAfter.Format(time.RFC3339), "2024-05-14T09:25:00Z"},
		{"Audiences", strings.Join(a.Audiences, " "), "urn:amazon:webservices"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if want := []Role{{devRole, provider}}; !slices.Equal(a.Roles, want) {
		t.Errorf("Roles = %v, want %v", a.Roles, want)
	}
}

func TestParseRoles(t *testing.T) {
	admin := "arn:aws:iam::123456789012:role/Admin"
	tests := []struct {
		name  string
		attrs string
		want  []Role
	}{
		{"either order, duplicates removed, order kept",
			roleAttr(admin+","+provider, provider+","+devRole, admin+", "+provider),
			[]Role{{admin, provider}, {devRole, provider}}},
		{"values split over two Role attributes",
			roleAttr(devRole+","+provider) + attr("urn:other", "x") + roleAttr(admin+","+provider),
			[]Role{{devRole, provider}, {admin, provider}}},
		{"xsi:type on values and empty values skipped",
			`<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
				`<saml:AttributeValue xsi:type="xs:string"/><saml:AttributeValue xsi:type="xs:string">` + devRole + `,` + provider + `</saml:AttributeValue></saml:Attribute>`,
			[]Role{{devRole, provider}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseXML([]byte(response{attributes: tt.attrs}.xml()))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Roles, tt.want) {
				t.Errorf("Roles = %v, want %v", a.Roles, tt.want)
			}
		})
	}
}

func TestParseAcceptsByteOrderMark(t *testing.T) {
	x := "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" + response{}.xml()
	a, err := ParseXML([]byte(x))
	if err != nil {
		t.Fatal(err)
	}
	if a.Response != b64(x) {
		t.Error("Response does not keep the bytes as sent")
	}
}

func TestParseDefaultNamespaces(t *testing.T) {
	x := `<Response xmlns="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://signin.aws.amazon.com/saml">` +
		`<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" IssueInstant="2024-05-14T09:21:05Z"><Issuer>i</Issuer>` +
		`<AttributeStatement><Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>` +
		provider + "," + devRole + `</AttributeValue></Attribute></AttributeStatement></Assertion></Response>`
	a, err := ParseXML([]byte(x))
	if err != nil {
		t.Fatal(err)
	}
	if a.Issuer != "i" || len(a.Roles) != 1 || a.Roles[0] != (Role{devRole, provider}) || !a.NotOnOrAfter.IsZero() {
		t.Errorf("got %+v", a)
	}
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("<x>", maxDepth+1) + strings.Repeat("</x>", maxDepth+1)
	tests := []struct {
		name    string
		in      string // base64 given to Parse
		wantErr string // substring
	}{
		{"not base64", "%%%not base64%%%", "saml response: not base64"},
		{"not xml", b64("hello, world"), "saml response: not"},
		{"truncated xml", b64(response{}.xml()[:200]), "saml response: not well-formed XML: line 1:"},
		{"no element", b64("<?xml version=\"1.0\"?>"), "saml response: not XML: no element found"},
		{"bare assertion", b64(`<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>`),
			"saml response: not a samlp:Response (the document is a saml:Assertion)"},
		{"response in no namespace", b64(`<Response/>`), "saml response: not a samlp:Response (the document is a Response element)"},
		{"html page", b64(`<html><body>Sign in</body></html>`), "saml response: not a samlp:Response"},
		{"no assertion", b64(response{assertion: " "}.xml()), "saml response: it holds no Assertion"},
		{"encrypted", b64(response{assertion: `<saml:EncryptedAssertion><x/></saml:EncryptedAssertion>`}.xml()),
			"awsfed cannot read encrypted assertions; ask the IdP administrators to send an unencrypted assertion for AWS"},
		{"no role attribute", b64(response{attributes: attr(attrRoleSessionName, "alice")}.xml()),
			"saml response: the assertion grants no AWS role: it has no https://aws.amazon.com/SAML/Attributes/Role attribute"},
		{"role attribute without value", b64(response{attributes: roleAttr(" ")}.xml()),
			"the assertion grants no AWS role: its https://aws.amazon.com/SAML/Attributes/Role attribute has no value"},
		{"role value one arn", b64(response{attributes: roleAttr(devRole+","+provider, devRole)}.xml()),
			`saml response: Role attribute value 2 is not "role-arn,provider-arn": "` + devRole + `"`},
		{"role value multi-line", b64(response{attributes: roleAttr("a\nb,c")}.xml()), `not "role-arn,provider-arn": "a b,c"`},
		{"doctype", b64(`<!DOCTYPE r [<!ENTITY e "x">]>` + response{}.xml()), "saml response: refused: it holds a DOCTYPE declaration"},
		{"entity without doctype", b64(`<!ENTITY e "x">` + response{}.xml()), "saml response: refused: it holds a <!…> markup declaration"},
		{"deep nesting", b64(response{attributes: roleAttr(devRole+","+provider) + deep}.xml()),
			"saml response: refused: elements nested more than 50 deep"},
		{"two roots", b64(response{after: "<samlp:Response/>"}.xml()), "more than one root element"},
		{"text after root", b64(response{after: "junk"}.xml()), "text outside the root element"},
		{"status failed", b64(response{status: `<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">` +
			`<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>` +
			`<samlp:StatusMessage>Access` + "\n" + `denied</samlp:StatusMessage>`}.xml()),
			`saml response: the IdP answered with status Responder/RequestDenied instead of Success: "Access denied"`},
		{"status odd code", b64(response{status: `<samlp:StatusCode Value="urn:x:Weird"/>`}.xml()),
			`status "urn:x:Weird" instead of Success`},
		{"bad session duration", b64(response{attributes: roleAttr(devRole+","+provider) + attr(attrSessionDuration, "1h")}.xml()),
			`saml response: SessionDuration "1h" is not a number of seconds`},
		{"negative session duration", b64(response{attributes: roleAttr(devRole+","+provider) + attr(attrSessionDuration, "-5")}.xml()),
			`SessionDuration "-5" is not a number of seconds`},
		{"bad time", b64(strings.Replace(response{}.xml(), `NotOnOrAfter="2024-05-14T09:26:05Z"`, `NotOnOrAfter="tomorrow"`, 1)),
			`saml response: SubjectConfirmationData NotOnOrAfter "tomorrow" is not a time`},
		{"non-utf8 encoding", b64(`<?xml version="1.0" encoding="ISO-8859-1"?>` + response{}.xml()), "saml response: not XML: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse succeeded (%d roles), want error containing %q", len(a.Roles), tt.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error %q\nwant it to contain %q", msg, tt.wantErr)
			}
			if !strings.HasPrefix(msg, "saml response: ") {
				t.Errorf("error %q does not start with \"saml response: \"", msg)
			}
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			if strings.Contains(msg, secretMarker) || strings.Contains(msg, tt.in[:min(len(tt.in), 40)]) && len(tt.in) > 40 {
				t.Errorf("error leaks assertion content: %q", msg)
			}
		})
	}
}

func TestParseXMLRefusesLargeInputBeforeParsing(t *testing.T) {
	// Not even well-formed: the size check must come first.
	big := make([]byte, MaxSize+1)
	_, err := ParseXML(big)
	if err == nil || !strings.Contains(err.Error(), "larger than 1024 KiB: refused") {
		t.Fatalf("ParseXML(%d bytes) error = %v", len(big), err)
	}
}

func TestParseTimeLayouts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-05-14T09:21:05Z", "2024-05-14T09:21:05Z"},
		{"2024-05-14T09:21:05.123Z", "2024-05-14T09:21:05.123Z"},
		{"2024-05-14T11:21:05+02:00", "2024-05-14T09:21:05Z"},
		{"2024-05-14T09:21:05", "2024-05-14T09:21:05Z"},
		{" 2024-05-14T09:21:05.5 ", "2024-05-14T09:21:05.5Z"},
		{"", "0001-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		got, err := parseTime("t", tt.in)
		if err != nil || got.Format(time.RFC3339Nano) != tt.want {
			t.Errorf("parseTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
