package taskbox

import (
	"context"
	"time"
)

// WebSessionService remembers the web inbox sessions that were signed out.
// A session lives in a sealed cookie that every server of the database can
// open; ending it on the server is what makes a copy of the cookie, taken
// before the sign-out, useless too.
type WebSessionService interface {
	// EndWebSession records that the session with this id ended; the
	// record may be forgotten after until, when the cookie would have idled
	// out anyway.
	EndWebSession(ctx context.Context, id string, until time.Time) error
	// WebSessionEnded reports whether the session with this id was ended.
	WebSessionEnded(ctx context.Context, id string) (bool, error)
}
