package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (m *Main) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the schema migrations without serving",
		Long:  "Apply every schema migration not yet applied to --db, then exit. serve does this at start too.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintln(m.Stdout, "migrations applied")
			return nil
		},
	}
}
