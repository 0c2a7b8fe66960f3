package web

import (
	"crypto/hmac"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
)

// visit is one request of a signed-in person.
type visit struct {
	Actor *taskbox.Actor
	CSRF  string
	Zone  *time.Location // the browser's zone, else the account's
	Now   time.Time
}

// maxFormBytes bounds a form post: a description of 10,000 characters is at
// most 40,000 bytes of UTF-8, percent-encoded about three times that.
const maxFormBytes = 1 << 20

// refreshAfter is how stale a session's last-seen time may grow before the
// cookie is written again.
const refreshAfter = 30 * time.Second

type visitHandler func(w http.ResponseWriter, r *http.Request, v *visit)

// signedIn runs h for the person whose session the request carries, after
// authenticating its key again. Without a valid session a GET gets the
// sign-in page, which sends the person back here afterwards.
func (s *Server) signedIn(h visitHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.authenticate(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		} else if v == nil {
			s.renderSignIn(w, r, http.StatusUnauthorized, signInData{Return: safeReturn(r.URL.RequestURI())})
			return
		}
		h(w, r, v)
	}
}

// form is signedIn for a form post: it also checks the form's CSRF token.
// A post whose session has expired gets the sign-in page with what was
// typed kept, so nothing is lost.
func (s *Server) form(h visitHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		v, err := s.authenticate(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		} else if v == nil {
			s.renderSignIn(w, r, http.StatusUnauthorized, signInData{
				Expired: true, Return: returnFor(r), Draft: draftFrom(r.PostForm)})
			return
		}
		if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(v.CSRF)) {
			s.renderError(w, r, http.StatusForbidden, "This form was not sent from this inbox's page, or the page is too old. Reload the page and try again.")
			return
		}
		h(w, r, v)
	}
}

// parseForm reads a form post of at most maxFormBytes; a form it cannot
// read, or one holding what is not text, gets a 400 page.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || !taskbox.TextValues(r.PostForm) {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read. Go back and try again.")
		return false
	}
	return true
}

// textOnly refuses a query string holding what is not text, before any
// page reads it.
func (s *Server) textOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !taskbox.TextValues(r.URL.Query()) {
			s.renderError(w, r, http.StatusBadRequest, "The address holds characters that are not text. Check the link and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate opens the session and checks its key; a revoked key ends it.
// It returns no visit and no error when there is no valid session, and an
// error only when the key could not be checked (the database is down): the
// session then stays, and the person gets that error rather than sign-in;
// a request over its key's rate (the API's, shared) is such an error too.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*visit, error) {
	now := time.Now()
	sess, ok := s.readSession(r, now)
	if !ok {
		if _, err := r.Cookie(sessionCookie); err == nil {
			clearSession(w, r)
		}
		return nil, nil
	}
	if s.Sessions != nil {
		ended, err := s.Sessions.WebSessionEnded(r.Context(), sess.ID)
		if err != nil {
			return nil, err
		} else if ended { // signed out: a copy of the cookie is refused too
			clearSession(w, r)
			return nil, nil
		}
	}
	var (
		actor *taskbox.Actor
		err   error
	)
	if sess.Member != 0 {
		actor, err = s.People.SessionActor(r.Context(), sess.Member, sess.Gen)
	} else {
		actor, err = s.Accounts.Authenticate(r.Context(), sess.Key)
	}
	if taskbox.ErrorCode(err) == taskbox.EUNAUTHORIZED {
		clearSession(w, r)
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	actor.Web = true
	if actor.KeyID == 0 {
		actor.KeyName = ""
	}
	// A key's session shares the key's bucket with the API. A password
	// session has no key: it is limited per member (all of the member's
	// sessions together, as a key's are), in buckets of their own: member
	// ids go in as negative numbers, which no key id is. Not per client
	// address: members behind one office address would starve each other.
	bucket := actor.KeyID
	if sess.Member != 0 {
		bucket = -actor.MemberID
	}
	if wait := s.RateLimit.Take(bucket, now); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		return nil, &taskbox.Error{Code: taskbox.ERATELIMIT, RetryAfter: secs,
			Message: fmt.Sprintf("Too many requests from your session. Try again in %s.", waitText(secs))}
	}
	if now.Sub(time.Unix(sess.Seen, 0)) > refreshAfter {
		sess.Seen = now.Unix()
		s.setSession(w, r, sess)
	}
	*r = *r.WithContext(taskbox.NewContextWithActor(r.Context(), actor))
	return &visit{Actor: actor, CSRF: s.sessions.csrfToken(sess), Zone: browserZone(r, actor.Account), Now: now}, nil
}

// handleSignIn checks the key and starts a session, then goes back where
// the person was, with any draft they had typed. Failed sign-ins are
// limited per client address (signInLimiter).
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	data := signInData{Return: safeReturn(r.PostForm.Get("return")), Draft: draftFrom(r.PostForm)}
	if _, ok := r.PostForm["email"]; ok {
		s.signInWithPassword(w, r, data)
		return
	}
	key := strings.TrimSpace(r.PostForm.Get("api_key"))
	if key == "" {
		data.Error = "Enter an API key."
		s.renderSignIn(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	addr := clientAddress(r)
	if wait := s.signIns.wait(addr, time.Now()); wait > 0 {
		s.refuseSignIn(w, r, addr, wait, data)
		return
	}
	if _, err := s.Accounts.Authenticate(r.Context(), key); err != nil {
		if taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
			s.fail(w, r, err) // the key could not be checked: no failed sign-in
			return
		}
		s.signIns.failed(addr, time.Now())
		data.Error = "That API key is not valid, or it has been revoked."
		s.renderSignIn(w, r, http.StatusUnauthorized, data)
		return
	}
	s.setSession(w, r, session{Key: key, ID: newSessionID(), Seen: time.Now().Unix()})
	s.setDraft(w, r, data.Draft)
	http.Redirect(w, r, data.Return, http.StatusSeeOther)
}

// signInWithPassword is handleSignIn for a member's email and password,
// limited as key sign-ins are (one bucket per client address for both).
func (s *Server) signInWithPassword(w http.ResponseWriter, r *http.Request, data signInData) {
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	data.Email = email
	if email == "" || password == "" {
		data.Error = "Enter your email and your password."
		s.renderSignIn(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	addr := clientAddress(r)
	if wait := s.signIns.wait(addr, time.Now()); wait > 0 {
		s.refuseSignIn(w, r, addr, wait, data)
		return
	}
	actor, gen, err := s.People.SignIn(r.Context(), email, password)
	if err != nil {
		if taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
			s.fail(w, r, err) // the password could not be checked: no failed sign-in
			return
		}
		s.signIns.failed(addr, time.Now())
		data.Error = "The email or the password is wrong."
		s.renderSignIn(w, r, http.StatusUnauthorized, data)
		return
	}
	s.setSession(w, r, session{Member: actor.MemberID, Gen: gen, ID: newSessionID(), Seen: time.Now().Unix()})
	s.setDraft(w, r, data.Draft)
	http.Redirect(w, r, data.Return, http.StatusSeeOther)
}

// handleSignOut ends the session on the server, so that no copy of its
// cookie works any more on any server of the database, then clears the
// browser's cookie. When the database cannot record it, the person is told
// and stays signed in, rather than believe the session ended.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request, v *visit) {
	if sess, ok := s.readSession(r, v.Now); ok && s.Sessions != nil {
		if err := s.Sessions.EndWebSession(r.Context(), sess.ID, v.Now.Add(s.IdleTimeout)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	clearSession(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// safeReturn keeps a return path only when it is a path of this site, and
// is "/" otherwise. Browsers read a Location leniently (the WHATWG URL
// parser): they drop tabs and line breaks anywhere, strip leading spaces
// and control characters, and take "\" for "/", so "/\t/evil.example"
// and "/\\evil.example" lead to //evil.example, another site. Kept: a
// path that starts with exactly one "/", holds no "\" and no control
// character (C0, DEL, C1) anywhere, so that what the browser reads is what
// was checked.
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') ||
		strings.ContainsFunc(p, unicode.IsControl) || !utf8.ValidString(p) {
		return "/"
	}
	return p
}

// returnFor is the page a post came from: its return field, or the task's
// page for an edit.
func returnFor(r *http.Request) string {
	if ret := r.PostForm.Get("return"); ret != "" {
		return safeReturn(ret)
	}
	if id := r.PathValue("id"); id != "" {
		return "/tasks/" + url.PathEscape(id)
	}
	return "/"
}
