//go:build windows

package lockedfile

import (
	"io/fs"
	"os"
)

// syncDir does nothing: Windows has no way to sync a directory through
// os.File, and NTFS journals the rename itself.
func syncDir(string) error { return nil }

func keepOwner(*os.File, fs.FileInfo) {}
