package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/mail"
)

// axeVersion is the axe-core release the accessibility test runs, from npm.
const axeVersion = "4.14.1"

var axeOnce struct {
	sync.Once
	src string
	err error
}

// axeSource is axe-core's minified script: $TASKBOX_AXE names the file,
// else npm installs the package once into a folder under the system's
// temporary directory, kept for later runs.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		path := os.Getenv("TASKBOX_AXE")
		if path == "" {
			dir := filepath.Join(os.TempDir(), "taskbox-axe-core-"+axeVersion)
			path = filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
			if _, err := os.Stat(path); err != nil {
				npm, err := exec.LookPath("npm")
				if err != nil {
					axeOnce.err = fmt.Errorf("npm is needed to install axe-core %s (or set TASKBOX_AXE to axe.min.js): %w", axeVersion, err)
					return
				}
				out, err := exec.Command(npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
					"--prefix", dir, "axe-core@"+axeVersion).CombinedOutput()
				if err != nil {
					axeOnce.err = fmt.Errorf("npm install axe-core@%s: %v\n%s", axeVersion, err, out)
					return
				}
			}
		}
		b, err := os.ReadFile(path)
		axeOnce.src, axeOnce.err = string(b), err
	})
	if axeOnce.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(axeOnce.err)
		}
		t.Skipf("skipping the accessibility test: %v", axeOnce.err)
	}
	return axeOnce.src
}

// setScheme emulates prefers-color-scheme: light or dark; "" stops.
func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		if scheme != "" {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		}
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p)
		return err
	}))
}

// Every page, light and dark, wide and narrow, in its states (errors, an
// open dialog, the confirmation with Undo, the bulk bar, focus mode), has no serious
// or critical violation that axe-core finds.
func TestBrowserAccessibility(t *testing.T) {
	src := axeSource(t)
	ctx := tabWithin(t, "Europe/Berlin", 6*time.Minute)
	s := newSite(t, siteOptions{pageSize: 3})
	a := s.account(t, "Acme", "", "ann@example.com")
	omar := a.lead(t, s, "omar@example.com", "عمر", "حداد", "شركة")
	var tasks []*taskbox.Task
	for i := 0; i < 5; i++ {
		tasks = append(tasks, a.task(t, s, "ann@example.com", fmt.Sprintf("Overdue %d", i), taskbox.PriorityHigh,
			time.Now().Add(-time.Duration(i+2)*time.Hour).UTC().Format(time.RFC3339)))
	}
	a.taskFor(t, s, omar, "Send the pricing sheet")
	a.task(t, s, "ann@example.com", "Someday", taskbox.PriorityLow, "")
	done := a.task(t, s, "ann@example.com", "Done already", taskbox.PriorityMedium, "")
	st := taskbox.StatusCompleted
	if _, err := s.DB.UpdateTask(a.ctx, done.ID, &taskbox.TaskUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}

	check := func(name string) {
		t.Helper()
		waitFor(t, ctx, `document.readyState === "complete"`)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src+";void 0")); err != nil {
			t.Fatalf("%s: load axe-core: %v", name, err)
		}
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, ctx, scheme)
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(function(r){
				return r.violations.filter(function(v){ return v.impact === "serious" || v.impact === "critical"; }).map(function(v){
					return v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3).map(function(n){ return n.target.join(" "); }).join(" | ");
				});
			})`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s: axe.run: %v", name, err)
			}
			for _, v := range bad {
				t.Errorf("%s (%s): %s", name, scheme, v)
			}
		}
		setScheme(t, ctx, "")
	}

	run(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("api_key")))
	check("sign-in")
	signInWithBrowser(t, ctx, s, a.Key)
	check("inbox")
	run(t, ctx, chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", tasks[4].ID))), chromedp.Click(chromedp.CSS(fmt.Sprintf("#task-%d .check", tasks[3].ID))))
	waitFor(t, ctx, `!document.getElementById("toast").hidden && document.getElementById("undo")`)
	check("inbox with the bulk bar and an Undo")
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("?"))
	waitFor(t, ctx, `document.getElementById("keyhelp").open`)
	check("keyboard help")
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("add")),
		chromedp.Click(chromedp.CSS("#add summary")), chromedp.Click(chromedp.CSS("#add-form button.primary")))
	waitFor(t, ctx, `document.querySelector("#add-form .err.summary") !== null`)
	check("add form with errors")
	run(t, ctx, chromedp.Navigate(s.URL+"/?q=nothing-here"), chromedp.WaitVisible(chromedp.ID("nomatch")))
	check("search without hits")
	run(t, ctx, chromedp.Navigate(s.URL+"/?view=completed"), chromedp.WaitVisible(chromedp.ID("section-completed")))
	check("completed")
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, tasks[0].ID)), chromedp.WaitVisible(chromedp.ID("edit-name")))
	check("task page")
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d/delete", s.URL, tasks[0].ID)), chromedp.WaitVisible(chromedp.CSS("button.danger")))
	check("delete confirmation")
	run(t, ctx, chromedp.Navigate(s.URL+"/focus"), chromedp.WaitVisible(chromedp.ID("focus-h")))
	check("focus mode")
	run(t, ctx, chromedp.Navigate(s.URL+"/no/such/page"), chromedp.WaitVisible(chromedp.CSS("h1")))
	check("not found")
	run(t, ctx, chromedp.Navigate(s.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("settings-save")))
	check("settings")
	run(t, ctx, chromedp.Clear(chromedp.ID("default_reminders")), chromedp.SendKeys(chromedp.ID("default_reminders"), "soon"),
		chromedp.Click(chromedp.ID("settings-save")))
	waitFor(t, ctx, `document.getElementById("default_reminders-err") !== null`)
	check("settings with an error")
	run(t, ctx, chromedp.Navigate(s.URL+"/unsubscribe/"+mail.UnsubscribeToken(s.mailKey(t), ownerOf(t, s, a))), chromedp.WaitVisible(chromedp.ID("unsubscribe-confirm")))
	check("unsubscribe")
	run(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("f-q")))
	check("inbox at 360 px")
}
