// Package provider wires the r2 provider together: its schema, Configure
// (credentials to one shared API client) and the data sources it offers.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/r2tf/terraform-provider-r2/internal/datasources"
	"github.com/r2tf/terraform-provider-r2/internal/functions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// Environment variables the provider falls back to, named as Cloudflare's own tools name them.
const (
	EnvAPIToken = "CLOUDFLARE_API_TOKEN"
	EnvAPIKey   = "CLOUDFLARE_API_KEY"
	EnvEmail    = "CLOUDFLARE_EMAIL"
	EnvBaseURL  = "CLOUDFLARE_BASE_URL"
	// Ours, not Cloudflare's: they tune this provider's client only.
	EnvMaxRetries       = "R2_MAX_RETRIES"
	EnvRequestTimeout   = "R2_REQUEST_TIMEOUT"
	EnvSweepConcurrency = "R2_SWEEP_CONCURRENCY"
	EnvRateLimit        = "R2_RATE_LIMIT"
	EnvRateLimitReserve = "R2_RATE_LIMIT_RESERVE"
	// The S3 reader's (s3.go).
	EnvCORSReader        = "R2_CORS_READER"
	EnvS3AccessKeyID     = tfkit.S3KeyIDEnv
	EnvS3SecretAccessKey = tfkit.S3SecretEnv
	EnvS3Endpoint        = "R2_S3_ENDPOINT"
)

// Bounds of the client settings: enough to ride out a bad minute, never so
// much that a plan hangs.
const (
	maxMaxRetries     = 10
	minRequestTimeout = time.Second
	maxRequestTimeout = 10 * time.Minute
	// More reads at once than this gain nothing at Cloudflare's latency and
	// crowd its per-IP limit (200 requests per second).
	maxSweepConcurrency = 64
	// A rate limit is Cloudflare's 1200 unless an account has a higher one.
	maxRateLimit = 100000
)

var (
	_ provider.Provider                   = (*r2Provider)(nil)
	_ provider.ProviderWithFunctions      = (*r2Provider)(nil)
	_ provider.ProviderWithValidateConfig = (*r2Provider)(nil)
)

// Options tune the provider for tests; the zero value is what users run.
type Options struct {
	// ClientOverrides is applied to the API client configuration after the
	// provider's own settings (tests shorten retry delays with it).
	ClientOverrides func(*r2api.Config)
}

type r2Provider struct {
	version string
	opts    Options
}

// newProvider is the framework provider; NewServer serves it.
func newProvider(version string, opts Options) provider.Provider {
	return &r2Provider{version: version, opts: opts}
}

type providerModel struct {
	APIToken types.String `tfsdk:"api_token"`
	APIKey   types.String `tfsdk:"api_key"`
	Email    types.String `tfsdk:"email"`
	BaseURL  types.String `tfsdk:"base_url"`

	MaxRetries       types.Int64  `tfsdk:"max_retries"`
	RequestTimeout   types.String `tfsdk:"request_timeout"`
	SweepConcurrency types.Int64  `tfsdk:"sweep_concurrency"`
	RateLimit        types.Int64  `tfsdk:"rate_limit"`
	RateLimitReserve types.Int64  `tfsdk:"rate_limit_reserve"`

	CORSReader        types.String `tfsdk:"cors_reader"`
	S3AccessKeyID     types.String `tfsdk:"s3_access_key_id"`
	S3SecretAccessKey types.String `tfsdk:"s3_secret_access_key"`
	S3Endpoint        types.String `tfsdk:"s3_endpoint"`
}

func (p *r2Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "r2"
	resp.Version = p.version
}

func (p *r2Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Cloudflare R2 bucket configuration, starting with CORS policies, " +
			"for drift reviews. Authenticate with an API token (preferred) or the legacy global API key " +
			"and email; each falls back to the environment variable Cloudflare's tools use.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				MarkdownDescription: "Cloudflare API token, sent as `Authorization: Bearer`. It needs the " +
					"**Workers R2 Storage Read** permission on the account. Falls back to `" + EnvAPIToken + "`. " +
					"Conflicts with `api_key`.",
				Optional:  true,
				Sensitive: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Legacy global API key, sent as `X-Auth-Key`; needs `email`. Falls back to `" +
					EnvAPIKey + "`. Prefer `api_token`.",
				Optional:  true,
				Sensitive: true,
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email of the account that owns `api_key`, sent as `X-Auth-Email`. Falls back to `" +
					EnvEmail + "`.",
				Optional: true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Cloudflare API. Defaults to `" + r2api.DefaultBaseURL +
					"`; falls back to `" + EnvBaseURL + "`. Must be `https://`, except on a loopback address " +
					"(a local fake of the API).",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a read retries after a failure that is safe to retry "+
					"(HTTP 429, 5xx, connection errors, timeouts): 0 to %d, default %d. Falls back to `%s`.",
					maxMaxRetries, r2api.DefaultMaxRetries, EnvMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one request may take, body included, as a duration such as "+
					"`30s` or `2m`: %s to %s, default %s. A read gives up after %s or one request timeout, whichever is "+
					"longer, retries included. Falls back to `%s`.", minRequestTimeout, maxRequestTimeout,
					r2api.DefaultRequestTimeout, r2api.DefaultReadTimeout, EnvRequestTimeout),
				Optional:   true,
				Validators: []validator.String{durationBetween(minRequestTimeout, maxRequestTimeout)},
			},
			"sweep_concurrency": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many bucket policies `r2_bucket_cors_policies` reads at once, "+
					"through either `cors_reader`: 1 to %d, default %d through the REST API (BENCHMARKS.md: a 1000-bucket sweep "+
					"plans in about 2 s at 20 ms a request; a sweep sends concurrency / latency requests a second, and Cloudflare "+
					"allows 200 per IP to its REST API) and %d through the S3 API (no per-account limit is documented there, and "+
					"each bucket is read once, far below R2's 50 operations a second per bucket). Falls back to `%s`.",
					maxSweepConcurrency, r2api.DefaultSweepConcurrency, r2s3.DefaultConcurrency, EnvSweepConcurrency),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, maxSweepConcurrency)},
			},
			"rate_limit": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many requests this provider sends in any five minutes, shared by "+
					"every read: default %d, Cloudflare's limit per user, past which the API refuses every call for five "+
					"minutes. When it is reached, requests wait (logged at INFO) instead of tripping that lockout. "+
					"0 turns the limit off; at most %d. Falls back to `%s`.", r2api.DefaultRateLimit, maxRateLimit, EnvRateLimit),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxRateLimit)},
			},
			"rate_limit_reserve": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The percent of the user's API quota this provider leaves to the user's "+
					"other clients (the dashboard, deploys, other tokens and tools share it): 0 to %d, default %d. Every "+
					"Cloudflare answer says what is left of the user's quota (the `Ratelimit` and `Ratelimit-Policy` "+
					"headers); requests, counting those in flight, never bring it below the reserve, and when it is reached "+
					"they wait for the reset the answer announced (logged at INFO once per wait). The default, a quarter "+
					"(300 of 1200 requests in five minutes, one a second), leaves room for the user's other work while a "+
					"1000-bucket review still reads 900 buckets before its first wait. Answers without the headers (a proxy "+
					"that strips them) leave `rate_limit` alone in charge. Falls back to `%s`.",
					r2api.MaxRateLimitReserve, r2api.DefaultRateLimitReserve, EnvRateLimitReserve),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, r2api.MaxRateLimitReserve)},
			},
		},
	}
	for name, a := range s3Attributes() {
		resp.Schema.Attributes[name] = a
	}
}

// setting names an attribute and its environment variable, for messages.
type setting struct {
	attr, env string
	value     attr.Value
}

func (p *r2Provider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings := []setting{
		{"api_token", EnvAPIToken, cfg.APIToken},
		{"api_key", EnvAPIKey, cfg.APIKey},
		{"email", EnvEmail, cfg.Email},
		{"base_url", EnvBaseURL, cfg.BaseURL},
		{"max_retries", EnvMaxRetries, cfg.MaxRetries},
		{"request_timeout", EnvRequestTimeout, cfg.RequestTimeout},
		{"sweep_concurrency", EnvSweepConcurrency, cfg.SweepConcurrency},
		{"rate_limit", EnvRateLimit, cfg.RateLimit},
		{"rate_limit_reserve", EnvRateLimitReserve, cfg.RateLimitReserve},
		{"cors_reader", EnvCORSReader, cfg.CORSReader},
		{tfkit.S3KeyIDAttr, EnvS3AccessKeyID, cfg.S3AccessKeyID},
		{tfkit.S3SecretAttr, EnvS3SecretAccessKey, cfg.S3SecretAccessKey},
		{"s3_endpoint", EnvS3Endpoint, cfg.S3Endpoint},
	}
	for _, c := range settings {
		if c.value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(c.attr), "Unknown Provider Attribute",
				fmt.Sprintf("The provider cannot be configured because %q is not known until apply. "+
					"Set it to a value known at plan time (a literal or a variable), or leave it out and set "+
					"the %s environment variable.", c.attr, c.env))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Credentials come from one place: if the configuration sets any of
	// them (the S3 keys included), the environment's are ignored, so a
	// stray CLOUDFLARE_API_KEY in a shell never conflicts with a token
	// written in the configuration, and what the block says is what signs
	// every request.
	creds := credentials{
		token: cfg.APIToken.ValueString(), key: cfg.APIKey.ValueString(), email: cfg.Email.ValueString(),
		s3KeyID: cfg.S3AccessKeyID.ValueString(), s3Secret: cfg.S3SecretAccessKey.ValueString(),
		fromConfig: true,
	}
	if !creds.any() {
		creds = credentials{
			token: os.Getenv(EnvAPIToken), key: os.Getenv(EnvAPIKey), email: os.Getenv(EnvEmail),
			s3KeyID: os.Getenv(EnvS3AccessKeyID), s3Secret: os.Getenv(EnvS3SecretAccessKey),
		}
	}
	source := creds.source()
	baseURL, baseURLSource := cfg.BaseURL.ValueString(), "base_url"
	if baseURL == "" {
		baseURL, baseURLSource = os.Getenv(EnvBaseURL), EnvBaseURL
	}
	token, key, email := creds.token, creds.key, creds.email

	if creds.fromConfig && token == "" && key == "" && email == "" {
		resp.Diagnostics.AddError("Missing Credentials", fmt.Sprintf("The provider block sets S3 credentials "+
			"(s3_access_key_id, s3_secret_access_key) but no API token or key, and since it sets a credential the "+
			"environment's (%s, %s, %s) are ignored: credentials come from one place. The provider still needs an API "+
			"token (or a global API key and email) for the REST API, which lists buckets. Set api_token in the provider "+
			"block too, or move the S3 keys to %s and %s.", EnvAPIToken, EnvAPIKey, EnvEmail, EnvS3AccessKeyID, EnvS3SecretAccessKey))
	} else {
		checkCredentials(token, key, email, source, &resp.Diagnostics)
	}
	checkBaseURL(baseURL, &resp.Diagnostics)
	s3 := resolveS3(cfg, creds, &resp.Diagnostics)
	tuning := p.clientSettings(cfg, s3.reader, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	// Mask the secrets in this function's own log lines; the clients redact
	// credential headers from every request they log.
	for _, secret := range []string{token, key, creds.s3KeyID, creds.s3Secret} {
		if secret != "" {
			ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
			ctx = tflog.MaskMessageStrings(ctx, secret)
		}
	}
	clientCfg := r2api.Config{
		BaseURL:          baseURL,
		BaseURLSource:    baseURLSource,
		APIToken:         token,
		APIKey:           key,
		Email:            email,
		UserAgent:        userAgent(p.version, req.TerraformVersion),
		MaxRetries:       tuning.maxRetries,
		RequestTimeout:   tuning.requestTimeout,
		ReadTimeout:      max(r2api.DefaultReadTimeout, tuning.requestTimeout),
		SweepConcurrency: tuning.sweepConcurrency,
		RateLimit:        tuning.rateLimit,
		RateLimitReserve: tuning.rateLimitReserve,
	}
	if p.opts.ClientOverrides != nil {
		p.opts.ClientOverrides(&clientCfg)
	}
	client, err := r2api.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Configure the R2 API Client", err.Error())
		return
	}
	data := &tfkit.ProviderData{Client: client, CORS: client}
	if s3.reader == corsReaderS3 {
		data.CORS = s3.readers(clientCfg, creds, client)
	}
	resp.Diagnostics.Append(s3.warnings...)
	tflog.Debug(ctx, "Configured R2 API client", map[string]any{
		"base_url": r2api.DisplayURL(clientCfg.BaseURL), "auth": authScheme(token), "credentials_from": source,
		"cors_reader": s3.reader, "s3_credentials": s3.credentialsKind(creds), "s3_endpoint": s3.endpointShown(),
	})
	// One set of clients for every read: data sources and resources alike
	// take it with tfkit's Configure.
	resp.DataSourceData = data
	resp.ResourceData = data
}

// checkCredentials reports a set of credentials that cannot work: none, a
// token together with a key, a key without an email or an email without a
// key. source says where they came from, for the message.
func checkCredentials(token, key, email, source string, diags *diag.Diagnostics) {
	switch {
	case token != "" && (key != "" || email != ""):
		diags.AddAttributeError(path.Root("api_token"), "Conflicting Credentials",
			fmt.Sprintf("Both an API token and a global API key are set (from the %s). Use one scheme: "+
				"either api_token (%s), or api_key with email (%s, %s). An API token is preferred.",
				source, EnvAPIToken, EnvAPIKey, EnvEmail))
	case token == "" && key == "" && email == "":
		diags.AddError("Missing Credentials",
			fmt.Sprintf("The r2 provider needs credentials and found none. Set the api_token provider attribute "+
				"or the %s environment variable to a Cloudflare API token with the Workers R2 Storage Read "+
				"permission; or set api_key and email (%s and %s) to use a legacy global API key.",
				EnvAPIToken, EnvAPIKey, EnvEmail))
	case key != "" && email == "":
		diags.AddAttributeError(path.Root("email"), "Missing Email",
			fmt.Sprintf("A global API key is set but no email: set the email provider attribute or %s. "+
				"Or use an API token instead (api_token or %s).", EnvEmail, EnvAPIToken))
	case key == "" && email != "":
		diags.AddAttributeError(path.Root("api_key"), "Missing API Key",
			fmt.Sprintf("An email is set but no global API key: set the api_key provider attribute or %s. "+
				"Or use an API token instead (api_token or %s) and drop email.", EnvAPIKey, EnvAPIToken))
	}
}

// ValidateConfig checks, at `terraform validate` time, what Configure would
// refuse among the values written in the provider block itself: a token
// together with a key, a key without an email, an email without a key, an
// unusable base_url, and the S3 reader's (validateS3). Values from variables or the environment are only
// known when the provider is configured, at plan time, and Configure checks
// them then.
func (p *r2Provider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creds := []types.String{cfg.APIToken, cfg.APIKey, cfg.Email}
	anySet, allKnown := false, true
	for _, c := range creds {
		anySet = anySet || (!c.IsNull() && !c.IsUnknown() && c.ValueString() != "")
		allKnown = allKnown && !c.IsUnknown()
	}
	// No credential in the block means the environment provides them, and
	// an unknown one may still complete the set.
	if anySet && allKnown {
		checkCredentials(cfg.APIToken.ValueString(), cfg.APIKey.ValueString(), cfg.Email.ValueString(), "provider configuration", &resp.Diagnostics)
	}
	if !cfg.BaseURL.IsUnknown() {
		checkBaseURL(cfg.BaseURL.ValueString(), &resp.Diagnostics)
	}
	validateS3(cfg, &resp.Diagnostics)
}

// checkBaseURL reports a base URL the client would refuse ("" is the default).
func checkBaseURL(raw string, diags *diag.Diagnostics) {
	if raw == "" {
		return
	}
	if err := r2api.ValidateBaseURL(raw); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Base URL",
			fmt.Sprintf("base_url (or %s) %s.", EnvBaseURL, err))
	}
}

// tuning is the client settings the provider resolved.
type tuning struct {
	maxRetries       int
	requestTimeout   time.Duration
	sweepConcurrency int
	rateLimit        int // <0: off, as r2api.Config wants it
	rateLimitReserve int // <0: none, as r2api.Config wants it
}

// clientSettings resolves max_retries, request_timeout, sweep_concurrency,
// rate_limit and rate_limit_reserve: configuration, then environment, then the defaults (sweep_concurrency's
// is the reader's: r2s3.DefaultConcurrency through S3). The
// environment is checked here, the configuration by the schema's validators.
func (p *r2Provider) clientSettings(cfg providerModel, reader string, diags *diag.Diagnostics) tuning {
	sweepConcurrency := r2api.DefaultSweepConcurrency
	if reader == corsReaderS3 {
		sweepConcurrency = r2s3.DefaultConcurrency
	}
	t := tuning{
		maxRetries:       intSetting(cfg.MaxRetries, "max_retries", EnvMaxRetries, 0, maxMaxRetries, r2api.DefaultMaxRetries, diags),
		sweepConcurrency: intSetting(cfg.SweepConcurrency, "sweep_concurrency", EnvSweepConcurrency, 1, maxSweepConcurrency, sweepConcurrency, diags),
		rateLimit:        intSetting(cfg.RateLimit, "rate_limit", EnvRateLimit, 0, maxRateLimit, r2api.DefaultRateLimit, diags),
		rateLimitReserve: intSetting(cfg.RateLimitReserve, "rate_limit_reserve", EnvRateLimitReserve, 0, r2api.MaxRateLimitReserve,
			r2api.DefaultRateLimitReserve, diags),
		requestTimeout: r2api.DefaultRequestTimeout,
	}
	if t.rateLimit == 0 {
		t.rateLimit = -1
	}
	if t.rateLimitReserve == 0 {
		t.rateLimitReserve = -1
	}

	raw, from := cfg.RequestTimeout.ValueString(), "request_timeout"
	if cfg.RequestTimeout.IsNull() {
		raw, from = os.Getenv(EnvRequestTimeout), EnvRequestTimeout
	}
	if raw != "" {
		d, err := parseDuration(raw, minRequestTimeout, maxRequestTimeout)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("%s=%q: %s.", from, raw, err))
		}
		t.requestTimeout = d
	}
	return t
}

// intSetting resolves a whole-number attribute: its value, else its
// environment variable (checked to lie in lo..hi), else def.
func intSetting(v types.Int64, attrName, env string, lo, hi, def int, diags *diag.Diagnostics) int {
	if !v.IsNull() {
		return int(v.ValueInt64())
	}
	raw := os.Getenv(env)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		diags.AddAttributeError(path.Root(attrName), "Invalid Environment Variable",
			fmt.Sprintf("%s=%q must be a whole number from %d to %d (it stands in for the %s attribute).",
				env, raw, lo, hi, attrName))
	}
	return n
}

func authScheme(token string) string {
	if token != "" {
		return "api_token"
	}
	return "api_key"
}

// userAgent names the provider, its version and Terraform's.
func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-r2/" + version + " (+https://registry.terraform.io/providers/r2tf/r2)"
	if terraformVersion = strings.TrimSpace(terraformVersion); terraformVersion != "" {
		ua += " terraform/" + terraformVersion
	}
	return ua
}

func (p *r2Provider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		datasources.NewBucketCORSDataSource,
		datasources.NewBucketsDataSource,
		datasources.NewBucketCORSPoliciesDataSource,
	}
}

func (p *r2Provider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}

// Functions need no configuration: they evaluate rules already in hand.
func (p *r2Provider) Functions(_ context.Context) []func() function.Function {
	return functions.New(p.version)
}
