// Package e2e holds end-to-end tests that drive the built awsfed binary
// against a live SimpleSAMLphp IdP (started by testdata/idp/idp-up.sh) and
// the sandbox STS, then read the result back with the real AWS CLI; and
// tests where the AWS CLI and a real AWS SDK (the Debian awscli's botocore)
// get their keys from awsfed (credential_process, exec's container
// endpoint) from an in-process sandbox whose requests the tests count.
//
// It owns only these tests. It must not touch the user's real HOME or AWS
// files, never listens beyond loopback, and never reads /work/shared or any
// other path outside the repository and its temporary directories.
package e2e
