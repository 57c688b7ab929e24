// Package acctest holds what the hermetic acceptance tests share: provider
// factories, the fake API with a test account, configurations, and the
// check that a Terraform CLI is there without ever downloading one.
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/provider"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// Fixed test identities served by the fake.
const (
	AccountID = "023e105f4ecef8ad9ca31a8372d0c353"
	Token     = "test-token-0123456789"
	Email     = "user@example.com"
	APIKey    = "test-global-key-0123456789"
)

// ProviderFactories serve the provider in-process for the Terraform CLI.
// Retry delays are shortened so that fault tests finish in milliseconds;
// the policy (what is retried, how often) stays the real one.
// It is the same server main serves (provider.NewServer).
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"r2": func() (tfprotov6.ProviderServer, error) {
		return provider.NewServer("test", provider.Options{
			ClientOverrides: func(c *r2api.Config) {
				c.RetryBaseDelay = 5 * time.Millisecond
				c.RetryMaxDelay = 20 * time.Millisecond
			},
		})(), nil
	},
}

// StartFake starts the fake API with the test token, global key and account,
// and stops it when the test ends.
func StartFake(t testing.TB) *fakeapi.Server {
	t.Helper()
	s := fakeapi.Start()
	s.AddToken(Token)
	s.AddGlobalKey(Email, APIKey)
	s.AddAccount(AccountID)
	t.Cleanup(s.Close)
	return s
}

// ProviderConfig configures the provider for the fake with the test token.
func ProviderConfig(s *fakeapi.Server) string {
	return fmt.Sprintf(`
provider "r2" {
  base_url  = %[1]q
  api_token = %[2]q
}
`, s.URL(), Token)
}

// BucketCORSConfig is a data source "test" reading bucket in the test account.
// jurisdiction "" leaves the argument out.
func BucketCORSConfig(bucket, jurisdiction string) string {
	j := ""
	if jurisdiction != "" {
		j = fmt.Sprintf("  jurisdiction = %q\n", jurisdiction)
	}
	return fmt.Sprintf(`
data "r2_bucket_cors" "test" {
  account_id  = %[1]q
  bucket_name = %[2]q
%[3]s}
`, AccountID, bucket, j)
}

// SetupTerraformCLI points the testing framework at a local Terraform CLI
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH) and never lets it download
// one: there is no network here, and a test must not fetch its tools. It
// returns an error that says plainly what is missing.
func SetupTerraformCLI() error {
	if os.Getenv("CHECKPOINT_DISABLE") == "" {
		_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	}
	// A CLI configuration file that does not exist only makes the CLI warn,
	// but the warning lands in `version` output, which OpenTofu's version
	// check then fails to parse.
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("TF_ACC_TERRAFORM_PATH=%s: %w", p, err)
		}
		return nil
	}
	if os.Getenv("TF_ACC_TERRAFORM_VERSION") != "" {
		return fmt.Errorf("TF_ACC_TERRAFORM_VERSION is set, which would download Terraform: unset it and use TF_ACC_TERRAFORM_PATH or a terraform on PATH")
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return fmt.Errorf("no Terraform CLI found: the acceptance tests need one; put terraform on PATH or set TF_ACC_TERRAFORM_PATH (these tests never download it)")
	}
	return os.Setenv("TF_ACC_TERRAFORM_PATH", p)
}

// TestMain is the TestMain of packages with acceptance tests.
func TestMain(m *testing.M) {
	if err := SetupTerraformCLI(); err != nil {
		fmt.Fprintln(os.Stderr, "acceptance tests:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
