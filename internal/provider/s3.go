package provider

import (
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// The readers of bucket CORS policies (cors_reader).
const (
	corsReaderREST = "rest"
	corsReaderS3   = "s3"
)

// s3Attributes are the provider attributes of the S3 reader: which API
// reads CORS policies, and the S3 API's credentials and endpoints.
func s3Attributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"cors_reader": schema.StringAttribute{
			MarkdownDescription: "Which API reads bucket CORS policies for `r2_bucket_cors` and `r2_bucket_cors_policies`: " +
				"`\"rest\"` (the default), Cloudflare's REST API, whose budget of 1200 requests in five minutes per user a " +
				"sweep shares with the user's other tools; or `\"s3\"`, R2's S3-compatible API, for accounts too big for " +
				"that budget (a sweep of 10,000 buckets sends 10,000 reads). Both write the same state, except where XML " +
				"cannot say what JSON can: through S3 an empty list reads as null, and a fractional `max_age_seconds` is an " +
				"error. Bucket lists (`r2_buckets`, and the sweep's) always go through the REST API, within `rate_limit`; " +
				"reads through S3 do not (assumed, unverified: they go to another host with other credentials). S3 " +
				"credentials are `s3_access_key_id` and `s3_secret_access_key`, or derived from `api_token`; the global " +
				"API key cannot derive them. Falls back to `" + EnvCORSReader + "`.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf(corsReaderREST, corsReaderS3)},
		},
		tfkit.S3KeyIDAttr: schema.StringAttribute{
			MarkdownDescription: "Access key id of R2's S3 API, for `cors_reader = \"s3\"`; set together with " +
				"`s3_secret_access_key`. Left out, the S3 credentials are derived from `api_token`, as Cloudflare documents: " +
				"the key id is the token's id, which Cloudflare's Verify Token tells (one or two REST requests, on the first " +
				"read through S3 of each account), and the secret the SHA-256 of the token. These count as credentials: if " +
				"the provider block sets any credential (`api_token`, `api_key`, `email` or these two), the environment's are " +
				"all ignored. Falls back to `" + EnvS3AccessKeyID + "`.",
			Optional:  true,
			Sensitive: true,
		},
		tfkit.S3SecretAttr: schema.StringAttribute{
			MarkdownDescription: "Secret access key of R2's S3 API, set together with `s3_access_key_id`; it signs each " +
				"request (SigV4) and is never sent or logged. Falls back to `" + EnvS3SecretAccessKey + "`.",
			Optional:  true,
			Sensitive: true,
		},
		"s3_endpoint": schema.StringAttribute{
			MarkdownDescription: "R2's S3 endpoints, for `cors_reader = \"s3\"`, as a URL template holding `" +
				r2s3.PlaceholderAccountID + "` and `" + r2s3.PlaceholderJurisdiction + "` (" + jurisdictions.Quote(jurisdictions.All, "or") + "), to which the bucket is appended path-style, such as `http://127.0.0.1:8787/s3/" +
				r2s3.PlaceholderAccountID + "/" + r2s3.PlaceholderJurisdiction + "` (the bundled fake). Defaults to R2's " +
				"own hosts: `https://<account_id>.r2.cloudflarestorage.com` for the default jurisdiction and " +
				"`https://<account_id>.<jurisdiction>.r2.cloudflarestorage.com` for the others. Must be `https://`, except " +
				"on a loopback address, as `base_url`. Falls back to `" + EnvS3Endpoint + "`.",
			Optional: true,
		},
	}
}

// credentials are the provider's credentials, all from one place.
type credentials struct {
	token, key, email string
	s3KeyID, s3Secret string
	// fromConfig is set when they come from the provider block.
	fromConfig bool
}

func (c credentials) any() bool {
	return c.token != "" || c.key != "" || c.email != "" || c.s3KeyID != "" || c.s3Secret != ""
}

func (c credentials) source() string {
	if c.fromConfig {
		return "provider configuration"
	}
	return "environment"
}

// explicitS3 reports whether S3 keys are given as such.
func (c credentials) explicitS3() bool { return c.s3KeyID != "" || c.s3Secret != "" }

// s3Settings is what Configure resolved for the S3 reader.
type s3Settings struct {
	reader                   string // corsReaderREST or corsReaderS3
	endpoint, endpointSource string // the template ("" for R2's hosts) and where it came from
	warnings                 diag.Diagnostics
}

// resolveS3 resolves cors_reader, the S3 keys' pairing and s3_endpoint,
// configuration first, then the environment (the keys follow creds, which
// are all from one place). The configuration's values were checked by the
// schema and ValidateConfig; the environment's are checked here.
func resolveS3(cfg providerModel, creds credentials, diags *diag.Diagnostics) s3Settings {
	s := s3Settings{reader: cfg.CORSReader.ValueString()}
	if cfg.CORSReader.IsNull() {
		s.reader = os.Getenv(EnvCORSReader)
		if s.reader != "" && s.reader != corsReaderREST && s.reader != corsReaderS3 {
			diags.AddAttributeError(path.Root("cors_reader"), "Invalid Environment Variable",
				fmt.Sprintf("%s=%q must be %q or %q (it stands in for the cors_reader attribute).",
					EnvCORSReader, r2api.Printable(s.reader), corsReaderREST, corsReaderS3))
		}
	}
	if s.reader == "" {
		s.reader = corsReaderREST
	}

	keyIDFrom, secretFrom := tfkit.S3KeyIDAttr, tfkit.S3SecretAttr
	if !creds.fromConfig {
		keyIDFrom, secretFrom = EnvS3AccessKeyID, EnvS3SecretAccessKey
	}
	checkS3Pair(creds.s3KeyID != "", creds.s3Secret != "", keyIDFrom, secretFrom, diags)
	if s.reader == corsReaderS3 && !creds.explicitS3() && creds.token == "" && creds.key != "" {
		globalKeyCannotDerive(creds.source(), diags)
	}

	s.endpoint, s.endpointSource = cfg.S3Endpoint.ValueString(), "s3_endpoint"
	if s.endpoint == "" {
		s.endpoint, s.endpointSource = os.Getenv(EnvS3Endpoint), EnvS3Endpoint
	}
	checkS3Endpoint(s.endpoint, s.endpointSource, diags)

	// Settings written for the S3 reader that nothing reads: the
	// environment's may serve other configurations, the block's are a
	// mistake worth a word.
	if s.reader == corsReaderREST {
		var unused []string
		if !cfg.S3AccessKeyID.IsNull() || !cfg.S3SecretAccessKey.IsNull() {
			unused = append(unused, "s3_access_key_id and s3_secret_access_key")
		}
		if !cfg.S3Endpoint.IsNull() {
			unused = append(unused, "s3_endpoint")
		}
		for _, u := range unused {
			s.warnings.AddWarning("Unused S3 Settings", fmt.Sprintf("The provider block sets %s, which only the S3 "+
				"reader uses, but bucket CORS policies are read through the REST API (cors_reader is %q). Set "+
				"cors_reader = %q to read them through R2's S3 API, or leave %s out.", u, corsReaderREST, corsReaderS3, u))
		}
	}
	return s
}

// readers builds the S3 reader of every account (r2s3.Readers): it
// resolves its credentials lazily, through client (Verify Token, within
// the REST gate), and sends as client does (cfg's policy), at
// sweep_concurrency, without the REST rate limit.
func (s s3Settings) readers(cfg r2api.Config, creds credentials, client *r2api.Client) *r2s3.Readers {
	credsFrom := "api_token"
	switch {
	case creds.explicitS3() && creds.fromConfig:
		credsFrom = tfkit.S3SecretAttr
	case creds.explicitS3():
		credsFrom = EnvS3SecretAccessKey
	case !creds.fromConfig:
		credsFrom = EnvAPIToken
	}
	src := r2s3.CredentialSource{AccessKeyID: creds.s3KeyID, SecretAccessKey: creds.s3Secret, APIToken: creds.token,
		GlobalKey: creds.token == "" && creds.key != ""}
	return r2s3.NewReaders(r2s3.ReadersConfig{
		Source:            src,
		Verifier:          client,
		CredentialsSource: credsFrom,
		EndpointTemplate:  s.endpoint,
		EndpointSource:    s.endpointSource,
		UserAgent:         cfg.UserAgent,
		Policy:            cfg.Policy(),
		Concurrency:       client.SweepConcurrency(),
	})
}

// credentialsKind says, for the log, which S3 credentials the reader uses.
func (s s3Settings) credentialsKind(creds credentials) string {
	switch {
	case s.reader != corsReaderS3:
		return "none"
	case creds.explicitS3():
		return "explicit"
	}
	return "derived from api_token"
}

// endpointShown is the endpoint template as the log shows it.
func (s s3Settings) endpointShown() string {
	if s.endpoint == "" {
		return "R2's own hosts"
	}
	return r2api.DisplayURL(s.endpoint)
}

// checkS3Pair reports an S3 key pair set by halves.
func checkS3Pair(haveID, haveSecret bool, idFrom, secretFrom string, diags *diag.Diagnostics) {
	if haveID == haveSecret {
		return
	}
	set, missing, missingAttr := idFrom, secretFrom, tfkit.S3SecretAttr
	if haveSecret {
		set, missing, missingAttr = secretFrom, idFrom, tfkit.S3KeyIDAttr
	}
	diags.AddAttributeError(path.Root(missingAttr), "Incomplete S3 Credentials",
		fmt.Sprintf("%s is set but %s is not: the S3 access key id and secret access key go together. Set both, or "+
			"neither to derive S3 credentials from the API token (api_token or %s).", set, missing, EnvAPIToken))
}

// globalKeyCannotDerive reports the S3 reader asked for with the global
// API key and no S3 keys.
func globalKeyCannotDerive(source string, diags *diag.Diagnostics) {
	diags.AddAttributeError(path.Root("cors_reader"), "S3 Credentials Cannot Be Derived",
		fmt.Sprintf("cors_reader = %q reads CORS policies through R2's S3 API, whose credentials are derived from an API "+
			"token unless given, and the provider authenticates with the global API key (api_key and email, from the %s), "+
			"from which none derive: only an API token has an id and a value to derive them from. Set s3_access_key_id and "+
			"s3_secret_access_key (%s, %s), or use an API token (api_token or %s), or set cors_reader = %q.",
			corsReaderS3, source, EnvS3AccessKeyID, EnvS3SecretAccessKey, EnvAPIToken, corsReaderREST))
}

// checkS3Endpoint reports an endpoint template the reader would refuse
// ("" is R2's own hosts).
func checkS3Endpoint(raw, from string, diags *diag.Diagnostics) {
	if raw == "" {
		return
	}
	if err := r2s3.ValidateEndpointTemplate(raw); err != nil {
		diags.AddAttributeError(path.Root("s3_endpoint"), "Invalid S3 Endpoint",
			fmt.Sprintf("%s %s.", from, err))
	}
}

// validateS3 is ValidateConfig's part for the S3 reader: what is certain
// from the literals of the provider block. An S3 key without its pair; the
// global API key with cors_reader = "s3" and no S3 keys (the block sets a
// credential, so the environment's S3 keys cannot complete it); an
// endpoint template the reader would refuse.
func validateS3(cfg providerModel, diags *diag.Diagnostics) {
	set := func(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }
	blank := func(v types.String) bool { return !v.IsUnknown() && v.ValueString() == "" }
	id, secret := cfg.S3AccessKeyID, cfg.S3SecretAccessKey
	if (set(id) && blank(secret)) || (set(secret) && blank(id)) {
		checkS3Pair(set(id), set(secret), tfkit.S3KeyIDAttr, tfkit.S3SecretAttr, diags)
	}
	if cfg.CORSReader.ValueString() == corsReaderS3 && !cfg.CORSReader.IsUnknown() &&
		set(cfg.APIKey) && blank(cfg.APIToken) && blank(id) && blank(secret) {
		globalKeyCannotDerive("provider configuration", diags)
	}
	if !cfg.S3Endpoint.IsUnknown() {
		checkS3Endpoint(cfg.S3Endpoint.ValueString(), "s3_endpoint", diags)
	}
}
