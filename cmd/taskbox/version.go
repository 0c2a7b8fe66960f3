package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version, commit and buildDate are stamped by scripts/release with
// -ldflags "-X main.version=v1.2.3 -X main.commit=… -X main.buildDate=…".
// Without them, the module version and the commit come from the build
// information the go command records (go install …@v1.2.3 sets the module
// version; a build in a git checkout records the commit and its time).
var (
	version   = ""
	commit    = ""
	buildDate = ""
)

// Version returns the build's version: the stamped one, else the module's,
// else "dev".
func Version() string {
	return buildInfo(version, commit, buildDate, debug.ReadBuildInfo).Version
}

// BuildInfo is what `taskbox version` prints.
type BuildInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit"`      // the VCS revision, "" when unknown
	CommitTime string `json:"commit_time"` // when that commit was made
	Modified   bool   `json:"modified"`    // built from a work tree with uncommitted changes
	BuildDate  string `json:"build_date"`  // stamped by the release script, "" otherwise
	Go         string `json:"go"`
	Platform   string `json:"platform"`
}

// buildInfo assembles BuildInfo from the stamped values and read, which is
// debug.ReadBuildInfo outside tests.
func buildInfo(stamped, stampedCommit, built string, read func() (*debug.BuildInfo, bool)) BuildInfo {
	b := BuildInfo{Version: stamped, Commit: stampedCommit, BuildDate: built, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := read()
	if ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				b.CommitTime = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// write prints b as `taskbox version` shows it: the version on the first
// line (as scripts compare it), then one line per known fact.
func (b BuildInfo) write(w io.Writer) {
	fmt.Fprintln(w, "taskbox", b.Version)
	rev := b.Commit
	if rev == "" {
		rev = "unknown"
	} else if b.Modified {
		rev += " (modified)"
	}
	fmt.Fprintln(w, "  commit:  ", rev)
	if b.CommitTime != "" {
		fmt.Fprintln(w, "  committed:", b.CommitTime)
	}
	if b.BuildDate != "" {
		fmt.Fprintln(w, "  built:   ", b.BuildDate)
	}
	fmt.Fprintln(w, "  go:      ", b.Go, b.Platform)
}

func (m *Main) versionCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit and the build date",
		Long: `Prints the version of this binary on the first line ("taskbox v1.2.3"),
then the commit it was built from, that commit's time, the build date (for
release builds) and the Go version and platform. --json prints one object.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := buildInfo(version, commit, buildDate, debug.ReadBuildInfo)
			if asJSON {
				return json.NewEncoder(m.Stdout).Encode(b)
			}
			b.write(m.Stdout)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
