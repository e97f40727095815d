package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// Every command a user can run has its page, and each shell its completion
// script, so that a package never ships without them.
func TestGenerateWritesAPagePerCommandAndEveryCompletion(t *testing.T) {
	dir := t.TempDir()
	date := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	// A page left by an earlier run for a command that is gone.
	stale := filepath.Join(dir, "manpages", "awsfed-gone.1.gz")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	header := func() *doc.GenManHeader {
		return &doc.GenManHeader{Section: "1", Source: "awsfed 1.2.3", Manual: "awsfed manual", Date: &date}
	}
	if err := generate(dir, "1.2.3", header()); err != nil {
		t.Fatal(err)
	}

	want := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		want[strings.ReplaceAll(c.CommandPath(), " ", "-")+".1.gz"] = true
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
				walk(sub)
			}
		}
	}
	walk(rootCmd("1.2.3"))
	for _, page := range []string{"awsfed.1.gz", "awsfed-login.1.gz", "awsfed-credential-process.1.gz", "awsfed-completion-bash.1.gz"} {
		if !want[page] {
			t.Errorf("the command tree has no %s: did rootCmd stop building awsfed's tree?", page)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "manpages"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range entries {
		got[e.Name()] = true
		page := readGzip(t, filepath.Join(dir, "manpages", e.Name()))
		name := strings.TrimSuffix(e.Name(), ".1.gz")
		th := `.TH "` + strings.ToUpper(name) + `" "1" "Dec 2026" "awsfed 1.2.3" "awsfed manual"`
		if !strings.Contains(page, th) || !strings.Contains(page, "\n"+name+" - ") {
			t.Errorf("%s: not a man page of %s:\n%.300s", e.Name(), name, page)
		}
	}
	for page := range want {
		if !got[page] {
			t.Errorf("no man page %s", page)
		}
	}
	for page := range got {
		if !want[page] {
			t.Errorf("man page %s of no command", page)
		}
	}

	for shell, first := range map[string]string{
		"bash": "# bash completion V2 for awsfed",
		"zsh":  "#compdef awsfed",
		"fish": "# fish completion for awsfed",
	} {
		b, err := os.ReadFile(filepath.Join(dir, "completions", "awsfed."+shell))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(first)) || !bytes.Contains(b, []byte("__complete")) {
			t.Errorf("awsfed.%s is not awsfed's %s completion:\n%.200s", shell, shell, b)
		}
	}

	// Same commit, same bytes: the packages of a rebuilt release match.
	again := t.TempDir()
	if err := generate(again, "1.2.3", header()); err != nil {
		t.Fatal(err)
	}
	for page := range got {
		a, _ := os.ReadFile(filepath.Join(dir, "manpages", page))
		b, _ := os.ReadFile(filepath.Join(again, "manpages", page))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", page)
		}
	}
}

func readGzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(b)
}
