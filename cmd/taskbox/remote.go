package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

// remote holds the flags of every command that talks to a server.
type remote struct {
	Server string // --server
	APIKey string // --api-key
	JSON   bool   // --json
}

const remoteHelp = `
The server and key come from --server and --api-key, else from TASKBOX_URL
and TASKBOX_API_KEY, else from the file written by "taskbox login"
(` + "`taskbox login --help`" + ` says where). A flag wins over the environment,
the environment over the file. Output is a table; --json prints JSON for scripts.
Exit codes: 0 success, 2 usage error, 3 not found, 4 refused by the server
(401, 422, 400, 409, 413), 5 server error or unreachable, 6 an import
rejected rows, 1 anything else (taskbox --help lists them).`

// addRemoteFlags gives a command group the flags of a remote command.
func (r *remote) addRemoteFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&r.Server, "server", "", "the server's URL, such as http://127.0.0.1:8080 (env TASKBOX_URL, or the login config)")
	f.StringVar(&r.APIKey, "api-key", "", "the API key (env TASKBOX_API_KEY, or the login config)")
	f.BoolVar(&r.JSON, "json", false, "print JSON instead of a table")
}

// loginConfig is the file `taskbox login` writes.
type loginConfig struct {
	Server string `json:"server"`
	APIKey string `json:"api_key"`
}

// configPath is where the login config lives: $TASKBOX_CONFIG, else
// taskbox/config.json in the user's config directory.
func configPath() (string, error) {
	if p := os.Getenv("TASKBOX_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config directory (set TASKBOX_CONFIG): %w", err)
	}
	return filepath.Join(dir, "taskbox", "config.json"), nil
}

// readConfig reads the login config; a missing file is an empty config.
func readConfig() (loginConfig, string, error) {
	var c loginConfig
	path, err := configPath()
	if err != nil {
		return c, "", err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, path, nil
	} else if err != nil {
		return c, path, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, path, fmt.Errorf("%s is not a taskbox login config: %v", path, err)
	}
	return c, path, nil
}

// resolve fills the server and key: flag, else environment, else config.
func (r *remote) resolve(cmd *cobra.Command) error {
	cfg, path, err := readConfig()
	if err != nil {
		return err
	}
	pick := func(flag, env, fromConfig string) string {
		if f := cmd.Flags().Lookup(flag); f != nil && f.Changed {
			return f.Value.String()
		}
		if v := os.Getenv(env); v != "" {
			return v
		}
		return fromConfig
	}
	r.Server = strings.TrimSpace(pick("server", "TASKBOX_URL", cfg.Server))
	r.APIKey = strings.TrimSpace(pick("api-key", "TASKBOX_API_KEY", cfg.APIKey))
	switch {
	case r.Server == "":
		return usageError(fmt.Errorf("no server: pass --server URL, set TASKBOX_URL, or run taskbox login (config %s)", path))
	case r.APIKey == "":
		return usageError(fmt.Errorf("no API key: pass --api-key KEY, set TASKBOX_API_KEY, or run taskbox login (config %s)", path))
	}
	return nil
}

// client returns a client of the resolved server.
func (r *remote) client(cmd *cobra.Command) (*client.Client, error) {
	if err := r.resolve(cmd); err != nil {
		return nil, err
	}
	c, err := client.New(r.Server, r.APIKey, client.WithUserAgent("taskbox-cli/"+Version()))
	if err != nil {
		return nil, usageError(fmt.Errorf("--server: %s", taskbox.ErrorMessage(err)))
	}
	return c, nil
}

// idClient parses arg as the id of a what (a usage error if it is no
// positive integer) and returns it with a client of the resolved server:
// the first steps of a command about one object.
func (r *remote) idClient(cmd *cobra.Command, arg, what string) (int64, *client.Client, error) {
	id, err := positiveID(arg, what)
	if err != nil {
		return 0, nil, err
	}
	cl, err := r.client(cmd)
	return id, cl, err
}

// remoteError makes a server's refusal readable, field by field, keeping
// its code for the exit code.
func remoteError(err error) error {
	var e *taskbox.Error
	if !errors.As(err, &e) || len(e.Details) == 0 {
		return err
	}
	lines := []string{e.Message}
	for _, d := range e.Details {
		lines = append(lines, fmt.Sprintf("  %s: %s", d.Field, d.Message))
	}
	return &taskbox.Error{Code: e.Code, Message: strings.Join(lines, "\n"), Details: e.Details}
}

// remoteRun wraps a command's body so that server errors print well.
func remoteRun(run func(cmd *cobra.Command, args []string) error) func(cmd *cobra.Command, args []string) error {
	return func(cmd *cobra.Command, args []string) error {
		return remoteError(run(cmd, args))
	}
}
