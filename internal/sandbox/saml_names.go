package sandbox

import "time"

// SAML and AWS names shared by the IdP and the STS.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"

	awsACS      = "https://signin.aws.amazon.com/saml"
	awsEntityID = "urn:amazon:webservices"

	attrRole            = "https://aws.amazon.com/SAML/Attributes/Role"
	attrRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	attrSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"

	nameIDPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	nameIDTransient  = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	statusSuccess    = "urn:oasis:names:tc:SAML:2.0:status:Success"
	cmBearer         = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	attrNameFormat   = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
	authnPassword    = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"

	// assertionLifetime is how long an issued assertion may be redeemed,
	// matching AWS's own five-minute window.
	assertionLifetime = 5 * time.Minute
)
