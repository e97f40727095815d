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
	in := Read("v1.2.3", stamped)
	want := Info{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", CommitDate: "2026-12-01T02:00:00Z", Modified: true, GoVersion: "go1.26.8"}
	if in != want {
		t.Fatalf("Read = %+v, want %+v", in, want)
	}
	if got := in.Details(); got != "commit 0123456789ab with uncommitted changes of 2026-12-01T02:00:00Z, built with go1.26.8" {
		t.Errorf("Details = %q", got)
	}
	bare := Read("dev", func() (*debug.BuildInfo, bool) { return nil, false })
	if bare.Commit != "" || !strings.Contains(bare.Details(), "commit unknown") || bare.GoVersion == "" {
		t.Errorf("unstamped build: %+v, %q", bare, bare.Details())
	}
}
