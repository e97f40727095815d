// Package cmdutil holds what the commands that sign in share: the flags of a
// sign-in, turning an account name and those flags into ready signin.Options
// (configuration, provider, HTTP clients, password source, keyring, cache),
// and the error that carries a child's exit code. It prints nothing itself
// and decides no exit codes beyond passing a child's through.
package cmdutil
