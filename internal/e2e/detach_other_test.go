//go:build !unix

package e2e

import "os/exec"

// detach is a no-op where there are no sessions; the tests that use it need
// /usr/bin/aws and skip there anyway.
func detach(*exec.Cmd) {}
