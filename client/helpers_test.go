package client_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// api is the real server on a real port (127.0.0.1, port 0) over a fresh
// database of the test run's backend (package testdb).
type api struct {
	URL string
	DB  *testdb.DB
}

// newServer wires the API as main does. Every service field of
// httpapi.Server that the store implements is set, so that services added
// to the server later (webhooks, the calendar) are served here too.
func newServer(t testing.TB) *api {
	t.Helper()
	tdb := testdb.Open(t)
	s := &httpapi.Server{DB: tdb.DB, Logger: slog.New(slog.DiscardHandler)}
	wire(s, tdb.DB)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &api{URL: srv.URL, DB: tdb}
}

// wire sets each nil interface field of s that impl implements.
func wire(s *httpapi.Server, impl any) {
	v := reflect.ValueOf(s).Elem()
	iv := reflect.ValueOf(impl)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Interface && f.IsNil() && f.CanSet() && iv.Type().Implements(f.Type()) {
			f.Set(iv)
		}
	}
}

// account makes an account and returns a client with its first key.
func (a *api) account(t testing.TB, name string, opts ...client.Option) *client.Client {
	t.Helper()
	_, key, err := a.DB.CreateAccount(context.Background(), taskbox.NewAccount{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return a.client(t, a.URL, key.Secret, opts...)
}

func (a *api) client(t testing.TB, url, key string, opts ...client.Option) *client.Client {
	t.Helper()
	opts = append([]client.Option{client.WithRetries(4, 10*time.Millisecond, 50*time.Millisecond)}, opts...)
	c, err := client.New(url, key, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// leadMaps makes a campaign with one lead per email and returns it and the
// lead maps, by email.
func leadMaps(t *testing.T, c *client.Client, name string, emails ...string) (*taskbox.Campaign, map[string]taskbox.UploadedLead) {
	t.Helper()
	ctx := context.Background()
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	u := &taskbox.LeadUpload{CampaignID: camp.ID}
	for _, e := range emails {
		u.Leads = append(u.Leads, taskbox.LeadInput{Email: e})
	}
	res, err := c.AddLeads(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]taskbox.UploadedLead{}
	for _, l := range res.Leads {
		m[strings.ToLower(l.Email)] = l
	}
	return camp, m
}

// wantCode fails unless err is a *taskbox.Error with the code.
func wantCode(t *testing.T, err error, code string) *taskbox.Error {
	t.Helper()
	var e *taskbox.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *taskbox.Error with code %s", err, err, code)
	}
	if e.Code != code || e.Message == "" {
		t.Fatalf("error code %q message %q, want code %s with a message", e.Code, e.Message, code)
	}
	return e
}

func ptr[T any](v T) *T { return &v }
