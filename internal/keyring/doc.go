// Package keyring keeps the IdP passwords that the user asked awsfed to
// remember (--store-password, store_password = true) in the operating
// system's secret store: the macOS keychain, the Windows credential manager,
// a Secret Service on D-Bus (GNOME Keyring, KeePassXC), pass, or, where none
// of those exist (headless Linux, CI), a directory of files encrypted with a
// passphrase. It wraps github.com/99designs/keyring and adds what awsfed
// needs around it: a time limit on every call, errors that name the backend
// and say what to do, lazy passphrase questions, and strict file modes.
//
// It owns nothing but the stored secrets: it never prompts by itself (the
// caller hands it a passphrase function), knows nothing of IdPs beyond the
// key naming in Key, and must not touch AWS files or the credential cache.
//
// Importing github.com/99designs/keyring has a side effect we cannot turn
// off: on Linux its init connects to the D-Bus session bus (and, when
// DBUS_SESSION_BUS_ADDRESS is unset and no /run/user/<uid>/bus exists, runs
// dbus-launch if it is installed). That happens in every process that links
// this package, before main.
package keyring
