// Package sandbox runs, on loopback, an embedded SAML IdP that behaves like
// SimpleSAMLphp's username/password login and a fake AWS STS that is as
// strict as the real one: what AWS STS rejects, it rejects, with AWS's error
// code and HTTP status.
//
// It serves `awsfed demo`, `awsfed sandbox` and the end-to-end tests. It owns
// only these two fake services, their keys and the credentials they issue;
// it knows nothing of awsfed's providers, configuration or AWS files, never
// listens beyond loopback, and never writes secrets (passwords, assertions,
// keys, tokens, cookies) to its log.
package sandbox
