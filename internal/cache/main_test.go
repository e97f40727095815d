package cache

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Tests re-execute the test binary to get real concurrent processes; this
// variable picks the role the child plays.
const childEnv = "CACHE_TEST_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		os.Exit(runChild(role))
	}
	os.Exit(m.Run())
}

func runChild(role string) int {
	var err error
	switch role {
	case "fetch":
		err = childFetch(os.Getenv("CACHE_TEST_DIR"), os.Getenv("CACHE_TEST_GO"), os.Getenv("CACHE_TEST_COUNT"))
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childFetch says "ready", waits for the parent's go file so that all
// children start together, then fetches with a slow refresh that appends a
// line to the count file, and prints the access key it got.
func childFetch(dir, goFile, countFile string) error {
	fmt.Println("ready")
	// A parent that died must not leave children polling forever.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(goFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("no go file after a minute")
		}
	}
	c := &Cache{Dir: dir}
	e, _, err := c.Fetch(context.Background(), "shared", "Admin", time.Minute, func(context.Context) (*Entry, error) {
		f, err := os.OpenFile(countFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		_, err = fmt.Fprintln(f, os.Getpid())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		time.Sleep(100 * time.Millisecond)
		return newKeys("pid" + strconv.Itoa(os.Getpid())), nil
	})
	if err != nil {
		return err
	}
	fmt.Println(e.AccessKeyID)
	return nil
}

func startChild(t *testing.T, env ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"=fetch"), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill only this child, and only if the test ends before it did.
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, bufio.NewScanner(out)
}

// newKeys makes keys that differ on every call, so that two refreshes can
// never pass for one.
func newKeys(tag string) *Entry {
	n := rand.Text()
	return &Entry{
		AccessKeyID:     "ASIA" + tag + "-" + n,
		SecretAccessKey: "secret-" + n,
		SessionToken:    "token-" + n,
		Expiration:      time.Now().Add(time.Hour).UTC().Truncate(time.Second),
	}
}

func newCache(t *testing.T) *Cache {
	t.Helper()
	return &Cache{Dir: filepath.Join(t.TempDir(), "awsfed")}
}
