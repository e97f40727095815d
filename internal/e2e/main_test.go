package e2e

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

const (
	awsCLI  = "/usr/bin/aws"
	sspRoot = "/usr/share/simplesamlphp/www"
)

// liveEnv is what TestMain prepares once for every live test; TestMain is
// the only writer, before m.Run, so tests read it without locking.
type liveEnv struct {
	missing    string // why the IdP tools are absent; "" = present
	cliMissing string // why the AWS CLI is absent; "" = present
	build      error  // building awsfed failed
	setup      error  // tools present but bringing the IdP up failed
	bin        string // the built awsfed binary
	idpURL     string // IdP-initiated SSO URL for AWS
	stsURL     string
	ran        atomic.Int32 // live tests that got past requireLive or requireCLI
}

var env liveEnv

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "awsfed-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	env.missing = missingTools()
	if _, err := os.Stat(awsCLI); err != nil {
		env.cliMissing = "missing AWS CLI (" + awsCLI + "); install: apt-get install -y --no-install-recommends awscli"
	}
	// The sandbox tests need awsfed even where SimpleSAMLphp is absent.
	binDir, err := permanentDir()
	if err != nil {
		env.build = err
	} else {
		defer os.RemoveAll(binDir)
		env.bin, env.build = buildAwsfed(binDir)
	}
	var stop func()
	if env.missing == "" && env.build == nil {
		stop, env.setup = setUp(tmp)
		if stop != nil {
			defer stop()
		}
	}
	code := m.Run()
	report := fmt.Sprintf("live tests ran: %d\n", env.ran.Load())
	fmt.Print(report)
	// .ci/run reads the count from here after one `go test ./...`; a new
	// path each run also keeps go test from replaying a cached result.
	if path := os.Getenv("AWSFED_LIVE_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	return code
}

func missingTools() string {
	var miss []string
	if _, err := exec.LookPath("php"); err != nil {
		miss = append(miss, "php")
	}
	if _, err := os.Stat(sspRoot); err != nil {
		miss = append(miss, "simplesamlphp ("+sspRoot+")")
	}
	if _, err := os.Stat(awsCLI); err != nil {
		miss = append(miss, "AWS CLI ("+awsCLI+")")
	}
	if len(miss) == 0 {
		return ""
	}
	return fmt.Sprintf("missing %v; install: apt-get install -y --no-install-recommends simplesamlphp php-cli php-xml php-mbstring xmlsec1 openssl curl awscli", miss)
}

func repoRoot() (string, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	return root, nil
}

// permanentDir is a fresh directory outside the temporary one, for the
// awsfed that profiles run: setup-profile refuses a program under the
// temporary directory, which anyone may write to once it is gone.
func permanentDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find a directory to build awsfed in: %w", err)
	}
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return "", fmt.Errorf("find a directory to build awsfed in: %w", err)
	}
	return os.MkdirTemp(cache, "awsfed-e2e-bin-")
}

func buildAwsfed(dir string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "awsfed")
	build := exec.Command("go", "build", "-o", bin, "./cmd/awsfed")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build awsfed: %w\n%s", err, out)
	}
	return bin, nil
}

// setUp starts the IdP and a sandbox STS that trusts the IdP's certificate
// as provider Corp. stop undoes whatever was started.
func setUp(tmp string) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	root, err := repoRoot()
	if err != nil {
		return stop, err
	}

	port, err := freePort()
	if err != nil {
		return stop, err
	}
	idpDir := filepath.Join(tmp, "idp")
	script := func(name string) *exec.Cmd {
		c := exec.Command(filepath.Join(root, "testdata", "idp", name))
		c.Env = append(os.Environ(), "IDP_DIR="+idpDir, "IDP_PORT="+strconv.Itoa(port))
		return c
	}
	stops = append(stops, func() { _ = script("idp-down.sh").Run() })
	if out, err := script("idp-up.sh").CombinedOutput(); err != nil {
		return stop, fmt.Errorf("idp-up.sh: %w\n%s", err, out)
	}
	env.idpURL = fmt.Sprintf("http://127.0.0.1:%d/simplesaml/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices", port)

	cert, err := readCert(filepath.Join(idpDir, "cert", "idp.crt"))
	if err != nil {
		return stop, err
	}
	// the sandbox lives as long as its context, so not a setup timeout
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Trust: []sandbox.Trust{{Name: "Corp", Cert: cert}}})
	if err != nil {
		return stop, fmt.Errorf("start sandbox STS: %w", err)
	}
	stops = append(stops, func() { sb.Close() })
	env.stsURL = sb.STSURL
	return stop, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read IdP certificate: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("read IdP certificate %s: %w", path, errors.New("no PEM block"))
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse IdP certificate %s: %w", path, err)
	}
	return c, nil
}

// requireLive skips when the live tools are absent, except under CI=true,
// where their absence is a broken pipeline and must fail loudly.
func requireLive(t *testing.T) {
	t.Helper()
	if env.missing != "" {
		skipOrFail(t, "LIVE IdP TESTS NOT RUN: "+env.missing)
	}
	if env.build != nil {
		t.Fatal(env.build)
	}
	if env.setup != nil {
		t.Fatalf("live IdP setup failed: %v", env.setup)
	}
	env.ran.Add(1)
}

// requireCLI is requireLive for the tests that need only awsfed, the AWS
// CLI and an in-process sandbox (no SimpleSAMLphp).
func requireCLI(t *testing.T) {
	t.Helper()
	if env.cliMissing != "" {
		skipOrFail(t, "AWS CLI TESTS NOT RUN: "+env.cliMissing)
	}
	if env.build != nil {
		t.Fatal(env.build)
	}
	env.ran.Add(1)
}

// skipOrFail skips, except under CI=true, where a missing tool is a broken
// pipeline.
func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true, so this is a failure)")
	}
	t.Skip(msg)
}
