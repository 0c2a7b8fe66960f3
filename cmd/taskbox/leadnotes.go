package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

// The lead side of the leads group: notes on lead maps and lead categories.

func (m *Main) leadsNoteCommand(r *remote) *cobra.Command {
	var idKey string
	cmd := &cobra.Command{
		Use:   "note LEAD_MAP TEXT",
		Short: "Add a note to a lead map",
		Long: `Add a note to a lead map (a lead in a campaign: the email_lead_map_id of
its tasks), signed with your name. The text is trimmed; blank, or over 10,000
characters, is refused. With --json: {"id", "email_lead_map_id", "note_message",
"created_at"}, the id a string as SmartLead gives it.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			mapID, cl, err := r.idClient(cmd, args[0], "lead map")
			if err != nil {
				return err
			}
			c := &taskbox.NoteCreate{LeadMapID: mapID, Message: args[1]}
			if idKey != "" {
				c.Idempotency = &taskbox.Idempotency{Key: idKey}
			}
			n, err := cl.CreateNote(cmd.Context(), c)
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, struct {
					ID        int64             `json:"id,string"`
					LeadMapID int64             `json:"email_lead_map_id"`
					Message   string            `json:"note_message"`
					CreatedAt taskbox.Timestamp `json:"created_at"`
				}{n.ID, n.LeadMapID, n.Message, n.CreatedAt})
			}
			fmt.Fprintf(m.Stdout, "Note %d added to lead map %d.\n", n.ID, n.LeadMapID)
			return nil
		}),
	}
	cmd.Flags().StringVar(&idKey, "idempotency-key", "", "an Idempotency-Key, so that running the command again adds nothing (default: a random one)")
	return cmd
}

func (m *Main) leadsNotesCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "notes LEAD_ID",
		Short: "List a lead's notes in all its campaigns",
		Long: `List the notes of a lead (its id, as "leads find" shows it) in all its
campaigns, newest first. With --json, the array SmartLead's
GET /crm/leads/notes/{lead_id} answers.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			leadID, cl, err := r.idClient(cmd, args[0], "lead")
			if err != nil {
				return err
			}
			notes, err := cl.ListLeadNotes(cmd.Context(), leadID)
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, notes)
			}
			tw := table(m.Stdout, "NOTE", "CREATED", "BY", "CAMPAIGN", "LEAD MAP", "TEXT")
			for _, n := range notes {
				cells(tw, n.ID, n.CreatedAt.String(), n.CreatedBy, n.CampaignID, n.LeadMapID, oneLine(n.Message))
			}
			return tw.Flush()
		}),
	}
}

func (m *Main) leadsCategoriesCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "categories",
		Short: "List the lead categories",
		Long: `List the lead categories: SmartLead's defaults (ids 1-9), then the
account's own (ids from 1000). With --json, the array fetch-categories answers.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			cs, err := cl.ListCategories(cmd.Context())
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, cs)
			}
			tw := table(m.Stdout, "ID", "NAME", "SENTIMENT")
			for _, c := range cs {
				cells(tw, c.ID, c.Name, dashIfEmpty(deref(c.Sentiment)))
			}
			return tw.Flush()
		}),
	}
}

func (m *Main) leadsCategoryCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "category LEAD_MAP CATEGORY",
		Short: "Set or clear the category of a lead map",
		Long: `Set the category of a lead map: CATEGORY is a category's id, its name (any
case; "taskbox leads categories" lists them), or "none" to clear it. Every
task of the lead map shows it as lead_category. With --json:
{"email_lead_map_id", "lead_category": {"id", "name"} | null}.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			mapID, cl, err := r.idClient(cmd, args[0], "lead map")
			if err != nil {
				return err
			}
			category, err := resolveCategory(cmd, cl, args[1])
			if err != nil {
				return err
			}
			set := &taskbox.CategorySet{LeadMapID: mapID}
			if category != nil {
				set.CategoryID = category.ID
			}
			if err := cl.SetLeadCategory(cmd.Context(), set); err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, struct {
					LeadMapID int64                 `json:"email_lead_map_id"`
					Category  *taskbox.LeadCategory `json:"lead_category"`
				}{mapID, category})
			}
			if category == nil {
				fmt.Fprintf(m.Stdout, "Lead map %d has no category now.\n", mapID)
			} else {
				fmt.Fprintf(m.Stdout, "Lead map %d is now %s (category %d).\n", mapID, printable(category.Name), category.ID)
			}
			return nil
		}),
	}
}

// resolveCategory turns a CATEGORY argument into the category it names
// (nil for "none"), through fetch-categories: an id of none of them is
// left to the server to refuse as it refuses any other.
func resolveCategory(cmd *cobra.Command, cl *client.Client, arg string) (*taskbox.LeadCategory, error) {
	arg = strings.TrimSpace(arg)
	if strings.EqualFold(arg, "none") {
		return nil, nil
	}
	cs, err := cl.ListCategories(cmd.Context())
	if err != nil {
		return nil, err
	}
	if c := taskbox.FindCategory(cs, arg); c != nil {
		return &taskbox.LeadCategory{ID: c.ID, Name: c.Name}, nil
	}
	if id, err := positiveID(arg, "category"); err == nil {
		return &taskbox.LeadCategory{ID: id}, nil
	}
	return nil, usageError(fmt.Errorf("no lead category is named %q; \"taskbox leads categories\" lists them", arg))
}
