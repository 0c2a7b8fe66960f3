package httpapi

import (
	"net/http"
	"sync/atomic"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// ReferenceHandler answers the routes that `taskbox bench` drives as the
// real server does, but stores nothing: it checks the key against one known
// key, reads, decodes and validates create-task's body with the server's
// own code and answers a task; get and complete answer a made-up task of
// that id, and the list a page of 20 made-up tasks. It is the yardstick of
// the benchmark: the speed of these routes without a database.
func ReferenceHandler(key string, loc *time.Location) http.Handler {
	var ids atomic.Int64
	s := &Server{}
	mux := http.NewServeMux()
	authed := func(h func(w http.ResponseWriter, r *http.Request)) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("api_key") != key {
				s.Error(w, r, taskbox.Errorf(taskbox.EUNAUTHORIZED, "Invalid API Key"))
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("POST /api/v1/master-inbox/create-task", authed(func(w http.ResponseWriter, r *http.Request) {
		var fe taskbox.FieldErrors
		o, _, err := readJSON(w, r, MaxBody, false, &fe)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		c := decodeTaskCreate(o)
		if c.Validate(&fe, loc, ""); fe != nil {
			s.Error(w, r, fe.Err())
			return
		}
		now := taskbox.Now()
		writeData(w, &taskbox.Task{ID: ids.Add(1), LeadMapID: c.LeadMapID, Name: c.Name, Description: c.Description,
			Priority: c.Priority, Due: c.Due, CreatedAt: now, Status: taskbox.StatusPending, UpdatedAt: now})
	}))
	one := func(status taskbox.Status) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			id, err := pathID(r, "Task")
			if err != nil {
				s.Error(w, r, err)
				return
			}
			writeData(w, referenceTask(id, status))
		}
	}
	mux.HandleFunc("GET /api/v1/master-inbox/tasks/{id}", authed(one(taskbox.StatusPending)))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/{id}/complete", authed(one(taskbox.StatusCompleted)))
	mux.HandleFunc("GET /api/v1/master-inbox/tasks", authed(func(w http.ResponseWriter, r *http.Request) {
		page := make([]*taskbox.Task, 20)
		for i := range page {
			page[i] = referenceTask(int64(i+1), taskbox.StatusPending)
		}
		next := "reference"
		writeTasks(w, nil, page, true, &next) // as the real list writes it
	}))
	return mux
}

// referenceTask is a made-up task of the shape the real server answers.
func referenceTask(id int64, status taskbox.Status) *taskbox.Task {
	now := taskbox.Now()
	desc := "Send pricing breakdown for 50-seat plan"
	return &taskbox.Task{ID: id, LeadMapID: 2433664091, Name: "Follow up on enterprise proposal", Description: &desc,
		Priority: taskbox.PriorityHigh, CreatedAt: now, Status: status, UpdatedAt: now, CampaignID: 1, LeadID: 1,
		Lead: &taskbox.TaskLead{ID: 1, Email: "lead@bench.example"}, Campaign: &taskbox.TaskCampaign{ID: 1, Name: "bench"}}
}
