package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// S3 settings written in the block while the REST API reads the policies
// are a mistake worth a warning; the environment's may serve other
// configurations and are left alone.
func TestResolveS3_unusedSettingsWarn(t *testing.T) {
	for _, k := range []string{EnvCORSReader, EnvS3AccessKeyID, EnvS3SecretAccessKey, EnvS3Endpoint} {
		t.Setenv(k, "")
	}
	cfg := providerModel{
		CORSReader:    types.StringNull(),
		S3AccessKeyID: types.StringValue("k"), S3SecretAccessKey: types.StringValue("s"),
		S3Endpoint: types.StringValue("https://{account_id}.{jurisdiction}.s3.example.com"),
	}
	var diags diag.Diagnostics
	s := resolveS3(cfg, credentials{token: "t", s3KeyID: "k", s3Secret: "s", fromConfig: true}, &diags)
	if diags.HasError() || s.reader != corsReaderREST || len(s.warnings) != 2 {
		t.Fatalf("reader %q, diags %v, warnings %v", s.reader, diags, s.warnings)
	}
	for i, want := range []string{"s3_access_key_id and s3_secret_access_key", "s3_endpoint"} {
		if w := s.warnings[i]; w.Summary() != "Unused S3 Settings" || !strings.Contains(w.Detail(), "The provider block sets "+want) ||
			!strings.Contains(w.Detail(), `cors_reader = "s3"`) {
			t.Errorf("warning %d: %s: %s", i, w.Summary(), w.Detail())
		}
	}

	// From the environment: no warning. With the S3 reader: none either.
	t.Setenv(EnvS3Endpoint, "https://{account_id}.{jurisdiction}.s3.example.com")
	s = resolveS3(providerModel{CORSReader: types.StringNull(), S3Endpoint: types.StringNull(),
		S3AccessKeyID: types.StringNull(), S3SecretAccessKey: types.StringNull()}, credentials{token: "t"}, &diags)
	if len(s.warnings) != 0 || s.endpointSource != EnvS3Endpoint {
		t.Errorf("from the environment: %v, endpoint from %q", s.warnings, s.endpointSource)
	}
	cfg.CORSReader = types.StringValue(corsReaderS3)
	if s = resolveS3(cfg, credentials{token: "t", s3KeyID: "k", s3Secret: "s", fromConfig: true}, &diags); len(s.warnings) != 0 || diags.HasError() {
		t.Errorf("with the S3 reader: %v %v", s.warnings, diags)
	}
	if got := s.credentialsKind(credentials{s3KeyID: "k", s3Secret: "s"}); got != "explicit" {
		t.Errorf("credentialsKind = %q", got)
	}
}

// sweep_concurrency's default is the reader's; a setting, in the block or
// the environment, wins over either.
func TestClientSettings_sweepConcurrencyDefaultIsTheReaders(t *testing.T) {
	for _, k := range []string{EnvMaxRetries, EnvSweepConcurrency, EnvRateLimit, EnvRateLimitReserve} {
		t.Setenv(k, "")
	}
	cfg := providerModel{MaxRetries: types.Int64Null(), SweepConcurrency: types.Int64Null(), RateLimit: types.Int64Null(),
		RateLimitReserve: types.Int64Null()}
	var p r2Provider
	var diags diag.Diagnostics
	for reader, want := range map[string]int{corsReaderREST: r2api.DefaultSweepConcurrency, corsReaderS3: r2s3.DefaultConcurrency} {
		if got := p.clientSettings(cfg, reader, &diags).sweepConcurrency; got != want {
			t.Errorf("%s reader: sweep_concurrency %d, want %d", reader, got, want)
		}
	}
	t.Setenv(EnvSweepConcurrency, "8")
	if got := p.clientSettings(cfg, corsReaderS3, &diags).sweepConcurrency; got != 8 {
		t.Errorf("from the environment: %d, want 8", got)
	}
	cfg.SweepConcurrency = types.Int64Value(5)
	if got := p.clientSettings(cfg, corsReaderS3, &diags).sweepConcurrency; got != 5 {
		t.Errorf("from the block: %d, want 5", got)
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
}
