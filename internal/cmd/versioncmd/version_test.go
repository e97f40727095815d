package versioncmd

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestReadTheBuildStamp(t *testing.T) {
	stamped := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-01T02:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		}}, true
	}
	in := Read(Info{Version: "v1.2.3"}, stamped)
	want := Info{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", CommitDate: "2026-12-01T02:00:00Z", Modified: true, GoVersion: "go1.26.8"}
	if in != want {
		t.Fatalf("Read = %+v, want %+v", in, want)
	}
	if got := in.Details(); got != "commit 0123456789ab with uncommitted changes of 2026-12-01T02:00:00Z, built with go1.26.8" {
		t.Errorf("Details = %q", got)
	}
	bare := Read(Info{Version: "dev"}, func() (*debug.BuildInfo, bool) { return nil, false })
	if bare.Commit != "" || !strings.Contains(bare.Details(), "commit unknown") || bare.GoVersion == "" {
		t.Errorf("unstamped build: %+v, %q", bare, bare.Details())
	}
}

// A release build is linked with its version, commit and date (-ldflags -X)
// and may carry no VCS stamp at all (-buildvcs=false): the linked values are
// the answer, and a stamp of another commit does not overwrite them.
func TestReadTheLinkedRelease(t *testing.T) {
	linked := Info{Version: "1.2.3", Commit: "fedcba9876543210fedcba9876543210fedcba98", CommitDate: "2026-12-01T03:00:00Z"}
	unstamped := func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{GoVersion: "go1.26.8"}, true }
	in := Read(linked, unstamped)
	if got := in.Details(); got != "commit fedcba987654 of 2026-12-01T03:00:00Z, built with go1.26.8" {
		t.Errorf("unstamped release: Details = %q", got)
	}
	other := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.modified", Value: "true"},
		}}, true
	}
	if in := Read(linked, other); in.Commit != linked.Commit || in.CommitDate != linked.CommitDate || in.Modified {
		t.Errorf("a stamp of another commit changed the linked one: %+v", in)
	}
	same := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: linked.Commit},
			{Key: "vcs.time", Value: "2026-12-01T03:00:00Z"},
		}}, true
	}
	if in := Read(Info{Version: "1.2.3", Commit: linked.Commit}, same); in.CommitDate != "2026-12-01T03:00:00Z" {
		t.Errorf("the stamp of the linked commit did not supply its date: %+v", in)
	}
}
