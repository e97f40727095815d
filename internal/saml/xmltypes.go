package saml

import "encoding/xml"

const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"

	statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"

	attrRole            = "https://aws.amazon.com/SAML/Attributes/Role"
	attrRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	attrSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"

	bearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
)

// The xml* types hold only what an AWS client reads. Element names carry
// their namespace so that any prefix, or a default namespace, matches;
// attributes are unqualified in SAML and so match by local name.

type xmlResponse struct {
	XMLName      xml.Name
	Destination  string         `xml:"Destination,attr"`
	IssueInstant string         `xml:"IssueInstant,attr"`
	Issuer       string         `xml:"urn:oasis:names:tc:SAML:2.0:assertion Issuer"`
	Status       *xmlStatus     `xml:"urn:oasis:names:tc:SAML:2.0:protocol Status"`
	Assertions   []xmlAssertion `xml:"urn:oasis:names:tc:SAML:2.0:assertion Assertion"`
	Encrypted    []struct{}     `xml:"urn:oasis:names:tc:SAML:2.0:assertion EncryptedAssertion"`
}

type xmlStatus struct {
	Code    *xmlStatusCode `xml:"urn:oasis:names:tc:SAML:2.0:protocol StatusCode"`
	Message string         `xml:"urn:oasis:names:tc:SAML:2.0:protocol StatusMessage"`
}

type xmlStatusCode struct {
	Value string         `xml:"Value,attr"`
	Sub   *xmlStatusCode `xml:"urn:oasis:names:tc:SAML:2.0:protocol StatusCode"`
}

type xmlAssertion struct {
	IssueInstant string             `xml:"IssueInstant,attr"`
	Issuer       string             `xml:"urn:oasis:names:tc:SAML:2.0:assertion Issuer"`
	Subject      *xmlSubject        `xml:"urn:oasis:names:tc:SAML:2.0:assertion Subject"`
	Conditions   *xmlConditions     `xml:"urn:oasis:names:tc:SAML:2.0:assertion Conditions"`
	Statements   []xmlAttrStatement `xml:"urn:oasis:names:tc:SAML:2.0:assertion AttributeStatement"`
}

type xmlSubject struct {
	NameID        string                   `xml:"urn:oasis:names:tc:SAML:2.0:assertion NameID"`
	Confirmations []xmlSubjectConfirmation `xml:"urn:oasis:names:tc:SAML:2.0:assertion SubjectConfirmation"`
}

type xmlSubjectConfirmation struct {
	Method string  `xml:"Method,attr"`
	Data   *xmlSCD `xml:"urn:oasis:names:tc:SAML:2.0:assertion SubjectConfirmationData"`
}

type xmlSCD struct {
	Recipient    string `xml:"Recipient,attr"`
	NotOnOrAfter string `xml:"NotOnOrAfter,attr"`
}

type xmlConditions struct {
	NotOnOrAfter string                   `xml:"NotOnOrAfter,attr"`
	Restrictions []xmlAudienceRestriction `xml:"urn:oasis:names:tc:SAML:2.0:assertion AudienceRestriction"`
}

type xmlAudienceRestriction struct {
	Audiences []string `xml:"urn:oasis:names:tc:SAML:2.0:assertion Audience"`
}

type xmlAttrStatement struct {
	Attributes []xmlAttribute `xml:"urn:oasis:names:tc:SAML:2.0:assertion Attribute"`
}

type xmlAttribute struct {
	Name   string   `xml:"Name,attr"`
	Values []string `xml:"urn:oasis:names:tc:SAML:2.0:assertion AttributeValue"`
}
