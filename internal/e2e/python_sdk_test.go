package e2e

import (
	"os/exec"
	"strconv"
	"testing"
)

// pythonSDK is the interpreter of the Debian awscli package, whose vendored
// botocore serves as a real AWS SDK for a long-running child process.
const pythonSDK = "/usr/bin/python3"

func requirePythonSDK(t *testing.T) {
	t.Helper()
	out, err := exec.Command(pythonSDK, "-c", "import awscli, botocore.session").CombinedOutput()
	if err != nil {
		skipOrFail(t, "SDK REFRESH TEST NOT RUN: no botocore importable from "+pythonSDK+
			" via the Debian awscli package ("+err.Error()+": "+string(out)+"); install: apt-get install -y awscli")
	}
}

func strconvFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
