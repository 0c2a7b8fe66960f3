package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium headless through chromedp. One
// browser serves every test of the package; each test gets its own browser
// context (cookies included) and tab.

var browser struct {
	once    sync.Once
	ctx     context.Context
	cancel  func()
	err     error
	dataDir string
}

// chromiumPath finds the browser: $TASKBOX_CHROMIUM, else the usual names.
func chromiumPath() string {
	if p := os.Getenv("TASKBOX_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
		os.RemoveAll(browser.dataDir)
	}
	os.Exit(code)
}

// tab opens a fresh browser context in the shared browser, with the page's
// zone set to zone, and a deadline for the whole test.
func tab(t *testing.T, zone string) context.Context {
	t.Helper()
	return tabWithin(t, zone, 90*time.Second)
}

// tabWithin is tab with a deadline of its own, for a long test.
func tabWithin(t *testing.T, zone string, deadline time.Duration) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found: CI must run the browser tests (install Debian's chromium, or set TASKBOX_CHROMIUM)")
		}
		t.Skip("no Chromium found (/usr/bin/chromium, or set TASKBOX_CHROMIUM): skipping the browser test; CI=true makes this a failure")
	}
	browser.once.Do(func() {
		browser.dataDir, browser.err = os.MkdirTemp("", "taskbox-chromium-")
		if browser.err != nil {
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(browser.dataDir), chromedp.WindowSize(1200, 900))
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		browser.ctx, browser.cancel = bctx, func() { bcancel(); acancel() }
		browser.err = chromedp.Do(bctx)
	})
	if browser.err != nil {
		t.Fatalf("start Chromium %s: %v", path, browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, deadline)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	}))
	return ctx
}

// run runs steps, failing the test at the first error.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until a JavaScript expression is true. It asks again every
// 50 ms, through navigations (which make a single evaluation fail).
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+expr+")")); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("main") || document.body).innerText`))
	t.Fatalf("waiting for %s (last error %v); page text:\n%.3000s", expr, err, text)
}

// sectionOfRow is the key of the section that holds the task's row.
func sectionOfRow(t *testing.T, ctx context.Context, id int64) string {
	return eval[string](t, ctx, fmt.Sprintf(`(function(){var r=document.getElementById("task-%d");var s=r&&r.closest("section.section");return s?s.id.replace("section-",""):""})()`, id))
}

// shotDir is where screenshots go: $TASKBOX_SCREENSHOTS, else
// testdata/screenshots, which .gitignore keeps out of the repository.
func shotDir(t *testing.T) string {
	dir := os.Getenv("TASKBOX_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page as name-light.png and name-dark.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}))
		png := fullScreenshot(t, ctx)
		if err := os.WriteFile(filepath.Join(shotDir(t), name+"-"+scheme+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))
}

// fullScreenshot captures the whole page once it has loaded and laid out.
// Right after a navigation or a swap of the page's content, a loaded
// machine can catch Chromium with a page of no size yet ("Cannot take
// screenshot with 0 width"); that passes, so it is tried again briefly.
func fullScreenshot(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	waitFor(t, ctx, `document.readyState === "complete" && document.documentElement.getBoundingClientRect().width > 0`)
	var err error
	for try := 0; try < 20; try++ {
		var png []byte
		if png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			return png
		} else if !strings.Contains(err.Error(), "0 width") && !strings.Contains(err.Error(), "0 height") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("screenshot: %v", err)
	return nil
}

// signInWithBrowser types the key into the sign-in form and waits for the inbox.
func signInWithBrowser(t *testing.T, ctx context.Context, s *site, key string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("api_key")),
		chromedp.SendKeys(chromedp.ID("api_key"), key), chromedp.Submit(chromedp.ID("api_key")))
	waitFor(t, ctx, `document.querySelector("[data-zone]") !== null && document.readyState === "complete"`)
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// contrastJS measures, for each selector's first element, the contrast of
// its text colour against the first opaque background behind it (WCAG's
// relative luminance formula).
const contrastJS = `(function(sels){
  function rgb(s){var m=s.match(/[\d.]+/g)||[];return m.map(Number);}
  function lum(c){var v=c.slice(0,3).map(function(x){x/=255;return x<=0.03928?x/12.92:Math.pow((x+0.055)/1.055,2.4)});return 0.2126*v[0]+0.7152*v[1]+0.0722*v[2];}
  function bg(el){for(;el;el=el.parentElement){var c=rgb(getComputedStyle(el).backgroundColor);if(c.length<4||c[3]>0.99)return c;}return [255,255,255];}
  return sels.map(function(s){var el=document.querySelector(s);if(!el)return s+" missing";
    var a=lum(rgb(getComputedStyle(el).color)),b=lum(bg(el));var r=(Math.max(a,b)+0.05)/(Math.min(a,b)+0.05);
    return r>=4.5?"":s+" "+r.toFixed(2);}).filter(Boolean);
})(%s)`

// checkContrast fails for text under WCAG AA's 4.5:1, in both schemes.
func checkContrast(t *testing.T, ctx context.Context, selectors ...string) {
	t.Helper()
	list := "[" + strings.Join(mapStrings(selectors, jsString), ",") + "]"
	for _, scheme := range []string{"light", "dark"} {
		run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}))
		if bad := eval[[]string](t, ctx, fmt.Sprintf(contrastJS, list)); len(bad) > 0 {
			t.Errorf("%s scheme: text under 4.5:1 contrast: %v", scheme, bad)
		}
	}
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
