package provider_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
)

// `terraform validate` catches provider-level mistakes written as literals
// in the provider block, before any plan; values from variables are only
// known at plan time and pass validate (Configure checks them then).
func TestValidateChecksTheProviderBlock(t *testing.T) {
	cli := acctest.BuiltProvider(t)
	cases := []struct {
		name, provider string
		want           []string // empty: validate passes
	}{
		{name: "token and key", provider: `api_token = "a"
  api_key = "b"
  email = "c@example.com"`, want: []string{"Conflicting Credentials", "Use one scheme"}},
		{name: "key without email", provider: `api_key = "b"`, want: []string{"Missing Email"}},
		{name: "http base URL", provider: `base_url = "http://api.example.com/client/v4"`,
			want: []string{"Invalid Base URL", "only https is allowed, except on a loopback address"}},
		{name: "from variables", provider: `api_token = var.token
  api_key = var.key`},
		// The S3 reader: S3 keys count as credentials, so with the global
		// key in the block no environment variable can supply them.
		{name: "global key with the S3 reader", provider: `api_key = "b"
  email = "c@example.com"
  cors_reader = "s3"`, want: []string{"S3 Credentials Cannot Be Derived", "global API key", "Set s3_access_key_id and s3_secret_access_key",
			`or set cors_reader = "rest"`}},
		{name: "global key with the S3 reader and S3 keys", provider: `api_key = "b"
  email = "c@example.com"
  cors_reader = "s3"
  s3_access_key_id = "k"
  s3_secret_access_key = "s"`},
		{name: "global key with the S3 reader from a variable", provider: `api_key = "b"
  email = "c@example.com"
  cors_reader = var.reader`},
		{name: "S3 key id without its secret", provider: `api_token = "a"
  s3_access_key_id = "k"`, want: []string{"Incomplete S3 Credentials", "s3_access_key_id is set but s3_secret_access_key is not"}},
		{name: "S3 secret without its key id", provider: `api_token = "a"
  s3_secret_access_key = "s"`, want: []string{"Incomplete S3 Credentials", "s3_secret_access_key is set but s3_access_key_id is not"}},
		{name: "S3 key id with its secret from a variable", provider: `api_token = "a"
  s3_access_key_id = "k"
  s3_secret_access_key = var.key`},
		{name: "unknown reader", provider: `cors_reader = "S3"`, want: []string{"cors_reader", `value must be one of`, `"s3"`}},
		{name: "http S3 endpoint", provider: `s3_endpoint = "http://s3.example.com/{account_id}/{jurisdiction}"`,
			want: []string{"Invalid S3 Endpoint", "only https is allowed, except on a loopback address"}},
		{name: "S3 endpoint without jurisdiction", provider: `s3_endpoint = "https://{account_id}.s3.example.com"`,
			want: []string{"Invalid S3 Endpoint", "has no {jurisdiction} placeholder"}},
		{name: "loopback S3 endpoint", provider: `s3_endpoint = "http://127.0.0.1:8787/s3/{account_id}/{jurisdiction}"`},
		{name: "nothing set: the environment provides", provider: ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			writeFile(t, filepath.Join(work, "main.tf"), `
terraform {
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}
variable "token" {
  type    = string
  default = null
}
variable "key" {
  type    = string
  default = null
}
variable "reader" {
  type    = string
  default = null
}
provider "r2" {
  `+tc.provider+`
}
`+acctest.BucketCORSConfig("media"))
			cmd := cli.Command(work, nil, "validate", "-no-color")
			out, err := cmd.CombinedOutput()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("validate failed: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("validate passed, want %q\n%s", tc.want, out)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("validate output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
