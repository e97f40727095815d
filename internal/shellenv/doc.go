// Package shellenv writes the text that `awsfed env` prints for a shell to
// evaluate (eval "$(awsfed env)", awsfed env | source, awsfed env |
// Invoke-Expression): one assignment or removal per variable, quoted so that
// the shell takes every value literally, whatever bytes it holds.
//
// It knows nothing of AWS or credentials and does no I/O: the caller picks
// the variables and writes the text. Its errors never quote a value, which
// may be a secret.
package shellenv
