package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Every command's --help exits 0 and names every flag the command takes,
// its own and the inherited --db. The commands are found by walking the
// real command tree, so a new command is covered without touching this test.
func TestHelpOfEveryCommand(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		var flags []string
		visit := func(f *pflag.Flag) {
			if f.Name != "help" && !f.Hidden {
				flags = append(flags, "--"+f.Name)
			}
		}
		c.LocalFlags().VisitAll(visit)
		c.InheritedFlags().VisitAll(visit)
		t.Run(strings.Join(append([]string{"taskbox"}, path...), "_"), func(t *testing.T) {
			t.Parallel()
			res := runCLI(t, nil, append(path, "--help")...)
			if res.Code != 0 {
				t.Fatalf("exit %d\n%s", res.Code, res.Stderr)
			}
			for _, want := range append(flags, "Usage:") {
				if !strings.Contains(res.Stdout, want) {
					t.Errorf("--help does not mention %s:\n%s", want, res.Stdout)
				}
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&Main{}).rootCommand())
}

// serve's help names each flag's environment variable, and never shows a
// database password that the environment holds.
func TestServeHelpNamesTheEnvironment(t *testing.T) {
	t.Parallel()
	res := runCLI(t, []string{"TASKBOX_DATABASE_URL=postgres://u:hunter2@127.0.0.1:1/x"}, "serve", "--help")
	if strings.Contains(res.Stdout, "hunter2") {
		t.Errorf("serve --help shows the password of TASKBOX_DATABASE_URL:\n%s", res.Stdout)
	}
	for _, want := range []string{"--addr", "--db", "--rate-limit", "--demo", "--log-format", "--shutdown-timeout", "--db-timeout",
		"--session-idle-timeout", "TASKBOX_SESSION_IDLE_TIMEOUT", "--base-url", "--webhook-allow-private", "TASKBOX_BASE_URL", "TASKBOX_WEBHOOK_ALLOW_PRIVATE",
		"TASKBOX_ADDR", "TASKBOX_DB_TIMEOUT", "TASKBOX_DATABASE_URL", "TASKBOX_RATE_LIMIT", "TASKBOX_LOG_FORMAT", "127.0.0.1:8080"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("serve --help does not mention %s:\n%s", want, res.Stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	res := mustRunCLI(t, "version")
	if res.Stdout != "taskbox "+testVersion+"\n" {
		t.Errorf("version printed %q, want %q", res.Stdout, "taskbox "+testVersion+"\n")
	}
}

// migrate on a fresh file creates the schema and can run again; it creates
// no account, so the first serve afterwards still prints the default key.
func TestMigrateFreshDatabase(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	for i := 0; i < 2; i++ {
		if res := mustRunCLI(t, "migrate", "--db", db); !strings.Contains(res.Stdout, "migrations applied") {
			t.Errorf("migrate printed %q", res.Stdout)
		}
	}
	s := startServer(t, db)
	if s.Key == "" {
		t.Error("the first serve after migrate printed no key")
	}
	s.stopCleanly(t)
}

// A wrong invocation exits non-zero with one clear sentence on stderr,
// no usage dump, nothing on stdout, and, where it is refused before the
// database is touched, no database file left behind.
func TestInvalidInvocations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		env    []string
		args   []string
		want   string
		noFile bool // the database file must not have been created
	}{
		{"log format", nil, []string{"serve", "--log-format", "xml"}, `--log-format must be text or json, not "xml"`, true},
		{"negative rate", nil, []string{"serve", "--rate-limit", "-1"}, "--rate-limit must be", true},
		{"rate not a number", nil, []string{"serve", "--rate-limit", "fast"}, `invalid argument "fast" for "--rate-limit"`, true},
		{"rate NaN", nil, []string{"serve", "--rate-limit", "NaN"}, "--rate-limit must be", true},
		{"shutdown timeout", nil, []string{"serve", "--shutdown-timeout", "0s"}, "--shutdown-timeout must be positive", true},
		{"db timeout", nil, []string{"serve", "--db-timeout", "0s"}, "--db-timeout must be positive", true},
		{"session idle timeout", nil, []string{"serve", "--session-idle-timeout", "10s"}, "--session-idle-timeout must be at least 1m", true},
		{"env session idle timeout", []string{"TASKBOX_SESSION_IDLE_TIMEOUT=soon"}, []string{"serve"}, `TASKBOX_SESSION_IDLE_TIMEOUT="soon"`, true},
		{"base url scheme", nil, []string{"serve", "--base-url", "ftp://tasks.example.com"}, `--base-url must be an http or https URL such as https://tasks.example.com, not "ftp://tasks.example.com"`, true},
		{"env base url", []string{"TASKBOX_BASE_URL=tasks.example.com"}, []string{"serve"}, "--base-url must be an http or https URL", true},
		{"env webhook allow private", []string{"TASKBOX_WEBHOOK_ALLOW_PRIVATE=sometimes"}, []string{"serve"}, `TASKBOX_WEBHOOK_ALLOW_PRIVATE="sometimes"`, true},
		{"env negative rate", []string{"TASKBOX_RATE_LIMIT=-5"}, []string{"serve"}, "--rate-limit must be", true},
		{"env rate not a number", []string{"TASKBOX_RATE_LIMIT=lots"}, []string{"serve"}, `TASKBOX_RATE_LIMIT="lots"`, true},
		{"env log format", []string{"TASKBOX_LOG_FORMAT=xml"}, []string{"serve"}, "--log-format must be text or json", true},
		{"env demo", []string{"TASKBOX_DEMO=perhaps"}, []string{"serve"}, `TASKBOX_DEMO="perhaps"`, true},
		{"unknown flag", nil, []string{"serve", "--nope"}, "unknown flag: --nope", true},
		{"bad address", nil, []string{"serve", "--addr", "127.0.0.1:99999"}, "invalid port", false},
		{"unreachable postgres", nil, []string{"serve", "--db", "postgres://u:secret@127.0.0.1:1/taskbox?connect_timeout=5"}, "PostgreSQL", false},
		{"bad time zone", nil, []string{"accounts", "create", "--name", "X", "--timezone", "Mars/Olympus_Mons"}, "--timezone must be an IANA time zone", true},
		{"no account name", nil, []string{"accounts", "create"}, `required flag(s) "name" not set`, true},
		{"blank account name", nil, []string{"accounts", "create", "--name", "   "}, "--name is required", true},
		{"key for no account", nil, []string{"keys", "create", "--account", "424242"}, "Account not found", false},
		{"keys create without account", nil, []string{"keys", "create"}, `required flag(s) "account" not set`, true},
		{"revoke not a number", nil, []string{"keys", "revoke", "abc"}, `KEY_ID must be a number, not "abc"`, true},
		{"revoke unknown key", nil, []string{"keys", "revoke", "424242"}, "Key not found", false},
		{"revoke without id", nil, []string{"keys", "revoke"}, "accepts 1 arg(s)", true},
		{"backup without --to", nil, []string{"backup"}, `required flag(s) "to" not set`, true},
		{"unknown command", nil, []string{"frobnicate"}, `unknown command "frobnicate"`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := freshDB(t)
			args := c.args
			if !strings.Contains(strings.Join(args, " "), "--db") {
				args = append(args, "--db", db)
			}
			res := runCLI(t, c.env, args...)
			if res.Code == 0 {
				t.Fatalf("exit 0, want an error\nstdout: %s", res.Stdout)
			}
			if !strings.HasPrefix(res.Stderr, "taskbox: ") || !strings.Contains(res.Stderr, c.want) {
				t.Errorf("stderr = %q, want \"taskbox: …%s…\"", res.Stderr, c.want)
			}
			if strings.Contains(res.Stderr, "Usage:") || res.Stdout != "" {
				t.Errorf("a usage dump or output on stdout:\nstdout: %s\nstderr: %s", res.Stdout, res.Stderr)
			}
			if strings.Contains(res.Stderr, "secret") {
				t.Errorf("the error shows the database password: %s", res.Stderr)
			}
			if c.noFile && fileExists(db) {
				t.Errorf("the refused command created %s", filepath.Base(db))
			}
		})
	}
}

// backup copies SQLite files; on PostgreSQL it says what to use instead.
func TestBackupRefusesPostgreSQL(t *testing.T) {
	t.Parallel()
	if testdb.Backend() != "postgres" {
		t.Skip("runs when " + testdb.PostgresEnv + " names a PostgreSQL server")
	}
	to := filepath.Join(t.TempDir(), "copy.db")
	res := runCLI(t, nil, "backup", "--to", to, "--db", backendDB(t))
	if res.Code == 0 || !strings.Contains(res.Stderr, "pg_dump") {
		t.Errorf("backup of PostgreSQL: exit %d, stderr %q; want an error naming pg_dump", res.Code, res.Stderr)
	}
	if fileExists(to) {
		t.Errorf("backup of PostgreSQL wrote %s", to)
	}
}
