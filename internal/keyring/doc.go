// Package keyring keeps the IdP passwords that the user asked awsfed to
// remember (--store-password, store_password = true) in the operating
// system's secret store: the macOS keychain (through /usr/bin/security), the
// Windows credential manager, a Secret Service on D-Bus (GNOME Keyring,
// KeePassXC), pass, or, where none of those exist (headless Linux, CI), a
// directory of files encrypted with a passphrase (age, scrypt). Around every
// backend it adds a time limit on each call, errors that name the backend
// and say what to do, lazy passphrase questions, and strict file modes.
//
// It owns nothing but the stored secrets: it never prompts by itself (the
// caller hands it a passphrase function), knows nothing of IdPs beyond the
// key naming in Key, and must not touch AWS files or the credential cache.
//
// Importing it does nothing: no init, no package-level state, no D-Bus
// connection or helper process before Open, and only the D-Bus address it is
// given, so nothing is ever launched. Every awsfed run links it, including
// credential-process, whose start-up must stay cheap.
package keyring
