package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
)

func (m *Main) leadsCommand() *cobra.Command {
	r := &remote{}
	cmd := &cobra.Command{
		Use:   "leads",
		Short: "Add, list and find leads, their notes and categories, on a server",
		Long: `Add leads to a campaign, list a campaign's leads, find a lead by email;
add and list notes on leads; set a lead map's category.
For a CSV file of leads, see taskbox import leads.` + "\n" + remoteHelp,
	}
	r.addRemoteFlags(group(cmd))
	cmd.AddCommand(m.leadsAddCommand(r), m.leadsListCommand(r), m.leadsFindCommand(r),
		m.leadsNoteCommand(r), m.leadsNotesCommand(r), m.leadsCategoriesCommand(r), m.leadsCategoryCommand(r))
	return cmd
}

func (m *Main) leadsAddCommand(r *remote) *cobra.Command {
	var (
		campaign int64
		fields   = map[string]*string{}
		custom   []string
	)
	names := []string{"first_name", "last_name", "company_name", "phone_number", "website", "location", "linkedin_profile", "company_url"}
	cmd := &cobra.Command{
		Use:   "add --campaign ID EMAIL [--first-name …] [--field key=value …]",
		Short: "Add a lead to a campaign",
		Long: `Add one lead to a campaign and print its lead id and lead map id (the
email_lead_map_id of its tasks). A lead already in the campaign is counted,
not added twice.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			l := taskbox.LeadInput{Email: args[0]}
			for name, p := range l.TextFields() {
				if cmd.Flags().Changed(strings.ReplaceAll(name, "_", "-")) {
					*p = fields[name]
				}
			}
			for _, kv := range custom {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usageError(fmt.Errorf("--field %q must be key=value", kv))
				}
				if l.CustomFields == nil {
					l.CustomFields = map[string]any{}
				}
				l.CustomFields[k] = v
			}
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			res, err := cl.AddLeads(cmd.Context(), &taskbox.LeadUpload{CampaignID: campaign, Leads: []taskbox.LeadInput{l}})
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, res)
			}
			switch {
			case res.InvalidEmailCount > 0:
				return taskbox.Errorf(taskbox.EINVALID, "%s is not a valid email address; nothing was added.", args[0])
			case len(res.Leads) == 0:
				return errors.New("the server added no lead")
			}
			state := "Added"
			if res.AlreadyAddedToCampaign > 0 {
				state = "Already in the campaign:"
			}
			fmt.Fprintf(m.Stdout, "%s %s (lead %d, lead map %d).\n", state, printable(res.Leads[0].Email), res.Leads[0].LeadID, res.Leads[0].LeadMapID)
			return nil
		}),
	}
	f := cmd.Flags()
	f.Int64Var(&campaign, "campaign", 0, "the campaign's id (required)")
	for _, name := range names {
		fields[name] = new(string)
		f.StringVar(fields[name], strings.ReplaceAll(name, "_", "-"), "", "the lead's "+strings.ReplaceAll(name, "_", " "))
	}
	f.StringArrayVar(&custom, "field", nil, "a custom field, key=value (repeatable)")
	_ = cmd.MarkFlagRequired("campaign")
	return cmd
}

func (m *Main) leadsListCommand(r *remote) *cobra.Command {
	var (
		campaign      int64
		offset, limit int
	)
	cmd := &cobra.Command{
		Use:   "list --campaign ID [--offset N] [--limit N]",
		Short: "List a campaign's leads",
		Long: `List one page of a campaign's leads with their lead map ids. With --json,
SmartLead's object: {"total_leads", "offset", "limit", "data": […]}.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			page, err := cl.ListLeadMaps(cmd.Context(), campaign, offset, limit)
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, page)
			}
			tw := table(m.Stdout, "LEAD MAP", "LEAD", "EMAIL", "NAME", "COMPANY", "STATUS")
			for _, lm := range page.Data {
				l := lm.Lead
				if l == nil {
					l = &taskbox.Lead{}
				}
				name := strings.TrimSpace(deref(l.FirstName) + " " + deref(l.LastName))
				cells(tw, lm.ID, l.ID, l.Email, dashIfEmpty(name), str(l.CompanyName), lm.Status)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "%d of %d leads from offset %d.\n", len(page.Data), page.TotalLeads, page.Offset)
			return nil
		}),
	}
	f := cmd.Flags()
	f.Int64Var(&campaign, "campaign", 0, "the campaign's id (required)")
	f.IntVar(&offset, "offset", 0, "leads to skip")
	f.IntVar(&limit, "limit", 0, "leads per page, 1-1000 (default 100)")
	_ = cmd.MarkFlagRequired("campaign")
	return cmd
}

func (m *Main) leadsFindCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "find EMAIL",
		Short: "Find a lead by email, with its campaigns and lead maps",
		Long:  "Find a lead by email (any case) and list the campaigns it is in, each with its lead map id.\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			l, err := cl.FindLeadByEmail(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, l)
			}
			name := strings.TrimSpace(deref(l.FirstName) + " " + deref(l.LastName))
			fmt.Fprintf(m.Stdout, "Lead %d: %s (%s, %s)\n", l.ID, printable(l.Email), printable(dashIfEmpty(name)), printable(str(l.CompanyName)))
			tw := table(m.Stdout, "CAMPAIGN", "NAME", "LEAD MAP")
			for _, c := range l.LeadCampaignData {
				cells(tw, c.CampaignID, c.CampaignName, c.CampaignLeadMapID)
			}
			return tw.Flush()
		}),
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
