package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
)

// statuses is the only place where a domain error code becomes a status.
var statuses = map[string]int{
	taskbox.EBADREQUEST:      http.StatusBadRequest,
	taskbox.EUNAUTHORIZED:    http.StatusUnauthorized,
	taskbox.EFORBIDDEN:       http.StatusForbidden,
	taskbox.ENOTFOUND:        http.StatusNotFound,
	taskbox.EMETHOD:          http.StatusMethodNotAllowed,
	taskbox.ECONFLICT:        http.StatusConflict,
	taskbox.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	taskbox.EHEADERSTOOLARGE: http.StatusRequestHeaderFieldsTooLarge,
	taskbox.EINVALID:         http.StatusUnprocessableEntity,
	taskbox.ERATELIMIT:       http.StatusTooManyRequests,
	taskbox.EINTERNAL:        http.StatusInternalServerError,
	taskbox.EUNAVAILABLE:     http.StatusServiceUnavailable,
}

// StatusFor returns the HTTP status of an error code.
func StatusFor(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	OK      bool        `json:"ok"`
	Message string      `json:"message"`
	Error   errorDetail `json:"error"`
}

type errorDetail struct {
	Code       string               `json:"code"`
	Message    string               `json:"message"`
	Details    []taskbox.FieldError `json:"details,omitempty"`
	RetryAfter *int                 `json:"retry_after,omitempty"`
}

// Error writes err as the error envelope. Internal errors are logged with
// everything and answered with a sentence that says nothing internal.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := taskbox.ErrorCode(err), taskbox.ErrorMessage(err)
	body := errorBody{Message: msg, Error: errorDetail{Code: code, Message: msg}}
	var e *taskbox.Error
	if errors.As(err, &e) {
		body.Error.Details = e.Details
		if e.RetryAfter > 0 { // a 429, or a 503 of a passing overload
			w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		if code == taskbox.ERATELIMIT {
			ra := e.RetryAfter
			body.Error.RetryAfter = &ra
		}
	}
	status := StatusFor(code)
	if status >= 500 {
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status), slog.Any("err", err))
	}
	writeJSON(w, status, body)
}
