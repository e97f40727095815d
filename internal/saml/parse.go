package saml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Assertion is what awsfed reads from a SAML response.
type Assertion struct {
	Response        string // the response re-encoded as standard base64 (what STS's SAMLAssertion wants)
	Issuer          string
	Destination     string // Response@Destination
	Recipient       string // SubjectConfirmationData@Recipient
	Audiences       []string
	Subject         string // NameID
	Roles           []Role // in the IdP's order, without duplicates
	RoleSessionName string
	SessionDuration time.Duration // 0 when absent
	IssueInstant    time.Time
	NotOnOrAfter    time.Time // earliest of SubjectConfirmationData@NotOnOrAfter and Conditions@NotOnOrAfter; zero if none
}

// Parse decodes a base64 SAMLResponse form value and reads it.
func Parse(samlResponse string) (*Assertion, error) {
	doc, err := Decode(samlResponse)
	if err != nil {
		return nil, err
	}
	return ParseXML(doc)
}

// ParseXML reads an already decoded SAML response.
func ParseXML(doc []byte) (*Assertion, error) {
	if len(doc) > MaxSize {
		return nil, fmt.Errorf("saml response: larger than %d KiB: refused", MaxSize>>10)
	}
	// Windows IdPs may start with a UTF-8 byte order mark, which
	// encoding/xml takes for text before the root. Response keeps it: the
	// signature covers the bytes as sent.
	body := bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	root, err := checkXML(body)
	if err != nil {
		return nil, err
	}
	if root.Space != nsProtocol || root.Local != "Response" {
		return nil, fmt.Errorf("saml response: not a samlp:Response (the document is a %s)", describeName(root))
	}
	var resp xmlResponse
	if err := xml.Unmarshal(body, &resp); err != nil {
		return nil, xmlError(err)
	}
	if err := checkStatus(resp.Status); err != nil {
		return nil, err
	}
	if len(resp.Assertions) == 0 {
		if len(resp.Encrypted) > 0 {
			return nil, errors.New("saml response: the assertion is encrypted and awsfed cannot read encrypted assertions; " +
				"ask the IdP administrators to send an unencrypted assertion for AWS, as AWS itself requires")
		}
		return nil, errors.New("saml response: it holds no Assertion")
	}
	// Only the first assertion counts: a response for AWS carries one, and
	// AWS rejects the rest anyway.
	a, err := readAssertion(&resp.Assertions[0])
	if err != nil {
		return nil, err
	}
	a.Response = base64.StdEncoding.EncodeToString(doc)
	a.Destination = strings.TrimSpace(resp.Destination)
	if a.Issuer == "" {
		a.Issuer = strings.TrimSpace(resp.Issuer)
	}
	if a.IssueInstant.IsZero() {
		if a.IssueInstant, err = parseTime("Response IssueInstant", resp.IssueInstant); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func checkStatus(s *xmlStatus) error {
	// A response without Status is not schema-valid, but some IdPs omit it
	// on success; AWS decides.
	if s == nil || s.Code == nil || strings.TrimSpace(s.Code.Value) == statusSuccess {
		return nil
	}
	code := shortStatus(s.Code.Value)
	if s.Code.Sub != nil && s.Code.Sub.Value != "" {
		code += "/" + shortStatus(s.Code.Sub.Value)
	}
	msg := fmt.Sprintf("saml response: the IdP answered with status %s instead of Success", code)
	if m := strings.TrimSpace(s.Message); m != "" {
		msg += ": " + strconv.Quote(oneLine(m, 200))
	}
	return errors.New(msg)
}

// shortStatus turns urn:oasis:names:tc:SAML:2.0:status:AuthnFailed into
// AuthnFailed; a code from elsewhere is shown whole.
func shortStatus(v string) string {
	v = strings.TrimSpace(v)
	if s, ok := strings.CutPrefix(v, "urn:oasis:names:tc:SAML:2.0:status:"); ok && s != "" {
		return oneLine(s, 80)
	}
	return strconv.Quote(oneLine(v, 120))
}

func readAssertion(x *xmlAssertion) (*Assertion, error) {
	a := &Assertion{Issuer: strings.TrimSpace(x.Issuer)}
	var err error
	if a.IssueInstant, err = parseTime("Assertion IssueInstant", x.IssueInstant); err != nil {
		return nil, err
	}
	if x.Subject != nil {
		a.Subject = strings.TrimSpace(x.Subject.NameID)
		if a.Recipient, a.NotOnOrAfter, err = readConfirmations(x.Subject.Confirmations); err != nil {
			return nil, err
		}
	}
	if c := x.Conditions; c != nil {
		t, err := parseTime("Conditions NotOnOrAfter", c.NotOnOrAfter)
		if err != nil {
			return nil, err
		}
		a.NotOnOrAfter = earliest(a.NotOnOrAfter, t)
		for _, r := range c.Restrictions {
			for _, aud := range r.Audiences {
				a.Audiences = appendUnique(a.Audiences, strings.TrimSpace(aud))
			}
		}
	}
	if err := readAttributes(a, x.Statements); err != nil {
		return nil, err
	}
	return a, nil
}

// readConfirmations returns the recipient of the bearer confirmation (the
// one AWS uses) and the earliest NotOnOrAfter of them all.
func readConfirmations(cs []xmlSubjectConfirmation) (recipient string, notOnOrAfter time.Time, err error) {
	for _, c := range cs {
		if c.Data == nil {
			continue
		}
		t, err := parseTime("SubjectConfirmationData NotOnOrAfter", c.Data.NotOnOrAfter)
		if err != nil {
			return "", time.Time{}, err
		}
		notOnOrAfter = earliest(notOnOrAfter, t)
		r := strings.TrimSpace(c.Data.Recipient)
		if r != "" && (recipient == "" || strings.TrimSpace(c.Method) == bearerMethod) {
			recipient = r
		}
	}
	return recipient, notOnOrAfter, nil
}

func readAttributes(a *Assertion, statements []xmlAttrStatement) error {
	hasRoleAttr := false
	n := 0
	seen := map[Role]bool{} // a map, as hostile input may repeat thousands of values
	for _, st := range statements {
		for _, attr := range st.Attributes {
			switch strings.TrimSpace(attr.Name) {
			case attrRole:
				hasRoleAttr = true
				for _, v := range attr.Values {
					v = strings.TrimSpace(v)
					if v == "" {
						// Some IdPs emit an empty value for a group without an AWS mapping.
						continue
					}
					n++
					r, ok := parseRoleValue(v)
					if !ok {
						return fmt.Errorf("saml response: Role attribute value %d is not \"role-arn,provider-arn\": %q", n, oneLine(v, 200))
					}
					if !seen[r] {
						seen[r] = true
						a.Roles = append(a.Roles, r)
					}
				}
			case attrRoleSessionName:
				if a.RoleSessionName == "" {
					a.RoleSessionName = firstValue(attr.Values)
				}
			case attrSessionDuration:
				if a.SessionDuration != 0 {
					continue
				}
				d, err := parseDuration(firstValue(attr.Values))
				if err != nil {
					return err
				}
				a.SessionDuration = d
			}
		}
	}
	if !hasRoleAttr {
		return errors.New("saml response: the assertion grants no AWS role: it has no " + attrRole + " attribute")
	}
	if len(a.Roles) == 0 {
		return errors.New("saml response: the assertion grants no AWS role: its " + attrRole + " attribute has no value")
	}
	return nil
}

// parseDuration reads SessionDuration, a number of seconds. AWS itself
// enforces 900 to 43200; here it only has to be a sane positive number.
func parseDuration(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > 366*24*3600 {
		return 0, fmt.Errorf("saml response: SessionDuration %q is not a number of seconds", oneLine(v, 40))
	}
	return time.Duration(n) * time.Second, nil
}

// parseTime reads an xs:dateTime. SAML requires UTC with a zone, but some
// IdPs leave the zone out; UTC is what they mean.
func parseTime(what, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("saml response: %s %q is not a time", what, oneLine(v, 40))
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

func firstValue(vs []string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// describeName names an element for an error, with its namespace shortened
// to the usual prefix when it is a SAML one.
func describeName(n xml.Name) string {
	local := oneLine(n.Local, 60)
	switch n.Space {
	case nsProtocol:
		return "samlp:" + local
	case nsAssertion:
		return "saml:" + local
	case "":
		return local + " element"
	}
	return fmt.Sprintf("%s element in namespace %q", local, oneLine(n.Space, 80))
}
