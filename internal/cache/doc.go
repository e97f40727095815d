// Package cache owns awsfed's cache of temporary AWS keys: one JSON file per
// (account, role) under Dir, so that `awsfed credential-process`, `exec`,
// `status` and `login` reuse keys until they near expiry instead of asking
// the identity provider (and the user's phone) again.
//
// The keys rest with the same protection the AWS CLI gives ~/.aws/cli/cache:
// a 0600 file in a 0700 directory, replaced atomically so that the lock-free
// read on the hot path never sees half a file. Entries are not fsynced: a
// crash of the machine right after a write may leave an entry missing,
// empty or cut short, which reads as missing and costs one sign-in, while
// the fsyncs cost every write (a login for 20 accounts writes 20 entries)
// two waits for the disk. A per-account lock file makes
// concurrent refreshes of one account wait for each other, so one sign-in
// serves them all.
//
// The package knows nothing of SAML, STS or the AWS config files: callers
// hand it keys and a refresh function. It must not touch anything outside
// its directory, and secret keys and session tokens never appear in its
// errors or in an Entry's printed form.
package cache
