package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (m *Main) loginCommand() *cobra.Command {
	var r remote
	cmd := &cobra.Command{
		Use:   "login --server URL [--api-key KEY]",
		Short: "Save a server and API key for the remote commands",
		Long: `Check the API key against the server and save both in a config file that
the remote commands (tasks, campaigns, leads, import) read when neither a
flag nor TASKBOX_URL / TASKBOX_API_KEY gives them.

Without --api-key the key is read from the terminal without echo, or from
the first line of standard input. The file is
$TASKBOX_CONFIG, else taskbox/config.json in the user's config directory
($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on
macOS, %AppData% on Windows), written with mode 0600.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("api-key") && os.Getenv("TASKBOX_API_KEY") == "" {
				key, err := m.readKey()
				if err != nil {
					return err
				}
				r.APIKey = key
				_ = cmd.Flags().Set("api-key", key)
			}
			c, err := r.client(cmd)
			if err != nil {
				return err
			}
			if _, err := c.ListCampaigns(cmd.Context()); err != nil {
				return err // a wrong key or server is not saved
			}
			path, err := writeConfig(loginConfig{Server: r.Server, APIKey: r.APIKey})
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, map[string]string{"server": r.Server, "config": path})
			}
			fmt.Fprintf(m.Stdout, "Logged in to %s. Saved to %s.\n", r.Server, path)
			return nil
		}),
	}
	r.addRemoteFlags(cmd)
	return cmd
}

// readKey reads an API key from the terminal without echo, or from stdin.
func (m *Main) readKey() (string, error) {
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		fmt.Fprint(m.Stderr, "API key: ")
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(m.Stderr)
		return strings.TrimSpace(string(b)), err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if key := strings.TrimSpace(line); key != "" {
		return key, nil
	}
	return "", usageError(fmt.Errorf("no API key: pass --api-key or give it on standard input (%v)", err))
}

// writeConfig writes the login config with mode 0600, atomically: a
// half-written file never replaces a good one.
func writeConfig(c loginConfig) (string, error) {
	path, err := configPath()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.json")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}
