package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/taskboxhq/taskbox/internal/httpapi"
)

// TestAuth: SPEC.md §2, a missing, unknown or revoked key is a 401 with the
// message "Invalid API Key"; the query parameter and a Bearer header both work.
func TestAuth(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	revoked := api.Account(t, "Revoked", "")
	if err := api.DB.RevokeKey(context.Background(), revoked.KeyID); err != nil {
		t.Fatal(err)
	}
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	body := tbTaskBody(mapID, nil)

	for _, tc := range []struct {
		name  string
		query string // api_key value; "" sends none
		auth  string // Authorization header
	}{
		{"missing", "", ""},
		{"unknown", "tbx_000000000000000000000000000000000000000000000000", ""},
		{"short garbage", "x", ""},
		{"very long", strings.Repeat("k", 5000), ""},
		{"revoked", revoked.Key, ""},
		{"revoked bearer", "", "Bearer " + revoked.Key},
		{"bearer unknown", "", "Bearer tbx_nope"},
		{"bearer empty", "", "Bearer "},
		{"basic scheme", "", "Basic " + acct.Key},
		{"key without scheme", "", acct.Key},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := api.Do(t, http.MethodPost, tbCreateTaskPath, tc.query, body, "Authorization", tc.auth)
			e := tbWantError(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
			if e.Message != "Invalid API Key" {
				t.Errorf("message = %q, want Invalid API Key", e.Message)
			}
		})
	}

	t.Run("query parameter", func(t *testing.T) {
		api.CreateTask(t, acct.Key, body)
	})
	t.Run("bearer header", func(t *testing.T) {
		api.CreateTask(t, "", body, "Authorization", "Bearer "+acct.Key)
	})
	t.Run("bearer scheme in any case", func(t *testing.T) {
		api.CreateTask(t, "", body, "Authorization", "bearer "+acct.Key)
		api.CreateTask(t, "", body, "Authorization", "BEARER "+acct.Key)
	})
	t.Run("every API route", func(t *testing.T) {
		for _, route := range []struct{ method, path string }{
			{"GET", "/api/v1/master-inbox/tasks/1"},
			{"POST", "/api/v1/campaigns/create"},
			{"GET", "/api/v1/campaigns"},
			{"GET", "/api/v1/campaigns/1"},
			{"POST", "/api/v1/campaigns/1/leads"},
			{"GET", "/api/v1/campaigns/1/leads"},
			{"GET", "/api/v1/leads/?email=a@b.example"},
		} {
			r := api.Do(t, route.method, route.path, "", `{}`)
			if e := tbWantError(t, r, http.StatusUnauthorized, "UNAUTHORIZED"); e.Message != "Invalid API Key" {
				t.Errorf("%s %s: message %q", route.method, route.path, e.Message)
			}
		}
	})
	t.Run("a key revoked while in use", func(t *testing.T) {
		b := api.Account(t, "Soon revoked", "")
		bMap := api.LeadMap(t, b.Key, "x@b.example")
		api.CreateTask(t, b.Key, tbTaskBody(bMap, nil))
		if err := api.DB.RevokeKey(context.Background(), b.KeyID); err != nil {
			t.Fatal(err)
		}
		tbWantError(t, api.Post(t, tbCreateTaskPath, b.Key, tbTaskBody(bMap, nil)), http.StatusUnauthorized, "UNAUTHORIZED")
	})
}

// TestBadBody: SPEC.md §2, a body that is not JSON, not an object, or empty
// is a 400 without details.
func TestBadBody(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	for _, tc := range []struct {
		name, body, message string
	}{
		{"not JSON", `email_lead_map_id=1&name=x`, "The request body is not valid JSON."},
		{"truncated", `{"email_lead_map_id": 1, "name": "x"`, "The request body is not valid JSON."},
		{"trailing garbage", `{"email_lead_map_id": 1, "name": "x"} {}`, "The request body is not valid JSON."},
		{"single quotes", `{'name': 'x'}`, "The request body is not valid JSON."},
		{"leading zero", `{"email_lead_map_id": 01, "name": "x"}`, "The request body is not valid JSON."},
		{"NaN", `{"email_lead_map_id": NaN, "name": "x"}`, "The request body is not valid JSON."},
		{"array", `[{"email_lead_map_id": 1, "name": "x"}]`, "The request body must be a JSON object."},
		{"string", `"hello"`, "The request body must be a JSON object."},
		{"number", `42`, "The request body must be a JSON object."},
		{"true", `true`, "The request body must be a JSON object."},
		{"null", `null`, "The request body must be a JSON object."},
		{"empty", ``, "The request body is empty; send a JSON object."},
		{"white space", " \n\t\r ", "The request body is empty; send a JSON object."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := api.Post(t, tbCreateTaskPath, acct.Key, tc.body)
			e := tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST")
			if e.Message != tc.message {
				t.Errorf("message = %q, want %q", e.Message, tc.message)
			}
		})
	}
	t.Run("no body at all", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, api.URL+tbWithKey(tbCreateTaskPath, acct.Key), nil)
		tbWantError(t, tbSend(t, req), http.StatusBadRequest, "BAD_REQUEST")
	})
}

// TestBodyTooLarge: SPEC.md §2, a body over 1 MiB is a 413, whether its
// length is declared or it is sent chunked.
func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	valid := tbTaskBody(mapID, nil)
	// A valid body padded with white space to exactly n bytes.
	padded := func(n int) string { return valid + strings.Repeat(" ", n-len(valid)) }

	send := func(t *testing.T, body string, chunked bool) *tbResp {
		t.Helper()
		var rd io.Reader = strings.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd) // hides the length
		}
		req, err := http.NewRequest(http.MethodPost, api.URL+tbWithKey(tbCreateTaskPath, acct.Key), rd)
		if err != nil {
			t.Fatal(err)
		}
		if chunked {
			req.ContentLength = -1
			req.TransferEncoding = []string{"chunked"}
		} else if req.ContentLength != int64(len(body)) {
			t.Fatalf("ContentLength = %d", req.ContentLength)
		}
		req.Header.Set("Content-Type", "application/json")
		return tbSend(t, req)
	}
	for _, chunked := range []bool{false, true} {
		name := "Content-Length"
		if chunked {
			name = "chunked"
		}
		t.Run(name, func(t *testing.T) {
			t.Run("exactly 1 MiB", func(t *testing.T) {
				tbWantTask(t, send(t, padded(httpapi.MaxBody), chunked))
			})
			t.Run("1 MiB and one byte", func(t *testing.T) {
				tbWantError(t, send(t, padded(httpapi.MaxBody+1), chunked), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
			})
			t.Run("5 MiB", func(t *testing.T) {
				tbWantError(t, send(t, padded(5<<20), chunked), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
			})
		})
	}
	t.Run("campaigns too", func(t *testing.T) {
		body := `{"name": "x"}` + strings.Repeat(" ", httpapi.MaxBody)
		tbWantError(t, api.Post(t, "/api/v1/campaigns/create", acct.Key, body), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	})
}

// TestJSONEverywhere: SPEC.md §2, every answer is JSON, the mux's own 404 and
// 405 included.
func TestJSONEverywhere(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	t.Run("unknown route", func(t *testing.T) {
		for _, path := range []string{"/", "/api/v1/nope", "/api/v1/master-inbox/create-tasks", "/api/v2/master-inbox/create-task"} {
			e := tbWantError(t, api.Get(t, path, acct.Key), http.StatusNotFound, "NOT_FOUND")
			if !strings.Contains(e.Message, path) {
				t.Errorf("message %q does not name %s", e.Message, path)
			}
		}
	})
	t.Run("unknown route without key", func(t *testing.T) {
		tbWantError(t, api.Get(t, "/api/v1/nope", ""), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("wrong method", func(t *testing.T) {
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			r := api.Do(t, m, tbCreateTaskPath, acct.Key, "")
			tbWantError(t, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
			if allow := r.Header.Get("Allow"); !strings.Contains(allow, "POST") {
				t.Errorf("%s: Allow = %q, want POST in it", m, allow)
			}
		}
	})
	t.Run("health", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			r := api.Get(t, path, "")
			tbWantStatus(t, r, http.StatusOK)
			tbWantJSONType(t, r)
		}
	})
	t.Run("success and errors", func(t *testing.T) {
		mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
		for _, r := range []*tbResp{
			api.Post(t, tbCreateTaskPath, acct.Key, tbTaskBody(mapID, nil)),
			api.Post(t, tbCreateTaskPath, acct.Key, `{`),
			api.Post(t, tbCreateTaskPath, acct.Key, `{}`),
			api.Post(t, tbCreateTaskPath, "", `{}`),
			api.Get(t, "/api/v1/campaigns", acct.Key),
			api.Get(t, "/api/v1/campaigns/999", acct.Key),
			api.Get(t, "/api/v1/leads/", acct.Key),
		} {
			tbWantJSONType(t, r)
		}
	})
}
