package childproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"time"
)

// Exit codes for a command that never ran, as POSIX shells report them.
const (
	ExitNotFound      = 127
	ExitCannotExecute = 126
)

// StartError reports a command that could not be started.
type StartError struct {
	Name string // argv[0] as given
	Code int    // ExitNotFound or ExitCannotExecute: the exit code to use
	Hint string // what the user can do, for a line of its own
	Err  error  // the cause
}

func (e *StartError) Error() string {
	if e.Code == ExitNotFound {
		return "command not found: " + e.Name
	}
	return fmt.Sprintf("cannot run %s: %v", e.Name, e.Err)
}

func (e *StartError) Unwrap() error { return e.Err }

// waitDelay bounds how long Run waits, after the child has exited, for
// output still being copied from pipes that a background grandchild holds
// open. It matters only for stdio that are not files.
const waitDelay = 2 * time.Second

// Run runs argv[0] (looked up on the PATH in env) with env as its whole
// environment (nil means awsfed's own), and returns its exit code: the code
// it exited with, or 128+n if signal n killed it. err is non-nil only when
// the command could not be started; code is then ExitNotFound or
// ExitCannotExecute (see StartError), or 1 for an empty argv or a ctx that
// had already ended.
//
// While the child runs, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
// SIGWINCH sent to awsfed are passed on to it (on Windows, Ctrl-C reaches the
// child through the console and Run only keeps awsfed alive). The child
// decides what a signal means, so ctx ending after the start does not stop
// it: a cancellation caused by Ctrl-C must not kill an editor or a REPL.
//
// Files given as stdin, stdout or stderr are handed to the child as they
// are, so that a terminal stays a terminal.
func Run(ctx context.Context, argv, env []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	return run(ctx, argv, env, stdin, stdout, stderr, hooks{})
}

// hooks let tests replace what they cannot arrange for real.
type hooks struct {
	// byTerminal reports whether the terminal has already sent sig to the
	// child's process group, so that forwarding it would deliver it twice.
	byTerminal func(sig os.Signal, pid int) bool
}

func run(ctx context.Context, argv, env []string, stdin io.Reader, stdout, stderr io.Writer, h hooks) (int, error) {
	if len(argv) == 0 || argv[0] == "" {
		return 1, errors.New("no command to run")
	}
	if err := ctx.Err(); err != nil {
		return 1, fmt.Errorf("run %s: %w", argv[0], err)
	}
	if h.byTerminal == nil {
		h.byTerminal = deliveredByTerminal
	}
	if env == nil {
		env = os.Environ()
	}
	path, err := lookPath(argv[0], pathFrom(env))
	if err != nil {
		return err.Code, err
	}

	cmd := &exec.Cmd{
		Path:      path,
		Args:      argv,
		Env:       env,
		Stdin:     stdin,
		Stdout:    stdout,
		Stderr:    stderr,
		WaitDelay: waitDelay,
	}

	// Notify before Start so that a signal arriving in between is queued and
	// passed on rather than killing awsfed and orphaning the child.
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwarded()...)
	defer signal.Stop(sigs)

	if err := cmd.Start(); err != nil {
		return ExitCannotExecute, &StartError{Name: argv[0], Code: ExitCannotExecute, Err: err, Hint: startHint(err)}
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case sig := <-sigs:
				if !h.byTerminal(sig, cmd.Process.Pid) {
					// An error here means the child has just exited; Wait
					// reports that.
					_ = cmd.Process.Signal(sig)
				}
			case <-done:
				return
			}
		}
	})

	waitErr := cmd.Wait()
	close(done)
	wg.Wait()

	if cmd.ProcessState == nil {
		// Wait failed before the child was reaped; this cannot happen after a
		// successful Start, but a code must still be returned.
		return 1, fmt.Errorf("run %s: %w", argv[0], waitErr)
	}
	// Other Wait errors (a stdout writer that failed, ErrWaitDelay) concern
	// the copying of output, not the child: the exit code is still its own.
	return exitCode(cmd.ProcessState), nil
}

// pathFrom returns the child's PATH: the command is looked up where the
// child itself would look, as a shell does after `PATH=… cmd`.
func pathFrom(env []string) string {
	path, found := "", false
	for _, kv := range env {
		name, ok := envName(kv)
		if ok && pathName(name) {
			path, found = kv[len(name)+1:], true
		}
	}
	if !found {
		return os.Getenv("PATH")
	}
	return path
}

func startHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "exec format error"):
		return "the file is not a program this system can run; a script needs a #! line"
	case strings.Contains(msg, "permission denied"):
		return "check the file's permissions and that its file system allows running programs"
	}
	return ""
}
