// Package versioncmd is `awsfed version`: the version, the commit it was
// built from and its date, and the Go version. A release build sets them with
// -ldflags -X (see internal/app); any other build takes the commit from its
// own VCS stamp (runtime/debug.ReadBuildInfo). It also supplies the second
// line of `awsfed --version`; the first stays "awsfed VERSION", which
// `awsfed doctor` compares.
package versioncmd

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/factory"
)

// Info is what a build says of itself.
type Info struct {
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`
	CommitDate string `json:"commit_date,omitempty"`
	Modified   bool   `json:"modified,omitempty"` // built from a work tree with uncommitted changes
	GoVersion  string `json:"go_version"`
}

// Read completes linked — the version, and the commit and its date when the
// linker was given them (a release build: its builder may not stamp VCS
// information, e.g. with -buildvcs=false) — from the build's VCS stamp; read
// is debug.ReadBuildInfo (a parameter so tests can stand in for a stamped
// build).
func Read(linked Info, read func() (*debug.BuildInfo, bool)) Info {
	in := linked
	in.GoVersion = runtime.Version()
	bi, ok := read()
	if !ok {
		return in
	}
	if bi.GoVersion != "" {
		in.GoVersion = bi.GoVersion
	}
	var vcs Info
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			vcs.Commit = s.Value
		case "vcs.time":
			vcs.CommitDate = s.Value
		case "vcs.modified":
			vcs.Modified = s.Value == "true"
		}
	}
	// The stamp speaks only of its own commit: a linked commit it does not
	// match keeps the linked date and is not marked modified.
	if in.Commit == "" || in.Commit == vcs.Commit {
		in.Commit = vcs.Commit
		if in.CommitDate == "" {
			in.CommitDate = vcs.CommitDate
		}
		in.Modified = vcs.Modified
	}
	return in
}

// Details is the line after "awsfed VERSION": commit, date and Go version.
func (in Info) Details() string {
	commit := "commit unknown (a build without a VCS stamp, e.g. go run)"
	if in.Commit != "" {
		c := in.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		commit = "commit " + c
		if in.Modified {
			commit += " with uncommitted changes"
		}
		if in.CommitDate != "" {
			commit += " of " + in.CommitDate
		}
	}
	return commit + ", built with " + in.GoVersion
}

// NewCmd returns `awsfed version`, which prints build (see Read).
func NewCmd(f *factory.Factory, build Info) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print awsfed's version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				enc := json.NewEncoder(f.IO.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(build)
			}
			_, err := fmt.Fprintf(f.IO.Out, "awsfed %s\n%s\n", build.Version, build.Details())
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the version as JSON")
	return cmd
}
