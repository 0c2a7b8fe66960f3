package httpapi_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// FuzzSmartLeadHook fuzzes POST /hooks/smartlead/{token} and the
// processing of what it stored: no body may panic, get another status
// than 200, 400 or 413, or make processing fail; the stored event is
// processed (done) whatever its fields hold.
func FuzzSmartLeadHook(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	acct, err := db.FindAccountByID(context.Background(), 1)
	if err != nil {
		f.Fatal(err)
	}
	ctx := taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(acct))
	integ, err := db.ConnectSmartLead(ctx, nil)
	if err != nil {
		f.Fatal(err)
	}
	path := "/hooks/smartlead/" + integ.Token
	for _, name := range []string{"email_reply", "lead_category_updated", "manual_step_reached"} {
		b, err := os.ReadFile("testdata/smartlead/" + name + ".json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"event_type":"EMAIL_REPLY","sl_lead_email":"a@b.co","campaign_id":"99999999999999999999","sl_email_lead_map_id":-1}`))
	f.Add([]byte(`{"event_type":"LEAD_CATEGORY_UPDATED","lead_email":"a@b.co","campaign_id":1,"lead_category":{"new_id":"1001","new_name":""}}`))
	f.Add([]byte(`{"event_type":"EMAIL_REPLY","lead_email":"x@y.z","campaign_id":5,"app_url":"%zz?leadMap=1e9","reply_message":{"html":"<p>a<br>b</p>"}}`))
	f.Add([]byte(`{"event_type":"EMAIL_REPLY","sl_lead_email":"n@b.co","campaign_id":7,"campaign_name":"a\u0000b","lead_data":{"first_name":"\u0000"},"reply_message":{"text":"x\u0000y"}}`))
	nothing := regexp.MustCompile(`^$`)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, path, body)
		tbFuzzAnswer(t, rec, body, nothing, 200, 400, 413)
		if _, err := db.ProcessInbound(context.Background(), 10); err != nil {
			t.Fatalf("ProcessInbound after %q: %v", body, err)
		}
		page, err := db.ListSmartLeadEvents(ctx, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if evs := page.Events; len(evs) > 0 && evs[0].Status != "done" {
			t.Fatalf("event %+v after %q", evs[0], body)
		}
	})
}
