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
