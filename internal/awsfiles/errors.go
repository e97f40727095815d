package awsfiles

import "fmt"

// FileError reports a file awsfed will not edit, usually because the AWS CLI
// would not read it either. It never quotes the file's text: it may hold secrets.
type FileError struct {
	Path string
	Line int // 1-based; 0 when the problem is not on one line
	Msg  string
	Hint string // what the user should do, on a line of its own
	err  error  // the cause, e.g. an *inifile.SyntaxError
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

func (e *FileError) Unwrap() error { return e.err }
