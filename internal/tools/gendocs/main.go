// Command gendocs writes awsfed's shell completions and man pages, generated
// from the same command tree the binary runs, for release archives and
// packages (.goreleaser.yaml runs it before every build):
//
//	go run ./internal/tools/gendocs [-version V] [-date RFC3339] DIR
//
// writes DIR/completions/awsfed.{bash,zsh,fish} and DIR/manpages/*.1.gz, one
// page per command. It lives apart from cmd/awsfed so that cobra/doc and its
// Markdown renderer stay out of the awsfed binary. The release passes the
// commit's date, so a release rebuilt from the same commit writes the same
// bytes; without -date a page is dated SOURCE_DATE_EPOCH, or today.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/awsfed/awsfed/internal/app"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/provider/all"
)

func main() {
	version := flag.String("version", "", "the version the pages name (default: none)")
	date := flag.String("date", "", "the pages' date, RFC 3339 (default: SOURCE_DATE_EPOCH, or today)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gendocs [-version V] [-date RFC3339] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	header := &doc.GenManHeader{Section: "1", Source: "awsfed", Manual: "awsfed manual"}
	if *version != "" {
		header.Source += " " + *version
	}
	if *date != "" {
		t, err := time.Parse(time.RFC3339, *date)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gendocs: -date: %v\n", err)
			os.Exit(2)
		}
		header.Date = &t
	}
	if err := generate(flag.Arg(0), *version, header); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

// rootCmd is awsfed's command tree as the binary builds it, with the
// commands and flags cobra adds only when it executes. The environment is
// empty so that nothing of the builder's shows up in a page.
func rootCmd(version string) *cobra.Command {
	f := &factory.Factory{
		IO:        iostreams.System(),
		Env:       func(string) string { return "" },
		Environ:   func() []string { return nil },
		Providers: all.Registry(),
		Version:   version,
	}
	root := app.NewRootCmd(f)
	root.InitDefaultVersionFlag()
	root.InitDefaultCompletionCmd()
	root.DisableAutoGenTag = true // no "generated on <today>" footer
	return root
}

// generate replaces DIR/completions and DIR/manpages, so that a page of a
// command that no longer exists does not linger.
func generate(dir, version string, header *doc.GenManHeader) error {
	root := rootCmd(version)
	comp, man := filepath.Join(dir, "completions"), filepath.Join(dir, "manpages")
	for _, d := range []string{comp, man} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// The same scripts `awsfed completion SHELL` prints, descriptions included.
	shells := []struct {
		name string
		gen  func(*bytes.Buffer) error
	}{
		{"bash", func(b *bytes.Buffer) error { return root.GenBashCompletionV2(b, true) }},
		{"zsh", func(b *bytes.Buffer) error { return root.GenZshCompletion(b) }},
		{"fish", func(b *bytes.Buffer) error { return root.GenFishCompletion(b, true) }},
	}
	for _, sh := range shells {
		var b bytes.Buffer
		if err := sh.gen(&b); err != nil {
			return fmt.Errorf("%s completion: %w", sh.name, err)
		}
		if err := os.WriteFile(filepath.Join(comp, "awsfed."+sh.name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return gzipAll(man)
}

// gzipAll compresses every page in dir in place (page.1 → page.1.gz), with
// no name or time in the gzip header so the bytes depend on the page alone.
func gzipAll(dir string) error {
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		return fmt.Errorf("man pages: none written to %s", dir)
	}
	for _, p := range pages {
		page, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if _, err := zw.Write(page); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(p+".gz", b.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
