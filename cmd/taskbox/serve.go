package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/mail"
	"github.com/taskboxhq/taskbox/internal/netguard"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/web"
)

// serveConfig is everything serve reads from flags and the environment,
// validated once before anything starts.
type serveConfig struct {
	Addr            string
	RateLimit       float64
	Demo            bool
	LogFormat       string
	ShutdownTimeout time.Duration
	// Slow clients are cut off: headers must arrive within ReadHeaderTimeout,
	// a whole request within ReadTimeout, and a keep-alive connection is
	// closed after IdleTimeout without a request.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	DBTimeout         time.Duration
	// DBWait is how long a start keeps trying to reach a PostgreSQL
	// server that is down, answering 503 meanwhile; 0 gives up at once.
	DBWait time.Duration
	// SessionIdle ends a web inbox session after this long without a request.
	SessionIdle time.Duration
	// BaseURL is the server's public address, for calendar feed URLs and
	// task links; "" means http:// and the address it listens on.
	BaseURL string
	// WebhookAllowPrivate lets webhooks reach loopback, private and
	// link-local addresses (self-hosted receivers, tests).
	WebhookAllowPrivate bool
	// MaxWebhooks is how many webhooks an account may have.
	MaxWebhooks int
	// SMTPURL and MailFrom turn mail on (digests, reminders); "" is off.
	SMTPURL  string
	MailFrom string
	// Worker runs the background work (webhook delivery, due times,
	// SmartLead's received events) beside the requests; off, the server
	// only answers requests and another server of the database does it.
	Worker   bool
	Profiles profileFlags
	// BenchWithout is the hidden --bench-without, which only `taskbox
	// bench` sets on the server it starts (bench --without); validate
	// reads it into Without, the machinery the store leaves off. Empty,
	// as every other server runs, everything is on.
	BenchWithout string
	Without      store.Machinery
}

// validate checks every value before anything starts; each refusal names
// its flag.
func (c *serveConfig) validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr must be host:port such as 127.0.0.1:8080, not %q", c.Addr)
	} else if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("--addr must be host:port such as 127.0.0.1:8080, not %q: invalid port", c.Addr)
	}
	if c.RateLimit < 0 || math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) {
		return errors.New("--rate-limit must be a number of requests per second, 0 (off) or more")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	if c.ShutdownTimeout <= 0 {
		return errors.New("--shutdown-timeout must be positive")
	}
	if c.ReadHeaderTimeout <= 0 || c.ReadTimeout <= 0 || c.IdleTimeout <= 0 {
		return errors.New("--read-header-timeout, --read-timeout and --idle-timeout must be positive")
	}
	if c.DBTimeout <= 0 {
		return errors.New("--db-timeout must be positive")
	}
	if c.DBWait < 0 {
		return errors.New("--db-wait must be 0 (give up at once) or more")
	}
	if c.MaxWebhooks < 1 {
		return errors.New("--max-webhooks must be at least 1")
	}
	if c.SessionIdle < time.Minute {
		return errors.New("--session-idle-timeout must be at least 1m")
	}
	if c.SMTPURL != "" {
		if _, err := mail.NewSender(c.SMTPURL, c.MailFrom); err != nil {
			return err
		}
	} else if c.MailFrom != "" {
		return errors.New("--mail-from needs --smtp-url: mail is off without a mail server")
	}
	var err error
	if c.Without, err = store.ParseWithout(c.BenchWithout); err != nil {
		return fmt.Errorf("--bench-without: %w", err)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("--base-url must be an http or https URL such as https://tasks.example.com, not %q", c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	return nil
}

// serveEnv names the environment variable of each flag of serve.
var serveEnv = map[string]string{
	"addr":                  "TASKBOX_ADDR",
	"rate-limit":            "TASKBOX_RATE_LIMIT",
	"demo":                  "TASKBOX_DEMO",
	"log-format":            "TASKBOX_LOG_FORMAT",
	"shutdown-timeout":      "TASKBOX_SHUTDOWN_TIMEOUT",
	"read-header-timeout":   "TASKBOX_READ_HEADER_TIMEOUT",
	"read-timeout":          "TASKBOX_READ_TIMEOUT",
	"idle-timeout":          "TASKBOX_IDLE_TIMEOUT",
	"db-timeout":            "TASKBOX_DB_TIMEOUT",
	"db-wait":               "TASKBOX_DB_WAIT",
	"session-idle-timeout":  "TASKBOX_SESSION_IDLE_TIMEOUT",
	"base-url":              "TASKBOX_BASE_URL",
	"webhook-allow-private": "TASKBOX_WEBHOOK_ALLOW_PRIVATE",
	"max-webhooks":          "TASKBOX_MAX_WEBHOOKS",
	"smtp-url":              "TASKBOX_SMTP_URL",
	"mail-from":             "TASKBOX_MAIL_FROM",
	"worker":                "TASKBOX_WORKER",
}

// writeTimeout bounds writing an answer; the read timeouts are flags.
const writeTimeout = 60 * time.Second

// defaultDBWait is --db-wait: long enough for a database server started
// beside taskbox (a compose file, a machine's boot) to come up.
const defaultDBWait = 2 * time.Minute

func (m *Main) serveCommand() *cobra.Command {
	var c serveConfig
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server",
		Long: `Run the taskbox server. Migrations run at start. A first start on an empty
database creates the account "default" and prints its API key once.
SIGINT or SIGTERM drains requests in flight and stops cleanly.

Each flag can also be set by the environment variable named in its help.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := c.validate(); err != nil {
				return usageError(err)
			}
			return m.serve(cmd.Context(), c)
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Addr, "addr", defaultAddr, "address to listen on (env TASKBOX_ADDR)")
	f.Float64Var(&c.RateLimit, "rate-limit", 20, "requests per second per API key, burst 2x; 0 turns it off (env TASKBOX_RATE_LIMIT)")
	f.BoolVar(&c.Demo, "demo", false, "load the demo campaign with lead map 2433664091 (env TASKBOX_DEMO=1)")
	f.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json (env TASKBOX_LOG_FORMAT)")
	f.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long a shutdown waits for requests in flight (env TASKBOX_SHUTDOWN_TIMEOUT)")
	f.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "how long a client may take to send a request's headers (env TASKBOX_READ_HEADER_TIMEOUT)")
	f.DurationVar(&c.ReadTimeout, "read-timeout", 60*time.Second, "how long a client may take to send a whole request, body included (env TASKBOX_READ_TIMEOUT)")
	f.DurationVar(&c.IdleTimeout, "idle-timeout", 120*time.Second, "how long a keep-alive connection may wait for its next request (env TASKBOX_IDLE_TIMEOUT)")
	f.DurationVar(&c.DBTimeout, "db-timeout", store.DefaultTimeout, "how long a request waits on the database (a connection, one statement, a commit) before it is answered 503 (env TASKBOX_DB_TIMEOUT)")
	f.DurationVar(&c.DBWait, "db-wait", defaultDBWait, "how long a start keeps trying to reach a PostgreSQL server that is down, answering 503 meanwhile; 0 gives up at once (env TASKBOX_DB_WAIT)")
	f.DurationVar(&c.SessionIdle, "session-idle-timeout", web.DefaultIdleTimeout, "how long a web inbox session lasts without a request before it asks to sign in again (env TASKBOX_SESSION_IDLE_TIMEOUT)")
	f.StringVar(&c.BaseURL, "base-url", "", "the server's public URL, for calendar feed URLs and links to task pages; default http:// and the listening address (env TASKBOX_BASE_URL)")
	f.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", false, "let webhooks reach loopback, private and link-local addresses, for self-hosted receivers; off, such addresses are refused after DNS resolution (env TASKBOX_WEBHOOK_ALLOW_PRIVATE=1)")
	f.IntVar(&c.MaxWebhooks, "max-webhooks", taskbox.DefaultMaxWebhooks, "how many webhooks an account may have; one more is refused with a 422 (env TASKBOX_MAX_WEBHOOKS)")
	f.StringVar(&c.SMTPURL, "smtp-url", "", "the mail server for digests and reminder mails: smtp://USER:PASSWORD@HOST:587 (STARTTLS, required with credentials), smtp://HOST:25 (a local relay; STARTTLS when offered) or smtps://USER:PASSWORD@HOST:465 (implicit TLS); mail is off without it (env TASKBOX_SMTP_URL)")
	f.StringVar(&c.MailFrom, "mail-from", "", "the From of the mails, such as \"taskbox <tasks@example.com>\"; required with --smtp-url (env TASKBOX_MAIL_FROM)")
	f.BoolVar(&c.Worker, "worker", true, "run the background worker (webhook deliveries, due times, SmartLead's received events); --worker=false only answers requests, for a server beside others of the same database that run it (env TASKBOX_WORKER)")
	c.Profiles.register(f)
	f.StringVar(&c.BenchWithout, "bench-without", "", "machinery to leave off, for taskbox bench --without only")
	_ = f.MarkHidden("bench-without")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		return applyEnv(cmd.Flags(), serveEnv)
	}
	return cmd
}

func (m *Main) serve(ctx context.Context, c serveConfig) (err error) {
	stopProfiles, err := c.Profiles.start()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stopProfiles()) }()
	logw := newLogWriter(m.Stderr)
	defer logw.Close()
	logger := m.logger(c.LogFormat, logw)
	// Listen before the database and the first start: a busy address does
	// not leave behind a default account whose key scrolled past with the
	// error, and while the database is not reachable yet the address
	// answers 503 (httpapi.Starting) rather than refusing connections.
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	ln = httpapi.JSONErrors(ln) // net/http's own refusals in JSON too
	gate := &handlerGate{}
	gate.set(httpapi.Starting())
	srv := &http.Server{
		Handler:           gate,
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       c.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	defer srv.Close()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	db, err := m.openDBWaiting(ctx, c.DBWait, logger, ln.Addr(), store.WithoutMachinery(c.Without))
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while waiting: nothing was served
		}
		return err
	}
	defer db.Close()
	db.Timeout = c.DBTimeout
	db.MaxWebhooks = c.MaxWebhooks
	if err := m.firstStart(ctx, db, c.Demo); err != nil {
		return err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + ln.Addr().String()
	}
	// The links `members add` and `members passwd` print start with it.
	if err := db.SetBaseURL(ctx, c.BaseURL); err != nil {
		return fmt.Errorf("store the base URL: %w", err)
	}
	// One registry for every collector of the process, served at /metrics.
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "taskbox_write_batches_total",
			Help: "Write transactions of the group commit, each holding one or more write requests."},
			func() float64 { b, _ := db.WriteBatches(); return float64(b) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "taskbox_write_batch_requests_total",
			Help: "Write requests run in the group commit's transactions; divided by taskbox_write_batches_total, the mean batch."},
			func() float64 { _, r := db.WriteBatches(); return float64(r) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "taskbox_write_upkeep_steps_total",
			Help: "Steps of upkeep the writer ran while no request waited (SQLite: merging the search index; PostgreSQL: merging past days' counts)."},
			func() float64 { return float64(db.UpkeepSteps()) }))
	for _, o := range store.InboundOutcomes {
		metrics.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "taskbox_smartlead_event_outcomes_total",
			Help:        "SmartLead events processed by this server, by outcome: applied (rules acted), no_rule, ignored (a type taskbox does not act on, no lead or campaign), failed (given up after its tries).",
			ConstLabels: prometheus.Labels{"outcome": o}},
			func() float64 { return float64(db.InboundProcessed(o)) }))
	}
	worker := &events.Worker{DB: db, Client: netguard.NewClient(c.WebhookAllowPrivate), Logger: logger, Metrics: events.NewMetrics(metrics)}
	if c.SMTPURL != "" {
		db.MailOn = true
		if worker.Mail, err = m.mailOut(ctx, db, c); err != nil {
			return err
		}
		logger.Info("mail on", "smtp", worker.Mail.Sender.(*mail.Sender).Addr())
	}
	if c.Worker {
		worker.Start(context.WithoutCancel(ctx))
		defer worker.Stop()
	}
	api := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, Members: db, Owners: db, Notes: db, Categories: db, DB: db, Logger: logger,
		RateLimit: httpapi.NewRateLimiter(c.RateLimit), KeyFailures: httpapi.NewKeyFailures(), Metrics: metrics, Webhooks: db, LeadReminders: db, Calendar: &events.Calendar{DB: db, BaseURL: c.BaseURL},
		SmartLead: db, Rules: db, BaseURL: c.BaseURL,
		WebhookAllowPrivate: c.WebhookAllowPrivate}
	if api.Web, err = m.webInbox(ctx, db, logger, c.SessionIdle, api.RateLimit, c.BaseURL); err != nil {
		return err
	}
	gate.set(api.Handler())
	fmt.Fprintf(m.Stdout, "taskbox %s listening on http://%s\n", Version(), ln.Addr())
	logger.Info("listening", "addr", ln.Addr().String(), "db", store.Redact(m.DB))

	go m.sweepIdempotencyKeys(ctx, db, logger)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", c.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	worker.Stop() // after the last request, before the database closes
	logger.Info("stopped")
	return nil
}

// mailOut is the worker's mail delivery for --smtp-url and --mail-from.
func (m *Main) mailOut(ctx context.Context, db *store.DB, c serveConfig) (*events.Mail, error) {
	sender, err := mail.NewSender(c.SMTPURL, c.MailFrom)
	if err != nil {
		return nil, err
	}
	key, err := db.MailKey(ctx)
	if err != nil {
		return nil, err
	}
	return &events.Mail{Queue: db, Sender: sender, Renderer: &mail.Renderer{BaseURL: c.BaseURL, Key: key}}, nil
}

// firstStart creates the default account on an empty database and loads the
// demo data when asked. A new key is printed once, on stdout, never logged.
func (m *Main) firstStart(ctx context.Context, db *store.DB, demo bool) error {
	acct, key, err := db.EnsureDefaultAccount(ctx)
	if err != nil {
		return err
	}
	if acct == nil && demo {
		acct, err = db.FindAccountByName(ctx, "default")
		if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
			acct, key, err = db.CreateAccount(ctx, taskbox.NewAccount{Name: "default"})
		}
		if err != nil {
			return err
		}
	}
	if key != nil {
		fmt.Fprintf(m.Stdout, "Created account \"default\" (id %d). Its API key, shown only now:\n\n    %s\n\n", acct.ID, key.Secret)
	}
	if !demo {
		return nil
	}
	loaded, err := db.LoadDemo(ctx, acct.ID)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	if loaded {
		fmt.Fprintf(m.Stdout, "Loaded the demo campaign \"Demo outreach\" into account %d: lead map %d is ready for create-task.\n",
			acct.ID, store.DemoLeadMapID)
	}
	return nil
}

// sweepIdempotencyKeys forgets expired Idempotency-Keys every hour.
func (m *Main) sweepIdempotencyKeys(ctx context.Context, db *store.DB, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.DeleteExpiredIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
				logger.Warn("sweep idempotency keys", "err", err)
			}
		}
	}
}

func (m *Main) logger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// webInbox builds the web inbox's pages over the same services as the API.
func (m *Main) webInbox(ctx context.Context, db *store.DB, logger *slog.Logger, idle time.Duration, limit *httpapi.RateLimiter, baseURL string) (http.Handler, error) {
	key, err := db.WebSessionKey(ctx)
	if err != nil {
		return nil, err
	}
	mailKey, err := db.MailKey(ctx)
	if err != nil {
		return nil, err
	}
	w := &web.Server{Accounts: db, Campaigns: db, Leads: db, Search: db, Tasks: db, Inbox: db, Members: db, Owners: db, Notes: db, Categories: db, People: db, Notices: db, Sessions: db, Logger: logger,
		SmartLead: db, Rules: db, BaseURL: baseURL, Key: key, IdleTimeout: idle, MailKey: mailKey, Unsubscribe: db}
	if limit != nil {
		w.RateLimit = limit
	}
	return w.Handler()
}
