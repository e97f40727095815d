//go:build linux

package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

const ttyHelperEnv = "AWSFED_CHILDPROC_TTY_HELPER"

// TestTTYHelper runs only inside TestDeliveredByTerminal's pseudo-terminal,
// where this process is in the terminal's foreground process group.
func TestTTYHelper(t *testing.T) {
	if os.Getenv(ttyHelperEnv) != "1" {
		t.Skip("helper for TestDeliveredByTerminal")
	}
	pid := os.Getpid()
	fmt.Printf("INT=%v QUIT=%v WINCH=%v TERM=%v HUP=%v\n",
		deliveredByTerminal(syscall.SIGINT, pid),
		deliveredByTerminal(syscall.SIGQUIT, pid),
		deliveredByTerminal(syscall.SIGWINCH, pid),
		deliveredByTerminal(syscall.SIGTERM, pid),
		deliveredByTerminal(syscall.SIGHUP, pid))
}

func TestDeliveredByTerminal(t *testing.T) {
	// Outside a terminal every signal came from kill and must be passed on.
	if tty, err := os.Open("/dev/tty"); err == nil {
		tty.Close()
	} else {
		for _, sig := range forwarded() {
			if deliveredByTerminal(sig, os.Getpid()) {
				t.Errorf("without a terminal, %v counted as sent by the terminal", sig)
			}
		}
	}

	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("util-linux script is needed to run a test in a pseudo-terminal")
	}
	cmd := exec.Command(script, "-qec", "'"+strings.ReplaceAll(os.Args[0], "'", `'\''`)+"' -test.run=^TestTTYHelper$ -test.v", "/dev/null")
	cmd.Env = append(os.Environ(), ttyHelperEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no terminal of ours leaks in
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "INT=true QUIT=true WINCH=true TERM=false HUP=false"
	if !strings.Contains(string(out), want) {
		t.Errorf("in the foreground of a terminal, got\n%s\nwant %q", out, want)
	}
}
