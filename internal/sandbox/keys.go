package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"
)

// newSigningKey makes a fresh key and self-signed certificate per sandbox:
// nothing needs to outlive the process, and a key baked into the binary
// would be a key anyone could sign with.
func newSigningKey(now time.Time) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: generating the IdP key: %w", err)
	}
	cert, err := selfSigned(key, "awsfed sandbox IdP", now)
	if err != nil {
		return nil, nil, err
	}
	return key, cert, nil
}

func selfSigned(key *rsa.PrivateKey, cn string, now time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("sandbox: certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		// Wide validity so that a Now knob a little in the past or the
		// future does not make the certificate look expired.
		NotBefore: now.Add(-24 * time.Hour),
		NotAfter:  now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sandbox: self-signing %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reading back %s: %w", cn, err)
	}
	return cert, nil
}
