package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// The secrets are sensitive, so Terraform never shows them (TestSchemas
// checks the rest of the schema).
func TestProviderSecretsSensitive(t *testing.T) {
	var resp provider.SchemaResponse
	newProvider("test", Options{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for _, secret := range []string{"api_token", "api_key"} {
		if !resp.Schema.Attributes[secret].IsSensitive() {
			t.Errorf("%s must be sensitive", secret)
		}
	}
}

func TestUserAgent(t *testing.T) {
	cases := map[[2]string]string{
		{"1.2.3", "1.11.4"}: "terraform-provider-r2/1.2.3 (+https://registry.terraform.io/providers/r2tf/r2) terraform/1.11.4",
		{"dev", ""}:         "terraform-provider-r2/dev (+https://registry.terraform.io/providers/r2tf/r2)",
	}
	for in, want := range cases {
		if got := userAgent(in[0], in[1]); got != want {
			t.Errorf("userAgent(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}
