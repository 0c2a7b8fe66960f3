package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
)

func (m *Main) campaignsCommand() *cobra.Command {
	r := &remote{}
	cmd := &cobra.Command{
		Use:   "campaigns",
		Short: "Create and list campaigns on a server",
		Long:  "Create and list the campaigns of a taskbox server's account.\n" + remoteHelp,
	}
	r.addRemoteFlags(group(cmd))
	cmd.AddCommand(m.campaignsCreateCommand(r), m.campaignsListCommand(r), m.campaignsShowCommand(r))
	return cmd
}

func printCampaigns(m *Main, r *remote, cs []*taskbox.Campaign) error {
	if r.JSON {
		if cs == nil {
			cs = []*taskbox.Campaign{}
		}
		return printJSON(m.Stdout, cs)
	}
	tw := table(m.Stdout, "ID", "NAME", "STATUS", "CREATED")
	for _, c := range cs {
		status := c.Status
		if status == "" {
			status = "-"
		}
		cells(tw, c.ID, c.Name, status, c.CreatedAt)
	}
	return tw.Flush()
}

func (m *Main) campaignsCreateCommand(r *remote) *cobra.Command {
	var c taskbox.CampaignCreate
	cmd := &cobra.Command{
		Use:   "create --name NAME",
		Short: "Create a campaign",
		Long:  "Create a campaign; leads are added to it with taskbox leads add or taskbox import leads.\n" + remoteHelp,
		Args:  usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			camp, err := cl.CreateCampaign(cmd.Context(), &c)
			if err != nil {
				return err
			}
			// SmartLead's answer is id, name and created_at; the campaign
			// itself has its status and updated_at too.
			if full, err := cl.FindCampaignByID(cmd.Context(), camp.ID); err == nil {
				camp = full
			}
			return printCampaigns(m, r, []*taskbox.Campaign{camp})
		}),
	}
	cmd.Flags().StringVar(&c.Name, "name", "", "the campaign's name (required)")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (m *Main) campaignsListCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the campaigns",
		Long:  "List the account's campaigns. With --json, a JSON array.\n" + remoteHelp,
		Args:  usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			cs, err := cl.ListCampaigns(cmd.Context())
			if err != nil {
				return err
			}
			return printCampaigns(m, r, cs)
		}),
	}
}

func (m *Main) campaignsShowCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one campaign",
		Long:  "Show one campaign.\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "campaign")
			if err != nil {
				return err
			}
			c, err := cl.FindCampaignByID(cmd.Context(), id)
			if err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, c)
			}
			return printCampaigns(m, r, []*taskbox.Campaign{c})
		}),
	}
}

// positiveID reads an id argument.
func positiveID(arg, what string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError(fmt.Errorf("%q is not a %s id (a positive integer)", arg, what))
	}
	return id, nil
}
