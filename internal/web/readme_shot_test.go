package web_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	taskbox "github.com/taskboxhq/taskbox"
)

// readmeShot is the README's picture of the inbox, docs/inbox.png.
var readmeShot = filepath.Join("..", "..", "docs", "inbox.png")

// The README shows the inbox as it is: this test fills an account with a
// working day's tasks, takes the first screen of the inbox at 1280 × 800
// in Chromium, and writes it to docs/inbox.png when
// TASKBOX_UPDATE_README_SCREENSHOT=1 (or when the file is missing);
// otherwise it checks that the picture in the repository is one it would
// take: a PNG of that size.
func TestReadmeScreenshot(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{})
	emails := []string{"ann.lee@globex.example", "ravi@initech.example", "mia.chen@umbrella.example", "jon@hooli.example", "sara@vandelay.example"}
	a := s.account(t, "Acme sales", "Europe/Berlin", emails...)
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format("2006-01-02") }
	at := func(d int, hm string) string { return day(d) + "T" + hm + ":00Z" }
	for _, c := range []struct {
		email, name string
		prio        taskbox.Priority
		due         string
	}{
		{emails[0], "Send pricing for 50 seats", taskbox.PriorityHigh, at(-2, "09:00")},
		{emails[1], "Call back about the security review", taskbox.PriorityMedium, at(-1, "15:30")},
		{emails[2], "Book a demo with the ops team", taskbox.PriorityHigh, at(0, "23:00")},
		{emails[3], "Share the case study", taskbox.PriorityLow, day(0)},
		{emails[4], "Follow up after the trial", taskbox.PriorityMedium, at(2, "10:00")},
		{emails[0], "Check in on the signed order form", taskbox.PriorityMedium, at(5, "08:00")},
		{emails[2], "Ask for an intro to procurement", taskbox.PriorityLow, ""},
	} {
		a.task(t, s, c.email, c.name, c.prio, c.due)
	}
	run(t, ctx, chromedp.EmulateViewport(1280, 800))
	setScheme(t, ctx, "light")
	signInWithBrowser(t, ctx, s, a.Key)
	waitFor(t, ctx, `document.body.innerText.includes("Send pricing for 50 seats")`)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil || img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 800 {
		t.Fatalf("the screenshot is not a 1280 × 800 PNG (%v)", err)
	}
	if _, err := os.Stat(readmeShot); os.Getenv("TASKBOX_UPDATE_README_SCREENSHOT") == "1" || os.IsNotExist(err) {
		if err := os.WriteFile(readmeShot, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", readmeShot)
		return
	}
	old, err := os.ReadFile(readmeShot)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(old))
	if err != nil || cfg.Width != 1280 || cfg.Height != 800 {
		t.Errorf("%s is not the 1280 × 800 PNG this test takes (%v): run it with TASKBOX_UPDATE_README_SCREENSHOT=1", readmeShot, err)
	}
}
