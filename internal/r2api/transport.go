package r2api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// exchange records what happened on the wire during one API call, so that the
// error the caller sees can say it (the SDK's own error loses a non-JSON body).
type exchange struct {
	deadline    time.Time // end of the call's retry budget
	budget      string    // the budget in words: "this read's 1m0s budget"
	attempts    int
	status      int
	contentType string
	body        []byte // the last body read, whole (bounded by maxBodyBytes)
	// bodyLimit, when set and below the client's maxBodyBytes, bounds this
	// call's bodies instead; bodyLimitIs says what it is ("a CORS policy may take").
	bodyLimit   int64
	bodyLimitIs string
	lastErr     error  // the last transport error, when no answer came
	reason      string // why retrying stopped early, if it did
	permanent   bool   // lastErr is one no retry can mend
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

func exchangeFrom(ctx context.Context) *exchange {
	if ex, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{deadline: time.Now().Add(DefaultReadTimeout), budget: fmt.Sprintf("this read's %s budget", DefaultReadTimeout)}
}

// errBodyTooLarge stops a read of a body over the limit; it is not retried.
var errBodyTooLarge = errors.New("response body too large")

// errSweepTooLarge is a body past the ByteBudget of the calls it belongs to.
var errSweepTooLarge = errors.New("the sweep is too large")

// IsSweepTooLarge reports whether err is a call refused because the sweep's
// ByteBudget was spent.
func IsSweepTooLarge(err error) bool { return errors.Is(err, errSweepTooLarge) }

// ByteBudget bounds the bodies many calls read together (a sweep's), so that
// what they hold cannot grow with the account. Safe for concurrent use.
type ByteBudget struct {
	left  atomic.Int64
	total int64
}

// NewByteBudget allows n bytes of bodies in all.
func NewByteBudget(n int64) *ByteBudget {
	b := &ByteBudget{total: n}
	b.left.Store(n)
	return b
}

// Spent reports whether a body went past the budget.
func (b *ByteBudget) Spent() bool { return b.left.Load() < 0 }

type byteBudgetKey struct{}

// WithByteBudget makes every call made with the returned context charge the
// bodies it reads to b; a body past it fails its call, finally.
func WithByteBudget(ctx context.Context, b *ByteBudget) context.Context {
	return context.WithValue(ctx, byteBudgetKey{}, b)
}

func byteBudgetFrom(ctx context.Context) *ByteBudget {
	b, _ := ctx.Value(byteBudgetKey{}).(*ByteBudget)
	return b
}

// chargeBytes charges n bytes to the budget of ctx, if any, and reports
// whether they fit.
func chargeBytes(ctx context.Context, n int) bool {
	b := byteBudgetFrom(ctx)
	return b == nil || b.left.Add(-int64(n)) >= 0
}

type nextFunc = func(*http.Request) (*http.Response, error)

// middleware is the SDK middleware that sends a request under our retry policy.
// We retry here rather than in the SDK because the SDK honours a Retry-After of
// any length, retries 409s and reads bodies without a bound; this policy fits a
// plan that must finish or fail within the call's budget.
func (c *Client) middleware(req *http.Request, next nextFunc) (*http.Response, error) {
	ctx := req.Context()
	ex := exchangeFrom(ctx)
	var res *http.Response
	var err error
	for {
		// Every attempt passes the client's gate: its rate limit and the
		// pause all requests share after a 429 (ratelimit.go).
		tk, deadline, werr := c.gate.wait(ctx, ex.deadline, ex.budget)
		if werr != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if ex.attempts == 0 {
				// The API answered 429 to another request of this user.
				ex.status, ex.lastErr = http.StatusTooManyRequests, werr
				return nil, werr
			}
			ex.reason = werr.Error()
			return res, err
		}
		ex.deadline = deadline
		ex.attempts++
		res, err = c.attempt(ctx, req, next, ex)
		limited := res != nil && res.StatusCode == http.StatusTooManyRequests
		remaining := time.Until(ex.deadline)
		asked, told := retryAfter(res, remaining)
		delay := asked.delay
		if !told {
			delay = c.backoff(ex.attempts)
		}
		if limited {
			// The API refuses this user's calls, not this one: hold them all.
			c.gate.pause(asked.pauseOr(delay))
		}
		// No answer at all (a timeout, a connection error, a cancel) says
		// nothing about the storm: another request probes again.
		var items []limitItem
		if res != nil {
			items = parseRateLimit(res.Header)
		}
		c.gate.done(tk, limited, res == nil, items)
		why := retryReason(ctx, res, err)
		if why == "" || ex.permanent || ex.attempts > c.maxRetries {
			return res, err
		}
		if told && asked.tooLong || delay > remaining {
			if told {
				ex.reason = fmt.Sprintf("the API asked to wait %s before retrying, more than the %s left of %s",
					asked.text, remaining.Round(time.Second), ex.budget)
			} else {
				ex.reason = fmt.Sprintf("gave up: %s is spent", ex.budget)
			}
			return res, err
		}
		if allowed, because := takeRetry(ctx); !allowed {
			ex.reason = because
			return res, err
		}
		tflog.Debug(ctx, "Retrying R2 API request", map[string]any{
			"reason": why, "attempt": ex.attempts, "delay_ms": delay.Milliseconds(),
		})
		if limited {
			continue // the gate waits out the pause.
		}
		if err := c.gate.clock.Sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// attempt sends the request once and reads the whole body (bounded) under a
// per-attempt timeout, so that a body cut short is retried like any other
// transport failure. The response it returns holds the body in memory.
func (c *Client) attempt(ctx context.Context, req *http.Request, next nextFunc, ex *exchange) (*http.Response, error) {
	timeout := c.requestTimeout
	if remaining := time.Until(ex.deadline); remaining < timeout {
		timeout = max(remaining, time.Millisecond)
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out := req.Clone(actx)
	start := time.Now()
	tflog.Debug(ctx, "R2 API request", map[string]any{
		"method": out.Method, "url": out.URL.String(), "attempt": ex.attempts,
	})
	tflog.Trace(ctx, "R2 API request headers", map[string]any{"headers": redactedHeaders(out.Header)})

	res, err := next(out)
	if err != nil {
		ex.status, ex.body, ex.lastErr = 0, nil, describeTransportError(ctx, actx, err, timeout)
		ex.permanent = isPermanent(out.URL, err)
		tflog.Debug(ctx, "R2 API request failed", map[string]any{"error": ex.lastErr.Error(), "attempt": ex.attempts})
		return nil, ex.lastErr
	}
	limit, limitIs := c.maxBodyBytes, "this provider reads"
	if ex.bodyLimit > 0 && ex.bodyLimit < limit {
		limit, limitIs = ex.bodyLimit, ex.bodyLimitIs
	}
	body, err := readBounded(res.Body, limit)
	_ = res.Body.Close()
	ex.status, ex.contentType, ex.body = res.StatusCode, res.Header.Get("Content-Type"), body
	if err == nil && !chargeBytes(ctx, len(body)) {
		err = errSweepTooLarge
	}
	if err != nil {
		tooLarge := errors.Is(err, errBodyTooLarge) || errors.Is(err, errSweepTooLarge)
		switch {
		case errors.Is(err, errBodyTooLarge):
			ex.lastErr = fmt.Errorf("the response body is larger than the %d bytes %s", limit, limitIs)
		case errors.Is(err, errSweepTooLarge):
			ex.body = nil
			ex.lastErr = fmt.Errorf("%w: the answers came to more than the %d bytes one sweep reads", err, byteBudgetFrom(ctx).total)
		default:
			ex.lastErr = fmt.Errorf("reading the response body: %w", describeTransportError(ctx, actx, err, timeout))
		}
		// A body over a bound would be over it again: final.
		ex.permanent = tooLarge
		tflog.Debug(ctx, "R2 API response body unreadable", map[string]any{"status": res.StatusCode, "error": ex.lastErr.Error()})
		return nil, &bodyError{err: ex.lastErr, tooLarge: tooLarge}
	}
	ex.lastErr, ex.permanent = nil, false
	tflog.Debug(ctx, "R2 API response", map[string]any{
		"status": res.StatusCode, "bytes": len(body), "duration_ms": time.Since(start).Milliseconds(),
	})
	tflog.Trace(ctx, "R2 API response body", map[string]any{"body": string(body)})
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	return res, nil
}

// bodyError marks a failure while reading the body; only a body over the limit
// is final.
type bodyError struct {
	err      error
	tooLarge bool
}

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// retryReason returns why the outcome is worth another attempt, or "" if not.
func retryReason(ctx context.Context, res *http.Response, err error) string {
	if ctx.Err() != nil {
		return "" // Terraform cancelled: stop at once.
	}
	if err != nil {
		var be *bodyError
		if errors.As(err, &be) && be.tooLarge {
			return ""
		}
		return err.Error()
	}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		return "rate limited (HTTP 429)"
	case res.StatusCode == http.StatusRequestTimeout, res.StatusCode >= 500:
		return fmt.Sprintf("HTTP %d", res.StatusCode)
	}
	return ""
}

// wait is what a Retry-After asked for: delay when it fits the budget,
// tooLong otherwise, and text, the wait in words for a message.
type wait struct {
	delay   time.Duration
	tooLong bool
	text    string
	// full is the whole wait asked for, also when tooLong (capped at a day):
	// the pause every request shares after a 429 (ratelimit.go).
	full time.Duration
}

// pauseOr is how long a 429 holds every request: the wait asked for, or d
// when the answer gave none.
func (w wait) pauseOr(d time.Duration) time.Duration {
	if w.full > 0 {
		return w.full
	}
	return d
}

// retryAfter reads Retry-After (RFC 9110, 10.2.3): delay-seconds, a whole
// number of seconds, or an HTTP date; any other form is no Retry-After.
// The seconds are compared with the budget before they become a Duration,
// which a number such as 10000000000 would overflow to a negative wait.
func retryAfter(res *http.Response, budget time.Duration) (wait, bool) {
	if res == nil {
		return wait{}, false
	}
	v := res.Header.Get("Retry-After")
	if v == "" {
		return wait{}, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseUint(v, 10, 64) // Only ErrRange can fail here: too long anyway.
		if err != nil || secs > uint64(max(budget, 0)/time.Second) {
			text := v + "s"
			if err == nil && secs <= uint64(math.MaxInt64/time.Second) {
				text = (time.Duration(secs) * time.Second).String()
			}
			full := 24 * time.Hour
			if err == nil && secs < uint64(full/time.Second) {
				full = time.Duration(secs) * time.Second
			}
			return wait{tooLong: true, text: text, full: full}, true
		}
		d := time.Duration(secs) * time.Second
		return wait{delay: d, text: d.String(), full: d}, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := max(time.Until(t), 0) // time.Until saturates; it cannot wrap.
		// The shared pause holds for at most a day, as with delay-seconds:
		// a date far in the future must not stop the provider for good.
		return wait{delay: d, tooLong: d > budget, text: d.Round(time.Second).String(), full: min(d, 24*time.Hour)}, true
	}
	return wait{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// backoff is exponential with jitter: base·2^(n-1), capped, then a random
// value in its upper half so parallel reads do not retry in lockstep.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retryBaseDelay << min(attempt-1, 16)
	if d > c.retryMaxDelay || d <= 0 {
		d = c.retryMaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// readBounded reads at most limit bytes, failing rather than truncating.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errBodyTooLarge
	}
	return body, nil
}

// isPermanent reports whether a transport error is one the next attempt
// would meet again: a redirect refused by policy, https spoken to an http
// server, a TLS handshake or certificate failure, or a connection refused on
// a loopback address (nothing listens there; no network is in the way).
func isPermanent(u *url.URL, err error) bool {
	var (
		redirect    redirectError
		record      tls.RecordHeaderError
		alert       tls.AlertError
		verify      *tls.CertificateVerificationError
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalidCert x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &redirect), errors.Is(err, http.ErrSchemeMismatch),
		errors.As(err, &record), errors.As(err, &alert), errors.As(err, &verify),
		errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalidCert):
		return true
	case errors.Is(err, syscall.ECONNREFUSED):
		return loopbackServer(u.Hostname())
	}
	return false
}

// describeTransportError turns a per-attempt timeout into words; other errors
// (connection refused, reset) are already plain.
func describeTransportError(ctx, attemptCtx context.Context, err error, timeout time.Duration) error {
	if ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no complete answer within the request timeout of %s", timeout.Round(time.Millisecond))
	}
	return err
}

// redactedHeaders copies headers for logging with every credential masked;
// the email of a global API key counts as one (it names the account), and
// so does an S3 session token (the S3 API's requests, Sender).
func redactedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "X-Auth-Key", "X-Auth-Email", "X-Auth-User-Service-Key", "Cookie", "X-Amz-Security-Token":
			out[k] = "[REDACTED]"
		default:
			if len(v) > 0 {
				out[k] = v[0]
			}
		}
	}
	return out
}
