package mail

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"strconv"
	texttemplate "text/template"

	taskbox "github.com/taskboxhq/taskbox"
)

// Message is a rendered mail.
type Message struct {
	To, Subject, Text, HTML string
	// Unsubscribe is the link that turns the member's digest off.
	Unsubscribe string
}

//go:embed templates
var templates embed.FS

var (
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templates, "templates/*.txt"))
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/*.html"))
)

// Renderer renders queued mails with links to the server's pages.
type Renderer struct {
	BaseURL string // --base-url, no trailing slash
	Key     []byte // store.DB.MailKey: signs unsubscribe links
}

// view is what the templates see.
type view struct {
	taskbox.MailData
	Kind, Subject, Inbox, Settings, Unsubscribe string
	base                                        string
}

// TaskURL is the page of a task.
func (v *view) TaskURL(id int64) string { return v.base + "/tasks/" + strconv.FormatInt(id, 10) }

// LeadURL is the page of a lead.
func (v *view) LeadURL(id int64) string { return v.base + "/leads/" + strconv.FormatInt(id, 10) }

// Render makes the message of a queued mail of kind to an address.
func (r *Renderer) Render(kind, to string, d taskbox.MailData) (*Message, error) {
	v := &view{MailData: d, Kind: kind, base: r.BaseURL, Inbox: r.BaseURL + "/", Settings: r.BaseURL + "/settings",
		Unsubscribe: r.BaseURL + "/unsubscribe/" + UnsubscribeToken(r.Key, d.MemberID)}
	v.Subject = subject(kind, d)
	var text, html bytes.Buffer
	if err := textTmpl.ExecuteTemplate(&text, "mail.txt", v); err != nil {
		return nil, err
	}
	if err := htmlTmpl.ExecuteTemplate(&html, "mail.html", v); err != nil {
		return nil, err
	}
	return &Message{To: to, Subject: v.Subject, Text: text.String(), HTML: html.String(), Unsubscribe: v.Unsubscribe}, nil
}

// subject is a mail's subject line.
func subject(kind string, d taskbox.MailData) string {
	switch kind {
	case taskbox.MailDigest:
		n := len(d.Overdue) + len(d.Today)
		s := "Your tasks for " + d.Day
		switch {
		case len(d.Overdue) > 0:
			s += ": " + strconv.Itoa(len(d.Overdue)) + " overdue, " + strconv.Itoa(len(d.Today)) + " due today"
		case n > 0:
			s += ": " + strconv.Itoa(n) + " due today"
		}
		return s
	case taskbox.MailTaskReminder:
		if d.Reminder != nil {
			return "Reminder: " + d.Reminder.TaskName + " (due " + d.Reminder.TaskDue + ")"
		}
	case taskbox.MailLeadReminder:
		if d.Reminder != nil {
			return "Reminder: " + d.Reminder.Lead
		}
	}
	return "taskbox"
}

// row is a task of the HTML's lists with its link.
type row struct {
	T   taskbox.MailTask
	URL string
}

// Row pairs a task with its page, for the HTML template.
func (v *view) Row(t taskbox.MailTask) row { return row{T: t, URL: v.TaskURL(t.ID)} }
