package taskbox

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. Each maps to exactly one HTTP status in internal/httpapi/errors.go
// and back again in the client.
const (
	EBADREQUEST   = "BAD_REQUEST"
	EUNAUTHORIZED = "UNAUTHORIZED"
	EFORBIDDEN    = "FORBIDDEN"
	ENOTFOUND     = "NOT_FOUND"
	EMETHOD       = "METHOD_NOT_ALLOWED"
	ECONFLICT     = "CONFLICT"
	ETOOLARGE     = "PAYLOAD_TOO_LARGE"
	// EHEADERSTOOLARGE: the request line and headers are over the
	// server's limit (net/http's MaxHeaderBytes, 1 MiB).
	EHEADERSTOOLARGE = "HEADERS_TOO_LARGE"
	EINVALID         = "VALIDATION_ERROR"
	ERATELIMIT       = "RATE_LIMIT_EXCEEDED"
	EINTERNAL        = "INTERNAL_ERROR"
	EUNAVAILABLE     = "SERVICE_UNAVAILABLE"
)

// Error is the one error type of the domain. Message is a human sentence that
// is safe to show to the caller; anything internal stays in wrapped errors that
// are only logged.
type Error struct {
	Code       string
	Message    string
	Details    []FieldError
	RetryAfter int // seconds, for ERATELIMIT and a passing EUNAVAILABLE (Retry-After)
}

// FieldError names one faulty field of a request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("taskbox error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ValidationError builds the EINVALID error for a list of faulty fields, or
// returns nil when the list is empty. The message names every faulty field.
func ValidationError(details []FieldError) error {
	if len(details) == 0 {
		return nil
	}
	if len(details) == 1 {
		d := details[0]
		return &Error{Code: EINVALID, Message: fmt.Sprintf("Invalid field: %s %s.", d.Field, d.Message), Details: details}
	}
	names := make([]string, len(details))
	for i, d := range details {
		names[i] = d.Field
	}
	return &Error{Code: EINVALID, Message: fmt.Sprintf("%d fields are invalid: %s.", len(details), strings.Join(names, ", ")), Details: details}
}

// FieldErrors collects field errors, one per field: the first error found for
// a field wins, so a type error from decoding is not followed by a rule error.
type FieldErrors []FieldError

// Add records msg for field unless field already has an error.
func (fe *FieldErrors) Add(field, msg string) {
	if fe.Has(field) {
		return
	}
	*fe = append(*fe, FieldError{Field: field, Message: msg})
}

// Has reports whether field already has an error.
func (fe FieldErrors) Has(field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns the validation error for the collected fields, or nil.
func (fe FieldErrors) Err() error { return ValidationError(fe) }
