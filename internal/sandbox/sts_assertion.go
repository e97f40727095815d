package sandbox

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
	"github.com/jonboulle/clockwork"
	xrv "github.com/mattermost/xml-roundtrip-validator"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// invalidToken is how STS refuses an assertion it cannot use at all.
func invalidToken(msg string) error {
	return reject(http.StatusBadRequest, "InvalidIdentityToken", msg)
}

var errBadSignature = invalidToken("Response signature invalid")

// verifiedAssertion decodes a SAMLResponse and returns its one Assertion as
// covered by a signature that cert verifies. Callers read every value from
// the returned element only: it is rebuilt from the bytes the signature
// covers, so nothing placed beside the signed content (signature wrapping)
// can reach them. status is the Response's top-level status code.
func verifiedAssertion(b64 string, cert *x509.Certificate, now time.Time) (assertion *etree.Element, status string, err error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, "", invalidToken("Invalid SAML response: not base64")
	}
	// encoding/xml and etree disagree on some malformed documents; such
	// documents are how signatures get bypassed, so refuse them outright.
	if err := xrv.Validate(bytes.NewReader(raw)); err != nil {
		return nil, "", invalidToken("Invalid SAML response: not well-formed XML")
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, "", invalidToken("Invalid SAML response: not well-formed XML")
	}
	for _, tok := range doc.Child {
		if _, ok := tok.(*etree.Directive); ok {
			return nil, "", invalidToken("Invalid SAML response: DTDs are not allowed")
		}
	}
	root := doc.Root()
	if root == nil || root.Tag != "Response" || root.NamespaceURI() != nsProtocol {
		return nil, "", invalidToken("Invalid SAML response: the document is not a samlp:Response")
	}

	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.Clock = dsig.NewFakeClock(clockwork.NewFakeClockAt(now))

	response := root
	if len(children(root, nsDSig, "Signature")) > 0 {
		if response, err = vc.Validate(root); err != nil {
			return nil, "", errBadSignature
		}
	}
	if len(children(response, nsAssertion, "EncryptedAssertion")) > 0 {
		return nil, "", invalidToken("Invalid SAML response: the sandbox cannot decrypt an EncryptedAssertion")
	}
	as := children(response, nsAssertion, "Assertion")
	if len(as) != 1 {
		return nil, "", invalidToken("Invalid SAML response: it must hold exactly one Assertion")
	}
	assertion = as[0]
	if response == root {
		// The assertion alone is signed: validate it detached, carrying
		// the namespaces it inherits from the Response.
		nsctx, err := etreeutils.NSBuildParentContext(assertion)
		if err != nil {
			return nil, "", errBadSignature
		}
		detached, err := etreeutils.NSDetatch(nsctx, assertion)
		if err != nil {
			return nil, "", errBadSignature
		}
		if assertion, err = vc.Validate(detached); err != nil {
			return nil, "", errBadSignature
		}
	}
	if sc := child(response, nsProtocol, "Status"); sc != nil {
		if code := child(sc, nsProtocol, "StatusCode"); code != nil {
			status = code.SelectAttrValue("Value", "")
		}
	}
	return assertion, status, nil
}

// children are el's child elements in namespace ns named tag.
func children(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

// child is the first of children, or nil.
func child(el *etree.Element, ns, tag string) *etree.Element {
	if el == nil {
		return nil
	}
	if cs := children(el, ns, tag); len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// attributeValues reads the values of the SAML attribute name.
func attributeValues(a *etree.Element, name string) []string {
	var out []string
	for _, st := range children(a, nsAssertion, "AttributeStatement") {
		for _, attr := range children(st, nsAssertion, "Attribute") {
			if attr.SelectAttrValue("Name", "") != name {
				continue
			}
			for _, v := range children(attr, nsAssertion, "AttributeValue") {
				out = append(out, strings.TrimSpace(v.Text()))
			}
		}
	}
	return out
}

// parseSAMLTime reads an xs:dateTime; SAML requires UTC but some IdPs
// send fractions of seconds or an offset.
func parseSAMLTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	return t, err == nil
}

// verifiedCache remembers the outcome of verifying a response's signature,
// so that one assertion redeemed for many roles at once (awsfed login with
// several accounts) is checked once: on the 2 CPUs the sandbox shares with
// the client it measures, N RSA verifications and canonicalisations would
// otherwise be most of what a benchmark sees, which real STS spreads over
// its fleet. Requests that arrive while the response is being verified
// wait for that verification rather than start their own. Every other
// check (times, audience, roles) still runs per request on the verified
// element, which callers only read. A failed verification is not kept: the
// requests that waited for it share its error, later ones verify anew.
type verifiedCache struct {
	mu   sync.Mutex
	m    map[[32]byte]*verifiedResult
	runs int // verifications started, for tests
}

type verifiedResult struct {
	done      chan struct{} // closed once the fields below are set
	assertion *etree.Element
	status    string
	err       error
}

const maxVerifiedCache = 256

func (s *Sandbox) verified(b64 string, cert *x509.Certificate, now time.Time) (*etree.Element, string, error) {
	h := sha256.New()
	h.Write(cert.Raw)
	h.Write([]byte{0})
	h.Write([]byte(b64))
	var key [32]byte
	h.Sum(key[:0])
	c := &s.verifiedCache
	c.mu.Lock()
	r, ok := c.m[key]
	if !ok {
		if c.m == nil || len(c.m) >= maxVerifiedCache {
			c.m = map[[32]byte]*verifiedResult{}
		}
		r = &verifiedResult{done: make(chan struct{})}
		c.m[key] = r
		c.runs++
	}
	c.mu.Unlock()
	if ok {
		<-r.done
		return r.assertion, r.status, r.err
	}
	r.assertion, r.status, r.err = verifiedAssertion(b64, cert, now)
	close(r.done)
	if r.err != nil {
		c.mu.Lock()
		if c.m[key] == r {
			delete(c.m, key)
		}
		c.mu.Unlock()
		return nil, "", r.err
	}
	return r.assertion, r.status, nil
}
