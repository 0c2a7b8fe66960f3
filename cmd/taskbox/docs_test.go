package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/taskboxhq/taskbox/internal/events"
)

// The docs are held to the binary: run `go test ./cmd/taskbox -run TestDocs
// -update-docs` to write the generated parts again after changing a
// command or the OpenAPI document.
var updateDocs = flag.Bool("update-docs", false, "rewrite the generated parts of docs/cli.md and docs/api.md")

// repoRoot is the module's root, two folders up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// docFiles lists the Markdown files of the repository that users read.
func docFiles(t *testing.T) []string {
	t.Helper()
	root := repoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append(files, filepath.Join(root, "README.md"), filepath.Join(root, "SECURITY.md"))
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	mdHeading = regexp.MustCompile("(?m)^#{1,6} +(.+?) *$")
	mdFence   = regexp.MustCompile("(?ms)^```.*?^```")
)

// anchors returns the GitHub anchors of a Markdown file's headings.
func anchors(text string) map[string]bool {
	text = mdFence.ReplaceAllString(text, "")
	out := map[string]bool{}
	for _, m := range mdHeading.FindAllStringSubmatch(text, -1) {
		h := strings.ToLower(m[1])
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ' || r == '-':
				b.WriteRune('-')
			case r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 127:
				b.WriteRune(r)
			}
		}
		a := b.String()
		for n := 0; ; n++ { // a repeated heading gets -1, -2…
			k := a
			if n > 0 {
				k = fmt.Sprintf("%s-%d", a, n)
			}
			if !out[k] {
				out[k] = true
				break
			}
		}
	}
	return out
}

// Every relative link of the docs names a file of the repository, and
// every #anchor a heading of its file.
func TestDocsLinks(t *testing.T) {
	t.Parallel()
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		body := mdFence.ReplaceAllString(string(text), "")
		for _, m := range mdLink.FindAllStringSubmatch(body, -1) {
			link := m[1]
			if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			target, anchor, _ := strings.Cut(link, "#")
			path := file
			if target != "" {
				path = filepath.Join(filepath.Dir(file), target)
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s links to %s, which does not exist", rel(t, file), link)
					continue
				}
			}
			if anchor == "" || !strings.HasSuffix(path, ".md") {
				continue
			}
			linked, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !anchors(string(linked))[anchor] {
				t.Errorf("%s links to %s: %s has no heading #%s", rel(t, file), link, rel(t, path), anchor)
			}
		}
	}
}

func rel(t *testing.T, path string) string {
	r, err := filepath.Rel(repoRoot(t), path)
	if err != nil {
		return path
	}
	return r
}

// commandTree maps each command path ("tasks list") to its command.
func commandTree() map[string]*cobra.Command {
	tree := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		tree[strings.Join(strings.Fields(c.CommandPath())[1:], " ")] = c
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&Main{}).rootCommand())
	return tree
}

var (
	codeSpan    = regexp.MustCompile("`([^`\n]+)`")
	flagInText  = regexp.MustCompile(`(?:^|[\s\[(|])(--[a-z][a-z0-9-]*)`)
	commandWord = regexp.MustCompile(`^[a-z][a-z-]*$`)
)

// Every `taskbox …` command line in the docs (in code spans and code
// blocks) names a command that exists, and every --flag on it is one that
// command takes.
func TestDocsCommandsAndFlags(t *testing.T) {
	t.Parallel()
	tree := commandTree()
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		prose, _, _ := strings.Cut(string(text), generatedBegin)
		var snippets []string
		for _, block := range mdFence.FindAllString(prose, -1) {
			snippets = append(snippets, strings.Split(block, "\n")...)
		}
		for _, m := range codeSpan.FindAllStringSubmatch(mdFence.ReplaceAllString(prose, ""), -1) {
			snippets = append(snippets, m[1])
		}
		for _, s := range snippets {
			checkCommandLine(t, tree, rel(t, file), s)
		}
	}
}

// commandLine finds a taskbox command in a line of a code block or a code
// span: at its start (after a prompt, ./ or go run's package), or after a
// pipe, `;`, `&&`, `$(` or `<(`.
var commandLine = regexp.MustCompile(`(?:^\s*(?:\$ )?|[;&|(]\s*)(?:\./|go run \./cmd/)?taskbox ([^;&|)<>]*)`)

// checkCommandLine checks each `taskbox` invocation in one line of text.
func checkCommandLine(t *testing.T, tree map[string]*cobra.Command, file, line string) {
	t.Helper()
	if strings.Contains(line, " listening on ") { // the server's own output
		return
	}
	for _, part := range commandLine.FindAllStringSubmatch(line, -1) {
		words := strings.Fields(part[1])
		// The longest prefix of words that is a command.
		path := ""
		for i := range words {
			if !commandWord.MatchString(words[i]) {
				break
			}
			p := strings.TrimSpace(path + " " + words[i])
			if _, ok := tree[p]; !ok {
				break
			}
			path = p
		}
		if path == "" {
			if len(words) > 0 && commandWord.MatchString(words[0]) {
				t.Errorf("%s: `taskbox %s`: no such command", file, part[1])
			}
			continue
		}
		cmd := tree[path]
		for _, f := range flagInText.FindAllStringSubmatch(part[1], -1) {
			name := strings.TrimPrefix(f[1], "--")
			if name == "help" {
				continue
			}
			if cmd.Flags().Lookup(name) == nil && cmd.InheritedFlags().Lookup(name) == nil && cmd.PersistentFlags().Lookup(name) == nil {
				t.Errorf("%s: `taskbox %s`: %s takes no --%s", file, strings.TrimSpace(part[1]), path, name)
			}
		}
	}
}

const (
	generatedBegin = "<!-- BEGIN GENERATED: do not edit; go test ./cmd/taskbox -run TestDocs -update-docs -->"
	generatedEnd   = "<!-- END GENERATED -->"
)

// checkGenerated compares the generated part of a doc with want, or
// writes it with -update-docs.
func checkGenerated(t *testing.T, name, want string) {
	t.Helper()
	path := filepath.Join(repoRoot(t), "docs", name)
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok := strings.Cut(string(text), generatedBegin)
	_, after, ok2 := strings.Cut(rest, generatedEnd)
	if !ok || !ok2 {
		t.Fatalf("docs/%s has no generated part (%s … %s)", name, generatedBegin, generatedEnd)
	}
	got := strings.TrimPrefix(strings.TrimSuffix(rest[:len(rest)-len(after)-len(generatedEnd)], "\n"), "\n")
	if got == strings.TrimSpace(want) {
		return
	}
	if *updateDocs {
		out := before + generatedBegin + "\n" + strings.TrimSpace(want) + "\n" + generatedEnd + after
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/%s is out of date with the code: run go test ./cmd/taskbox -run TestDocs -update-docs", name)
}

// docs/cli.md ends with the --help of every command, as the binary prints it.
func TestDocsCLIHelp(t *testing.T) {
	// Not parallel: help text shows defaults read from the environment.
	for _, env := range os.Environ() {
		if k, _, _ := strings.Cut(env, "="); strings.HasPrefix(k, "TASKBOX_") && k != "TASKBOX_TEST_POSTGRES" {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	t.Setenv("HOME", "/home/you")
	t.Setenv("XDG_CONFIG_HOME", "")
	tree := commandTree()
	var paths []string
	for p, c := range tree {
		if c.Hidden || c.Name() == "help" || strings.HasPrefix(p, "completion ") {
			continue
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		var out bytes.Buffer
		c := tree[p]
		c.SetOut(&out)
		c.SetErr(&out)
		if err := c.Help(); err != nil {
			t.Fatal(err)
		}
		title := strings.TrimSpace("taskbox " + p)
		fmt.Fprintf(&b, "### %s\n\n```\n%s\n```\n\n", title, strings.TrimRight(out.String(), "\n"))
	}
	checkGenerated(t, "cli.md", b.String())
}

// docs/api.md ends with every operation of the served OpenAPI document
// (internal/httpapi/openapi.json), so that the two cannot drift.
func TestDocsAPIEndpoints(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "internal", "httpapi", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	b.WriteString("| method | path | what it does | error answers |\n|---|---|---|---|\n")
	for _, p := range paths {
		var methods []string
		for m := range doc.Paths[p] {
			if m == "get" || m == "post" || m == "put" || m == "patch" || m == "delete" {
				methods = append(methods, m)
			}
		}
		sort.Strings(methods)
		for _, m := range methods {
			var op struct {
				Summary   string                     `json:"summary"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(doc.Paths[p][m], &op); err != nil {
				t.Fatalf("%s %s: %v", m, p, err)
			}
			var codes []string
			for c := range op.Responses {
				if !strings.HasPrefix(c, "2") && !strings.HasPrefix(c, "3") {
					codes = append(codes, c)
				}
			}
			sort.Strings(codes)
			summary := strings.ReplaceAll(strings.TrimSpace(op.Summary), "|", "\\|")
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", strings.ToUpper(m), p, summary, strings.Join(codes, ", "))
		}
	}
	checkGenerated(t, "api.md", b.String())
}

// The signature checks docs/webhooks.md gives in Go, Python and Node accept
// a delivery signed as the server signs it and refuse a changed body.
func TestSignatureSnippets(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "webhooks.md"))
	if err != nil {
		t.Fatal(err)
	}
	snippet := func(lang string) string {
		m := regexp.MustCompile("(?s)\n" + lang + ":\n\n```[a-z]*\n(.*?)```").FindStringSubmatch(string(text))
		if m == nil {
			t.Fatalf("docs/webhooks.md has no %s snippet", lang)
		}
		return m[1]
	}
	const secret = "whsec_test"
	body := []byte(`{"event_id":"evt_1","event_type":"TASK_CREATED","data":{"name":"Zoë \"x\""}}`)
	now := time.Now().Unix()
	header := fmt.Sprintf("t=%d,v1=%s", now, events.Signature(secret, now, body))
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	if err := os.WriteFile(good, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, append(body, ' '), 0o600); err != nil {
		t.Fatal(err)
	}

	goMain := `package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

` + snippet("Go") + `
func main() {
	body, _ := os.ReadFile(os.Args[3])
	fmt.Print(verify(os.Args[1], os.Args[2], body, time.Now()))
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(goMain), 0o600); err != nil {
		t.Fatal(err)
	}
	py := snippet("Python") + "\nimport sys\nprint(str(verify(sys.argv[1], sys.argv[2], open(sys.argv[3], 'rb').read())).lower(), end='')\n"
	node := snippet("Node") + "\nprocess.stdout.write(String(verify(process.argv[1], process.argv[2], require('node:fs').readFileSync(process.argv[3]))));\n"
	for _, c := range []struct {
		lang string
		argv []string
	}{
		{"Go", []string{"go", "run", filepath.Join(dir, "main.go")}},
		{"Python", []string{"python3", "-c", py}},
		{"Node", []string{"node", "-e", node}},
	} {
		if _, err := exec.LookPath(c.argv[0]); err != nil {
			if os.Getenv("CI") != "" {
				t.Errorf("%s: %s is not installed", c.lang, c.argv[0])
			} else {
				t.Logf("%s: %s is not installed: not checked", c.lang, c.argv[0])
			}
			continue
		}
		for file, want := range map[string]string{good: "true", bad: "false"} {
			args := append(append([]string{}, c.argv[1:]...), secret, header, file)
			if c.lang == "Node" { // node -e takes its arguments after a --
				args = append(append([]string{}, c.argv[1:]...), append([]string{"--"}, secret, header, file)...)
			}
			out, err := exec.Command(c.argv[0], args...).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != want {
				t.Errorf("%s snippet on %s: %q (%v), want %s", c.lang, filepath.Base(file), out, err, want)
			}
		}
	}
}
