package httpapi

import (
	"net/http"
	"sync/atomic"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// ReferenceHandler answers create-task as the real server does, but stores
// nothing: it checks the key against one known key, reads, decodes and
// validates the body with the server's own code and answers a task. It is
// the yardstick of `taskbox bench`: the speed of create-task without a
// database.
func ReferenceHandler(key string, loc *time.Location) http.Handler {
	var ids atomic.Int64
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/master-inbox/create-task", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api_key") != key {
			writeJSON(w, http.StatusUnauthorized, errorBody{Message: "Invalid API Key", Error: errorDetail{Code: taskbox.EUNAUTHORIZED, Message: "Invalid API Key"}})
			return
		}
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
	})
	return mux
}
