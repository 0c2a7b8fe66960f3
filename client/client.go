// Package client is the Go client of a taskbox server's HTTP API.
//
// A *Client implements the domain's service interfaces (taskbox.TaskService,
// InboxService, CampaignService, LeadService, WebhookService and
// CalendarService) over HTTP, so code written against those interfaces runs
// against a remote server unchanged. Every error the server answers comes
// back as a *taskbox.Error with the server's code, message, field details
// and, on a 429, RetryAfter. A server that cannot be reached, and a 2xx
// answer that cannot be read (cut off mid-body, or not JSON), are
// EUNAVAILABLE.
//
// Creating calls send an Idempotency-Key (the caller's, or a random one that
// is reused by every retry of that call) and are retried on network errors,
// 429 (after its Retry-After) and 503 (and a proxy's 502 and 504). Reads
// are retried the same way. Other
// calls (PATCH, DELETE, complete, reopen, bulk-update) are retried only when
// the server cannot have run them: a 429, or a connection that was never
// made.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// Client talks to one taskbox server with one API key. It is safe for
// concurrent use.
type Client struct {
	base        *url.URL
	key         string
	http        *http.Client
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	maxWait     time.Duration
	userAgent   string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through hc instead of a client with a
// 60-second timeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithRetries sets how many times a call is tried in all (at least 1; the
// default is 4) and the first and largest pause between tries (default
// 250ms and 8s; the pause doubles each time, with jitter).
func WithRetries(attempts int, minBackoff, maxBackoff time.Duration) Option {
	return func(c *Client) {
		c.maxAttempts, c.minBackoff, c.maxBackoff = max(attempts, 1), minBackoff, maxBackoff
	}
}

// WithMaxRetryAfter bounds how long the client waits on a 429's Retry-After
// before it gives up and returns the error (default 60s).
func WithMaxRetryAfter(d time.Duration) Option { return func(c *Client) { c.maxWait = d } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL (such as
// http://127.0.0.1:8080) that authenticates with apiKey.
func New(baseURL, apiKey string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The server URL %q must be an absolute http or https URL.", baseURL)
	}
	c := &Client{
		base: u, key: apiKey,
		http:        &http.Client{Timeout: 60 * time.Second},
		maxAttempts: 4, minBackoff: 250 * time.Millisecond, maxBackoff: 8 * time.Second,
		maxWait:   60 * time.Second,
		userAgent: "taskbox-go-client",
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// retryPolicy says when a call may be sent again.
type retryPolicy int

const (
	// safe: a read, or a create carrying an Idempotency-Key: running it
	// twice has the effect of running it once.
	safe retryPolicy = iota
	// unsafe: only retried when it cannot have run (429, no connection).
	unsafe
)

// call is one API call: its request and how to read the answer.
type call struct {
	method string
	path   string // under the base URL, already escaped
	query  url.Values
	body   any // marshalled once, sent again unchanged by each retry
	idem   string
	policy retryPolicy
	// replayed, when set, receives whether the server answered with a
	// replay of an earlier call with the same Idempotency-Key.
	replayed *bool
}

// do runs c until it succeeds, fails for good, or runs out of attempts, and
// decodes a 2xx answer into out (when not nil).
func (cl *Client) do(ctx context.Context, c call, out any) error {
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return fmt.Errorf("client: encode request: %w", err)
		}
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		resp, err := cl.send(ctx, c, body)
		wait, retry := cl.retryable(c, resp, err)
		if err != nil && ctx.Err() == nil {
			err = unreachable(err)
		}
		if err == nil {
			if err = readAnswer(resp, out); err == nil {
				if c.replayed != nil {
					*c.replayed = resp.Header.Get("Idempotency-Replayed") == "true"
				}
				return nil
			}
			var bad *badAnswer
			if errors.As(err, &bad) {
				if c.policy == safe {
					// The answer was cut off: for a safe call, as if it was lost.
					wait, retry = -1, true
				} else {
					bad.carriedOut()
				}
			}
		}
		lastErr = err
		if !retry || attempt >= cl.maxAttempts || ctx.Err() != nil {
			return lastErr
		}
		if wait < 0 {
			wait = cl.backoff(attempt)
		}
		if wait > cl.maxWait {
			return lastErr
		}
		select {
		case <-ctx.Done():
			return lastErr
		case <-time.After(wait):
		}
	}
}

// send makes one HTTP request of c.
func (cl *Client) send(ctx context.Context, c call, body []byte) (*http.Response, error) {
	u := *cl.base
	u.Path = cl.base.Path + c.path
	u.RawPath = ""
	if strings.Contains(c.path, "%") {
		u.RawPath = cl.base.EscapedPath() + c.path
	}
	u.RawQuery = c.query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+cl.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", cl.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.idem != "" {
		req.Header.Set("Idempotency-Key", c.idem)
	}
	return cl.http.Do(req)
}

// retryable says whether the outcome of one try may be retried and after
// how long (-1: the usual backoff).
func (cl *Client) retryable(c call, resp *http.Response, err error) (time.Duration, bool) {
	if err != nil {
		return -1, c.policy == safe || neverConnected(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// Refused before anything ran: any call may be sent again.
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s >= 0 {
			return time.Duration(s) * time.Second, true
		}
		return -1, true
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		// 502 and 504 come from a proxy in front of the server.
		return -1, c.policy == safe
	}
	return 0, false
}

// neverConnected reports whether err happened before the request could
// reach the server: no connection was made, so nothing ran there.
func neverConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff is the pause after the attempt-th try: minBackoff doubled each
// time up to maxBackoff, with up to half of it random, so that clients
// refused together do not return together.
func (cl *Client) backoff(attempt int) time.Duration {
	d := float64(cl.minBackoff) * math.Pow(2, float64(attempt-1))
	d = math.Min(d, float64(cl.maxBackoff))
	return time.Duration(d/2 + mrand.Float64()*d/2)
}

// readAnswer decodes a 2xx answer into out, or turns any other into a
// *taskbox.Error. The body is always read to its end and closed, so that the
// connection is reused. An answer cut off mid-body, or a 2xx that is not the
// JSON it should be, is a *badAnswer.
func readAnswer(resp *http.Response, out any) error {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return decodeError(resp, b) // cut off or not, the status says what happened
	}
	if err != nil {
		return newBadAnswer(fmt.Sprintf("The server's answer (%s) was cut off: %v.", resp.Status, err), err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return newBadAnswer(fmt.Sprintf("The server's answer (%s) could not be read: %v.", resp.Status, err), err)
	}
	return nil
}

// badAnswer is a 2xx answer that could not be read: cut off mid-body (a
// connection dropped by the server or a proxy) or not the JSON it should
// be. It is a failure on the server's side, like a lost answer: a
// *taskbox.Error of code EUNAVAILABLE to errors.As, and the read or decode
// error to errors.Is.
type badAnswer struct {
	domain *taskbox.Error
	cause  error
}

func newBadAnswer(msg string, cause error) *badAnswer {
	return &badAnswer{&taskbox.Error{Code: taskbox.EUNAVAILABLE, Message: msg}, cause}
}

// carriedOut says, for a call that is not sent again, what its 2xx status
// means: the server did what was asked, only its result is unknown.
func (e *badAnswer) carriedOut() {
	e.domain.Message += " The server carried the request out; check its result before sending it again."
}

func (e *badAnswer) Error() string   { return e.domain.Message }
func (e *badAnswer) Unwrap() []error { return []error{e.domain, e.cause} }

// errorBody is the error envelope of SPEC.md §2.
type errorBody struct {
	Message string `json:"message"`
	Error   struct {
		Code       string               `json:"code"`
		Message    string               `json:"message"`
		Details    []taskbox.FieldError `json:"details"`
		RetryAfter *int                 `json:"retry_after"`
	} `json:"error"`
}

// codes maps a status back to the domain's code, for answers that do not
// carry the envelope (a proxy's page, say). It is the inverse of the
// server's table in internal/httpapi/errors.go, which the client does not
// import (it would pull the server into every program that uses the
// client); TestCodeForStatusInvertsTheServer holds the two together.
var codes = map[int]string{
	http.StatusBadRequest:                  taskbox.EBADREQUEST,
	http.StatusUnauthorized:                taskbox.EUNAUTHORIZED,
	http.StatusForbidden:                   taskbox.EFORBIDDEN,
	http.StatusNotFound:                    taskbox.ENOTFOUND,
	http.StatusMethodNotAllowed:            taskbox.EMETHOD,
	http.StatusConflict:                    taskbox.ECONFLICT,
	http.StatusRequestEntityTooLarge:       taskbox.ETOOLARGE,
	http.StatusRequestHeaderFieldsTooLarge: taskbox.EHEADERSTOOLARGE,
	http.StatusUnprocessableEntity:         taskbox.EINVALID,
	http.StatusTooManyRequests:             taskbox.ERATELIMIT,
	http.StatusInternalServerError:         taskbox.EINTERNAL,
	http.StatusServiceUnavailable:          taskbox.EUNAVAILABLE,
}

// CodeForStatus returns the domain's error code of an HTTP status: the
// inverse of the server's mapping, EINTERNAL for a status it never sends
// (5xx), EBADREQUEST for other 4xx.
func CodeForStatus(status int) string {
	if c, ok := codes[status]; ok {
		return c
	}
	if status >= 400 && status < 500 {
		return taskbox.EBADREQUEST
	}
	return taskbox.EINTERNAL
}

func decodeError(resp *http.Response, b []byte) error {
	var eb errorBody
	e := &taskbox.Error{Code: CodeForStatus(resp.StatusCode)}
	if json.Unmarshal(b, &eb) == nil && eb.Error.Code != "" {
		e.Code, e.Message, e.Details = eb.Error.Code, eb.Error.Message, eb.Error.Details
		if eb.Error.RetryAfter != nil {
			e.RetryAfter = *eb.Error.RetryAfter
		}
	} else {
		e.Message = fmt.Sprintf("The server answered %s.", resp.Status)
	}
	if e.Message == "" {
		e.Message = eb.Message
	}
	if e.RetryAfter == 0 {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = s
		}
	}
	return e
}

// netError is a failure to reach the server: it is a *taskbox.Error of
// code EUNAVAILABLE to errors.As, and the transport's error to errors.Is.
type netError struct {
	domain *taskbox.Error
	cause  error
}

func unreachable(err error) error {
	return &netError{taskbox.Errorf(taskbox.EUNAVAILABLE, "The server could not be reached: %v.", err), err}
}

func (e *netError) Error() string   { return e.domain.Message }
func (e *netError) Unwrap() []error { return []error{e.domain, e.cause} }

// NewIdempotencyKey returns a random key for one creating call.
func NewIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "tbc-" + hex.EncodeToString(b)
}

// idemKey is the caller's key when it gave one, else a new random key.
func idemKey(i *taskbox.Idempotency) string {
	if i != nil && i.Key != "" {
		return i.Key
	}
	return NewIdempotencyKey()
}

// data is the success envelope of taskbox's own endpoints.
type data[T any] struct {
	Data       T       `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

func idPath(format string, ids ...int64) string {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return fmt.Sprintf(format, args...)
}
