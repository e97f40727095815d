//go:build windows

package childproc

import "os"

// Ctrl-C is only caught, so that awsfed outlives it: the console delivers it
// to the child by itself, and Windows cannot send it to one process anyway.
// forwarded lists the signals caught while the child runs.
func forwarded() []os.Signal { return []os.Signal{os.Interrupt} }

func deliveredByTerminal(os.Signal, int) bool { return true }

func exitCode(ps *os.ProcessState) int { return ps.ExitCode() }
