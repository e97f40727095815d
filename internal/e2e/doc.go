// Package e2e holds end-to-end tests that drive the built awsfed binary
// against a live SimpleSAMLphp IdP (started by testdata/idp/idp-up.sh) and
// the sandbox STS, then read the result back with the real AWS CLI.
//
// It owns only these tests. It must not touch the user's real HOME or AWS
// files, never listens beyond loopback, and never reads /work/shared or any
// other path outside the repository and its temporary directories.
package e2e
