package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/httpapi"
)

// The OpenAPI document (SPEC.md §7) and the server must not drift apart:
// every answer the API tests get through tbTrySend is checked against the
// document served at GET /openapi.json by tbCheckOpenAPI, and every request
// the server accepted must be one the document allows.

// tbOpenAPI is the served document, loaded, validated and routed once.
var tbOpenAPI struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// tbLoadOpenAPI fetches GET /openapi.json from a server of its own (it needs
// no database), loads it, validates it as OpenAPI 3.1 and builds its router.
func tbLoadOpenAPI() (*openapi3.T, routers.Router, error) {
	tbOpenAPI.once.Do(func() {
		tbOpenAPI.doc, tbOpenAPI.router, tbOpenAPI.err = tbFetchOpenAPI()
	})
	return tbOpenAPI.doc, tbOpenAPI.router, tbOpenAPI.err
}

func tbFetchOpenAPI() (*openapi3.T, routers.Router, error) {
	srv := httptest.NewServer((&httpapi.Server{Logger: slog.New(slog.DiscardHandler)}).Handler())
	defer srv.Close()
	// Not through tbTrySend: checking this answer needs the document.
	res, err := http.Get(srv.URL + "/openapi.json")
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET /openapi.json = %d %s", res.StatusCode, b)
	}
	if mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, nil, fmt.Errorf("GET /openapi.json: Content-Type = %q, want application/json", res.Header.Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, nil, fmt.Errorf("loading /openapi.json: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, nil, fmt.Errorf("/openapi.json is OpenAPI %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context, openapi3.IsOpenAPI31OrLater(), openapi3.EnableSchemaFormatValidation()); err != nil {
		return nil, nil, fmt.Errorf("/openapi.json is not a valid OpenAPI 3.1 document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("routing /openapi.json: %w", err)
	}
	return doc, router, nil
}

// tbCheckOpenAPI holds one exchange to the document: the answer's status,
// headers and body must be those the document gives the operation, and a
// request the server accepted (2xx) must be one the document allows.
// Requests the suite makes bad on purpose are not checked, only their
// answers. A request that matches no operation (an unknown path, or a
// method the path does not have) must be answered in the Error envelope.
func tbCheckOpenAPI(req *http.Request, res *tbResp) error {
	doc, router, err := tbLoadOpenAPI()
	if err != nil {
		return fmt.Errorf("OpenAPI document: %w", err)
	}
	if req.Method == http.MethodHead {
		return nil
	}
	fail := func(what string, err error) error {
		return fmt.Errorf("OpenAPI: %s %s answered %d, %s: %w\nanswer: %s", req.Method, req.URL.Path, res.Status, what, err, tbClip(res.Body))
	}
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return fail("and its route could not be found", err)
		}
		if res.Status < 400 {
			return nil // a redirect to a cleaned path, say
		}
		if err := tbCheckErrorEnvelope(doc, res); err != nil {
			return fail("outside the document's operations, not in its Error envelope", err)
		}
		return nil
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	opts.WithCustomSchemaErrorFunc(tbSchemaError)
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.Status,
		Header:                 res.Header,
		Options:                opts,
	}
	out.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fail("which operation "+route.Operation.OperationID+" of the document does not allow", err)
	}
	if res.Status/100 == 2 {
		if err := tbCheckAcceptedRequest(req, route, pathParams); err != nil {
			return fail("accepting a request that operation "+route.Operation.OperationID+" of the document rejects", err)
		}
	}
	return nil
}

// tbCheckAcceptedRequest validates a request the server accepted. Empty
// query parameters are dropped first: the server takes them as absent.
func tbCheckAcceptedRequest(req *http.Request, route *routers.Route, pathParams map[string]string) error {
	r := req.Clone(context.Background())
	q := r.URL.Query()
	for k, v := range q {
		if len(v) == 0 || v[0] == "" {
			q.Del(k)
		}
	}
	r.URL.RawQuery = q.Encode()
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	opts.WithCustomSchemaErrorFunc(tbSchemaError)
	switch body, err := tbRequestBody(req); {
	case err != nil:
		return err
	case body == nil:
		opts.ExcludeRequestBody = route.Operation.RequestBody != nil && req.ContentLength != 0
		r.Body = http.NoBody
	default:
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: r, PathParams: pathParams, Route: route, Options: opts,
	})
}

// tbRequestBody returns a copy of the body a request was sent with, or nil
// when there was none or it cannot be read again.
func tbRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return nil, nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// tbCheckErrorEnvelope checks a JSON answer against the document's Error schema.
func tbCheckErrorEnvelope(doc *openapi3.T, res *tbResp) error {
	if mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("Content-Type = %q", res.Header.Get("Content-Type"))
	}
	var v any
	if err := json.Unmarshal(res.Body, &v); err != nil {
		return err
	}
	return doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors(),
		openapi3.SetSchemaErrorMessageCustomizer(tbSchemaError))
}

// tbSchemaError says where a value breaks a schema, without printing the
// whole schema as kin-openapi does by default.
func tbSchemaError(err *openapi3.SchemaError) string {
	if err.Origin != nil {
		return ""
	}
	return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
}

func tbClip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// TestOpenAPIDocument: GET /openapi.json serves a valid OpenAPI 3.1 document
// whose paths and methods are exactly the routes of routes.go.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc, _, err := tbLoadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	// Fetched once more through tbTrySend, the document's answer is held to itself.
	api := tbNewAPI(t)
	r := api.Get(t, "/openapi.json", "")
	tbWantStatus(t, r, http.StatusOK)
	tbWantJSONType(t, r)

	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, m := range regexp.MustCompile(`mux\.HandleFunc\("([A-Z]+) ([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		routes = append(routes, m[1]+" "+strings.TrimSuffix(m[2], "{$}"))
	}
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	sort.Strings(routes)
	sort.Strings(ops)
	if strings.Join(routes, "\n") != strings.Join(ops, "\n") {
		t.Errorf("routes.go and /openapi.json differ:\nroutes:\n  %s\ndocument:\n  %s", strings.Join(routes, "\n  "), strings.Join(ops, "\n  "))
	}
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		o := doc.Paths.Value(path).GetOperation(method)
		if o.OperationID == "" {
			t.Errorf("%s has no operationId", op)
		}
		if o.Responses.Status(http.StatusOK) == nil {
			t.Errorf("%s documents no 200", op)
		}
		if secured := o.Security == nil || len(*o.Security) > 0; secured && o.Responses.Status(http.StatusUnauthorized) == nil {
			t.Errorf("%s takes an API key but documents no 401", op)
		}
	}
}

// tbPanickingInbox is an inbox service with a bug.
type tbPanickingInbox struct{ taskbox.InboxService }

func (tbPanickingInbox) ListTasks(context.Context, taskbox.TaskFilter) (*taskbox.TaskPage, error) {
	panic("a bug")
}

// TestOpenAPIFailures holds the answers of failures to the document: a bug
// (500) and a database that is gone (503), which the other tests check
// without a real connection and so without tbTrySend.
func TestOpenAPIFailures(t *testing.T) {
	t.Parallel()
	db, _ := tbOpenStore(t)
	_, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(h http.Handler, method, target, body string, want int) {
		t.Helper()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := &tbResp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
		if res.Status != want {
			t.Errorf("%s %s = %s, want %d", method, target, res, want)
		}
		if err := tbCheckOpenAPI(req, res); err != nil {
			t.Error(err)
		}
	}
	buggy := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: tbPanickingInbox{db}, DB: db, Logger: slog.New(slog.DiscardHandler)}
	check(buggy.Handler(), http.MethodGet, "/api/v1/master-inbox/tasks?api_key="+key.Secret, "", http.StatusInternalServerError)

	h := tbHandler(db)
	db.Close()
	check(h, http.MethodGet, "/readyz", "", http.StatusServiceUnavailable)
	check(h, http.MethodPost, tbCreateTaskPath+"?api_key="+key.Secret, `{"email_lead_map_id": 1, "name": "x"}`, http.StatusServiceUnavailable)
	check(h, http.MethodGet, "/api/v1/campaigns?api_key="+key.Secret, "", http.StatusServiceUnavailable)
	check(h, http.MethodGet, "/healthz", "", http.StatusOK)
}

// TestOpenAPICatchesDrift: the check is not vacuous. Answers that break the
// document in the ways drift would are refused.
func TestOpenAPICatchesDrift(t *testing.T) {
	t.Parallel()
	task := `{"id":1,"email_lead_map_id":2433664091,"name":"x","description":null,"priority":"HIGH","due_date":"2025-12-15",` +
		`"created_at":"2025-12-01T10:00:00.000Z","status":"pending","updated_at":"2025-12-01T10:00:00.000Z","completed_at":null,` +
		`"campaign_id":3,"lead_id":4,"completed_by":null,"lead":{"id":4,"email":"a@b.example","first_name":null,"last_name":null,` +
		`"company_name":null},"campaign":{"id":3,"name":"c"},"assignee":null,"lead_category":null,"snoozed_until":null,"recurrence":null,"reminders":[]}`
	jh := http.Header{"Content-Type": {"application/json"}}
	get := httptest.NewRequest(http.MethodGet, "/api/v1/master-inbox/tasks/1", nil)
	post := func(body string) *http.Request { // a client's request, whose body can be read again
		req, err := http.NewRequest(http.MethodPost, tbCreateTaskPath, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	for _, tc := range []struct {
		name string
		req  *http.Request
		res  *tbResp
		ok   bool
	}{
		{"a task", get, &tbResp{200, jh, []byte(`{"ok":true,"data":` + task + `}`)}, true},
		{"a field more", get, &tbResp{200, jh, []byte(`{"ok":true,"data":` + strings.Replace(task, `"id":1,`, `"id":1,"extra":1,`, 1) + `}`)}, false},
		{"a field less", get, &tbResp{200, jh, []byte(`{"ok":true,"data":` + strings.Replace(task, `"name":"x",`, ``, 1) + `}`)}, false},
		{"a timestamp without milliseconds", get, &tbResp{200, jh, []byte(`{"ok":true,"data":` + strings.Replace(task, `10:00:00.000Z`, `10:00:00Z`, 1) + `}`)}, false},
		{"a lowercase priority", get, &tbResp{200, jh, []byte(`{"ok":true,"data":` + strings.Replace(task, `"HIGH"`, `"high"`, 1) + `}`)}, false},
		{"no envelope", get, &tbResp{200, jh, []byte(task)}, false},
		{"text", get, &tbResp{200, http.Header{"Content-Type": {"text/plain"}}, []byte(`{"ok":true,"data":` + task + `}`)}, false},
		{"an undocumented status", get, &tbResp{418, jh, []byte(`{}`)}, false},
		{"a 404", get, &tbResp{404, jh, []byte(`{"ok":false,"message":"Task not found.","error":{"code":"NOT_FOUND","message":"Task not found."}}`)}, true},
		{"a 404 with the wrong code", get, &tbResp{404, jh, []byte(`{"ok":false,"message":"Task not found.","error":{"code":"BAD_REQUEST","message":"Task not found."}}`)}, false},
		{"a 404 with details", get, &tbResp{404, jh, []byte(`{"ok":false,"message":"m","error":{"code":"NOT_FOUND","message":"m","details":[{"field":"f","message":"m"}]}}`)}, false},
		{"an unknown route in the envelope", httptest.NewRequest(http.MethodGet, "/nope", nil),
			&tbResp{404, jh, []byte(`{"ok":false,"message":"m","error":{"code":"NOT_FOUND","message":"m"}}`)}, true},
		{"an unknown route in plain text", httptest.NewRequest(http.MethodGet, "/nope", nil),
			&tbResp{404, http.Header{"Content-Type": {"text/plain"}}, []byte("404 page not found")}, false},
		{"a created task", post(`{"email_lead_map_id":"1","name":"x","priority":null}`), &tbResp{200, jh, []byte(`{"ok":true,"data":` + task + `}`)}, true},
		{"a replay header that is not true", post(`{"email_lead_map_id":1,"name":"x"}`),
			&tbResp{200, http.Header{"Content-Type": {"application/json"}, "Idempotency-Replayed": {"yes"}}, []byte(`{"ok":true,"data":` + task + `}`)}, false},
		{"an accepted request the document rejects", post(`{"email_lead_map_id":1,"name":"x","priority":"URGENT"}`),
			&tbResp{200, jh, []byte(`{"ok":true,"data":` + task + `}`)}, false},
	} {
		err := tbCheckOpenAPI(tc.req, tc.res)
		if (err == nil) != tc.ok {
			t.Errorf("%s: tbCheckOpenAPI = %v, want ok %v", tc.name, err, tc.ok)
		} else if err != nil {
			t.Logf("%s: %v", tc.name, err)
		}
	}
}

// TestOpenAPITour reaches, for every operation, the answers the rest of the
// suite may not: each status the document gives it that a test can cause,
// replays, every filter of the inbox, every kind of audit event, with rate
// limiting on so that the X-RateLimit headers are held to the document too.
// Every answer goes through tbTrySend, so the document checks each one.
func TestOpenAPITour(t *testing.T) {
	t.Parallel()
	db, _ := tbOpenStore(t)
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, Notes: db, Categories: db, DB: db,
		Logger: slog.New(slog.DiscardHandler), RateLimit: httpapi.NewRateLimiter(1e6)}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	api := &tbAPI{URL: srv.URL, DB: db}
	acct := api.Account(t, "Acme", "Europe/Berlin")
	key := acct.Key
	want := func(status int, method, path, k, body string, hdr ...string) *tbResp {
		t.Helper()
		r := api.Do(t, method, path, k, body, hdr...)
		if r.Status != status {
			t.Errorf("%s %s = %s, want %d", method, path, r, status)
		}
		return r
	}
	const (
		get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
		tasks                 = "/api/v1/master-inbox/tasks"
	)
	big := `{"name": "x"}` + strings.Repeat(" ", httpapi.MaxBody)
	longKey := strings.Repeat("k", 256)

	// Campaigns and leads.
	want(200, post, "/api/v1/campaigns/create", key, `{"name": "Q4"}`, "Idempotency-Key", "c1")
	r := want(200, post, "/api/v1/campaigns/create", key, `{"name": "Q4"}`, "Idempotency-Key", "c1")
	if r.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("campaign replay: %v", r.Header)
	}
	var campaign struct{ ID int64 }
	tbDecode(t, r.Body, &campaign)
	leads := fmt.Sprintf("/api/v1/campaigns/%d/leads", campaign.ID)
	upload := `{"lead_list": [{"email": "ann@acme.example", "first_name": "Ann", "custom_fields": {"seats": 50}},
		{"email": "bob@acme.example", "company_name": null}, {"email": "bad"}], "settings": {}}`
	want(200, post, leads, key, upload, "Idempotency-Key", "l1")
	r = want(200, post, leads, key, upload, "Idempotency-Key", "l1")
	if r.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("lead upload replay: %v", r.Header)
	}
	var up tbUpload
	tbDecode(t, r.Body, &up)
	if len(up.Leads) != 2 {
		t.Fatalf("upload = %s", r.Body)
	}
	mapID, leadID := up.Leads[0].LeadMapID, up.Leads[0].LeadID
	want(409, post, leads, key, `{"lead_list": [{"email": "x@acme.example"}]}`, "Idempotency-Key", "l1")
	want(400, post, leads, key, `{"lead_list": [{"email": "x@acme.example"}]}`, "Idempotency-Key", longKey)
	want(400, post, leads, key, `[]`)
	want(413, post, leads, key, big)
	want(401, post, "/api/v1/campaigns/create", "", `{"name": "x"}`)
	want(409, post, "/api/v1/campaigns/create", key, `{"name": "Q5"}`, "Idempotency-Key", "c1")
	want(200, get, leads+"?offset=1&limit=1", key, "")
	want(404, get, "/api/v1/campaigns/999999/leads", key, "")
	want(200, get, "/api/v1/leads?email=ANN@acme.example", key, "")
	want(404, get, "/api/v1/leads?email=nobody@acme.example", key, "")
	want(401, get, "/api/v1/leads?email=ann@acme.example", "", "")
	want(200, get, "/api/v1/campaigns/"+fmt.Sprint(campaign.ID), key, "")

	// Tasks: create, replay, conflicts.
	body := tbTaskBody(mapID, map[string]string{"description": `"d"`, "priority": `"HIGH"`, "due_date": `"2020-01-01T09:00:00"`})
	want(200, post, tbCreateTaskPath, key, body, "Idempotency-Key", "t1")
	r = want(200, post, tbCreateTaskPath, key, body, "Idempotency-Key", "t1")
	if r.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("task replay: %v", r.Header)
	}
	var task struct{ ID int64 }
	tbDecode(t, tbField(t, r.Body, "data"), &task)
	one := fmt.Sprintf("%s/%d", tasks, task.ID)
	want(400, post, tbCreateTaskPath, key, body, "Idempotency-Key", longKey)
	want(200, post, tbCreateTaskPath, key, tbTaskBody(mapID, map[string]string{"due_date": `"2030-06-01"`, "priority": `"LOW"`}))
	want(200, post, tbCreateTaskPath, key, tbTaskBody(mapID, map[string]string{"due_date": `"2030-06-01T10:00:00.123456Z"`}))

	bulk := fmt.Sprintf(`{"tasks": [{"email_lead_map_id": %d, "name": "a"}, {"email_lead_map_id": "%d", "name": "b", "due_date": null}]}`, mapID, mapID)
	want(200, post, tasks+"/bulk-create", key, bulk, "Idempotency-Key", "b1")
	if r := want(200, post, tasks+"/bulk-create", key, bulk, "Idempotency-Key", "b1"); r.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("bulk replay: %v", r.Header)
	}
	want(409, post, tasks+"/bulk-create", key, fmt.Sprintf(`{"tasks": [{"email_lead_map_id": %d, "name": "c"}]}`, mapID), "Idempotency-Key", "b1")
	want(400, post, tasks+"/bulk-create", key, `{"tasks": [}`)
	want(401, post, tasks+"/bulk-create", "", bulk)
	want(422, post, tasks+"/bulk-create", key, `{"tasks": []}`)

	// The lifecycle, and every kind of audit event.
	want(200, patch, one, key, `{"name": " Renamed ", "description": null, "priority": "MEDIUM", "due_date": "2030-01-01T08:00:00+01:00"}`)
	want(200, patch, one, key, `{"status": "completed"}`)
	want(200, patch, one, key, `{}`)
	want(200, post, one+"/reopen", key, "")
	want(200, post, one+"/complete", key, "")
	want(413, patch, one, key, big)
	want(422, patch, one, key, `{"priority": null}`)
	for _, p := range []string{one, one + "/events"} {
		want(401, get, p, "", "")
	}
	want(401, patch, one, "", `{}`)
	want(401, post, one+"/complete", "", "")
	want(401, post, one+"/reopen", "", "")
	want(401, del, one, "", "")
	want(404, post, tasks+"/999999/reopen", key, "")
	want(200, post, tasks+"/bulk-update", key, fmt.Sprintf(`{"ids": [%d, "%d"], "set": {"status": "pending", "priority": "LOW", "due_date": null}}`, task.ID, task.ID))
	want(400, post, tasks+"/bulk-update", key, `nope`)
	want(401, post, tasks+"/bulk-update", "", `{}`)
	want(422, post, tasks+"/bulk-update", key, `{"ids": [], "set": {}}`)

	// The inbox, with every filter.
	want(200, get, tasks+"?status=all&priority=HIGH,LOW&due=overdue&due_before=2031-01-01&due_after=2000-01-01T00:00:00Z"+
		fmt.Sprintf("&email_lead_map_id=%d&lead_id=%d&campaign_id=%d", mapID, leadID, campaign.ID)+
		"&q=Renamed&sort=-priority&limit=1&tz=America/New_York", key, "")
	for _, q := range []string{"status=completed", "due=today", "due=upcoming&sort=created_at", "due=none&sort=-due_date", "sort=-created_at&limit=100"} {
		want(200, get, tasks+"?"+q, key, "")
	}
	want(401, get, tasks, "", "")
	want(200, get, tasks+"/summary", key, "")
	want(401, get, tasks+"/summary", "", "")
	want(200, get, fmt.Sprintf("/api/v1/crm/leads/tasks/%d", leadID), key, "")
	want(200, get, fmt.Sprintf("/api/v1/crm/leads/tasks/%d", up.Leads[1].LeadID), key, "") // a lead without tasks
	want(401, get, fmt.Sprintf("/api/v1/crm/leads/tasks/%d", leadID), "", "")

	// The lead side: notes, categories, lead reads.
	note := fmt.Sprintf(`{"email_lead_map_id": "%d", "note_message": "Wants pricing"}`, mapID)
	want(200, post, tbCreateNotePath, key, note, "Idempotency-Key", "n1")
	if r := want(200, post, tbCreateNotePath, key, note, "Idempotency-Key", "n1"); r.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("note replay: %v", r.Header)
	}
	want(409, post, tbCreateNotePath, key, `{"email_lead_map_id": 1, "note_message": "x"}`, "Idempotency-Key", "n1")
	want(400, post, tbCreateNotePath, key, `[]`)
	want(401, post, tbCreateNotePath, "", note)
	want(404, post, tbCreateNotePath, key, `{"email_lead_map_id": 999999999, "note_message": "x"}`)
	want(413, post, tbCreateNotePath, key, big)
	want(422, post, tbCreateNotePath, key, `{"lead_id": 1, "note": "x"}`)
	notes := fmt.Sprintf("/api/v1/crm/leads/notes/%d", leadID)
	want(200, get, notes, key, "")
	want(401, get, notes, "", "")
	want(404, get, "/api/v1/crm/leads/notes/999999", key, "")
	want(200, get, "/api/v1/leads/fetch-categories", key, "")
	want(401, get, "/api/v1/leads/fetch-categories", "", "")
	category := `{"name": "Hot", "sentiment_type": null}`
	want(200, post, "/api/v1/leads/categories", key, category, "Idempotency-Key", "k1")
	want(200, post, "/api/v1/leads/categories", key, category, "Idempotency-Key", "k1")
	want(409, post, "/api/v1/leads/categories", key, `{"name": "Cold"}`, "Idempotency-Key", "k1")
	want(400, post, "/api/v1/leads/categories", key, `x`)
	want(401, post, "/api/v1/leads/categories", "", category)
	want(413, post, "/api/v1/leads/categories", key, big)
	want(422, post, "/api/v1/leads/categories", key, `{"name": "Hot"}`)
	update := "/api/v1/master-inbox/update-category"
	want(200, patch, update, key, fmt.Sprintf(`{"email_lead_map_id": %d, "category_id": "1"}`, mapID))
	want(200, patch, update, key, fmt.Sprintf(`{"email_lead_map_id": %d, "category_id": null}`, mapID))
	want(400, patch, update, key, ``)
	want(401, patch, update, "", `{}`)
	want(404, patch, update, key, `{"email_lead_map_id": 999999999, "category_id": 1}`)
	want(413, patch, update, key, big)
	want(422, patch, update, key, fmt.Sprintf(`{"email_lead_map_id": %d, "category_id": "Interested"}`, mapID))
	perCampaign := fmt.Sprintf("/api/v1/campaigns/%d/leads/%d/category", campaign.ID, leadID)
	want(200, post, perCampaign, key, `{"category_id": 2, "pause_lead": true}`)
	want(400, post, perCampaign, key, `"x"`)
	want(401, post, perCampaign, "", `{}`)
	want(404, post, fmt.Sprintf("/api/v1/campaigns/%d/leads/999999/category", campaign.ID), key, `{"category_id": 2}`)
	want(413, post, perCampaign, key, big)
	want(422, post, perCampaign, key, `{"category": 2}`)
	want(200, get, tasks+"?lead_category_id=2", key, "")
	want(400, get, tasks+"?lead_category_id=x", key, "")
	for _, p := range []string{fmt.Sprintf("/api/v1/leads/%d", leadID), fmt.Sprintf("/api/v1/leads/%d/campaigns", leadID), "/api/v1/campaigns/"} {
		want(200, get, p, key, "")
		want(401, get, p, "", "")
	}
	want(404, get, "/api/v1/leads/999999", key, "")
	want(404, get, "/api/v1/leads/999999/campaigns", key, "")

	want(200, del, one, key, "")
	want(200, get, one+"/events", key, "")
	want(404, get, one, key, "")

	// Over the rate: a server whose limit is one request per key at a time.
	tight := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, DB: db,
		Logger: slog.New(slog.DiscardHandler), RateLimit: httpapi.NewRateLimiter(0.01)}
	tsrv := httptest.NewServer(tight.Handler())
	t.Cleanup(tsrv.Close)
	tapi := &tbAPI{URL: tsrv.URL, DB: db}
	tbWantStatus(t, tapi.Post(t, tbCreateTaskPath, key, tbTaskBody(mapID, nil)), http.StatusOK)
	tbWantStatus(t, tapi.Post(t, tbCreateTaskPath, key, tbTaskBody(mapID, nil)), http.StatusTooManyRequests)
	tbWantStatus(t, tapi.Get(t, tasks+"/summary", key), http.StatusTooManyRequests)
}
