package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// routes lists every route of the API.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.HandleFunc("GET /openapi.json", s.handleOpenAPI)
	mux.HandleFunc("GET /metrics", s.handleMetrics)

	mux.HandleFunc("POST /api/v1/master-inbox/create-task", s.auth(s.handleCreateTask))
	mux.HandleFunc("GET /api/v1/master-inbox/tasks", s.auth(s.handleListTasks))
	mux.HandleFunc("GET /api/v1/master-inbox/tasks/summary", s.auth(s.handleSummary))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/bulk-create", s.auth(s.largeBody(s.handleBulkCreate)))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/bulk-update", s.auth(s.largeBody(s.handleBulkUpdate)))
	mux.HandleFunc("GET /api/v1/master-inbox/tasks/{id}", s.auth(s.handleGetTask))
	mux.HandleFunc("PATCH /api/v1/master-inbox/tasks/{id}", s.auth(s.handleUpdateTask))
	mux.HandleFunc("DELETE /api/v1/master-inbox/tasks/{id}", s.auth(s.handleDeleteTask))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/{id}/complete", s.auth(s.handleSetStatus(taskbox.StatusCompleted)))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/{id}/reopen", s.auth(s.handleSetStatus(taskbox.StatusPending)))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/{id}/snooze", s.auth(s.handleSnooze))
	mux.HandleFunc("POST /api/v1/master-inbox/tasks/{id}/unsnooze", s.auth(s.handleUnsnooze))
	mux.HandleFunc("GET /api/v1/master-inbox/tasks/{id}/events", s.auth(s.handleTaskEvents))
	mux.HandleFunc("GET /api/v1/crm/leads/tasks/{id}", s.auth(s.handleLeadTasks))
	mux.HandleFunc("POST /api/v1/master-inbox/update-team-member", s.auth(s.handleUpdateTeamMember))

	mux.HandleFunc("GET /api/v1/team-members", s.auth(s.handleListMembers))
	mux.HandleFunc("GET /api/v1/team-members/{id}", s.auth(s.handleGetMember))
	mux.HandleFunc("PATCH /api/v1/team-members/{id}", s.auth(s.handleUpdateMember))
	mux.HandleFunc("POST /api/v1/master-inbox/set-reminder", s.auth(s.handleSetReminder))
	mux.HandleFunc("POST /api/v1/master-inbox/reminders", s.auth(s.handleListReminders))
	mux.HandleFunc("POST /api/v1/master-inbox/create-note", s.auth(s.handleCreateNote))
	mux.HandleFunc("GET /api/v1/crm/leads/notes/{id}", s.auth(s.handleLeadNotes))
	mux.HandleFunc("PATCH /api/v1/master-inbox/update-category", s.auth(s.handleUpdateCategory))

	mux.HandleFunc("POST /api/v1/campaigns/create", s.auth(s.handleCreateCampaign))
	mux.HandleFunc("GET /api/v1/campaigns", s.auth(s.handleListCampaigns))
	mux.HandleFunc("GET /api/v1/campaigns/{$}", s.auth(s.handleListCampaigns))
	mux.HandleFunc("GET /api/v1/campaigns/{id}", s.auth(s.handleGetCampaign))
	mux.HandleFunc("POST /api/v1/campaigns/{id}/leads", s.auth(s.handleAddLeads))
	mux.HandleFunc("GET /api/v1/campaigns/{id}/leads", s.auth(s.handleListLeads))
	mux.HandleFunc("POST /api/v1/campaigns/{id}/leads/{lead_id}/category", s.auth(s.handleCampaignLeadCategory))
	mux.HandleFunc("GET /api/v1/leads", s.auth(s.handleFindLead))
	mux.HandleFunc("GET /api/v1/leads/{$}", s.auth(s.handleFindLead))
	mux.HandleFunc("GET /api/v1/leads/{id}", s.auth(s.handleGetLead))
	mux.HandleFunc("GET /api/v1/leads/{id}/campaigns", s.auth(s.handleLeadCampaigns))
	mux.HandleFunc("GET /api/v1/leads/fetch-categories", s.auth(s.handleListCategories))
	mux.HandleFunc("POST /api/v1/leads/categories", s.auth(s.handleCreateCategory))

	mux.HandleFunc("POST /api/v1/webhooks", s.auth(s.handleCreateWebhook))
	mux.HandleFunc("GET /api/v1/webhooks", s.auth(s.handleListWebhooks))
	mux.HandleFunc("GET /api/v1/webhooks/{id}", s.auth(s.handleGetWebhook))
	mux.HandleFunc("DELETE /api/v1/webhooks/{id}", s.auth(s.handleDeleteWebhook))
	mux.HandleFunc("GET /api/v1/webhooks/{id}/deliveries", s.auth(s.handleListDeliveries))
	mux.HandleFunc("POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", s.auth(s.handleRedeliver))
	mux.HandleFunc("POST /api/v1/calendar/token", s.auth(s.handleRotateCalendarToken))
	mux.HandleFunc("GET /ical/{file}", s.handleCalendarFeed)

	mux.HandleFunc("POST /api/v1/integrations/smartlead", s.auth(s.handleConnectSmartLead))
	mux.HandleFunc("GET /api/v1/integrations/smartlead/events", s.auth(s.handleSmartLeadEvents))
	mux.HandleFunc("POST /hooks/smartlead/{token}", s.handleSmartLeadHook)
	mux.HandleFunc("GET /api/v1/rules", s.auth(s.handleListRules))
	mux.HandleFunc("POST /api/v1/rules", s.auth(s.handleCreateRule))
	mux.HandleFunc("PATCH /api/v1/rules/{id}", s.auth(s.handleUpdateRule))
	mux.HandleFunc("DELETE /api/v1/rules/{id}", s.auth(s.handleDeleteRule))
	return mux
}
