package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// TestSecretsNeverLogged runs real plans, with the provider built as a
// binary and TF_LOG=trace, and checks that no credential appears in
// anything Terraform prints: its output, every log line (the provider's
// included) and the diagnostics of failed reads. Reads through the S3 API
// add what signs them: the S3 keys, the secret derived from the token, and
// each request's SigV4 signature.
func TestSecretsNeverLogged(t *testing.T) {
	cli := acctest.BuiltProvider(t)

	const (
		token    = "tok-SECRET-b2f9c1d7e8a4"
		key      = "key-SECRET-6a1e0f3c9d2b"
		badToken = "tok-SECRET-revoked-77aa"
		badKey   = "key-SECRET-wrong-55cc"
		email    = "ops@example.com"
		// The S3 reader's: keys given as such, and a secret that is wrong.
		s3KeyID     = "s3keySECRETid0123"
		s3Secret    = "s3-SECRET-explicit-9f8e7d6c"
		s3BadSecret = "s3-SECRET-wrong-1a2b3c4d"
	)
	s := fakeapi.Start()
	defer s.Close()
	s.AddToken(token)
	s.AddGlobalKey(email, key)
	s.AddS3Credentials(s3KeyID, s3Secret)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`})
	// The secret derived from the token, which the provider computes and
	// must never show either.
	derived := fakeapi.S3Secret(token)
	s3Reader := `cors_reader = "s3"
  s3_endpoint = "` + s.S3EndpointTemplate() + `"`
	s3Env := []string{"R2_CORS_READER=s3", "R2_S3_ENDPOINT=" + s.S3EndpointTemplate()}

	cases := []struct {
		name     string
		provider string
		env      []string
		secrets  []string
		fails    bool
		// diag is the diagnostic of a plan that fails before any request
		// (so no request is logged); "" for plans that send requests.
		diag string
		// s3 is set for plans that read through the S3 API: neither their
		// SigV4 signatures nor the Authorization header may show.
		s3 bool
	}{
		{name: "token in configuration", provider: `api_token = "` + token + `"`, secrets: []string{token}},
		{name: "token in environment", env: []string{"CLOUDFLARE_API_TOKEN=" + token}, secrets: []string{token}},
		{name: "global key in configuration", provider: `api_key = "` + key + `"
  email = "` + email + `"`, secrets: []string{key, email}},
		{name: "global key in environment", env: []string{"CLOUDFLARE_API_KEY=" + key, "CLOUDFLARE_EMAIL=" + email}, secrets: []string{key, email}},
		{name: "refused token", provider: `api_token = "` + badToken + `"`, secrets: []string{badToken}, fails: true},
		{name: "refused key", env: []string{"CLOUDFLARE_API_KEY=" + badKey, "CLOUDFLARE_EMAIL=" + email}, secrets: []string{badKey, email}, fails: true},
		{name: "S3 reader, derived from a token in configuration", provider: `api_token = "` + token + `"
  ` + s3Reader, secrets: []string{token, derived}, s3: true},
		{name: "S3 reader, derived from a token in environment", env: append([]string{"CLOUDFLARE_API_TOKEN=" + token}, s3Env...),
			secrets: []string{token, derived}, s3: true},
		{name: "S3 reader, keys in configuration", provider: `api_token = "` + token + `"
  s3_access_key_id = "` + s3KeyID + `"
  s3_secret_access_key = "` + s3Secret + `"
  ` + s3Reader, secrets: []string{token, s3KeyID, s3Secret}, s3: true},
		{name: "S3 reader, keys in environment", env: append([]string{"CLOUDFLARE_API_KEY=" + key, "CLOUDFLARE_EMAIL=" + email,
			"R2_S3_ACCESS_KEY_ID=" + s3KeyID, "R2_S3_SECRET_ACCESS_KEY=" + s3Secret}, s3Env...), secrets: []string{key, email, s3KeyID, s3Secret}, s3: true},
		{name: "S3 reader, wrong secret", provider: `api_token = "` + token + `"
  s3_access_key_id = "` + s3KeyID + `"
  s3_secret_access_key = "` + s3BadSecret + `"
  ` + s3Reader, secrets: []string{token, s3KeyID, s3BadSecret, s3Secret}, s3: true, fails: true},
		// A base URL from the environment, as CI sets it: Terraform shows no
		// configuration line, so only the provider's message could leak it.
		{name: "password in the base URL", env: []string{"CLOUDFLARE_API_TOKEN=" + token,
			"CLOUDFLARE_BASE_URL=https://admin:SECRETPASS@api.example.com/client/v4"}, secrets: []string{"SECRETPASS"}, fails: true,
			diag: "https://api.example.com/client/v4 must not carry credentials"},
		{name: "token as the user name of the base URL", env: []string{"CLOUDFLARE_API_TOKEN=" + token,
			"CLOUDFLARE_BASE_URL=https://SECRETUSER@api.example.com/client/v4"}, secrets: []string{"SECRETUSER"}, fails: true,
			diag: "https://api.example.com/client/v4 must not carry credentials"},
		{name: "query in a base URL that does not parse", env: []string{"CLOUDFLARE_API_TOKEN=" + token,
			"CLOUDFLARE_BASE_URL=https://api.example.com:port/client/v4?token=SECRETQUERY"}, secrets: []string{"SECRETQUERY"}, fails: true,
			diag: "is not an absolute URL"},
		{name: "query in an http base URL", env: []string{"CLOUDFLARE_API_TOKEN=" + token,
			"CLOUDFLARE_BASE_URL=http://api.example.com/client/v4?token=SECRETQUERY"}, secrets: []string{"SECRETQUERY"}, fails: true,
			diag: "http://api.example.com uses http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			baseURL := acctest.WithBaseURL(s.URL())
			if tc.diag != "" {
				baseURL = acctest.WithBaseURL("") // The environment's.
			}
			writeFile(t, filepath.Join(work, "main.tf"), `
terraform {
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}
`+acctest.ProviderConfig(s, acctest.WithoutCredentials(), acctest.WithProviderArgs(tc.provider), baseURL)+
				acctest.BucketCORSConfig("media")+`
output "rules" {
  value = data.r2_bucket_cors.test.rules
}
`)
			cmd := cli.Command(work, append([]string{"TF_LOG=trace"}, tc.env...), "plan", "-no-color", "-input=false")
			out, err := cmd.CombinedOutput()
			if (err != nil) != tc.fails {
				t.Fatalf("plan error = %v, want failure %v\n%s", err, tc.fails, tail(out))
			}
			text := string(out)
			for _, secret := range tc.secrets {
				if i := strings.Index(text, secret); i >= 0 {
					t.Errorf("the secret appears in Terraform's output or logs: ...%s...", text[max(0, i-200):min(len(text), i+100)])
				}
			}
			if tc.diag != "" {
				if !strings.Contains(strings.Join(strings.Fields(text), " "), tc.diag) {
					t.Errorf("want the diagnostic %q\n%s", tc.diag, tail(out))
				}
				return
			}
			// The logs were there to leak from: our request lines, headers redacted.
			for _, want := range []string{"R2 API request", "[REDACTED]"} {
				if !strings.Contains(text, want) {
					t.Errorf("trace output lacks %q: the test would prove nothing\n%s", want, tail(out))
				}
			}
			if tc.fails && !strings.Contains(text, "R2 API Authentication Failed") && !strings.Contains(text, "R2 S3 API Authentication Failed") {
				t.Errorf("want the authentication diagnostic\n%s", tail(out))
			}
			if tc.s3 {
				// The S3 requests were logged, and what signed them is not.
				if !strings.Contains(text, fakeapi.S3BasePath+"/"+acctest.AccountID+"/default/media") {
					t.Errorf("trace output lacks the S3 request: the test would prove nothing\n%s", tail(out))
				}
				signatures := 0
				for _, r := range s.Requests() {
					authz := r.Header.Get("Authorization")
					_, sig, ok := strings.Cut(authz, "Signature=")
					if !strings.HasPrefix(r.Path, fakeapi.S3BasePath+"/") || !ok {
						continue
					}
					signatures++
					for _, leak := range []string{sig, authz} {
						if strings.Contains(text, leak) {
							t.Errorf("an S3 request's signature appears in Terraform's output or logs")
						}
					}
				}
				for _, leak := range []string{"AWS4-HMAC-SHA256", "Signature="} {
					if strings.Contains(text, leak) {
						t.Errorf("%q appears in Terraform's output or logs", leak)
					}
				}
				if signatures == 0 {
					t.Errorf("the fake saw no signed S3 request")
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func tail(out []byte) string {
	const n = 3000
	if len(out) > n {
		return "..." + string(out[len(out)-n:])
	}
	return string(out)
}
