package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (m *Main) backupCommand() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "backup --to FILE",
		Short: "Write an online, consistent copy of the SQLite database",
		Long: `Write a consistent copy of the SQLite database of --db to FILE while the
server keeps running (SQLite's VACUUM INTO). FILE must not exist.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Backup(cmd.Context(), to); err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, "backup written to", to)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the file to write (required)")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
