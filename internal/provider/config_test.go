package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// Provider configuration: credentials and settings from the configuration
// and the environment, and their validation, seen through a read of
// r2_bucket_cors. Most of these tests set environment variables, so they
// cannot run in parallel.

const corsAddr = "data.r2_bucket_cors.test"

// fakeWithMedia is the fake with the test credentials and one bucket,
// "media", with a one-rule policy.
func fakeWithMedia(t *testing.T) *fakeapi.Server {
	t.Helper()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media",
		CORSRules: `[{"allowed":{"methods":["GET"],"origins":["http://localhost:3000"]}}]`})
	return s
}

func oneRule() statecheck.StateCheck {
	return statecheck.ExpectKnownValue(corsAddr, tfjsonpath.New("rules"), knownvalue.ListSizeExact(1))
}

// With no provider block, the credentials and base URL come from the
// environment, for either scheme.
func TestProvider_credentialsFromEnv(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"token":      {"CLOUDFLARE_API_TOKEN": acctest.Token},
		"global key": {"CLOUDFLARE_API_KEY": acctest.APIKey, "CLOUDFLARE_EMAIL": acctest.Email},
	} {
		t.Run(name, func(t *testing.T) {
			acctest.ClearCloudflareEnv(t)
			s := fakeWithMedia(t)
			for k, v := range env {
				t.Setenv(k, v)
			}
			t.Setenv("CLOUDFLARE_BASE_URL", s.URL())
			acctest.Run(t, resource.TestStep{
				Config:            acctest.BucketCORSConfig("media"),
				ConfigStateChecks: []statecheck.StateCheck{oneRule()},
			})
		})
	}
}

func TestProvider_configOverridesEnv(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	t.Setenv("CLOUDFLARE_API_TOKEN", "stale-token-from-env")
	t.Setenv("CLOUDFLARE_API_KEY", "stale-key-from-env")
	t.Setenv("CLOUDFLARE_BASE_URL", "https://api.invalid/client/v4")
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ConfigStateChecks: []statecheck.StateCheck{oneRule()},
	})
}

func TestProvider_missingCredentials(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	acctest.Run(t, resource.TestStep{
		Config:      acctest.ProviderConfig(s, acctest.WithoutCredentials()) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Missing Credentials", "api_token", "CLOUDFLARE_API_TOKEN", "api_key", "CLOUDFLARE_API_KEY"),
	})
	if n := s.RequestCount(); n != 0 {
		t.Errorf("no request may be sent without credentials; the fake saw %d", n)
	}
}

func TestProvider_conflictingCredentials(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	for name, config := range map[string]string{
		"in configuration": acctest.ProviderConfig(s, acctest.WithToken("a"), acctest.WithProviderArgs(`api_key = "b"`, `email = "c@example.com"`)),
		"in environment":   acctest.ProviderConfig(s, acctest.WithoutCredentials()),
	} {
		t.Run(name, func(t *testing.T) {
			if name == "in environment" {
				t.Setenv("CLOUDFLARE_API_TOKEN", "a")
				t.Setenv("CLOUDFLARE_API_KEY", "b")
				t.Setenv("CLOUDFLARE_EMAIL", "c@example.com")
			}
			acctest.Run(t, resource.TestStep{
				Config:      config + acctest.BucketCORSConfig("media"),
				ExpectError: acctest.ErrorRegexp("Conflicting Credentials", "api_token (CLOUDFLARE_API_TOKEN)", "api_key with email (CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL)"),
			})
		})
	}
	if n := s.RequestCount(); n != 0 {
		t.Errorf("no request may be sent with conflicting credentials; the fake saw %d", n)
	}
}

func TestProvider_unknownConfigValue(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	acctest.Run(t, resource.TestStep{
		Config: `
resource "terraform_data" "token" {
  input = "` + acctest.Token + `"
}
` + acctest.ProviderConfig(s, acctest.WithoutCredentials(), acctest.WithProviderArgs("api_token = terraform_data.token.output")) +
			acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Unknown Provider Attribute", `"api_token" is not known until apply`, "CLOUDFLARE_API_TOKEN"),
	})
	if n := s.RequestCount(); n != 0 {
		t.Errorf("no request may be sent with an unknown credential; the fake saw %d", n)
	}
}

func TestProvider_baseURLMustBeHTTPS(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(nil, acctest.WithBaseURL("http://api.example.com/client/v4"), acctest.WithToken("x")) +
			acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Invalid Base URL", "only https is allowed, except on a loopback address"),
	})
}

func TestProvider_clientSettingsFromEnv(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	s := fakeWithMedia(t)
	s.InjectFault(fakeapi.Fault{PathContains: "/cors", Status: 503})
	t.Setenv("R2_MAX_RETRIES", "1")
	t.Setenv("R2_REQUEST_TIMEOUT", "5s")
	acctest.Run(t, resource.TestStep{
		Config:      acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("HTTP 503", "Attempts made: 2."),
	})

	for env, want := range map[[2]string]*regexp.Regexp{
		{"R2_MAX_RETRIES", "many"}:   acctest.ErrorRegexp("Invalid Environment Variable", `R2_MAX_RETRIES="many"`, "0 to 10"),
		{"R2_REQUEST_TIMEOUT", "0s"}: acctest.ErrorRegexp("Invalid Request Timeout", `R2_REQUEST_TIMEOUT="0s"`, "between 1s and 10m0s"),
		{"R2_SWEEP_CONCURRENCY", "0"}: acctest.ErrorRegexp("Invalid Environment Variable", `R2_SWEEP_CONCURRENCY="0"`,
			"from 1 to 64", "sweep_concurrency"),
		{"R2_RATE_LIMIT", "lots"}: acctest.ErrorRegexp("Invalid Environment Variable", `R2_RATE_LIMIT="lots"`,
			"from 0 to 100000", "rate_limit"),
		{"R2_RATE_LIMIT_RESERVE", "91"}: acctest.ErrorRegexp("Invalid Environment Variable", `R2_RATE_LIMIT_RESERVE="91"`,
			"from 0 to 90", "rate_limit_reserve"),
	} {
		t.Run(env[0], func(t *testing.T) {
			for _, e := range []string{"R2_MAX_RETRIES", "R2_REQUEST_TIMEOUT", "R2_SWEEP_CONCURRENCY", "R2_RATE_LIMIT", "R2_RATE_LIMIT_RESERVE"} {
				t.Setenv(e, "")
			}
			t.Setenv(env[0], env[1])
			acctest.Run(t, resource.TestStep{
				Config:      acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
				ExpectError: want,
			})
		})
	}
}

func TestProvider_clientSettingsValidated(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args string
		want *regexp.Regexp
	}{
		"max_retries too high":     {"max_retries = 11", acctest.ErrorRegexp("max_retries", "value must be between 0 and 10")},
		"max_retries negative":     {"max_retries = -1", acctest.ErrorRegexp("max_retries", "value must be between 0 and 10")},
		"request_timeout garbage":  {`request_timeout = "soon"`, acctest.ErrorRegexp("Invalid Duration", `"soon"`, `such as "30s"`)},
		"request_timeout too long": {`request_timeout = "1h"`, acctest.ErrorRegexp("Invalid Duration", "between 1s and 10m0s")},
		"sweep_concurrency zero":   {"sweep_concurrency = 0", acctest.ErrorRegexp("sweep_concurrency", "value must be between 1 and 64")},
		"sweep_concurrency 65":     {"sweep_concurrency = 65", acctest.ErrorRegexp("sweep_concurrency", "value must be between 1 and 64")},
		"rate_limit negative":      {"rate_limit = -1", acctest.ErrorRegexp("rate_limit", "value must be between 0 and 100000")},
		"rate_limit_reserve 91":    {"rate_limit_reserve = 91", acctest.ErrorRegexp("rate_limit_reserve", "value must be between 0 and 90")},
		"rate_limit_reserve -1":    {"rate_limit_reserve = -1", acctest.ErrorRegexp("rate_limit_reserve", "value must be between 0 and 90")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithMedia(t)
			acctest.Run(t, resource.TestStep{
				Config:      acctest.ProviderConfig(s, acctest.WithProviderArgs(tc.args)) + acctest.BucketCORSConfig("media"),
				PlanOnly:    true,
				ExpectError: tc.want,
			})
			if n := s.RequestCount(); n != 0 {
				t.Errorf("a bad setting must fail before any request; the fake saw %d", n)
			}
		})
	}
}
