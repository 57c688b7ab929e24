package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// The S3 reader's settings from the configuration and the environment, and
// their checks, through a read of r2_bucket_cors. These tests set
// environment variables, so they cannot run in parallel.

// verifyRequests counts the Verify Token requests the fake saw.
func verifyRequests(s *fakeapi.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/tokens/verify") {
			n++
		}
	}
	return n
}

// With no provider block, the reader, the endpoint and the credentials
// come from the environment: derived from the token, or given as keys.
func TestProvider_s3ReaderFromEnv(t *testing.T) {
	for name, tc := range map[string]struct {
		env      map[string]string
		verifies bool
	}{
		"derived from the token": {env: map[string]string{"CLOUDFLARE_API_TOKEN": acctest.Token}, verifies: true},
		"explicit keys": {env: map[string]string{"CLOUDFLARE_API_TOKEN": acctest.Token,
			"R2_S3_ACCESS_KEY_ID": "env-key-id", "R2_S3_SECRET_ACCESS_KEY": "env-secret"}},
		"explicit keys with the global key": {env: map[string]string{"CLOUDFLARE_API_KEY": acctest.APIKey, "CLOUDFLARE_EMAIL": acctest.Email,
			"R2_S3_ACCESS_KEY_ID": "env-key-id", "R2_S3_SECRET_ACCESS_KEY": "env-secret"}},
	} {
		t.Run(name, func(t *testing.T) {
			acctest.ClearCloudflareEnv(t)
			s := fakeWithMedia(t)
			s.AddS3Credentials("env-key-id", "env-secret")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			t.Setenv("CLOUDFLARE_BASE_URL", s.URL())
			t.Setenv("R2_CORS_READER", "s3")
			t.Setenv("R2_S3_ENDPOINT", s.S3EndpointTemplate())
			acctest.Run(t, resource.TestStep{
				Config:            acctest.BucketCORSConfig("media"),
				ConfigStateChecks: []statecheck.StateCheck{oneRule()},
			})
			if st := s.S3Stats(); st.Reads == 0 || st.Reads != st.Requests {
				t.Errorf("S3 %+v; want every read through S3", st)
			}
			if n := verifyRequests(s); (n > 0) != tc.verifies {
				t.Errorf("%d Verify Token requests; want some: %v", n, tc.verifies)
			}
			if n := len(s.Requests()) - s.S3Stats().Requests - verifyRequests(s); n != 0 {
				t.Errorf("%d other REST requests; r2_bucket_cors through S3 needs none", n)
			}
		})
	}
}

// What Configure refuses, before any request, when it comes from the
// environment (terraform validate cannot see it).
func TestProvider_s3SettingsFromEnvChecked(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want *regexp.Regexp
	}{
		"global key with the S3 reader": {env: map[string]string{"CLOUDFLARE_API_KEY": acctest.APIKey, "CLOUDFLARE_EMAIL": acctest.Email,
			"R2_CORS_READER": "s3"},
			want: acctest.ErrorRegexp("S3 Credentials Cannot Be Derived", "global API key (api_key and email, from the environment)",
				"R2_S3_ACCESS_KEY_ID, R2_S3_SECRET_ACCESS_KEY")},
		"S3 key id alone": {env: map[string]string{"CLOUDFLARE_API_TOKEN": acctest.Token, "R2_CORS_READER": "s3", "R2_S3_ACCESS_KEY_ID": "k"},
			want: acctest.ErrorRegexp("Incomplete S3 Credentials", "R2_S3_ACCESS_KEY_ID is set but R2_S3_SECRET_ACCESS_KEY is not")},
		"unknown reader": {env: map[string]string{"CLOUDFLARE_API_TOKEN": acctest.Token, "R2_CORS_READER": "xml"},
			want: acctest.ErrorRegexp("Invalid Environment Variable", `R2_CORS_READER="xml" must be "rest" or "s3"`)},
		"http S3 endpoint": {env: map[string]string{"CLOUDFLARE_API_TOKEN": acctest.Token, "R2_CORS_READER": "s3",
			"R2_S3_ENDPOINT": "http://s3.example.com/{account_id}/{jurisdiction}"},
			want: acctest.ErrorRegexp("Invalid S3 Endpoint", "R2_S3_ENDPOINT", "only https is allowed")},
	} {
		t.Run(name, func(t *testing.T) {
			acctest.ClearCloudflareEnv(t)
			s := fakeWithMedia(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			t.Setenv("CLOUDFLARE_BASE_URL", s.URL())
			acctest.Run(t, resource.TestStep{
				Config:      acctest.BucketCORSConfig("media"),
				ExpectError: tc.want,
			})
			if n := s.RequestCount(); n != 0 {
				t.Errorf("a bad S3 setting must fail before any request; the fake saw %d", n)
			}
		})
	}
}

// The global key with the S3 reader written in the block fails the plan
// too, before any request (validate-time: TestValidateChecksTheProviderBlock).
func TestProvider_globalKeyWithS3ReaderSendsNothing(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	acctest.RunInvalid(t, s, acctest.ProviderConfig(s, acctest.WithAPIKey(acctest.APIKey, acctest.Email), acctest.WithS3Reader(s))+
		acctest.BucketCORSConfig("media"), acctest.ErrorRegexp("S3 Credentials Cannot Be Derived", "from the provider configuration"))
}

// S3 keys are credentials: when the block sets any credential, the
// environment's S3 keys are ignored (the token's derived ones are used), and
// S3 keys in the block alone leave the REST API without credentials.
func TestProvider_s3KeysAreCredentials(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	t.Setenv("R2_S3_ACCESS_KEY_ID", "stale-key-from-env")
	t.Setenv("R2_S3_SECRET_ACCESS_KEY", "stale-secret-from-env")
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("media"),
		ConfigStateChecks: []statecheck.StateCheck{oneRule()},
	})
	if n, st := verifyRequests(s), s.S3Stats(); n == 0 || st.Denied != 0 {
		t.Errorf("%d verifications, S3 %+v; want the token's derived keys, never the environment's", n, st)
	}

	t.Setenv("CLOUDFLARE_API_TOKEN", acctest.Token)
	s.AddS3Credentials("block-key-id", "block-secret")
	s.ResetLog()
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithoutCredentials(), acctest.WithS3Reader(s), acctest.WithS3Keys("block-key-id", "block-secret")) +
			acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Missing Credentials", "The provider block sets S3 credentials", "the environment's (CLOUDFLARE_API_TOKEN",
			"are ignored", "Set api_token in the provider block too"),
	})
	if n := s.RequestCount(); n != 0 {
		t.Errorf("the fake saw %d requests", n)
	}
}
