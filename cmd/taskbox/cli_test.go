package main

import (
	"encoding/json"
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
	for _, want := range []string{"--addr", "--db", "--rate-limit", "--demo", "--log-format", "--shutdown-timeout", "--db-timeout", "--db-wait",
		"--session-idle-timeout", "TASKBOX_SESSION_IDLE_TIMEOUT", "--base-url", "--webhook-allow-private", "TASKBOX_BASE_URL", "TASKBOX_WEBHOOK_ALLOW_PRIVATE",
		"--max-webhooks", "TASKBOX_MAX_WEBHOOKS", "--worker", "TASKBOX_WORKER",
		"TASKBOX_ADDR", "TASKBOX_DB_TIMEOUT", "TASKBOX_DATABASE_URL", "TASKBOX_RATE_LIMIT", "TASKBOX_LOG_FORMAT", "127.0.0.1:8080"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("serve --help does not mention %s:\n%s", want, res.Stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	res := mustRunCLI(t, "version")
	first, rest, _ := strings.Cut(res.Stdout, "\n")
	if first != "taskbox "+testVersion {
		t.Errorf("version's first line is %q, want %q", first, "taskbox "+testVersion)
	}
	// The test binary is built with -buildvcs=false: no commit is known.
	for _, want := range []string{"commit:   unknown", "go:       go1."} {
		if !strings.Contains(rest, want) {
			t.Errorf("version printed %q, without %q", res.Stdout, want)
		}
	}
	res = mustRunCLI(t, "version", "--json")
	var b BuildInfo
	if err := json.Unmarshal([]byte(res.Stdout), &b); err != nil || b.Version != testVersion || b.Go == "" {
		t.Errorf("version --json printed %q (%v)", res.Stdout, err)
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

// A wrong invocation exits with its code (2 for a bad flag, argument or
// environment value, 1 for a database or a file at fault) and one clear
// sentence on stderr, no usage dump, nothing on stdout, and, where it is
// refused before the database is touched, no database file left behind.
func TestInvalidInvocations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		env    []string
		args   []string
		code   int
		want   string
		noFile bool // the database file must not have been created
	}{
		{"log format", nil, []string{"serve", "--log-format", "xml"}, exitUsage, `--log-format must be text or json, not "xml"`, true},
		{"negative rate", nil, []string{"serve", "--rate-limit", "-1"}, exitUsage, "--rate-limit must be", true},
		{"rate not a number", nil, []string{"serve", "--rate-limit", "fast"}, exitUsage, `invalid argument "fast" for "--rate-limit"`, true},
		{"rate NaN", nil, []string{"serve", "--rate-limit", "NaN"}, exitUsage, "--rate-limit must be", true},
		{"shutdown timeout", nil, []string{"serve", "--shutdown-timeout", "0s"}, exitUsage, "--shutdown-timeout must be positive", true},
		{"read timeout", nil, []string{"serve", "--read-timeout", "0s"}, exitUsage, "--read-header-timeout, --read-timeout and --idle-timeout must be positive", true},
		{"db timeout", nil, []string{"serve", "--db-timeout", "0s"}, exitUsage, "--db-timeout must be positive", true},
		{"db wait", nil, []string{"serve", "--db-wait", "-1s"}, exitUsage, "--db-wait must be 0 (give up at once) or more", true},
		{"env db wait", []string{"TASKBOX_DB_WAIT=forever"}, []string{"serve"}, exitUsage, `TASKBOX_DB_WAIT="forever"`, true},
		{"max webhooks", nil, []string{"serve", "--max-webhooks", "0"}, exitUsage, "--max-webhooks must be at least 1", true},
		{"env max webhooks", []string{"TASKBOX_MAX_WEBHOOKS=many"}, []string{"serve"}, exitUsage, `TASKBOX_MAX_WEBHOOKS="many"`, true},
		{"session idle timeout", nil, []string{"serve", "--session-idle-timeout", "10s"}, exitUsage, "--session-idle-timeout must be at least 1m", true},
		{"env session idle timeout", []string{"TASKBOX_SESSION_IDLE_TIMEOUT=soon"}, []string{"serve"}, exitUsage, `TASKBOX_SESSION_IDLE_TIMEOUT="soon"`, true},
		{"base url scheme", nil, []string{"serve", "--base-url", "ftp://tasks.example.com"}, exitUsage, `--base-url must be an http or https URL such as https://tasks.example.com, not "ftp://tasks.example.com"`, true},
		{"env base url", []string{"TASKBOX_BASE_URL=tasks.example.com"}, []string{"serve"}, exitUsage, "--base-url must be an http or https URL", true},
		{"smtp url scheme", nil, []string{"serve", "--smtp-url", "http://mail.example.com", "--mail-from", "a@example.com"}, exitUsage, "--smtp-url must be smtp://", true},
		{"smtp without from", nil, []string{"serve", "--smtp-url", "smtp://mail.example.com"}, exitUsage, "--mail-from must be an address", true},
		{"from without smtp", nil, []string{"serve", "--mail-from", "a@example.com"}, exitUsage, "--mail-from needs --smtp-url", true},
		{"env smtp url", []string{"TASKBOX_SMTP_URL=smtp://mail.example.com", "TASKBOX_MAIL_FROM=not an address"}, []string{"serve"}, exitUsage, "--mail-from must be an address", true},
		{"env webhook allow private", []string{"TASKBOX_WEBHOOK_ALLOW_PRIVATE=sometimes"}, []string{"serve"}, exitUsage, `TASKBOX_WEBHOOK_ALLOW_PRIVATE="sometimes"`, true},
		{"env negative rate", []string{"TASKBOX_RATE_LIMIT=-5"}, []string{"serve"}, exitUsage, "--rate-limit must be", true},
		{"env rate not a number", []string{"TASKBOX_RATE_LIMIT=lots"}, []string{"serve"}, exitUsage, `TASKBOX_RATE_LIMIT="lots"`, true},
		{"env log format", []string{"TASKBOX_LOG_FORMAT=xml"}, []string{"serve"}, exitUsage, "--log-format must be text or json", true},
		{"env demo", []string{"TASKBOX_DEMO=perhaps"}, []string{"serve"}, exitUsage, `TASKBOX_DEMO="perhaps"`, true},
		{"unknown flag", nil, []string{"serve", "--nope"}, exitUsage, "unknown flag: --nope", true},
		{"bad port", nil, []string{"serve", "--addr", "127.0.0.1:99999"}, exitUsage, `--addr must be host:port such as 127.0.0.1:8080, not "127.0.0.1:99999": invalid port`, true},
		{"address without port", nil, []string{"serve", "--addr", "localhost"}, exitUsage, `--addr must be host:port such as 127.0.0.1:8080, not "localhost"`, true},
		{"env address", []string{"TASKBOX_ADDR=127.0.0.1:-1"}, []string{"serve"}, exitUsage, `--addr must be host:port such as 127.0.0.1:8080, not "127.0.0.1:-1"`, true},
		{"unreachable postgres", nil, []string{"serve", "--db", "postgres://u:secret@127.0.0.1:1/taskbox?connect_timeout=5", "--db-wait", "0"}, exitFailure, "PostgreSQL", false},
		{"bad time zone", nil, []string{"accounts", "create", "--name", "X", "--timezone", "Mars/Base"}, exitUsage, "--timezone must be an IANA time zone such as Europe/Berlin", true},
		{"local time zone", nil, []string{"accounts", "create", "--name", "X", "--timezone", "Local"}, exitUsage, "--timezone must be an IANA time zone", true},
		{"no account name", nil, []string{"accounts", "create"}, exitUsage, `required flag(s) "name" not set`, true},
		{"blank account name", nil, []string{"accounts", "create", "--name", "   "}, exitUsage, "--name is required", true},
		{"long account name", nil, []string{"accounts", "create", "--name", strings.Repeat("n", 256)}, exitUsage, "--name must be at most 255 characters", true},
		{"name and zone", nil, []string{"accounts", "create", "--name", " ", "--timezone", "Mars/Base"}, exitUsage, "--name is required; --timezone must be an IANA time zone", true},
		{"accounts unknown command", nil, []string{"accounts", "delete"}, exitUsage, `unknown command "delete" for "taskbox accounts"`, true},
		{"key for no account", nil, []string{"keys", "create", "--account", "424242"}, exitFailure, "Account not found", false},
		{"key for account 0", nil, []string{"keys", "create", "--account", "0"}, exitUsage, "--account must be an account id (a positive integer), not 0", true},
		{"keys of account -1", nil, []string{"keys", "list", "--account", "-1"}, exitUsage, "--account must be an account id (a positive integer), not -1", true},
		{"keys create without account", nil, []string{"keys", "create"}, exitUsage, `required flag(s) "account" not set`, true},
		{"keys unknown command", nil, []string{"keys", "rotate"}, exitUsage, `unknown command "rotate" for "taskbox keys"`, true},
		{"revoke not a number", nil, []string{"keys", "revoke", "abc"}, exitUsage, `KEY_ID must be a number, not "abc"`, true},
		{"revoke unknown key", nil, []string{"keys", "revoke", "424242"}, exitFailure, "Key not found", false},
		{"revoke without id", nil, []string{"keys", "revoke"}, exitUsage, "accepts 1 arg(s)", true},
		{"backup without --to", nil, []string{"backup"}, exitUsage, `required flag(s) "to" not set`, true},
		{"bench profile", nil, []string{"bench", "--profile", "heavy"}, exitUsage, `--profile must be create or mixed, not "heavy"`, true},
		{"bench runs", nil, []string{"bench", "--runs", "0"}, exitUsage, "--concurrency, --duration, --lead-maps and --runs must be positive", true},
		{"completion unknown shell", nil, []string{"completion", "tcsh"}, exitUsage, `unknown command "tcsh" for "taskbox completion"`, true},
		{"import delimiter before the server", []string{"TASKBOX_URL=http://127.0.0.1:1", "TASKBOX_API_KEY=tbx_k", "XDG_CONFIG_HOME=/nonexistent"},
			[]string{"import", "leads", "leads.csv", "--campaign", "1", "--delimiter", ";;"}, exitUsage, `--delimiter must be one character such as , or ; (\t for a tab), not ";;"`, true},
		{"outbox retry not an id", nil, []string{"outbox", "retry", "abc"}, exitUsage, `ID must be a task change's id such as 17 or evt_17, not "abc"`, true},
		{"outbox drop zero", nil, []string{"outbox", "drop", "evt_0"}, exitUsage, `ID must be a task change's id such as 17 or evt_17, not "evt_0"`, true},
		{"outbox drop without id", nil, []string{"outbox", "drop"}, exitUsage, "accepts 1 arg(s)", true},
		{"outbox list with an argument", nil, []string{"outbox", "list", "17"}, exitUsage, `unknown command "17" for "taskbox outbox list"`, true},
		{"outbox unknown command", nil, []string{"outbox", "purge"}, exitUsage, `unknown command "purge" for "taskbox outbox"`, true},
		{"unknown command", nil, []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`, true},
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
			if res.Code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", res.Code, c.code, res.Stdout, res.Stderr)
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
