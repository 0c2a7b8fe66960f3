package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"
)

func (m *Main) keysCommand() *cobra.Command {
	cmd := group(&cobra.Command{Use: "keys", Short: "Manage the API keys of an account"})
	cmd.AddCommand(m.keysCreateCommand(), m.keysListCommand(), m.keysRevokeCommand())
	return cmd
}

func (m *Main) keysCreateCommand() *cobra.Command {
	var (
		account  int64
		member   int64
		name     string
		jsonFlag bool
	)
	cmd := &cobra.Command{
		Use:   "create --account ID [--member ID] [--name NAME] [--json]",
		Short: "Create another API key for an account",
		Long: `Create another API key for an account. The key is printed only here. It
belongs to the team member --member, else to the account's oldest admin (the
Owner), and acts as that member. With --json one JSON object is printed:
{"key_id", "account_id", "name", "api_key"}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAccountID(account); err != nil {
				return err
			}
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			key, err := db.CreateMemberKey(cmd.Context(), account, member, name)
			if err != nil {
				return cliError(err)
			}
			if jsonFlag {
				return printJSON(m.Stdout, struct {
					KeyID     int64  `json:"key_id"`
					AccountID int64  `json:"account_id"`
					Name      string `json:"name"`
					APIKey    string `json:"api_key"`
				}{key.ID, key.AccountID, key.Name, key.Secret})
			}
			fmt.Fprintf(m.Stdout, "Created key %d (%s) for account %d.\nAPI key (shown only now): %s\n", key.ID, printable(key.Name), key.AccountID, key.Secret)
			return nil
		},
	}
	cmd.Flags().Int64Var(&account, "account", 0, "the account's id (required)")
	cmd.Flags().Int64Var(&member, "member", 0, "the team member the key belongs to (default: the account's oldest admin)")
	cmd.Flags().StringVar(&name, "name", "key", "a name to tell the key apart")
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	_ = cmd.MarkFlagRequired("account")
	return cmd
}

func (m *Main) keysListCommand() *cobra.Command {
	var (
		account  int64
		jsonFlag bool
	)
	cmd := &cobra.Command{
		Use:   "list --account ID [--json]",
		Short: "List an account's keys: ids, names, prefixes and last use, never a key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAccountID(account); err != nil {
				return err
			}
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			keys, err := db.ListKeys(cmd.Context(), account)
			if err != nil {
				return cliError(err)
			}
			if jsonFlag {
				return printJSON(m.Stdout, map[string]any{"keys": keys})
			}
			tw := table(m.Stdout, "ID", "NAME", "PREFIX", "CREATED", "LAST USED", "REVOKED")
			for _, k := range keys {
				cells(tw, k.ID, k.Name, k.Prefix+"…", k.CreatedAt.Format(time.RFC3339), orDash(k.LastUsedAt), orDash(k.RevokedAt))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().Int64Var(&account, "account", 0, "the account's id (required)")
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	_ = cmd.MarkFlagRequired("account")
	return cmd
}

func (m *Main) keysRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke KEY_ID",
		Short: "Revoke a key; requests with it get 401 at once",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usageError(fmt.Errorf("KEY_ID must be a number, not %q", args[0]))
			}
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.RevokeKey(cmd.Context(), id); err != nil {
				return cliError(err)
			}
			fmt.Fprintf(m.Stdout, "Key %d revoked.\n", id)
			return nil
		},
	}
}

// checkAccountID refuses an --account that can name no account, before the
// database is opened.
func checkAccountID(id int64) error {
	if id <= 0 {
		return usageError(fmt.Errorf("--account must be an account id (a positive integer), not %d", id))
	}
	return nil
}

func orDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
