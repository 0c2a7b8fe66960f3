package mail_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/mail"
	"github.com/taskboxhq/taskbox/internal/mail/mailtest"
)

// testTLS borrows httptest's certificate for 127.0.0.1: the server's TLS
// and a client pool that trusts it.
func testTLS(t *testing.T) (*tls.Config, *tls.Config) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return &tls.Config{Certificates: ts.TLS.Certificates}, &tls.Config{RootCAs: pool}
}

func sendOne(t *testing.T, rawURL string, client *tls.Config) error {
	t.Helper()
	s, err := mail.NewSender(rawURL, "taskbox <tasks@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	s.TLSConfig, s.Timeout = client, 5*time.Second
	m, err := (&mail.Renderer{BaseURL: "https://tasks.example.com", Key: []byte("k")}).Render(taskbox.MailDigest, "ana@example.com", sampleDigest)
	if err != nil {
		t.Fatal(err)
	}
	return s.Send(context.Background(), m)
}

// STARTTLS with credentials, implicit TLS (smtps://), and a plain local
// relay, each against a real SMTP server; wrong credentials and a server
// without STARTTLS for a URL with credentials are refused.
func TestSenderTLSAndAuth(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	starttls := mailtest.Start(t, serverTLS, false)
	starttls.User, starttls.Pass = "ana", "s3cret"
	if err := sendOne(t, "smtp://ana:s3cret@"+starttls.Addr, clientTLS); err != nil {
		t.Fatalf("STARTTLS + AUTH: %v", err)
	}
	if got := starttls.Mails(); len(got) != 1 || !strings.Contains(got[0].Text, "Send the pricing sheet") || got[0].HTML == "" {
		t.Fatalf("STARTTLS server got %d mails", len(got))
	}
	if err := sendOne(t, "smtp://ana:wrong@"+starttls.Addr, clientTLS); err == nil {
		t.Fatal("wrong credentials were accepted")
	}
	implicit := mailtest.Start(t, serverTLS, true)
	implicit.User, implicit.Pass = "ana", "s3cret"
	if err := sendOne(t, "smtps://ana:s3cret@"+implicit.Addr, clientTLS); err != nil || len(implicit.Mails()) != 1 {
		t.Fatalf("implicit TLS: %v, %d mails", err, len(implicit.Mails()))
	}
	relay := mailtest.Start(t, nil, false)
	if err := sendOne(t, "smtp://"+relay.Addr, nil); err != nil || len(relay.Mails()) != 1 {
		t.Fatalf("plain relay: %v", err)
	}
	relay.User, relay.Pass = "ana", "s3cret"
	if err := sendOne(t, "smtp://ana:s3cret@"+relay.Addr, nil); err == nil {
		t.Fatal("credentials were sent without TLS")
	}
}
