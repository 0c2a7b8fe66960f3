package web

import (
	"bytes"
	"compress/flate"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A draft is what a person typed into the add or edit form when their
// session ended. It rides through sign-in in the sign-in form's hidden
// fields, then in a sealed, short-lived cookie that the next page reads
// once: never in a URL, where it would reach logs and the history.

// draftFields are the fields of the add and edit forms a draft keeps.
var draftFields = []string{"email", "lead_map", "name", "description", "priority", "due_date", "due_time"}

// draftCookie names the draft's cookies: a sealed draft longer than one
// cookie holds is split over draftCookie0, draftCookie1, ….
const (
	draftCookie      = "taskbox_draft"
	draftChunk       = 3800
	draftMaxCookies  = 16
	draftCookieLives = 10 * time.Minute
)

// draftFrom keeps the typed fields of a form, empty ones left out.
func draftFrom(form url.Values) url.Values {
	d := url.Values{}
	for _, f := range draftFields {
		if v := form.Get(f); v != "" {
			d.Set(f, v)
		} else if v := form.Get("draft_" + f); v != "" {
			d.Set(f, v)
		}
	}
	return d
}

// setDraft keeps d for the next page, compressed and sealed.
func (s *Server) setDraft(w http.ResponseWriter, r *http.Request, d url.Values) {
	if len(d) == 0 {
		return
	}
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = zw.Write([]byte(d.Encode()))
	_ = zw.Close()
	sealed := s.sessions.sealBytes(buf.Bytes(), draftCookie)
	for i := 0; len(sealed) > 0 && i < draftMaxCookies; i++ {
		n := min(len(sealed), draftChunk)
		http.SetCookie(w, &http.Cookie{Name: draftCookie + strconv.Itoa(i), Value: sealed[:n], Path: "/",
			MaxAge: int(draftCookieLives / time.Second), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		sealed = sealed[n:]
	}
}

// takeDraft reads the kept draft once and clears its cookies.
func (s *Server) takeDraft(w http.ResponseWriter, r *http.Request) url.Values {
	var sealed strings.Builder
	for i := 0; i < draftMaxCookies; i++ {
		c, err := r.Cookie(draftCookie + strconv.Itoa(i))
		if err != nil {
			break
		}
		sealed.WriteString(c.Value)
		http.SetCookie(w, &http.Cookie{Name: c.Name, Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil,
			SameSite: http.SameSiteLaxMode})
	}
	if sealed.Len() == 0 {
		return nil
	}
	packed, ok := s.sessions.openBytes(sealed.String(), draftCookie)
	if !ok {
		return nil
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxFormBytes))
	if err != nil {
		return nil
	}
	q, err := url.ParseQuery(string(plain))
	if err != nil {
		return nil
	}
	return draftFrom(q)
}
