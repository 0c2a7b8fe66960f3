package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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

// countedReplies counts the reads of replies and the lead maps each asks for.
type countedReplies struct {
	taskbox.ReplyReader
	mu    sync.Mutex
	calls []int // lead map ids asked for, per call
}

func (c *countedReplies) LatestReplies(ctx context.Context, ids []int64, maxChars int) (map[int64]*taskbox.Reply, error) {
	c.mu.Lock()
	c.calls = append(c.calls, len(ids))
	c.mu.Unlock()
	return c.ReplyReader.LatestReplies(ctx, ids, maxChars)
}

func (c *countedReplies) take() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

// TestInboxReadsRepliesOncePerPage: an inbox page of several sections
// reads the replies of all its rows in one call, not one per row or per
// section, and shows the snippet on exactly the rows that have a reply.
func TestInboxReadsRepliesOncePerPage(t *testing.T) {
	counted := &countedReplies{}
	s := newSite(t, siteOptions{pageSize: 5, replies: func(r taskbox.ReplyReader) taskbox.ReplyReader {
		counted.ReplyReader = r
		return counted
	}})
	var emails []string
	for i := range 12 {
		emails = append(emails, fmt.Sprintf("lead%d@example.com", i))
	}
	a := s.account(t, "acme", "", emails...)
	for i, e := range emails {
		due := ""
		if i < 7 {
			due = time.Now().Add(-time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339)
		}
		a.task(t, s, e, "Plain "+e, taskbox.PriorityLow, due)
	}
	integ, err := s.DB.ConnectSmartLead(a.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		ev := &taskbox.SmartLeadEvent{EventType: taskbox.SLEmailReply, StatsID: fmt.Sprint("s", i), LeadEmail: fmt.Sprintf("zoe%d@example.com", i),
			CampaignID: 4243, CampaignName: "Spring", LeadMapID: int64(880000 + i), Reply: &taskbox.SmartLeadText{Text: fmt.Sprintf("Answer number %d", i)}}
		if _, err := s.DB.ReceiveSmartLead(a.ctx, integ.Token, ev); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.DB.ProcessInbound(a.ctx, 10); err != nil || n != 3 {
		t.Fatalf("ProcessInbound = %d, %v", n, err)
	}
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	counted.take()
	for _, path := range []string{"/", "/?show_overdue=10", "/?view=completed"} {
		p := do(t, c, "GET", s.URL+path, nil)
		rows := strings.Count(p.Body, `<li class="task`)
		calls := counted.take()
		switch {
		case rows == 0 && len(calls) != 0:
			t.Errorf("%s: no rows, %d reads of replies", path, len(calls))
		case rows > 0 && (len(calls) != 1 || calls[0] != rows):
			t.Errorf("%s: %d rows, reads of replies %v, want one of %d lead maps", path, rows, calls, rows)
		}
		want := 3
		if path == "/?view=completed" {
			want = 0
		}
		if n := strings.Count(p.Body, `<p class="row-reply"`); n != want {
			t.Errorf("%s: %d rows with a reply snippet, want %d", path, n, want)
		}
	}
}
