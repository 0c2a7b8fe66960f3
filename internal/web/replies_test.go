package web_test

import (
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// TestTaskPageShowsSmartLeadReplies: a reply SmartLead sent is on the page
// of the task it made and on the lead's page, as text.
func TestTaskPageShowsSmartLeadReplies(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	integ, err := s.DB.ConnectSmartLead(a.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	subject := "Re: pricing"
	ev := &taskbox.SmartLeadEvent{EventType: taskbox.SLEmailReply, StatsID: "s1", MessageID: "<m1@x>", LeadEmail: "zoe@example.com",
		CampaignID: 4242, CampaignName: "Spring", LeadMapID: 777777,
		Reply: &taskbox.SmartLeadText{Subject: &subject, Text: "Send the <b>deck</b> please"}}
	if _, err := s.DB.ReceiveSmartLead(a.ctx, integ.Token, ev); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DB.ProcessInbound(a.ctx, 10); err != nil || n != 1 {
		t.Fatalf("ProcessInbound = %d, %v", n, err)
	}
	lead, err := s.DB.FindLeadByEmail(a.ctx, "zoe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := s.DB.ListLeadTasks(a.ctx, lead.ID)
	if err != nil || len(tasks) != 1 || tasks[0].LeadMapID != 777777 {
		t.Fatalf("tasks = %v, %v", tasks, err)
	}
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	p := do(t, c, "GET", s.URL+"/tasks/"+itoa(tasks[0].ID), nil)
	for _, want := range []string{"Replies from SmartLead", "Re: pricing", "Send the &lt;b&gt;deck&lt;/b&gt; please"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the task page lacks %q", want)
		}
	}
	p = do(t, c, "GET", s.URL+"/leads/"+itoa(lead.ID), nil)
	for _, want := range []string{"Replies from SmartLead", "Re: pricing", "Send the &lt;b&gt;deck&lt;/b&gt; please"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the lead page lacks %q", want)
		}
	}
}
