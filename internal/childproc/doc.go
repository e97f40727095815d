// Package childproc runs the command given to `awsfed exec` the way a shell
// would: looked up on the child's PATH, with the terminal handed straight
// through, with the signals the user sends to awsfed passed on to it, and
// with its exit status turned into an exit code (128+n after signal n).
// It also builds the child's environment.
//
// It knows nothing of AWS, credentials or configuration: the caller decides
// which variables the child sees. It must never print: the child owns the
// terminal while it runs, and errors go back to the caller.
package childproc
