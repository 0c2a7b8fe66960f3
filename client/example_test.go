package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/store"
)

// exampleServer starts a real taskbox server in-process over a fresh SQLite
// file and returns its URL, an API key and a stop function. Outside this
// repository, the URL and key are those of your own `taskbox serve`.
func exampleServer() (url, key string, stop func()) {
	dir, err := os.MkdirTemp("", "taskbox-example-")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "taskbox.db"))
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	_, k, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: "example"})
	if err != nil {
		log.Fatal(err)
	}
	s := &httpapi.Server{DB: db, Logger: slog.New(slog.DiscardHandler)}
	wire(s, db)
	srv := httptest.NewServer(s.Handler())
	return srv.URL, k.Secret, func() { srv.Close(); db.Close(); os.RemoveAll(dir) }
}

// A campaign, a lead in it, and a task for that lead, then the inbox.
func Example() {
	url, key, stop := exampleServer()
	defer stop()
	ctx := context.Background()

	c, err := client.New(url, key)
	if err != nil {
		log.Fatal(err)
	}
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Q4 outreach"})
	if err != nil {
		log.Fatal(err)
	}
	added, err := c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID,
		Leads: []taskbox.LeadInput{{Email: "ada@example.com"}}})
	if err != nil {
		log.Fatal(err)
	}
	due := "2025-12-15T11:00:00+02:00"
	task, err := c.CreateTask(ctx, &taskbox.TaskCreate{
		LeadMapID: added.Leads[0].LeadMapID,
		Name:      "Send the pricing sheet",
		Priority:  taskbox.PriorityHigh,
		DueDate:   &due,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Name, task.Priority, task.Due, task.Status)

	for t, err := range c.AllTasks(ctx, taskbox.TaskFilter{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.Lead.Email, t.Campaign.Name, t.Name)
	}
	// Output:
	// Send the pricing sheet HIGH 2025-12-15T09:00:00Z pending
	// ada@example.com Q4 outreach Send the pricing sheet
}

// Errors are *taskbox.Error values with the server's code and details.
func ExampleClient_CreateTask_validation() {
	url, key, stop := exampleServer()
	defer stop()

	c, _ := client.New(url, key)
	_, err := c.CreateTask(context.Background(), &taskbox.TaskCreate{LeadMapID: 1, Name: "Call", Priority: "URGENT"})
	fmt.Println(taskbox.ErrorCode(err))
	var e *taskbox.Error
	if errors.As(err, &e) {
		for _, d := range e.Details {
			fmt.Println(d.Field, d.Message)
		}
	}
	// Output:
	// VALIDATION_ERROR
	// priority must be one of LOW, MEDIUM, HIGH
}

// A client with its own *http.Client and a tighter retry budget.
func ExampleNew() {
	hc := &http.Client{Timeout: 10 * time.Second}
	c, err := client.New("http://127.0.0.1:8080", os.Getenv("TASKBOX_API_KEY"),
		client.WithHTTPClient(hc), client.WithRetries(3, 100*time.Millisecond, 2*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	sum, err := c.Summarize(context.Background(), time.UTC, time.Time{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("overdue:", sum.Overdue)
}

// Completing the overdue HIGH tasks of one campaign in one call.
func ExampleClient_BulkUpdateTasks() {
	c, _ := client.New("http://127.0.0.1:8080", os.Getenv("TASKBOX_API_KEY"))
	ctx := context.Background()
	var ids []int64
	for t, err := range c.AllTasks(ctx, taskbox.TaskFilter{Due: taskbox.DueOverdue, Priorities: []taskbox.Priority{taskbox.PriorityHigh}, CampaignID: 3023}) {
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, t.ID)
	}
	done := taskbox.StatusCompleted
	if _, err := c.BulkUpdateTasks(ctx, &taskbox.BulkUpdate{IDs: ids[:min(len(ids), taskbox.MaxBulk)], Set: taskbox.TaskUpdate{Status: &done}}); err != nil {
		log.Fatal(err)
	}
}
