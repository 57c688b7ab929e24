// Package r2s3 is R2's S3-compatible API as the provider reads it: the S3
// reader of bucket CORS policies, for accounts too big for the REST API's
// per-user budget (1,200 requests in five minutes).
//
// It reads what the REST client (internal/r2api) reads, into the same
// []cors.Rule, and sends under the same policy: its requests go through an
// r2api.Sender (the REST client's retries, timeouts, body bounds, Ctrl-C,
// redirect rule and redacted logging), signed with SigV4 by aws-sdk-go-v2's
// S3 client, whose own retries are off. Every answer is checked by a strict
// XML scan before the SDK parses it (xmlcheck.go), and what the SDK read is
// mapped to rules and compared with what the scan saw (mapRules).
//
// Like r2api it sits below the data sources and knows nothing of
// Terraform; internal/cors stays free of it.
package r2s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// DefaultConcurrency is how many reads a sweep through the S3 API runs at
// once when sweep_concurrency is not set, and how many idle connections the
// reader keeps per endpoint so that they are all reused. The S3 reader is
// for accounts of thousands of buckets, whose plan it bounds: through the
// CLI at 20 ms a request, 10,000 buckets took 21.9-24.2 s at 24 and under
// 13 s at 64 with the sweep's heap reserve (make bench). No per-user budget
// holds S3 back (an assumption: README), and each bucket is read once, far
// below R2's 50 operations a second per bucket.
const DefaultConcurrency = 64

// Region is the SigV4 region of R2's S3 API.
const Region = "auto"

// accountIDPattern is a Cloudflare account id, which becomes a host label.
var accountIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Config is what the provider resolved for the S3 reader.
type Config struct {
	// AccountID is the account whose buckets are read.
	AccountID string
	// Credentials sign every request (ResolveCredentials).
	Credentials Credentials
	// CredentialsSource names where Credentials came from, for errors: the
	// attribute or environment variable of the secret given as such
	// ("s3_secret_access_key", "R2_S3_SECRET_ACCESS_KEY"), or of the API
	// token they derive from ("api_token", "CLOUDFLARE_API_TOKEN") when
	// CredentialsDerived is set. Never the credentials themselves.
	CredentialsSource  string
	CredentialsDerived bool
	// EndpointTemplate is the provider's s3_endpoint: a URL with
	// {account_id} and {jurisdiction} (ValidateEndpointTemplate); "" means
	// R2's own hosts (Endpoint). EndpointSource names where it came from
	// ("s3_endpoint" or an environment variable) for errors.
	EndpointTemplate, EndpointSource string
	// UserAgent is sent on every request, as the REST client's.
	UserAgent string
	// Policy is how requests are sent: the REST client's (r2api.Config.Policy).
	// With no HTTPClient, the reader builds NewHTTPClient's kind with
	// Concurrency idle connections per endpoint.
	Policy r2api.Policy
	// Concurrency is how many reads a sweep runs at once; 0 means
	// DefaultConcurrency.
	Concurrency int
}

// Reader reads bucket CORS policies through R2's S3 API. It is safe for
// concurrent use; the provider builds one and every read shares it (and
// its connections).
type Reader struct {
	accountID      string
	endpointSource string
	credsSource    string
	credsDerived   bool
	concurrency    int
	sender         *r2api.Sender
	// clients and endpoints by jurisdiction: one S3 client per endpoint.
	clients   map[string]*s3.Client
	endpoints map[string]string
}

// NewReader checks the configuration and builds the reader. It sends
// nothing.
func NewReader(cfg Config) (*Reader, error) {
	if !accountIDPattern.MatchString(cfg.AccountID) {
		return nil, errors.New("the account id is not 32 lowercase hexadecimal characters")
	}
	if cfg.Credentials.AccessKeyID == "" || cfg.Credentials.SecretAccessKey == "" {
		return nil, ErrNoCredentials
	}
	if cfg.EndpointTemplate != "" {
		if err := ValidateEndpointTemplate(cfg.EndpointTemplate); err != nil {
			return nil, err
		}
	}
	r := &Reader{
		accountID:      cfg.AccountID,
		endpointSource: cfg.EndpointSource,
		credsSource:    cfg.CredentialsSource,
		credsDerived:   cfg.CredentialsDerived,
		concurrency:    cfg.Concurrency,
		clients:        make(map[string]*s3.Client, len(jurisdictions.All)),
		endpoints:      make(map[string]string, len(jurisdictions.All)),
	}
	if r.concurrency <= 0 {
		r.concurrency = DefaultConcurrency
	}
	policy := cfg.Policy
	if policy.HTTPClient == nil {
		policy.HTTPClient = r2api.NewHTTPClient()
		if t, ok := policy.HTTPClient.Transport.(*http.Transport); ok { // Our own clone: ours to size.
			t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, r.concurrency)
			t.MaxIdleConns = max(t.MaxIdleConns, r.concurrency*len(jurisdictions.All))
		}
	}
	r.sender = r2api.NewSender(policy)
	doer := &checkingDoer{sender: r.sender, userAgent: cfg.UserAgent}
	creds := staticCredentials{AccessKeyID: cfg.Credentials.AccessKeyID, SecretAccessKey: cfg.Credentials.SecretAccessKey, Source: "r2s3"}
	for _, j := range jurisdictions.All {
		endpoint := Endpoint(cfg.EndpointTemplate, cfg.AccountID, j)
		r.endpoints[j] = r2api.DisplayURL(endpoint)
		r.clients[j] = s3.New(s3.Options{
			Region:      Region,
			Credentials: creds,
			// Path-style (<endpoint>/<bucket>), resolved by the reader, not
			// by the SDK's rules for AWS (FIPS, dual-stack, access points,
			// S3 Express: the rules take a valid R2 name such as
			// "logs--x-s3" for an Express bucket and send it elsewhere).
			// A bucket name is never a host label, so a loopback endpoint
			// works as R2's does.
			EndpointResolverV2: pathStyle(endpoint),
			UsePathStyle:       true,
			HTTPClient:         doer,
			// Retries are the Sender's (r2api's policy): the SDK's would
			// retry inside ours, past the read budget, and read bodies
			// without our bound.
			Retryer: aws.NopRetryer{},
			// No checksums: a GET of a policy has no body to sum, and R2
			// sends none to check.
			RequestChecksumCalculation:  aws.RequestChecksumCalculationWhenRequired,
			ResponseChecksumValidation:  aws.ResponseChecksumValidationWhenRequired,
			DisableS3ExpressSessionAuth: aws.Bool(true),
			// The SDK logs nothing: requests are logged by the Sender,
			// through tflog, with credentials redacted.
			Logger:        logging.Nop{},
			ClientLogMode: 0,
		})
	}
	return r, nil
}

// Concurrency is how many reads a sweep through this reader runs at once.
func (r *Reader) Concurrency() int { return r.concurrency }

// EndpointOf is the S3 endpoint of a jurisdiction as messages may show it
// ("" is the default jurisdiction).
func (r *Reader) EndpointOf(jurisdiction string) string {
	jurisdiction = jurisdictions.OrDefault(jurisdiction)
	return r.endpoints[jurisdiction]
}

// GetBucketCORS reads a bucket's CORS policy through the S3 API, as
// r2api.Client.GetBucketCORS does through the REST API, into the same
// rules: a bucket without a policy (404 NoSuchCORSConfiguration) gives an
// empty, non-nil slice. jurisdiction "" is the default. A failure is an
// *Error (Kind says what it comes to).
//
// What XML cannot say: an absent list and an empty one are the same
// (no element), so a list is nil (null in state) when no element holds a
// value, where the REST API may say []; and MaxAgeSeconds is a whole
// number (a max age of 1.5 in the REST API's JSON has no S3 form).
func (r *Reader) GetBucketCORS(ctx context.Context, jurisdiction, bucket string) ([]cors.Rule, error) {
	jurisdiction = jurisdictions.OrDefault(jurisdiction)
	client, ok := r.clients[jurisdiction]
	if !ok {
		return nil, &Error{Kind: KindInvalidRequest, Permanent: true, Jurisdiction: jurisdiction, Bucket: bucket,
			Reason: fmt.Sprintf("unknown jurisdiction %q (known: %s); no request was sent", r2api.Printable(jurisdiction), jurisdictions.List())}
	}
	if !r2api.BucketNamePattern.MatchString(bucket) {
		return nil, &Error{Kind: KindInvalidRequest, Permanent: true, Jurisdiction: jurisdiction,
			Reason: fmt.Sprintf("%q is not an R2 bucket name; no request was sent", shorten(bucket))}
	}
	ctx, call := r.sender.StartCall(ctx, r2api.MaxPolicyBytes, "a CORS policy may take (R2, as S3, stores at most 100 rules in 64 KB)")
	chk := &check{call: call}
	ctx = context.WithValue(ctx, checkKey{}, chk)
	out, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &bucket})
	if err != nil {
		e := r.callError(ctx, chk, jurisdiction, bucket, err)
		if e.StatusCode == http.StatusNotFound && e.Code == CodeNoSuchCORS {
			return []cors.Rule{}, nil
		}
		return nil, e
	}
	rules, err := mapRules(out.CORSRules, chk.shape)
	if err != nil {
		o := call.Outcome()
		return nil, r.withPlace(&Error{Kind: KindRefused, StatusCode: o.Status, Attempts: o.Attempts, Permanent: true,
			Reason: r2api.Printable(err.Error()), Body: r2api.Snippet(o.Body), Err: err}, jurisdiction, bucket)
	}
	return rules, nil
}

// withPlace names the read, and where its credentials came from, in an error.
func (r *Reader) withPlace(e *Error, jurisdiction, bucket string) *Error {
	e.Jurisdiction, e.Bucket, e.Endpoint, e.EndpointSource = jurisdiction, bucket, r.endpoints[jurisdiction], r.endpointSource
	e.CredentialsSource, e.CredentialsDerived = r.credsSource, r.credsDerived
	return e
}

// callError turns what the SDK returned into an *Error, from what the
// Sender saw on the wire and what the strict check said.
func (r *Reader) callError(ctx context.Context, chk *check, jurisdiction, bucket string, err error) *Error {
	o := chk.call.Outcome()
	e := r.withPlace(&Error{StatusCode: o.Status, Attempts: o.Attempts, Permanent: o.Permanent, Err: err}, jurisdiction, bucket)
	var reasons []string
	var apiErr smithy.APIError
	switch {
	case ctx.Err() != nil:
		e.Kind, e.StatusCode, e.Err = KindCancelled, 0, ctx.Err()
		reasons = append(reasons, "the read was cancelled before the S3 API answered")
	case chk.refused != nil && o.Status >= 200 && o.Status <= 299:
		e.Kind, e.Permanent, e.Err, e.Body = KindRefused, true, chk.refused, r2api.Snippet(o.Body)
		reasons = append(reasons, "the S3 API's answer was refused: "+chk.refused.Error())
	case chk.refused != nil:
		e.Err, e.Body = chk.refused, r2api.Snippet(o.Body)
		reasons = append(reasons, "the answer is not S3's error XML: "+chk.refused.Error())
	case o.Err != nil:
		if r2api.IsBodyTooLarge(err) {
			e.Kind = KindRefused
		}
		reasons = append(reasons, "no usable answer: "+o.Err.Error())
	case errors.As(err, &apiErr):
		e.Code, e.Message = r2api.Printable(apiErr.ErrorCode()), r2api.Printable(apiErr.ErrorMessage())
		e.Kind = kindOf(apiErr.ErrorCode())
	case o.Status >= 200 && o.Status <= 299:
		// Checked, yet the SDK could not read it: refuse, never guess.
		e.Kind, e.Permanent, e.Body = KindRefused, true, r2api.Snippet(o.Body)
		reasons = append(reasons, "the S3 SDK could not read the answer: "+r2api.Printable(err.Error()))
	default:
		reasons = append(reasons, "no usable answer: "+r2api.Printable(err.Error()))
	}
	if o.Reason != "" && e.Kind != KindCancelled {
		reasons = append(reasons, o.Reason)
	}
	e.Reason = r2api.Printable(strings.Join(reasons, "; "))
	return e
}

// mapRules maps the SDK's reading of a policy to rules, in order, after
// checking it against the strict scan's (shape): the same rules, values
// and max ages, or the two readers disagree and nothing is guessed. An
// absent list is nil; the rule list itself is never nil.
func mapRules(in []types.CORSRule, shape []ruleShape) ([]cors.Rule, error) {
	if len(in) != len(shape) {
		return nil, fmt.Errorf("the S3 SDK read %d rules where the strict check read %d", len(in), len(shape))
	}
	out := make([]cors.Rule, len(in))
	for i, r := range in {
		sh := shape[i]
		if (r.ID != nil) != sh.id || len(r.AllowedMethods) != sh.methods || len(r.AllowedOrigins) != sh.origins ||
			len(r.AllowedHeaders) != sh.headers || len(r.ExposeHeaders) != sh.expose ||
			(r.MaxAgeSeconds != nil) != (sh.maxAge != nil) || r.MaxAgeSeconds != nil && int64(*r.MaxAgeSeconds) != *sh.maxAge {
			return nil, fmt.Errorf("the S3 SDK read rule %d otherwise than the strict check did", i)
		}
		rule := cors.Rule{
			ID: r.ID,
			Allowed: &cors.Allowed{
				Methods: r.AllowedMethods,
				Origins: r.AllowedOrigins,
				Headers: r.AllowedHeaders,
			},
			ExposeHeaders: r.ExposeHeaders,
		}
		if r.MaxAgeSeconds != nil {
			n := json.Number(strconv.FormatInt(int64(*r.MaxAgeSeconds), 10))
			rule.MaxAgeSeconds = &n
		}
		out[i] = rule
	}
	return out, nil
}

// pathStyle resolves every request of one S3 client to <endpoint>/<bucket>,
// signed with SigV4 for service "s3" in Region, the path not escaped again
// (S3's canonical path is the path as sent).
type pathStyle string

func (p pathStyle) ResolveEndpoint(_ context.Context, params s3.EndpointParameters) (smithyendpoints.Endpoint, error) {
	if params.Bucket == nil || !r2api.BucketNamePattern.MatchString(*params.Bucket) {
		return smithyendpoints.Endpoint{}, errors.New("r2s3: a request without an R2 bucket name")
	}
	u, err := url.Parse(string(p) + "/" + *params.Bucket)
	if err != nil {
		return smithyendpoints.Endpoint{}, err
	}
	var signer smithy.Properties
	smithyhttp.SetSigV4SigningName(&signer, "s3")
	smithyhttp.SetSigV4SigningRegion(&signer, Region)
	smithyhttp.SetDisableDoubleEncoding(&signer, true)
	var props smithy.Properties
	smithyauth.SetAuthOptions(&props, []*smithyauth.Option{{SchemeID: smithyauth.SchemeIDSigV4, SignerProperties: signer}})
	return smithyendpoints.Endpoint{URI: *u, Properties: props}, nil
}

// staticCredentials gives the SDK the reader's credentials. (The SDK's
// credentials module would add its SSO, STS and IMDS modules to go.sum for
// three lines.)
type staticCredentials aws.Credentials

func (c staticCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// check is what the strict scan said of one call's answer (checkingDoer).
type check struct {
	call    *r2api.Call
	shape   []ruleShape
	refused error
}

type checkKey struct{}

// checkingDoer is the HTTP client the SDK sends through: the Sender's
// policy, then the strict scan of the answer's bytes before the SDK sees
// them. A refused answer becomes an error the SDK returns as it is.
type checkingDoer struct {
	sender    *r2api.Sender
	userAgent string
}

func (d *checkingDoer) Do(req *http.Request) (*http.Response, error) {
	if d.userAgent != "" {
		// Not signed (SigV4 leaves User-Agent out): the provider's, as
		// the REST client sends it.
		req.Header.Set("User-Agent", d.userAgent)
	}
	res, err := d.sender.Do(req)
	chk, ok := req.Context().Value(checkKey{}).(*check)
	if err != nil || !ok {
		return res, err
	}
	body := chk.call.Outcome().Body // The bytes res.Body holds: no copy.
	if res.StatusCode >= 200 && res.StatusCode <= 299 {
		chk.shape, chk.refused = checkPolicyXML(body)
	} else if len(body) > 0 {
		_, chk.refused = checkErrorXML(body)
	}
	if chk.refused != nil {
		_ = res.Body.Close()
		return nil, chk.refused
	}
	return res, nil
}
