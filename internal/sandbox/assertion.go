package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// ResponseOptions mint a SAML response with knobs, for tests of the STS's
// strictness. Zero values give the response the IdP itself would send.
type ResponseOptions struct {
	User  string   // a sandbox user; may be unknown when Roles is set
	Roles []string // full "role-arn,provider-arn" values; nil = the user's

	IssueInstant, NotOnOrAfter time.Time // zero = now, now+5m

	Audience, Recipient, RoleSessionName string // "" = correct values
	OmitRoleSessionName                  bool   // leave the RoleSessionName attribute out

	Unsigned bool
	// SignWith signs with a foreign key. Its certificate in the signature
	// is a Trust certificate with the same public key if there is one,
	// else a throwaway self-signed one.
	SignWith *rsa.PrivateKey
	Tamper   bool // change a role after signing
}

// IssueResponse returns a base64 samlp:Response as the IdP would post it.
func (s *Sandbox) IssueResponse(o ResponseOptions) (string, error) {
	u, known := s.users[o.User]
	if !known && o.Roles == nil {
		return "", fmt.Errorf("sandbox: issuing a response: unknown user %q and no roles given", o.User)
	}
	if !known {
		u = User{Name: o.User}
	}
	sp := s.defaultSpec(u)
	if o.Roles != nil {
		sp.roles = o.Roles
	}
	if !o.IssueInstant.IsZero() {
		sp.issueInstant = o.IssueInstant
	}
	if !o.NotOnOrAfter.IsZero() {
		sp.notOnOrAfter = o.NotOnOrAfter
	}
	if o.Audience != "" {
		sp.audience = o.Audience
	}
	if o.Recipient != "" {
		sp.recipient = o.Recipient
	}
	if o.RoleSessionName != "" {
		sp.sessionName = o.RoleSessionName
	}
	sp.omitSessionName = o.OmitRoleSessionName
	sp.unsigned, sp.tamper = o.Unsigned, o.Tamper
	if o.SignWith != nil {
		cert, err := s.certFor(o.SignWith)
		if err != nil {
			return "", err
		}
		sp.key, sp.cert = o.SignWith, cert
	}
	return s.buildResponse(sp)
}

// certFor finds or makes a certificate for a foreign signing key.
func (s *Sandbox) certFor(key *rsa.PrivateKey) (*x509.Certificate, error) {
	for _, c := range s.trust {
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&key.PublicKey) {
			return c, nil
		}
	}
	return selfSigned(key, "foreign IdP", s.now())
}

// responseSpec is everything that varies between responses.
type responseSpec struct {
	nameID, sessionName        string
	omitSessionName            bool
	roles                      []string
	sessionDuration            time.Duration
	issueInstant, notOnOrAfter time.Time
	audience, recipient        string
	key                        *rsa.PrivateKey
	cert                       *x509.Certificate
	unsigned, tamper           bool
}

func (s *Sandbox) defaultSpec(u User) responseSpec {
	now := s.now().UTC()
	return responseSpec{
		nameID:          s.persistentID(u.Name),
		sessionName:     sessionName(u.Name),
		roles:           roleValues(u, s.accounts),
		sessionDuration: u.SessionDuration,
		issueInstant:    now,
		notOnOrAfter:    now.Add(assertionLifetime),
		audience:        awsEntityID,
		recipient:       awsACS,
		key:             s.key,
		cert:            s.Cert,
	}
}

// persistentID is an opaque, stable NameID, as SimpleSAMLphp derives one.
func (s *Sandbox) persistentID(user string) string {
	sum := sha256.Sum256([]byte(s.entityID + "!" + awsEntityID + "!" + user))
	return "_" + hex.EncodeToString(sum[:20])
}

func (s *Sandbox) buildResponse(sp responseSpec) (string, error) {
	a := s.buildAssertion(sp)
	if !sp.unsigned {
		var err error
		if a, err = signEnveloped(a, sp.key, sp.cert); err != nil {
			return "", err
		}
	}
	if sp.tamper {
		v := firstRoleValue(a)
		if v == nil {
			return "", errors.New("sandbox: nothing to tamper with: the response has no role")
		}
		v.SetText(RoleARN("Tampered") + "," + ProviderARN())
	}
	r := etree.NewElement("samlp:Response")
	r.CreateAttr("xmlns:samlp", nsProtocol)
	r.CreateAttr("xmlns:saml", nsAssertion)
	r.CreateAttr("ID", newXMLID())
	r.CreateAttr("Version", "2.0")
	r.CreateAttr("IssueInstant", samlTime(sp.issueInstant))
	r.CreateAttr("Destination", awsACS)
	r.CreateElement("saml:Issuer").SetText(s.entityID)
	r.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", statusSuccess)
	r.AddChild(a)
	doc := etree.NewDocument()
	doc.SetRoot(r)
	raw, err := doc.WriteToBytes()
	if err != nil {
		return "", fmt.Errorf("sandbox: writing the response: %w", err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// buildAssertion builds a self-contained Assertion: it declares its own
// namespaces so that its canonical form, and so its signature, does not
// depend on the Response around it.
func (s *Sandbox) buildAssertion(sp responseSpec) *etree.Element {
	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", nsAssertion)
	a.CreateAttr("xmlns:xs", "http://www.w3.org/2001/XMLSchema")
	a.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	a.CreateAttr("ID", newXMLID())
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", samlTime(sp.issueInstant))
	a.CreateElement("saml:Issuer").SetText(s.entityID)

	subject := a.CreateElement("saml:Subject")
	nameID := subject.CreateElement("saml:NameID")
	nameID.CreateAttr("SPNameQualifier", awsEntityID)
	nameID.CreateAttr("Format", nameIDPersistent)
	nameID.SetText(sp.nameID)
	sc := subject.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", cmBearer)
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", samlTime(sp.notOnOrAfter))
	scd.CreateAttr("Recipient", sp.recipient)

	cond := a.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", samlTime(sp.issueInstant.Add(-30*time.Second)))
	cond.CreateAttr("NotOnOrAfter", samlTime(sp.notOnOrAfter))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(sp.audience)

	authn := a.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", samlTime(sp.issueInstant))
	authn.CreateAttr("SessionIndex", newXMLID())
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").SetText(authnPassword)

	attrs := a.CreateElement("saml:AttributeStatement")
	addAttribute(attrs, attrRole, sp.roles...)
	if !sp.omitSessionName {
		addAttribute(attrs, attrRoleSessionName, sp.sessionName)
	}
	if sp.sessionDuration > 0 {
		addAttribute(attrs, attrSessionDuration, strconv.FormatInt(int64(sp.sessionDuration/time.Second), 10))
	}
	return a
}

func firstRoleValue(a *etree.Element) *etree.Element {
	for _, st := range a.SelectElements("AttributeStatement") {
		for _, attr := range st.SelectElements("Attribute") {
			if attr.SelectAttrValue("Name", "") == attrRole {
				return attr.SelectElement("AttributeValue")
			}
		}
	}
	return nil
}

func addAttribute(parent *etree.Element, name string, values ...string) {
	attr := parent.CreateElement("saml:Attribute")
	attr.CreateAttr("Name", name)
	attr.CreateAttr("NameFormat", attrNameFormat)
	for _, v := range values {
		av := attr.CreateElement("saml:AttributeValue")
		av.CreateAttr("xsi:type", "xs:string")
		av.SetText(v)
	}
}

// signEnveloped signs el with RSA-SHA256 over its exclusive canonical form
// and puts the Signature right after the Issuer, where the SAML schema wants it.
func signEnveloped(el *etree.Element, key *rsa.PrivateKey, cert *x509.Certificate) (*etree.Element, error) {
	ctx, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		return nil, fmt.Errorf("sandbox: signing: %w", err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		return nil, fmt.Errorf("sandbox: signing: %w", err)
	}
	sig, err := ctx.ConstructSignature(el, true)
	if err != nil {
		return nil, fmt.Errorf("sandbox: signing: %w", err)
	}
	signed := el.Copy()
	at := 0
	if issuer := signed.SelectElement("Issuer"); issuer != nil {
		at = issuer.Index() + 1
	}
	signed.InsertChildAt(at, sig)
	return signed, nil
}

// newXMLID is a random xs:ID (an NCName, so it cannot start with a digit).
func newXMLID() string {
	return "_" + randomHex(20)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}

func samlTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
