package web

import (
	"net/url"
	"testing"
	"time"
)

// The inputs this package reads itself, from a query string or a form,
// never panic: the inbox's state (readFilter) and a quick add line, which
// goes through the date parser (readQuick).
func FuzzInboxInputs(f *testing.F) {
	f.Add("q=ann&priority=HIGH&show_overdue=50&sel=3&view=completed", "Call Ann tomorrow 9am")
	f.Add("show_none=-1&sel=x&campaign=99999999999999999999", "next fri at 25:99pm")
	f.Add("", "in 99999999999 days dec 32 15/13 at noon")
	f.Add("q=%00", "٣ pm ١٥/١٢ tomorrow")
	s := &Server{dates: newDateReader()}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	v := &visit{Zone: berlin, Now: time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, query, line string) {
		if q, err := url.ParseQuery(query); err == nil {
			fl := readFilter(q)
			_ = pageURL(fl.state())
		}
		qt := s.readQuick(line, v)
		if qt.Due != nil && qt.Label == "" {
			t.Errorf("%q: a due date without its label", line)
		}
	})
}
