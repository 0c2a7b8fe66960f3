package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

// A build in a git checkout records the commit; `go install …@v1.2.3`
// records the module version; the release script stamps both variables.
func TestBuildInfo(t *testing.T) {
	read := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{
			Main: debug.Module{Path: "github.com/taskboxhq/taskbox", Version: "v1.4.0"},
			Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "3878f28c0ffee"},
				{Key: "vcs.time", Value: "2026-12-02T10:00:00Z"},
				{Key: "vcs.modified", Value: "true"},
			},
		}, true
	}
	b := buildInfo("", "", "", read)
	if b.Version != "v1.4.0" || b.Commit != "3878f28c0ffee" || b.CommitTime != "2026-12-02T10:00:00Z" || !b.Modified {
		t.Fatalf("buildInfo = %+v", b)
	}
	var out bytes.Buffer
	b.write(&out)
	for _, want := range []string{"taskbox v1.4.0\n", "3878f28c0ffee (modified)", "committed: 2026-12-02T10:00:00Z"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed %q, without %q", out.String(), want)
		}
	}

	devel := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true
	}
	if v := buildInfo("", "", "", devel).Version; v != "dev" {
		t.Errorf("a devel build's version is %q, want dev", v)
	}

	b = buildInfo("v9.9.9", "abc123", "2026-12-06T00:00:00Z", devel)
	if b.Version != "v9.9.9" || b.Commit != "abc123" || b.BuildDate != "2026-12-06T00:00:00Z" {
		t.Errorf("stamped build: %+v", b)
	}
}
