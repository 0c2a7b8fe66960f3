// Package mail sends taskbox's mails (SPEC §9): it renders a queued mail's
// data into a multipart text and HTML message and sends it over SMTP
// through wneessen/go-mail. The event worker calls it for each mail it
// claims; retries are the worker's.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender sends mails through one SMTP server.
type Sender struct {
	host     string
	port     int
	implicit bool // smtps://: TLS from the first byte
	user     string
	pass     string
	from     string
	// Timeout bounds one connection and its commands (default 30s).
	Timeout time.Duration
	// TLSConfig is the TLS of the connection; nil verifies the server's
	// certificate against the system's roots (tests give their own).
	TLSConfig *tls.Config
}

// NewSender reads --smtp-url and --mail-from. smtp://USER:PASS@HOST:587
// speaks STARTTLS, required because the URL has credentials;
// smtp://HOST:PORT without them uses STARTTLS when the server offers it
// and plain SMTP otherwise, as a local relay does; smtps://HOST:465 is
// TLS from the start. Each refusal names its flag.
func NewSender(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("--smtp-url must be smtp://USER:PASSWORD@HOST:587, smtp://HOST:25 or smtps://USER:PASSWORD@HOST:465")
	}
	s := &Sender{host: u.Hostname(), implicit: u.Scheme == "smtps", Timeout: 30 * time.Second}
	s.port = 587
	if s.implicit {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("--smtp-url has a bad port %q", p)
		}
		s.port = n
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	a, err := mail.ParseAddress(from)
	if from == "" || err != nil {
		return nil, errors.New("--mail-from must be an address such as \"taskbox <tasks@example.com>\" when --smtp-url is set")
	}
	s.from = a.String()
	return s, nil
}

// Addr is the mail server's host:port, for logs.
func (s *Sender) Addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// Send sends one message.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	if m.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	c, err := gomail.NewClient(s.host, s.options()...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// options are the client's: TLS and authentication as NewSender says.
func (s *Sender) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.Timeout)}
	if s.TLSConfig != nil {
		c := s.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		opts = append(opts, gomail.WithTLSConfig(c))
	}
	switch {
	case s.implicit:
		opts = append(opts, gomail.WithSSL())
	case s.user != "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	return opts
}
