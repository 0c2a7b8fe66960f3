package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
)

func (m *Main) accountsCommand() *cobra.Command {
	cmd := group(&cobra.Command{Use: "accounts", Short: "Manage accounts (workspaces)"})
	var (
		n        taskbox.NewAccount
		jsonFlag bool
	)
	create := &cobra.Command{
		Use:   "create --name NAME [--timezone ZONE] [--json]",
		Short: "Create an account and its first API key",
		Long: `Create an account (a workspace with its own campaigns, leads and tasks) and its
first API key. The key is printed only here; the server keeps only its hash.
With --json one JSON object is printed: {"account_id", "name", "api_key"}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := n.Validate(); err != nil {
				return cliError(err) // before the database is opened, or created
			}
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			acct, key, err := db.CreateAccount(cmd.Context(), n)
			if err != nil {
				return cliError(err)
			}
			if jsonFlag {
				return printJSON(m.Stdout, struct {
					AccountID int64  `json:"account_id"`
					Name      string `json:"name"`
					Timezone  string `json:"timezone"`
					APIKey    string `json:"api_key"`
				}{acct.ID, acct.Name, acct.Timezone, key.Secret})
			}
			fmt.Fprintf(m.Stdout, "Created account %q (id %d, time zone %s).\nAPI key (shown only now): %s\n", acct.Name, acct.ID, acct.Timezone, key.Secret)
			return nil
		},
	}
	create.Flags().StringVar(&n.Name, "name", "", "the account's name (required)")
	create.Flags().StringVar(&n.Timezone, "timezone", "UTC", "IANA time zone for due dates without an offset")
	create.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	_ = create.MarkFlagRequired("name")
	cmd.AddCommand(create)
	return cmd
}

// printJSON writes v as one JSON object on one line.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// cliError turns a domain error into its sentence; a faulty field is named
// as the flag that set it: "--timezone must be an IANA time zone …", a
// usage error, since the flag's value is at fault.
func cliError(err error) error {
	var e *taskbox.Error
	if !errors.As(err, &e) {
		return err
	}
	if len(e.Details) == 0 {
		return errors.New(e.Message)
	}
	lines := make([]string, len(e.Details))
	for i, d := range e.Details {
		lines[i] = fmt.Sprintf("--%s %s", d.Field, d.Message)
	}
	err = errors.New(strings.Join(lines, "; "))
	if e.Code == taskbox.EINVALID {
		return usageError(err)
	}
	return err
}
