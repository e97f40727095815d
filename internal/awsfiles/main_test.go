package awsfiles

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
)

// Tests re-execute the test binary to get real concurrent and killed writers;
// this variable picks the role the child plays.
const childEnv = "AWSFILES_TEST_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		os.Exit(runChild(role))
	}
	os.Exit(m.Run())
}

func runChild(role string) int {
	file := os.Getenv("AWSFILES_TEST_FILE")
	var err error
	switch role {
	case "write":
		p := os.Getenv("AWSFILES_TEST_PROFILE")
		err = WriteCredentials(context.Background(), file, p, keysFor(p))
	case "loop":
		err = writeForever(file, os.Getenv("AWSFILES_TEST_PRIVATE") == "true")
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// writeForever counts up in [crash] until killed, saying "ready" once the
// first write is done so that kills land on writes, not on start-up. A
// private file is written as WriteCredentials writes it.
func writeForever(file string, private bool) error {
	for i := 0; ; i++ {
		_, err := update(context.Background(), file, lockWait, private, func(doc *inifile.Doc) error {
			n := 0
			if v, ok := doc.Get("crash", "counter"); ok {
				n, _ = strconv.Atoi(v)
			}
			applyCount(doc, n+1)
			return nil
		})
		if err != nil {
			return err
		}
		if i == 0 {
			fmt.Println("ready")
		}
	}
}

// applyCount is the edit the looping child makes; the payload's length
// varies so that a torn write would show.
func applyCount(doc *inifile.Doc, n int) {
	doc.Set("crash", "counter", strconv.Itoa(n))
	doc.Set("crash", "payload", strings.Repeat("x;#=", n%300+1))
}

func keysFor(profile string) Keys {
	return Keys{
		AccessKeyID:     "ASIA" + strings.ToUpper(profile),
		SecretAccessKey: "secret/" + profile + ";#=x",
		SessionToken:    "token-" + profile,
		Expiration:      time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func child(t *testing.T, role string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+role), env...)
	return cmd
}
