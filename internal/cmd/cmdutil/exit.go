package cmdutil

import "fmt"

// ExitError ends awsfed with Code. With no Msg, awsfed prints nothing: the
// child run by `awsfed exec` has already said what went wrong.
type ExitError struct {
	Code      int
	Msg, Hint string
}

func (e *ExitError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("exit status %d", e.Code)
}
