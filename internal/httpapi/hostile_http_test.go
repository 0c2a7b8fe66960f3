package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
)

// The hostile requests of the corpus (hostile_test.go) that attack headers,
// query strings, paths and the transport rather than a body's fields, and
// the bulk endpoints' arrays.

// tbHostileIdempotencyKeys: Idempotency-Key headers that cannot be a key.
func tbHostileIdempotencyKeys(fx tbHostileFixture) []tbHostile {
	long := strings.Repeat("k", 10_000)
	var out []tbHostile
	for _, ep := range tbBodyEndpoints(fx) {
		if ep.name == "PATCH" || ep.name == "bulk-update" {
			continue // they create nothing and take no key
		}
		out = append(out,
			tbHostile{name: ep.name + "/Idempotency-Key of 10,000 characters", method: ep.method, path: ep.path, body: ep.valid,
				hdr: []string{"Idempotency-Key", long}, status: 400},
			tbHostile{name: ep.name + "/Idempotency-Key of invalid UTF-8", method: ep.method, path: ep.path, body: ep.valid,
				hdr: []string{"Idempotency-Key", "key-\xff\xfe"}, status: 400},
		)
	}
	return append(out,
		tbHostile{name: "create-task/Idempotency-Key of 256 characters", method: "POST", path: tbCreateTaskPath, body: tbTaskBody(fx.mapID, nil),
			hdr: []string{"Idempotency-Key", long[:256]}, status: 400},
		tbHostile{name: "create-task/Idempotency-Key of 255 characters", method: "POST", path: tbCreateTaskPath, body: tbTaskBody(fx.mapID, nil),
			hdr: []string{"Idempotency-Key", long[:255]}, status: 200},
		tbHostile{name: "create-task/Idempotency-Key of SQL", method: "POST", path: tbCreateTaskPath, body: tbTaskBody(fx.mapID, nil),
			hdr: []string{"Idempotency-Key", "'; DROP TABLE idempotency_keys; --"}, status: 200},
	)
}

// tbHostileQueries: query parameters repeated, empty, malformed or absurd
// on the inbox and the lead endpoints. An empty parameter is absent; a
// repeated one counts by its first value.
func tbHostileQueries(fx tbHostileFixture) []tbHostile {
	leads := fmt.Sprintf("/api/v1/campaigns/%d/leads", fx.campaignID)
	words := strings.TrimSpace(strings.Repeat("a ", 40_000))
	var out []tbHostile
	for _, q := range []struct {
		path, query string
		status      int
	}{
		{tbTasksPath, "status=&status=completed", 200},
		{tbTasksPath, "status=completed&status=bogus", 200},
		{tbTasksPath, "status=bogus&status=completed", 400},
		{tbTasksPath, "status=COMPLETED", 400},
		{tbTasksPath, "limit=&limit=", 200},
		{tbTasksPath, "limit=5&limit=5000", 200},
		{tbTasksPath, "limit=-0", 400},
		{tbTasksPath, "limit=1e1", 400},
		{tbTasksPath, "limit=%205", 400},
		{tbTasksPath, "limit=99999999999999999999", 400},
		{tbTasksPath, "priority=,", 400},
		{tbTasksPath, "priority=HIGH,", 400},
		{tbTasksPath, "priority=HIGH&priority=nope", 200},
		{tbTasksPath, "due=&due_before=&due_after=&tz=&sort=&cursor=&q=", 200},
		{tbTasksPath, "due_before=1e400", 400},
		{tbTasksPath, "campaign_id=99999999999999999999", 400},
		{tbTasksPath, "lead_id=-0", 400},
		{tbTasksPath, "email_lead_map_id=1.0", 400},
		{tbTasksPath, "tz=../../../../etc/passwd", 400},
		{tbTasksPath, "tz=Local", 400},
		{tbTasksPath, "tz=UTC&tz=Nowhere", 200},
		{tbTasksPath, "sort=due_date;DROP%20TABLE%20tasks", 400},
		{tbTasksPath, "q=%27%3B%20DROP%20TABLE%20tasks%3B--", 200},
		{tbTasksPath, "q=%25&q=_", 200},
		{tbTasksPath, "q=%00", 400},
		{tbTasksPath, "q=%FF", 400},
		{tbTasksPath, "q=%zz", 400},
		{tbTasksPath, "status=pending;q=x", 400},
		{tbTasksPath, "cursor=%00", 400},
		{tbTasksPath, "cursor=" + strings.Repeat("A", 10_000) + ".x", 400},
		{tbTasksPath + "/summary", "tz=&tz=Nowhere", 200},
		{tbTasksPath + "/summary", "tz=%FF", 400},
		{leads, "offset=&limit=", 200},
		{leads, "offset=1&offset=-1&limit=1&limit=0", 200},
		{leads, "offset=-1&offset=1", 400},
		{leads, "offset=2147483648", 200},
		{leads, "offset=2147483649", 400},
		{leads, "limit=1001", 400},
		{leads, "limit=0x10", 400},
		{leads, "limit=%00", 400},
		{"/api/v1/leads/", "email=", 400},
		{"/api/v1/leads/", "email=&email=lead@hostile.example", 400},
		{"/api/v1/leads/", "email=lead@hostile.example&email=", 200},
		{"/api/v1/leads/", "email=LEAD@HOSTILE.EXAMPLE", 200},
		{"/api/v1/leads/", "email=%27%20OR%20%271%27%3D%271", 404},
		{"/api/v1/leads/", "email=%25", 404},
		{"/api/v1/leads/", "email=lead%00@hostile.example", 400},
		{"/api/v1/leads/", "email=%C3%28@hostile.example", 400},
		{"/api/v1/leads", "email=lead@hostile.example", 200},
		{"/api/v1/campaigns", "api_key=&x=%", 400},
	} {
		out = append(out, tbHostile{name: "query/" + strings.TrimPrefix(q.path, "/api/v1/") + "?" + tbClipName(q.query), method: "GET",
			path: q.path + "?" + q.query, status: q.status})
	}
	// Issue 14: a search over the caps is a 422 naming q and saying the
	// cap, never SQLite's "LIKE or GLOB pattern too complex" as a 500.
	for _, q := range []struct{ name, query, detail string }{
		{"50,000 x", "q=" + strings.Repeat("x", 50_000), "must be at most 500 characters"},
		{"20,000 x", "q=" + strings.Repeat("x", 20_000), "must be at most 500 characters"},
		{"501 x", "q=" + strings.Repeat("x", 501), "must be at most 500 characters"},
		{"50,000 %", "q=" + strings.Repeat("%25", 50_000), "must be at most 500 characters"},
		{"12,500 emoji", "q=" + strings.Repeat(url.QueryEscape("👩‍👩‍👧"), 2_500), "must be at most 500 characters"},
		{"501 emoji", "q=" + strings.Repeat(url.QueryEscape("🦀"), 501), "must be at most 500 characters"},
		{"40,000 words", "q=" + strings.ReplaceAll(words, " ", "+"), "must be at most 500 characters"},
		{"21 words", "q=" + strings.TrimSpace(strings.Repeat("a+", 21)), "must hold at most 20 words"},
	} {
		out = append(out, tbHostile{name: "query/tasks?q of " + q.name, method: "GET", path: tbTasksPath + "?" + q.query,
			status: 422, field: "q", detail: q.detail})
	}
	for _, q := range []string{strings.Repeat("x", 500), strings.Repeat(url.QueryEscape("🦀"), 500), strings.Repeat("%25", 500),
		strings.TrimSpace(strings.Repeat("a+", 20)), strings.Repeat(url.QueryEscape(`\%_`), 125)} {
		out = append(out, tbHostile{name: "query/tasks?q at the caps " + tbClipName(q), method: "GET", path: tbTasksPath + "?q=" + q, status: 200})
	}
	// The first api_key counts: a wrong one before the right one is a 401.
	return append(out, tbHostile{name: "query/campaigns?api_key twice, the first wrong", method: "GET",
		path: "/api/v1/campaigns?api_key=tbx_wrong", status: 401})
}

// tbClipName keeps a subtest name readable.
func tbClipName(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		return fmt.Sprintf("%s…(%d bytes)", string([]rune(s)[:40]), len(s))
	}
	return s
}

// tbHostilePathIDs: ids in paths that name no object are a 404, whatever
// the method, never a 400 or a 500.
func tbHostilePathIDs(fx tbHostileFixture) []tbHostile {
	var out []tbHostile
	for _, id := range []string{"9223372036854775808", "99999999999999999999999999999999999999999999999999", "9223372036854775807",
		"-1", "0", "00", "-0", "abc", "1.5", "1e3", "0x10", "%2B1", "%201", "1%00", "%D9%A1", "1;DROP%20TABLE%20tasks",
		strings.Repeat("9", 10_000)} {
		out = append(out, tbHostile{name: "path/GET task " + tbClipName(id), method: "GET", path: tbTasksPath + "/" + id, status: 404})
	}
	patch := `{"priority": "HIGH"}`
	for _, r := range []struct{ method, path, body string }{
		{"PATCH", tbTasksPath + "/9223372036854775808", patch},
		{"PATCH", tbTasksPath + "/-1", patch},
		{"PATCH", tbTasksPath + "/0", `not even JSON`},
		{"DELETE", tbTasksPath + "/-1", ""},
		{"DELETE", tbTasksPath + "/18446744073709551616", ""},
		{"POST", tbTasksPath + "/0/complete", ""},
		{"POST", tbTasksPath + "/-5/reopen", ""},
		{"GET", tbTasksPath + "/abc/events", ""},
		{"GET", "/api/v1/crm/leads/tasks/9223372036854775808", ""},
		{"GET", "/api/v1/crm/leads/tasks/-1", ""},
		{"GET", "/api/v1/campaigns/-1", ""},
		{"GET", "/api/v1/campaigns/9223372036854775808/leads", ""},
		{"POST", "/api/v1/campaigns/0/leads", `{"lead_list": [{"email": "a@b.example"}]}`},
		{"POST", "/api/v1/campaigns/99999999999999999999/leads", `{"lead_list": [{"email": "a@b.example"}]}`},
	} {
		out = append(out, tbHostile{name: "path/" + r.method + " " + strings.TrimPrefix(r.path, "/api/v1/"), method: r.method, path: r.path,
			body: r.body, status: 404})
	}
	return out
}

// tbHostileTransport: bodies where none is expected, content types that
// are not JSON, and headers that try to change the method.
func tbHostileTransport(fx tbHostileFixture) []tbHostile {
	valid := tbTaskBody(fx.mapID, nil)
	utf16 := "\xff\xfe" + strings.Join(strings.Split(valid, ""), "\x00") + "\x00"
	return []tbHostile{
		{name: "transport/GET inbox with a JSON body", method: "GET", path: tbTasksPath, body: `{"status": "completed", "limit": 0}`, status: 200},
		{name: "transport/GET task with a 64 KiB body", method: "GET", path: fmt.Sprintf("%s/%d", tbTasksPath, fx.taskID),
			body: strings.Repeat("garbage ", 8192), status: 200},
		{name: "transport/GET campaigns with a body", method: "GET", path: "/api/v1/campaigns", body: "\x00\xff", status: 200},
		{name: "transport/DELETE task with a body", method: "DELETE", path: tbTasksPath + "/999999", body: `{"id": 1}`, status: 404},
		// The body is read as JSON whatever Content-Type says: curl -d sends
		// form-urlencoded, and SmartLead's clients do not all set it.
		{name: "transport/create-task as text/plain", method: "POST", path: tbCreateTaskPath, body: valid, hdr: []string{"Content-Type", "text/plain"}, status: 200},
		{name: "transport/create-task without Content-Type", method: "POST", path: tbCreateTaskPath, body: valid, hdr: []string{"Content-Type", ""}, status: 200},
		{name: "transport/create-task as a form", method: "POST", path: tbCreateTaskPath, body: fmt.Sprintf("email_lead_map_id=%d&name=x", fx.mapID),
			hdr: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 400},
		{name: "transport/create-task as multipart", method: "POST", path: tbCreateTaskPath,
			body: "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n", hdr: []string{"Content-Type", "multipart/form-data; boundary=b"}, status: 400},
		{name: "transport/create-task as XML", method: "POST", path: tbCreateTaskPath, body: `<task><name>x</name></task>`,
			hdr: []string{"Content-Type", "application/xml"}, status: 400},
		{name: "transport/create-task in UTF-16", method: "POST", path: tbCreateTaskPath, body: utf16,
			hdr: []string{"Content-Type", "application/json; charset=utf-16"}, status: 400},
		// Request bodies are not decompressed: a gzipped body is not JSON.
		{name: "transport/create-task gzipped", method: "POST", path: tbCreateTaskPath, body: tbGzip(valid),
			hdr: []string{"Content-Encoding", "gzip"}, status: 400},
		{name: "transport/method override header", method: "POST", path: tbCreateTaskPath, body: valid,
			hdr: []string{"X-HTTP-Method-Override", "DELETE"}, status: 200},
		{name: "transport/PUT create-task", method: "PUT", path: tbCreateTaskPath, body: valid, status: 405},
	}
}

func tbGzip(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return b.String()
}

// tbHostileBulk: arrays over the limits, and huge ones that must be refused
// by their length before any entry is looked at.
func tbHostileBulk(fx tbHostileFixture) []tbHostile {
	entries := func(n int, entry string) string { return strings.TrimSuffix(strings.Repeat(entry+",", n), ",") }
	task := tbTaskBody(fx.mapID, nil)
	id := strconv.FormatInt(fx.taskID, 10)
	set := `, "set": {"priority": "LOW"}}`
	return []tbHostile{
		{name: "bulk/bulk-create 1,001 tasks", method: "POST", path: tbBulkCreatePath, body: `{"tasks": [` + entries(1001, task) + `]}`,
			status: 422, field: "tasks", detail: "must hold at most 1000 tasks"},
		{name: "bulk/bulk-create 1,000,000 empty objects", method: "POST", path: tbBulkCreatePath, body: `{"tasks": [` + entries(1_000_000, "{}") + `]}`,
			status: 422, field: "tasks", detail: "must hold at most 1000 tasks"},
		{name: "bulk/bulk-create no tasks", method: "POST", path: tbBulkCreatePath, body: `{"tasks": []}`, status: 422, field: "tasks"},
		{name: "bulk/bulk-create tasks an object", method: "POST", path: tbBulkCreatePath, body: `{"tasks": {"0": ` + task + `}}`, status: 422, field: "tasks"},
		{name: "bulk/bulk-create entry a number", method: "POST", path: tbBulkCreatePath, body: `{"tasks": [` + task + `, 1e400]}`, status: 422, field: "tasks[1]"},
		{name: "bulk/bulk-update 1,001 ids", method: "POST", path: tbBulkUpdatePath, body: `{"ids": [` + entries(1001, id) + `]` + set,
			status: 422, field: "ids", detail: "must hold at most 1000 task ids"},
		{name: "bulk/bulk-update 2,000,000 ids", method: "POST", path: tbBulkUpdatePath, body: `{"ids": [` + entries(2_000_000, "1") + `]` + set,
			status: 422, field: "ids", detail: "must hold at most 1000 task ids"},
		{name: "bulk/bulk-update no ids", method: "POST", path: tbBulkUpdatePath, body: `{"ids": []` + set, status: 422, field: "ids"},
		{name: "bulk/bulk-update the same id 1,000 times", method: "POST", path: tbBulkUpdatePath, body: `{"ids": [` + entries(1000, id) + `]` + set, status: 200},
		{name: "bulk/bulk-update empty set", method: "POST", path: tbBulkUpdatePath, body: `{"ids": [` + id + `], "set": {}}`, status: 422, field: "set"},
		{name: "bulk/bulk-update set an array", method: "POST", path: tbBulkUpdatePath, body: `{"ids": [` + id + `], "set": []}`, status: 422, field: "set"},
		{name: "bulk/bulk-update unknown id", method: "POST", path: tbBulkUpdatePath, body: `{"ids": [` + id + `, 999999999]` + set, status: 404},
		{name: "bulk/leads 401 entries", method: "POST", path: fmt.Sprintf("/api/v1/campaigns/%d/leads", fx.campaignID),
			body: `{"lead_list": [` + entries(401, `{"email": "a@b.example"}`) + `]}`, status: 422, field: "lead_list", detail: "must hold at most 400 leads"},
		{name: "bulk/leads 400,000 numbers", method: "POST", path: fmt.Sprintf("/api/v1/campaigns/%d/leads", fx.campaignID),
			body: `{"lead_list": [` + entries(400_000, "1") + `]}`, status: 422, field: "lead_list", detail: "must hold at most 400 leads"},
		// Entries are counted, not decoded: commas, brackets and quotes
		// inside strings and nested values are not entries.
		{name: "bulk/bulk-create 1,001 entries of brackets and commas in strings", method: "POST", path: tbBulkCreatePath,
			body:   `{"tasks": [` + entries(1001, `{"name": "a,],}[{\\\",", "x": [[1,2],{"y":"]"}]}`) + `]}`,
			status: 422, field: "tasks", detail: "must hold at most 1000 tasks"},
		{name: "bulk/bulk-create 3 entries of brackets and commas in strings", method: "POST", path: tbBulkCreatePath,
			body:   `{"tasks": [` + entries(3, `{"name": "a,],}[{\\\",", "x": [[1,2],{"y":"]"}]}`) + `]}`,
			status: 422, field: "tasks[2].email_lead_map_id"},
		{name: "bulk/bulk-create 1,000,000 entries then broken JSON", method: "POST", path: tbBulkCreatePath,
			body: `{"tasks": [` + entries(1_000_000, "{}") + `, {]}`, status: 400},
		{name: "bulk/bulk-update 2,000,000 ids in nested arrays", method: "POST", path: tbBulkUpdatePath,
			body: `{"ids": [` + entries(1_000_000, "[1,2]") + `]` + set, status: 422, field: "ids", detail: "must hold at most 1000 task ids"},
		{name: "bulk/webhook 60,000 event types", method: "POST", path: "/api/v1/webhooks",
			body:   `{"url": "https://hooks.example/x", "events": [` + entries(60_000, `"TASK_CREATED"`) + `]}`,
			status: 422, field: "events", detail: fmt.Sprintf("must hold at most %d event types", len(taskbox.WebhookEventTypes))},
	}
}
