// Package r2api is the provider's one client of the Cloudflare R2 API. It wraps
// Cloudflare's Go SDK (only its r2 and option packages: the root package links
// every Cloudflare service and nearly triples the binary) with what a Terraform
// plan needs: shared connections, a bounded retry policy, redacted logging, a
// strict decoder and errors that say what happened.
package r2api

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/r2"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
)

// Defaults, chosen so that an API that keeps failing fails the read well
// within a minute, while a passing blip (a 429, a 502) is ridden out.
const (
	DefaultBaseURL        = "https://api.cloudflare.com/client/v4"
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 20 * time.Second
	DefaultReadTimeout    = 60 * time.Second
	DefaultRetryBaseDelay = time.Second
	DefaultRetryMaxDelay  = 8 * time.Second
	// DefaultMaxBodyBytes bounds what one answer may hold: a CORS policy is a
	// few KiB and a page of 1000 buckets a few hundred.
	DefaultMaxBodyBytes = 8 << 20
	// DefaultSweepConcurrency is how many bucket reads a sweep runs at once.
	// Measured (BENCHMARKS.md, 1000 buckets at 20 ms a request): 16 plans in
	// about 2.4 s, 24 in 2.0 s, 32 in 1.8 s. A sweep sends concurrency /
	// latency requests a second, and Cloudflare allows 200 per IP: 24 stays
	// under that down to 120 ms of latency, the fast end of the API's usual.
	DefaultSweepConcurrency = 24
	// DefaultMaxIdleConnsPerHost covers Terraform's default parallelism (10)
	// with room to spare, so parallel reads reuse connections.
	DefaultMaxIdleConnsPerHost = 32
	// bodySnippetBytes is how much of an unexpected body a diagnostic shows.
	bodySnippetBytes = 512
)

// Bounds of one CORS policy, from what R2 can store. R2 documents none and
// follows S3 where it is silent: S3 allows at most 100 rules in a CORS
// configuration of at most 64 KB of XML. The same rules take fewer bytes as
// JSON than as XML (no closing tags), so a Get Bucket CORS Policy answer of
// more than 128 KiB, twice that, is no policy R2 could hold: it is refused
// as it is read, before it is decoded.
const (
	MaxPolicyBytes = 128 << 10
	// DefaultMaxSweepBytes bounds the answers one sweep reads in all, so
	// that what it holds cannot grow with the account: 128 policies of
	// MaxPolicyBytes, or some 50,000 of the usual few hundred bytes (the
	// default rate limit reads 1200 buckets in five minutes, so that is
	// hours of sweep). Decoded into state, a byte of policy takes some ten
	// to fifteen of memory.
	DefaultMaxSweepBytes = 16 << 20
)

// Config is what the provider resolved from its configuration.
type Config struct {
	BaseURL string
	// BaseURLSource names where BaseURL came from ("base_url" or
	// "CLOUDFLARE_BASE_URL"), for errors that may be the base URL's fault.
	BaseURLSource string
	APIToken      string
	APIKey        string
	Email         string
	// UserAgent is sent on every request.
	UserAgent string

	MaxRetries     int           // retries after the first attempt; <0 means the default
	RequestTimeout time.Duration // one attempt, body included; 0 means the default
	ReadTimeout    time.Duration // one call, retries included; 0 means the default
	RetryBaseDelay time.Duration // 0 means the default; tests shorten it
	RetryMaxDelay  time.Duration // 0 means the default
	MaxBodyBytes   int64         // 0 means the default
	// RateLimit is how many requests the client sends in any RateLimitWindow:
	// 0 means DefaultRateLimit, less than 0 no limit (ratelimit.go).
	RateLimit int
	// RateLimitReserve is the percent of each quota the API announces
	// (Ratelimit headers) that the client leaves to the user's other
	// clients: 0 means DefaultRateLimitReserve, less than 0 none (ratelimit.go).
	RateLimitReserve int
	// SweepConcurrency is how many reads a sweep runs at once; 0 means the default.
	SweepConcurrency int
	ListTimeout      time.Duration // a whole bucket list, every page; 0 means the default
	MaxListBytes     int64         // the bodies of a whole bucket list; 0 means the default
	MaxSweepBytes    int64         // the bodies of a whole sweep; 0 means the default

	// HTTPClient replaces the shared client; tests only.
	HTTPClient *http.Client
}

// Client is safe for concurrent use; the provider builds one and every read shares it.
type Client struct {
	// baseURL is the base URL as errors show it, "" for the default;
	// baseURLSource says where it came from.
	baseURL, baseURLSource string

	cors           *r2.BucketCORSService
	buckets        *r2.BucketService
	maxRetries     int
	requestTimeout time.Duration
	readTimeout    time.Duration
	retryBaseDelay time.Duration
	retryMaxDelay  time.Duration
	maxBodyBytes   int64
	concurrency    int
	gate           *gate
	listTimeout    time.Duration
	maxListBytes   int64
	maxSweepBytes  int64

	// verify is what VerifyToken sends with (verify.go).
	verify verifier
}

// New checks the configuration and builds the client. It sends nothing.
func New(cfg Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if err := ValidateBaseURL(base); err != nil {
		return nil, err
	}
	if cfg.RateLimitReserve > MaxRateLimitReserve {
		return nil, fmt.Errorf("the rate limit reserve is %d%%, more than the %d%% that leaves this provider a request in every window",
			cfg.RateLimitReserve, MaxRateLimitReserve)
	}
	policy := cfg.Policy()
	c := policy.client(newGate(realClock{}, orDefault(cfg.RateLimit, DefaultRateLimit, cfg.RateLimit != 0), RateLimitWindow))
	c.baseURLSource = cfg.BaseURLSource
	c.concurrency = orDefault(cfg.SweepConcurrency, DefaultSweepConcurrency, cfg.SweepConcurrency > 0)
	c.listTimeout = orDefault(cfg.ListTimeout, DefaultListTimeout, cfg.ListTimeout > 0)
	c.maxListBytes = orDefault(cfg.MaxListBytes, DefaultMaxListBytes, cfg.MaxListBytes > 0)
	c.maxSweepBytes = orDefault(cfg.MaxSweepBytes, DefaultMaxSweepBytes, cfg.MaxSweepBytes > 0)
	if strings.TrimRight(base, "/") != DefaultBaseURL {
		c.baseURL = DisplayURL(base)
	}
	c.gate.reservePct = max(orDefault(cfg.RateLimitReserve, DefaultRateLimitReserve, cfg.RateLimitReserve != 0), 0)
	httpClient := policy.httpClient()
	opts := []option.RequestOption{
		// The SDK joins paths onto the base; it needs the trailing slash.
		option.WithBaseURL(strings.TrimRight(base, "/") + "/"),
		option.WithHTTPClient(httpClient),
		option.WithMaxRetries(0), // retries are ours: see middleware.
		option.WithMiddleware(c.middleware),
		option.WithHeader("User-Agent", cfg.UserAgent),
	}
	switch {
	case cfg.APIToken != "":
		opts = append(opts, option.WithAPIToken(cfg.APIToken))
	case cfg.APIKey != "":
		opts = append(opts, option.WithAPIKey(cfg.APIKey), option.WithAPIEmail(cfg.Email))
	default:
		return nil, errors.New("no credentials: set an API token, or an API key and email")
	}
	c.cors = r2.NewBucketCORSService(opts...)
	c.buckets = r2.NewBucketService(opts...)
	c.verify = verifier{base: strings.TrimRight(base, "/"), token: cfg.APIToken, userAgent: cfg.UserAgent, http: httpClient}
	return c, nil
}

// SweepConcurrency is how many reads a sweep of many buckets runs at once.
func (c *Client) SweepConcurrency() int { return c.concurrency }

// MaxSweepBytes is how many bytes of answers a sweep may read in all
// (NewByteBudget).
func (c *Client) MaxSweepBytes() int64 { return c.maxSweepBytes }

func orDefault[T any](v, def T, useV bool) T {
	if useV {
		return v
	}
	return def
}

// NewHTTPClient returns the shared HTTP client: a pooled transport sized for
// Terraform's parallelism, TLS 1.2 or later, and no redirect that could carry
// credentials to another host (Go drops Authorization there, but not X-Auth-Key).
func NewHTTPClient() *http.Client {
	t, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		t = t.Clone()
	} else { // Something replaced the default transport: start from scratch.
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return redirectError("stopped after 3 redirects")
			}
			if req.URL.Scheme != via[0].URL.Scheme || req.URL.Host != via[0].URL.Host {
				return redirectError(fmt.Sprintf("refusing to follow a redirect to %s://%s: credentials are only sent to %s://%s",
					req.URL.Scheme, req.URL.Host, via[0].URL.Scheme, via[0].URL.Host))
			}
			return nil
		},
	}
}

// redirectError is a redirect the client refused to follow: final, since
// the next attempt would be answered the same way.
type redirectError string

func (e redirectError) Error() string { return string(e) }

// ValidateBaseURL accepts https URLs, and http only on a loopback address
// (the fake API in tests and the demo): credentials never cross a network in
// clear. Its errors never repeat user information, a query or anything that
// does not parse: they show scheme, host and path (DisplayURL) at most.
func ValidateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("is not an absolute URL such as %s (the value is not repeated here, as it may hold a secret)", DefaultBaseURL)
	}
	if u.User != nil {
		// Not u.Redacted(): it masks a password but keeps a bare user name,
		// which is where a token pasted as https://TOKEN@host ends up.
		return fmt.Errorf("%s must not carry credentials in the URL (user information before the host): "+
			"use api_token (or api_key and email)", DisplayURL(raw))
	}
	origin := u.Scheme + "://" + u.Host
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if loopbackServer(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s uses http: only https is allowed, except on a loopback address (127.0.0.1, ::1, localhost)", origin)
	default:
		return fmt.Errorf("%s must use https", origin)
	}
}

// loopbackServer reports whether base_url's host is this machine by its
// name localhost or a loopback address, where plain http stays on the
// machine. (cors.isLoopback answers another question: whether an origin is
// the visitor's own machine, *.localhost included.)
func loopbackServer(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// GetBucketCORS reads a bucket's CORS policy. A bucket with no policy gives
// an empty, non-nil slice, not an error. jurisdiction "" sends no header.
func (c *Client) GetBucketCORS(ctx context.Context, accountID, bucketName, jurisdiction string) ([]cors.Rule, error) {
	ctx, ex := c.startCall(ctx)
	ex.bodyLimit, ex.bodyLimitIs = MaxPolicyBytes, "a CORS policy may take (R2, as S3, stores at most 100 rules in 64 KB)"

	var params r2.BucketCORSGetParams
	params.AccountID.Value, params.AccountID.Present = accountID, true
	if jurisdiction != "" {
		if err := checkJurisdiction(jurisdiction); err != nil {
			return nil, err
		}
		params.Jurisdiction.Value, params.Jurisdiction.Present = r2.BucketCORSGetParamsCfR2Jurisdiction(jurisdiction), true
	}
	// Taking the raw bytes lets us decode once, strictly, into our own types,
	// keeping null apart from empty and numbers exact.
	var raw []byte
	// The SDK puts the name into the path as it is; escaping it keeps a name
	// that is not an R2 bucket name from reaching another endpoint.
	_, err := c.cors.Get(ctx, url.PathEscape(bucketName), params, option.WithResponseBodyInto(&raw))
	if err != nil {
		apiErr := c.callError(ctx, ex, err)
		if apiErr.StatusCode == http.StatusNotFound && apiErr.HasCode(CodeNoCORSPolicy) {
			return []cors.Rule{}, nil
		}
		return nil, apiErr
	}
	rules, err := DecodeCORS(raw)
	if err != nil {
		return nil, decodeError(err, raw, ex)
	}
	return rules, nil
}

// DecodeCORS decodes a 2xx body of Get Bucket CORS Policy, by exact member
// names. A result without rules is an empty policy; anything that is not the
// envelope, says success=false, breaks the schema, holds more rules than R2
// stores (cors.MaxRules) or a member that looks like a renamed one
// (checkRenamed) is an error, never a silent guess.
func DecodeCORS(body []byte) ([]cors.Rule, error) {
	env, err := decodeEnvelope(body, "Get Bucket CORS Policy")
	if err != nil {
		return nil, err
	}
	if err := checkRenamed(env.result, "", "of result", resultLookalike); err != nil {
		return nil, fmt.Errorf("the API's answer: %w", err)
	}
	var raws []json.RawMessage
	if err := env.result.Field("rules", &raws); err != nil {
		return nil, fmt.Errorf("the API's rules cannot be read: %w", err)
	}
	// A result without rules (or no result at all) is a bucket without a
	// policy, as the 404/10059 answer is: the API has sent both.
	if raws == nil {
		return []cors.Rule{}, nil
	}
	if len(raws) > cors.MaxRules {
		return nil, fmt.Errorf("the API's answer holds %d rules, more than the %d a CORS policy may hold", len(raws), cors.MaxRules)
	}
	rules := make([]cors.Rule, len(raws))
	for i, raw := range raws {
		err := json.Unmarshal(raw, &rules[i])
		if err == nil {
			err = checkRule(raw, rules[i])
		}
		if err != nil {
			name := ""
			if id := rules[i].ID; id != nil {
				name = fmt.Sprintf(" (id %q)", *id)
			}
			return nil, fmt.Errorf("rule %d%s of the API's answer: %w", i, name, err)
		}
	}
	return rules, nil
}

// checkRule enforces what the schema requires of a rule, the bounds of
// maxAgeSeconds that keep a number cheap to carry (cors.ValidateMaxAge), and
// that no member of the rule (raw) looks like a renamed one.
func checkRule(raw json.RawMessage, r cors.Rule) error {
	rule, err := jsonexact.Decode(raw)
	if err != nil {
		return err
	}
	if err := checkRenamed(rule, "", "", ruleLookalike); err != nil {
		return err
	}
	var allowed jsonexact.Object
	if err := rule.Field("allowed", &allowed); err != nil {
		return err
	}
	if err := checkRenamed(allowed, "allowed.", "", allowedLookalike); err != nil {
		return err
	}
	switch {
	case r.Allowed == nil:
		return errors.New(`"allowed" is missing`)
	case r.Allowed.Methods == nil:
		return errors.New(`"allowed.methods" is missing`)
	case r.Allowed.Origins == nil:
		return errors.New(`"allowed.origins" is missing`)
	case r.MaxAgeSeconds != nil:
		return cors.ValidateMaxAge(*r.MaxAgeSeconds)
	}
	return nil
}

// startCall gives one API call its exchange record and retry budget.
func (c *Client) startCall(ctx context.Context) (context.Context, *exchange) {
	ex := &exchange{deadline: time.Now().Add(c.readTimeout), budget: fmt.Sprintf("this read's %s budget", c.readTimeout)}
	return withExchange(ctx, ex), ex
}

// decodeError turns a failure to decode a 2xx body into our *Error with the
// wire facts; an *Error from the decoder (success=false) keeps its entries.
func decodeError(err error, raw []byte, ex *exchange) *Error {
	apiErr, ok := AsError(err)
	if !ok {
		apiErr = &Error{Reason: printable(err.Error()), Body: snippet(raw), Err: err}
	}
	apiErr.StatusCode, apiErr.Attempts = ex.status, ex.attempts
	return apiErr
}

// callError turns whatever the SDK returned into our *Error, using what the
// middleware saw on the wire.
func (c *Client) callError(ctx context.Context, ex *exchange, err error) *Error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &Error{Attempts: ex.attempts, Reason: "the read was cancelled before the API answered", Err: ctxErr,
			BaseURL: c.baseURL, BaseURLSource: c.baseURLSource}
	}
	out := &Error{StatusCode: ex.status, Attempts: ex.attempts, Err: err, Permanent: ex.permanent,
		BaseURL: c.baseURL, BaseURLSource: c.baseURLSource}
	reasons := []string{}
	if ex.status == 0 || ex.lastErr != nil {
		cause := err
		if ex.lastErr != nil {
			cause = ex.lastErr
		}
		reasons = append(reasons, "no usable answer: "+cause.Error())
	}
	if ex.status != 0 && ex.lastErr == nil {
		var env struct {
			Errors []APIMessage `json:"errors"`
		}
		// A body with a member named twice is shown as it is, not read.
		if isJSON(ex.contentType) && jsonexact.CheckDocument(ex.body) == nil &&
			json.Unmarshal(ex.body, &env) == nil && len(env.Errors) > 0 {
			out.Errors = printableMessages(env.Errors)
		} else {
			out.Body = snippet(ex.body)
		}
	}
	if ex.reason != "" {
		reasons = append(reasons, ex.reason)
	}
	out.Reason = printable(strings.Join(reasons, "; "))
	return out
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// snippet returns the start of a body on one line, its whitespace collapsed
// and everything else that could act on a terminal escaped (printable).
func snippet(body []byte) string {
	s := string(body)
	if len(s) > bodySnippetBytes {
		s = s[:bodySnippetBytes]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return printable(strings.Join(strings.Fields(s), " "))
}

// DisplayURL is a URL as messages and logs may show it: scheme, host and
// path, never userinfo, query or fragment (a token pasted there stays out).
func DisplayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(a value that is not a URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
