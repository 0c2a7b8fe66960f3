package httpapi

import "net/http"

// routes lists every route of the API.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)

	mux.HandleFunc("POST /api/v1/master-inbox/create-task", s.auth(s.handleCreateTask))
	mux.HandleFunc("GET /api/v1/master-inbox/tasks/{id}", s.auth(s.handleGetTask))

	mux.HandleFunc("POST /api/v1/campaigns/create", s.auth(s.handleCreateCampaign))
	mux.HandleFunc("GET /api/v1/campaigns", s.auth(s.handleListCampaigns))
	mux.HandleFunc("GET /api/v1/campaigns/{id}", s.auth(s.handleGetCampaign))
	mux.HandleFunc("POST /api/v1/campaigns/{id}/leads", s.auth(s.handleAddLeads))
	mux.HandleFunc("GET /api/v1/campaigns/{id}/leads", s.auth(s.handleListLeads))
	mux.HandleFunc("GET /api/v1/leads", s.auth(s.handleFindLead))
	mux.HandleFunc("GET /api/v1/leads/{$}", s.auth(s.handleFindLead))
	return mux
}
