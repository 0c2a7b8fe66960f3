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
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
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
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(shotDir(t), name+"-"+scheme+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))
}

// signInWithBrowser types the key into the sign-in form and waits for the inbox.
func signInWithBrowser(t *testing.T, ctx context.Context, s *site, key string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("api_key")),
		chromedp.SendKeys(chromedp.ID("api_key"), key), chromedp.Submit(chromedp.ID("api_key")))
	waitFor(t, ctx, `document.querySelector("[data-zone]") !== null && document.readyState === "complete"`)
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
