package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func (m *Main) membersCommand() *cobra.Command {
	cmd := group(&cobra.Command{Use: "members", Short: "Manage the team members of an account",
		Long: `Manage the team members of an account: every API key belongs to a member and
acts as it, and a member with an email signs in to the web inbox with a
password it chooses through a one-time link. These commands act on the
database directly, as an admin of the account. See docs/team.md.`})
	cmd.AddCommand(m.membersAddCommand(), m.membersListCommand(), m.membersUpdateCommand(),
		m.membersRemoveCommand(), m.membersPasswdCommand())
	return cmd
}

// memberOutput is the JSON of `members add`.
type memberOutput struct {
	MemberID  int64   `json:"team_member_id"`
	AccountID int64   `json:"account_id"`
	Name      string  `json:"name"`
	Email     *string `json:"email"`
	Role      string  `json:"role"`
	Timezone  *string `json:"timezone"`
	APIKey    string  `json:"api_key"`
	SetupURL  *string `json:"password_setup_url"`
}

// adminContext opens the database and returns a context acting as the
// local admin of the account (accountID), or of the member's account.
func (m *Main) adminContext(ctx context.Context, accountID, memberID int64) (context.Context, *store.DB, error) {
	db, err := m.openDB(ctx)
	if err != nil {
		return nil, nil, err
	}
	var acct *taskbox.Account
	if accountID != 0 {
		acct, err = db.FindAccountByID(ctx, accountID)
	} else {
		acct, err = db.MemberAccount(ctx, memberID)
	}
	if err != nil {
		db.Close()
		return nil, nil, cliError(err)
	}
	return taskbox.NewContextWithActor(ctx, taskbox.LocalAdmin(acct)), db, nil
}

// setupURL is a setup link: baseURL (else the one the server last started
// with, else serve's default address) and the token.
func setupURL(ctx context.Context, db *store.DB, baseURL, token string) (string, error) {
	if baseURL == "" {
		var err error
		if baseURL, err = db.BaseURL(ctx); err != nil {
			return "", err
		}
	}
	if baseURL == "" {
		baseURL = "http://" + defaultAddr
	}
	return strings.TrimRight(baseURL, "/") + "/setup/" + url.PathEscape(token), nil
}

// checkBaseURL refuses a --base-url that is not an http(s) URL.
func checkBaseURL(s string) error {
	if s == "" {
		return nil
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError(fmt.Errorf("--base-url must be an http or https URL such as https://tasks.example.com, not %q", s))
	}
	return nil
}

func (m *Main) membersAddCommand() *cobra.Command {
	var (
		account    int64
		n          taskbox.NewMember
		role, base string
		jsonFlag   bool
	)
	cmd := &cobra.Command{
		Use:   "add --account ID --name NAME --email EMAIL [--role admin|member] [--timezone ZONE] [--base-url URL] [--json]",
		Short: "Add a team member: its first API key and a one-time link to choose a web password",
		Long: `Add a member to an account's team. It gets its first API key, printed only
here, and a one-time link, valid 24 hours, where it chooses the password it
signs in to the web inbox with (with its email). The link starts with
--base-url, else with the base URL the server last started with.
An email is unique among the server's active members.
With --json one JSON object is printed: {"team_member_id", "account_id",
"name", "email", "role", "timezone", "api_key", "password_setup_url"}.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAccountID(account); err != nil {
				return err
			}
			if err := checkBaseURL(base); err != nil {
				return err
			}
			n.Role = taskbox.Role(role)
			if err := n.Validate(); err != nil {
				return cliError(err)
			}
			ctx, db, err := m.adminContext(cmd.Context(), account, 0)
			if err != nil {
				return err
			}
			defer db.Close()
			created, err := db.CreateMember(ctx, n)
			if err != nil {
				return cliError(err)
			}
			link, err := setupURL(ctx, db, base, created.SetupToken)
			if err != nil {
				return err
			}
			out := memberOutput{MemberID: created.ID, AccountID: account, Name: created.Name, Email: created.Email,
				Role: string(created.Role), Timezone: created.Timezone, APIKey: created.Key.Secret, SetupURL: &link}
			if jsonFlag {
				return printJSON(m.Stdout, out)
			}
			fmt.Fprintf(m.Stdout, "Added %s (team member %d, %s) to account %d.\nAPI key (shown only now): %s\n"+
				"Password setup link (valid 24 hours, once): %s\n", printable(created.Name), created.ID, created.Role, account, created.Key.Secret, link)
			return nil
		},
	}
	f := cmd.Flags()
	f.Int64Var(&account, "account", 0, "the account's id (required)")
	f.StringVar(&n.Name, "name", "", "the member's name (required)")
	f.StringVar(&n.Email, "email", "", "the email the member signs in with (required)")
	f.StringVar(&role, "role", "member", "admin (manages members and settings) or member (works tasks)")
	f.StringVar(&n.Timezone, "timezone", "", "IANA time zone (default: the account's)")
	f.StringVar(&base, "base-url", "", "the server's public URL, for the setup link (default: the one the server last started with)")
	f.BoolVar(&jsonFlag, "json", false, "print one JSON object")
	for _, name := range []string{"account", "name", "email"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func (m *Main) membersListCommand() *cobra.Command {
	var (
		account  int64
		jsonFlag bool
	)
	cmd := &cobra.Command{
		Use:   "list --account ID [--json]",
		Short: "List an account's active team members",
		Long: `List an account's active team members, oldest first. With --json one object
is printed: {"data": [{"id", "name", "email", "role", "timezone", "created_at"}]},
the answer of GET /api/v1/team-members.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAccountID(account); err != nil {
				return err
			}
			ctx, db, err := m.adminContext(cmd.Context(), account, 0)
			if err != nil {
				return err
			}
			defer db.Close()
			members, err := db.ListMembers(ctx)
			if err != nil {
				return cliError(err)
			}
			if jsonFlag {
				return printJSON(m.Stdout, map[string]any{"data": members})
			}
			tw := table(m.Stdout, "ID", "NAME", "EMAIL", "ROLE", "TIMEZONE", "PASSWORD", "CREATED")
			for _, mb := range members {
				zone, pw := "(account's)", "no"
				if mb.Timezone != nil {
					zone = *mb.Timezone
				}
				if mb.HasPassword {
					pw = "yes"
				}
				cells(tw, mb.ID, mb.Name, str(mb.Email), mb.Role, zone, pw, mb.CreatedAt.String())
			}
			return tw.Flush()
		},
	}
	cmd.Flags().Int64Var(&account, "account", 0, "the account's id (required)")
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	_ = cmd.MarkFlagRequired("account")
	return cmd
}

func (m *Main) membersUpdateCommand() *cobra.Command {
	var (
		name, email, role, zone string
		jsonFlag                bool
		st                      settingFlags
	)
	cmd := &cobra.Command{
		Use:   "update ID [--name NAME] [--email EMAIL] [--role admin|member] [--timezone ZONE] [--digest daily|off] [--digest-hour H] [--digest-days 1,2,3,4,5] [--default-reminders PT15M,P1D] [--work-hours 09:00-17:00]",
		Short: "Change a team member's name, email, role, time zone or notification settings",
		Long: `Change the fields given; the others stay. --email "" removes the email (and
with it sign-in by password); --timezone "" goes back to the account's zone.
An account keeps at least one admin.

The notification settings: --digest daily|off (the morning digest by email),
--digest-hour (0-23, in the member's zone), --digest-days (ISO weekdays,
1 Monday to 7 Sunday), --default-reminders (up to 5 ISO 8601 durations a new
task assigned to the member takes, "" for none) and --work-hours (the
member's working hours, HH:MM-HH:MM, for SmartLead's business-hours durations).`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := positiveID(args[0], "team member")
			if err != nil {
				return err
			}
			fl := cmd.Flags()
			u := &taskbox.MemberUpdate{}
			if fl.Changed("name") {
				u.Name = &name
			}
			if fl.Changed("email") {
				u.Email = &email
			}
			if fl.Changed("role") {
				r := taskbox.Role(role)
				u.Role = &r
			}
			if fl.Changed("timezone") {
				u.TimezoneSet = true
				if zone != "" {
					u.Timezone = &zone
				}
			}
			var fe taskbox.FieldErrors
			st.apply(fl, u, &fe)
			if u.Empty() {
				return usageError(errors.New("nothing to change: give at least one of the flags"))
			}
			if u.Validate(&fe); fe != nil {
				return cliError(fe.Err())
			}
			ctx, db, err := m.adminContext(cmd.Context(), 0, id)
			if err != nil {
				return err
			}
			defer db.Close()
			mb, err := db.UpdateMember(ctx, id, u)
			if err != nil {
				return cliError(err)
			}
			if jsonFlag {
				return printJSON(m.Stdout, mb)
			}
			fmt.Fprintf(m.Stdout, "Team member %d updated: %s, %s, email %s.\n", mb.ID, printable(mb.Name), mb.Role, str(mb.Email))
			fmt.Fprintf(m.Stdout, "Digest %s at %02d:00 on days %v; default reminders %v; working hours %s-%s.\n",
				mb.Digest, mb.DigestHour, mb.DigestDays, mb.DefaultReminders, mb.WorkHours.Start, mb.WorkHours.End)
			return nil
		},
	}
	f := cmd.Flags()
	st.register(f)
	f.StringVar(&name, "name", "", "the new name")
	f.StringVar(&email, "email", "", `the new email ("" removes it)`)
	f.StringVar(&role, "role", "", "admin or member")
	f.StringVar(&zone, "timezone", "", `IANA time zone ("" means the account's)`)
	f.BoolVar(&jsonFlag, "json", false, "print the member as one JSON object")
	return cmd
}

func (m *Main) membersRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a team member: its keys and web sessions end, its open tasks and leads become unassigned",
		Long: `Remove a team member. Its API keys are revoked and its web sessions end at
once; its open tasks and the lead maps it owns become unassigned (each task
change is an audit entry and a TASK_ASSIGNED event). Audit trails keep its
name. The account's last admin cannot be removed.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := positiveID(args[0], "team member")
			if err != nil {
				return err
			}
			ctx, db, err := m.adminContext(cmd.Context(), 0, id)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.RemoveMember(ctx, id); err != nil {
				var e *taskbox.Error
				if errors.As(err, &e) && e.Code == taskbox.EINVALID && len(e.Details) == 1 && e.Details[0].Field == "id" {
					// The id is an argument, not a flag: no "--id" here.
					return usageError(fmt.Errorf("team member %d %s", id, e.Details[0].Message))
				}
				return cliError(err)
			}
			fmt.Fprintf(m.Stdout, "Team member %d removed.\n", id)
			return nil
		},
	}
}

func (m *Main) membersPasswdCommand() *cobra.Command {
	var (
		base     string
		jsonFlag bool
	)
	cmd := &cobra.Command{
		Use:   "passwd ID [--base-url URL] [--json]",
		Short: "Make a new one-time link where a team member chooses its web password",
		Long: `Make a new one-time link, valid 24 hours, where a team member with an email
chooses a new web password; an earlier link stops working. The current
password works until the new one is chosen, which ends the member's other
web sessions. With --json: {"team_member_id", "password_setup_url"}.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := positiveID(args[0], "team member")
			if err != nil {
				return err
			}
			if err := checkBaseURL(base); err != nil {
				return err
			}
			ctx, db, err := m.adminContext(cmd.Context(), 0, id)
			if err != nil {
				return err
			}
			defer db.Close()
			token, err := db.ResetMemberPassword(ctx, id)
			if err != nil {
				return cliError(err)
			}
			link, err := setupURL(ctx, db, base, token)
			if err != nil {
				return err
			}
			if jsonFlag {
				return printJSON(m.Stdout, map[string]any{"team_member_id": id, "password_setup_url": link})
			}
			fmt.Fprintf(m.Stdout, "Password setup link for team member %d (valid 24 hours, once): %s\n", id, link)
			return nil
		},
	}
	cmd.Flags().StringVar(&base, "base-url", "", "the server's public URL, for the link (default: the one the server last started with)")
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	return cmd
}

// defaultAddr is where serve listens unless told otherwise.
const defaultAddr = "127.0.0.1:8080"
