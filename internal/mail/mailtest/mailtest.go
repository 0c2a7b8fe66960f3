// Package mailtest is a real SMTP server for tests (emersion/go-smtp),
// speaking the protocol on a loopback port, that keeps what it receives
// and can refuse mail or go down on demand.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is a received message, its parts parsed.
type Mail struct {
	From string
	To   []string
	Msg  *mail.Message
	Text string
	HTML string
	Raw  []byte
}

// Server is a running SMTP server.
type Server struct {
	Addr string
	// User and Pass, when set, are the only credentials it accepts.
	User, Pass string

	mu      sync.Mutex
	mails   []*Mail
	refuse  bool
	refused int
	srv     *smtp.Server
	ln      net.Listener
	tls     *tls.Config
	implict bool
}

// Start starts a server on a free loopback port; the test stops it.
// With tlsConf it offers STARTTLS (implicit: TLS from the first byte).
func Start(t testing.TB, tlsConf *tls.Config, implicit bool) *Server {
	t.Helper()
	s := &Server{tls: tlsConf, implict: implicit}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mailtest.local"
	srv.AllowInsecureAuth = s.tls == nil
	srv.TLSConfig = s.tls
	if s.implict {
		ln = tls.NewListener(ln, s.tls)
	}
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// Stop closes the server: connections are refused until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Restart listens again on the same address.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	s.serve(ln)
}

// Refuse makes the server answer 451 to every message (or accept again).
func (s *Server) Refuse(on bool) {
	s.mu.Lock()
	s.refuse = on
	s.mu.Unlock()
}

// Refused returns how many messages were answered 451 (see Refuse).
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Mails returns the messages received so far.
func (s *Server) Mails() []*Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Mail(nil), s.mails...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s      *Server
	from   string
	to     []string
	authed bool
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.User || pass != ss.s.Pass {
			return errors.New("bad credentials")
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.User != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	refuse := ss.s.refuse
	if refuse {
		ss.s.refused++
	}
	ss.s.mu.Unlock()
	if refuse {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m := &Mail{From: ss.from, To: ss.to, Raw: raw}
	if m.Msg, err = mail.ReadMessage(bytes.NewReader(raw)); err != nil {
		return err
	}
	if err := m.parts(); err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.mails = append(ss.s.mails, m)
	ss.s.mu.Unlock()
	return nil
}

// parts reads the text and HTML parts of a multipart/alternative body.
func (m *Mail) parts() error {
	mt, params, err := mime.ParseMediaType(m.Msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return errors.New("not multipart: " + m.Msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(m.Msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		body, err := io.ReadAll(p) // quoted-printable is decoded by NextPart
		if err != nil {
			return err
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			m.Text = string(body)
		case "text/html":
			m.HTML = string(body)
		}
	}
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
