// Command taskbox runs the taskbox server and its admin commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // IANA zones even on machines without a zoneinfo database

	"github.com/spf13/cobra"
	"github.com/taskboxhq/taskbox/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "taskbox:", errorText(err))
		os.Exit(exitCode(err))
	}
}

// Main is the program, testable without a process: tests call Run with their
// own arguments, writers and context.
type Main struct {
	Stdout, Stderr io.Writer
	DB             string // --db, shared by every command
}

// Run parses args and runs the chosen command until it ends or ctx is done.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	return root.ExecuteContext(ctx)
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "taskbox",
		Short: "The follow-up tasks of a cold-email team's master inbox, with a SmartLead-compatible API",
		Long: `taskbox is a self-hosted server for the follow-up tasks of a master inbox.
Its POST /api/v1/master-inbox/create-task is wire-compatible with SmartLead's.

The local admin commands (serve, accounts, keys, outbox, migrate, backup) work on
the database of --db (env TASKBOX_DATABASE_URL): an SQLite file path, by
default taskbox.db in the current directory, or a postgres:// URL.

The remote commands (login, tasks, campaigns, leads, import) talk to a
running server through its API: --server and --api-key, or TASKBOX_URL and
TASKBOX_API_KEY, or the file written by taskbox login.

Shell completion: taskbox completion bash|zsh|fish|powershell --help.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		// The environment is read here, not as the flag's default, so that
		// --help never shows a database URL with its password.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return applyEnv(cmd.Flags(), map[string]string{"db": "TASKBOX_DATABASE_URL"})
		},
	}
	root.PersistentFlags().StringVar(&m.DB, "db", "taskbox.db",
		"database: an SQLite file path or a postgres:// URL (env TASKBOX_DATABASE_URL)")
	root.AddCommand(m.serveCommand(), m.accountsCommand(), m.keysCommand(), m.membersCommand(), m.benchCommand(), m.benchReferenceCommand(),
		m.outboxCommand(), m.migrateCommand(), m.backupCommand(), m.versionCommand())
	root.AddCommand(m.loginCommand(), m.tasksCommand(), m.campaignsCommand(), m.leadsCommand(), m.importCommand())
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError(err) })
	// cobra's completion command, made now rather than at Execute, so that
	// an unknown shell is a usage error as in every other command group.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			group(c)
		}
	}
	return root
}

// openDB opens and migrates the database of --db.
func (m *Main) openDB(ctx context.Context, opts ...store.Option) (*store.DB, error) {
	db, err := store.Open(ctx, m.DB, opts...)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
