// Package awsfiles reads and updates the user's AWS shared files
// (~/.aws/credentials, ~/.aws/config) and awsfed's own configuration file:
// under an exclusive lock, replaced atomically by rename, refusing files the
// AWS CLI itself would refuse, and keeping every byte it was not asked to
// change. A file keeps its mode, except that the credentials file is made
// 0600 when keys are written into it.
//
// It knows nothing of SAML, STS or identity providers, and it must not touch
// any key or section other than those a caller names: the files belong to
// the user and to every other tool that writes them.
package awsfiles
