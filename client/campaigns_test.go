package client_test

import (
	"context"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

func TestCampaignsAndLeads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	c := a.account(t, "acme")
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Q4 outreach"})
	if err != nil || camp.ID <= 0 || camp.Name != "Q4 outreach" || camp.CreatedAt.IsZero() {
		t.Fatalf("CreateCampaign: %+v, %v", camp, err)
	}
	second, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Q1"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListCampaigns(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListCampaigns: %v, %v", list, err)
	}
	got, err := c.FindCampaignByID(ctx, camp.ID)
	if err != nil || got.Name != "Q4 outreach" || got.Status != taskbox.CampaignStatusDrafted {
		t.Fatalf("FindCampaignByID: %+v, %v", got, err)
	}
	_, err = c.FindCampaignByID(ctx, 987654)
	wantCode(t, err, taskbox.ENOTFOUND)

	res, err := c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID, Leads: []taskbox.LeadInput{
		{Email: "Ada@Example.com", FirstName: ptr("Ada"), CompanyName: ptr("Analytical"), CustomFields: map[string]any{"tier": "gold"}},
		{Email: "not-an-email"},
		{Email: "grace@example.com", LastName: ptr("Hopper")},
	}})
	if err != nil || res.UploadCount != 2 || res.InvalidEmailCount != 1 || len(res.Leads) != 2 {
		t.Fatalf("AddLeads: %+v, %v", res, err)
	}
	if _, err := c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: second.ID, Leads: []taskbox.LeadInput{{Email: "ada@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListLeadMaps(ctx, camp.ID, 1, 5)
	if err != nil || page.TotalLeads != 2 || page.Offset != 1 || len(page.Data) != 1 || page.Data[0].Lead == nil || page.Data[0].CampaignID != camp.ID {
		t.Fatalf("ListLeadMaps: %+v, %v", page, err)
	}
	lead, err := c.FindLeadByEmail(ctx, "ADA@example.com")
	if err != nil || lead.FirstName == nil || *lead.FirstName != "Ada" || len(lead.LeadCampaignData) != 2 || lead.CustomFields["tier"] != "gold" {
		t.Fatalf("FindLeadByEmail: %+v, %v", lead, err)
	}
	_, err = c.FindLeadByEmail(ctx, "nobody@example.com")
	wantCode(t, err, taskbox.ENOTFOUND)
	_, err = c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID})
	wantCode(t, err, taskbox.EINVALID)
}
