// Package acctest is the one place tests get their tools from: the provider
// as main serves it, the fake API with a test account, configuration
// builders, error matchers, a built provider binary for tests that run the
// real plugin, and the check that a Terraform CLI is there without ever
// downloading one.
package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/localprovider"
	"github.com/r2tf/terraform-provider-r2/internal/provider"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// Fixed test identities served by the fake.
const (
	AccountID = fakeapi.ExampleAccountID
	Token     = "test-token-0123456789"
	Email     = "user@example.com"
	APIKey    = "test-global-key-0123456789"
)

// ProviderFactories serve the provider in-process for the Terraform CLI:
// the same server main serves (provider.NewServer), with retry delays
// shortened so that fault tests finish in milliseconds. The policy (what is
// retried, how often) stays the real one.
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

// Run runs hermetic acceptance test steps through the Terraform CLI against
// the provider (ProviderFactories). It needs no credentials.
func Run(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	RunCase(t, resource.TestCase{Steps: steps})
}

// RunCase is Run for a test case that sets more than its steps (version
// checks, say); the provider factories are filled in.
func RunCase(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.ProtoV6ProviderFactories = ProviderFactories
	resource.UnitTest(t, tc)
}

// RunInvalid runs a plan of config that must fail with want, and checks
// that the fake s saw no request: bad arguments fail at validation, before
// the provider calls the API.
func RunInvalid(t *testing.T, s *fakeapi.Server, config string, want *regexp.Regexp) {
	t.Helper()
	Run(t, resource.TestStep{Config: config, PlanOnly: true, ExpectError: want})
	if n := s.RequestCount(); n != 0 {
		t.Errorf("validation must fail before any request; the fake saw %d", n)
	}
}

// RunLive runs steps against the real Cloudflare API with the server main
// serves and its real retry delays. resource.Test skips it unless TF_ACC is
// set; the caller skips it without credentials.
func RunLive(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"r2": func() (tfprotov6.ProviderServer, error) {
				return provider.NewServer("acc", provider.Options{})(), nil
			},
		},
		Steps: steps,
	})
}

// ErrorRegexp matches the parts in order, each taken literally, across
// Terraform's line wrapping of diagnostics.
func ErrorRegexp(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// StringList checks a list of exactly these strings, in order.
func StringList(ss ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ss))
	for i, s := range ss {
		checks[i] = knownvalue.StringExact(s)
	}
	return knownvalue.ListExact(checks)
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

// credentialEnv is every environment variable that says which credentials
// the provider uses, or where it sends them.
var credentialEnv = []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL",
	"R2_CORS_READER", "R2_S3_ACCESS_KEY_ID", "R2_S3_SECRET_ACCESS_KEY", "R2_S3_ENDPOINT"}

// ClearCloudflareEnv unsets the Cloudflare credentials and base URL, and
// the S3 reader's settings, for the test, so that it does not depend on the
// developer's shell (t.Setenv: the test cannot run in parallel).
func ClearCloudflareEnv(t *testing.T) {
	t.Helper()
	for _, k := range credentialEnv {
		t.Setenv(k, "")
	}
}

// ClosedLoopbackURL is a base URL on a loopback port where nothing listens
// (a port just bound and let go), for tests of a wrong base URL.
func ClosedLoopbackURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr + fakeapi.BasePath
}

// ProviderOption changes the provider block ProviderConfig writes.
type ProviderOption func(*providerBlock)

type providerBlock struct {
	baseURL, token, key, email string
	extra                      []string
}

// WithToken authenticates with this API token instead of the test token.
func WithToken(token string) ProviderOption {
	return func(p *providerBlock) { p.token, p.key, p.email = token, "", "" }
}

// WithAPIKey authenticates with a global API key and email instead of a token.
func WithAPIKey(key, email string) ProviderOption {
	return func(p *providerBlock) { p.token, p.key, p.email = "", key, email }
}

// WithoutCredentials leaves every credential out of the block (the
// environment, or nothing, provides them).
func WithoutCredentials() ProviderOption {
	return func(p *providerBlock) { p.token, p.key, p.email = "", "", "" }
}

// WithBaseURL points the provider at another base URL ("" leaves it out).
func WithBaseURL(u string) ProviderOption {
	return func(p *providerBlock) { p.baseURL = u }
}

// WithS3Reader reads CORS policies through the fake s's S3 side:
// cors_reader = "s3" and s3_endpoint = s.S3EndpointTemplate(). The S3
// credentials derive from the block's token unless WithS3Keys gives them.
func WithS3Reader(s *fakeapi.Server) ProviderOption {
	return WithProviderArgs(`cors_reader = "s3"`, fmt.Sprintf("s3_endpoint = %q", s.S3EndpointTemplate()))
}

// WithS3Keys sets s3_access_key_id and s3_secret_access_key.
func WithS3Keys(accessKeyID, secretAccessKey string) ProviderOption {
	return WithProviderArgs(fmt.Sprintf("s3_access_key_id = %q", accessKeyID), fmt.Sprintf("s3_secret_access_key = %q", secretAccessKey))
}

// WithProviderArgs adds HCL lines to the block, e.g. `max_retries = 1`.
func WithProviderArgs(lines ...string) ProviderOption {
	return func(p *providerBlock) { p.extra = append(p.extra, lines...) }
}

// ProviderConfig is a provider block for the fake s (nil: no base_url) with
// the test token, changed by opts.
func ProviderConfig(s *fakeapi.Server, opts ...ProviderOption) string {
	p := providerBlock{token: Token}
	if s != nil {
		p.baseURL = s.URL()
	}
	for _, o := range opts {
		o(&p)
	}
	var b strings.Builder
	b.WriteString("\nprovider \"r2\" {\n")
	for _, a := range [][2]string{{"base_url", p.baseURL}, {"api_token", p.token}, {"api_key", p.key}, {"email", p.email}} {
		if a[1] != "" {
			fmt.Fprintf(&b, "  %s = %q\n", a[0], a[1])
		}
	}
	for _, l := range p.extra {
		if l != "" {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// DataOption changes the data source block a config builder writes.
type DataOption func(*dataBlock)

type dataBlock struct {
	account string
	args    []string
}

// Account reads another account than the test account.
func Account(id string) DataOption {
	return func(d *dataBlock) { d.account = id }
}

// Jurisdiction sets the jurisdiction argument ("" leaves it out).
func Jurisdiction(j string) DataOption {
	return func(d *dataBlock) {
		if j != "" {
			d.args = append(d.args, fmt.Sprintf("jurisdiction = %q", j))
		}
	}
}

// Jurisdictions sets the jurisdictions argument of r2_bucket_cors_policies
// to these (none: an empty set).
func Jurisdictions(js ...string) DataOption {
	quoted := make([]string, len(js))
	for i, j := range js {
		quoted[i] = fmt.Sprintf("%q", j)
	}
	return Args("jurisdictions = [" + strings.Join(quoted, ", ") + "]")
}

// Args adds argument lines, e.g. `name_contains = "logs"`.
func Args(lines ...string) DataOption {
	return func(d *dataBlock) { d.args = append(d.args, lines...) }
}

// BucketCORSConfig is data "r2_bucket_cors" "test" reading bucket in the
// test account.
func BucketCORSConfig(bucket string, opts ...DataOption) string {
	return DataSourceConfig("r2_bucket_cors", append([]DataOption{Args(fmt.Sprintf("bucket_name = %q", bucket))}, opts...)...)
}

// BucketsConfig is data "r2_buckets" "test" listing the test account.
func BucketsConfig(opts ...DataOption) string {
	return DataSourceConfig("r2_buckets", opts...)
}

// BucketCORSPoliciesConfig is data "r2_bucket_cors_policies" "test" sweeping
// the test account.
func BucketCORSPoliciesConfig(opts ...DataOption) string {
	return DataSourceConfig("r2_bucket_cors_policies", opts...)
}

// DataSourceConfig is data "<typ>" "test" in the test account: account_id
// first, then the arguments opts add. Any data source's tests can build
// their configurations with it, so a new one needs nothing added here.
func DataSourceConfig(typ string, opts ...DataOption) string {
	d := dataBlock{account: AccountID}
	for _, o := range opts {
		o(&d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\ndata %q \"test\" {\n  account_id = %q\n", typ, d.account)
	for _, a := range d.args {
		fmt.Fprintf(&b, "  %s\n", a)
	}
	b.WriteString("}\n")
	return b.String()
}

// CaptureValues is a state check that keeps the attribute values of the
// resource or data source at addr, as `terraform show -json` gives them,
// marshalled to JSON (object members in name order) into *into: for tests
// that compare the state of two runs byte for byte.
func CaptureValues(addr string, into *[]byte) statecheck.StateCheck {
	return captureValues{addr: addr, into: into}
}

type captureValues struct {
	addr string
	into *[]byte
}

func (c captureValues) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("%s: no state", c.addr)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.addr {
			b, err := json.Marshal(r.AttributeValues)
			if err != nil {
				resp.Error = fmt.Errorf("%s: %w", c.addr, err)
				return
			}
			*c.into = b
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the state", c.addr)
}

// BuiltProvider builds the provider binary and a CLI configuration that
// serves it (internal/localprovider), for tests that run the real plugin
// rather than the in-process server.
func BuiltProvider(t *testing.T) LocalCLI {
	t.Helper()
	if err := SetupTerraformCLI(); err != nil {
		t.Fatal(err)
	}
	p := localprovider.R2
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		// OpenTofu's lane: "r2tf/r2" means registry.opentofu.org/r2tf/r2 there.
		p.Address = host + "/r2tf/r2"
	}
	rc, err := localprovider.Install(context.Background(), "", t.TempDir(), p)
	if err != nil {
		t.Fatalf("building the provider: %v", err)
	}
	return LocalCLI{Path: os.Getenv("TF_ACC_TERRAFORM_PATH"), ConfigFile: rc}
}

// LocalCLI is the Terraform CLI with a configuration that serves the built
// provider (BuiltProvider).
type LocalCLI struct {
	Path       string // the Terraform CLI
	ConfigFile string // the CLI configuration, for TF_CLI_CONFIG_FILE
}

// Command runs the CLI with args in dir, in the test's environment without
// Cloudflare credentials or the S3 reader's settings, Terraform log settings or another CLI
// configuration, so that nothing of the developer's shell changes what a
// test sees; env (KEY=VALUE) is added last.
func (c LocalCLI) Command(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(c.Path, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLOUDFLARE_") && !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") &&
			!strings.HasPrefix(kv, "R2_CORS_READER=") && !strings.HasPrefix(kv, "R2_S3_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TF_CLI_CONFIG_FILE="+c.ConfigFile, "CHECKPOINT_DISABLE=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
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
