package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// sessionCookie names the session cookie.
const sessionCookie = "taskbox_session"

// session is what the cookie carries, sealed (AES-GCM: encrypted and
// authenticated) with the database's web session key, so that any server on
// the same database can open it and nobody can read or forge it. It holds
// the API key itself: every request authenticates the key again, so a
// revoked key's session stops at its next request.
type session struct {
	Key  string `json:"k"`
	ID   string `json:"i"` // random; the CSRF token is derived from it
	Seen int64  `json:"t"` // unix seconds of the last request
}

// sealer seals sessions and derives CSRF tokens from one key.
type sealer struct {
	aead cipher.AEAD
	mac  []byte
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) < 16 {
		return nil, errors.New("web: the session key must have at least 16 bytes")
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("taskbox web session seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, mac: derive("taskbox web csrf")}, nil
}

func (s *sealer) seal(sess session) string {
	b, _ := json.Marshal(sess)
	return s.sealBytes(b, sessionCookie)
}

func (s *sealer) open(v string) (session, bool) {
	var sess session
	plain, ok := s.openBytes(v, sessionCookie)
	if !ok || json.Unmarshal(plain, &sess) != nil || sess.Key == "" || sess.ID == "" {
		return sess, false
	}
	return sess, true
}

// sealBytes encrypts and authenticates b for the cookie named label (a
// sealed value of one cookie does not open as another's).
func (s *sealer) sealBytes(b []byte, label string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, b, []byte(label)))
}

func (s *sealer) openBytes(v, label string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < s.aead.NonceSize() {
		return nil, false
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(label))
	return plain, err == nil
}

// csrfToken is the token every form of a session carries.
func (s *sealer) csrfToken(sess session) string {
	m := hmac.New(sha256.New, s.mac)
	m.Write([]byte(sess.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

func newSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setSession writes the cookie. It lives as long as the idle timeout and is
// written again as requests come, so it expires only when idle.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, sess session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.sessions.seal(sess), Path: "/",
		MaxAge: int(s.IdleTimeout / time.Second), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
}

func clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// readSession returns the request's session if it is genuine and not idle
// for longer than the timeout.
func (s *Server) readSession(r *http.Request, now time.Time) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	sess, ok := s.sessions.open(c.Value)
	if !ok || now.Sub(time.Unix(sess.Seen, 0)) > s.IdleTimeout {
		return session{}, false
	}
	return sess, true
}
