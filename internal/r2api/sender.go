package r2api

import (
	"context"
	"net/http"
	"time"
)

// Sender sends the requests of another of R2's APIs (its S3-compatible API,
// internal/r2s3) under the REST client's policy, by the same code
// (middleware and attempt): retries of 429, 5xx, 408 and connection errors
// with backoff and jitter, a Retry-After honoured only while it fits, one
// read budget, a timeout per attempt, a bound on every body read as it is
// read, Ctrl-C at once, final failures (a refused redirect, TLS, nothing on
// loopback) not retried, and logging with credentials redacted. Its HTTP
// client is the REST client's kind (NewHTTPClient: https only to the host
// asked, proxies from the environment, TLS 1.2 or later) unless the Policy
// names one.
//
// It has a gate of its own, without a client-side rate limit: R2's S3 API
// is another host with other credentials, and nothing documents that it
// draws on the REST API's per-user budget (README, "what we could not
// verify"). A 429 from it still holds every request of the Sender until
// its Retry-After, then lets one probe go first, as the REST gate does.
// Ratelimit headers on its answers are dropped before the gate sees them:
// they would describe the REST quota, which this Sender does not spend.
//
// Safe for concurrent use. Do is what an SDK's HTTP client interface asks
// for (aws-sdk-go-v2's HTTPClient); a call's requests share the budget and
// the record that StartCall gives their context.
type Sender struct {
	c    *Client
	next nextFunc
}

// Policy is how a Sender sends: the fields of Config that are not about the
// REST API itself. Zero values mean the defaults, as in Config.
type Policy struct {
	MaxRetries     int           // retries after the first attempt; <0 means the default
	RequestTimeout time.Duration // one attempt, body included
	ReadTimeout    time.Duration // one call, retries included
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	MaxBodyBytes   int64
	// HTTPClient replaces NewHTTPClient's; tests, and a caller that sizes
	// its own pool.
	HTTPClient *http.Client
}

// client is a Client that sends by p, the defaults for its zero values,
// behind gate: all a Sender needs, and what New starts the REST client from.
func (p Policy) client(gate *gate) *Client {
	return &Client{
		maxRetries:     orDefault(p.MaxRetries, DefaultMaxRetries, p.MaxRetries >= 0),
		requestTimeout: orDefault(p.RequestTimeout, DefaultRequestTimeout, p.RequestTimeout > 0),
		readTimeout:    orDefault(p.ReadTimeout, DefaultReadTimeout, p.ReadTimeout > 0),
		retryBaseDelay: orDefault(p.RetryBaseDelay, DefaultRetryBaseDelay, p.RetryBaseDelay > 0),
		retryMaxDelay:  orDefault(p.RetryMaxDelay, DefaultRetryMaxDelay, p.RetryMaxDelay > 0),
		maxBodyBytes:   orDefault(p.MaxBodyBytes, DefaultMaxBodyBytes, p.MaxBodyBytes > 0),
		gate:           gate,
	}
}

// httpClient is p's HTTP client, NewHTTPClient's when it names none.
func (p Policy) httpClient() *http.Client {
	if p.HTTPClient != nil {
		return p.HTTPClient
	}
	return NewHTTPClient()
}

// Policy is the sending policy of cfg, so that another API is sent as the
// REST one is: the provider resolves one Config and both clients follow it.
func (cfg Config) Policy() Policy {
	return Policy{
		MaxRetries:     cfg.MaxRetries,
		RequestTimeout: cfg.RequestTimeout,
		ReadTimeout:    cfg.ReadTimeout,
		RetryBaseDelay: cfg.RetryBaseDelay,
		RetryMaxDelay:  cfg.RetryMaxDelay,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		HTTPClient:     cfg.HTTPClient,
	}
}

// NewSender builds a Sender. It sends nothing.
func NewSender(p Policy) *Sender {
	c := p.client(newGate(realClock{}, 0, RateLimitWindow))
	hc := p.httpClient()
	return &Sender{c: c, next: func(req *http.Request) (*http.Response, error) {
		res, err := hc.Do(req)
		if res != nil {
			res.Header.Del("Ratelimit")
			res.Header.Del("Ratelimit-Policy")
		}
		return res, err
	}}
}

// Do sends req under the policy: every attempt, retries included, within
// the budget of the call its context belongs to (StartCall; without one, a
// call of the default read budget). The response it returns holds its
// whole body in memory, read within the call's bound.
func (s *Sender) Do(req *http.Request) (*http.Response, error) {
	return s.c.middleware(req, s.next)
}

// StartCall starts one call: the requests sent with the returned context
// share one read budget and one record (Call). limit, when above zero and
// below the policy's MaxBodyBytes, bounds each body instead, refused as it
// is read; limitIs says in words what it is ("a CORS policy may take").
func (s *Sender) StartCall(ctx context.Context, limit int64, limitIs string) (context.Context, *Call) {
	ctx, ex := s.c.startCall(ctx)
	ex.bodyLimit, ex.bodyLimitIs = limit, limitIs
	return ctx, &Call{ex: ex}
}

// Call is the record of one call's requests.
type Call struct{ ex *exchange }

// Outcome is what the wire saw during one call: the last answer, or the
// last failure when no answer was read whole.
type Outcome struct {
	// Status is the last HTTP status seen; 0 when no answer came at all.
	Status      int
	ContentType string
	// Body is the last body read, whole; nil when it could not be.
	Body     []byte
	Attempts int
	// Err is the last transport failure (no answer, a body cut short or
	// over its bound), in words; nil when the last answer was read whole.
	Err error
	// Reason says why retrying stopped early, if it did (a Retry-After
	// past the budget, the budget spent).
	Reason string
	// Permanent is set when no retry could mend Err (see Error.Permanent).
	Permanent bool
}

// Outcome reports the call so far. Read it after Do has returned, from the
// goroutine that called it.
func (c *Call) Outcome() Outcome {
	ex := c.ex
	return Outcome{
		Status: ex.status, ContentType: ex.contentType, Body: ex.body, Attempts: ex.attempts,
		Err: ex.lastErr, Reason: ex.reason, Permanent: ex.permanent,
	}
}
