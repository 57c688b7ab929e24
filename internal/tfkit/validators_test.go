package tfkit

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Each bad value gets exactly one error that says what was expected and
// what was given; valid values get none.
func TestNameValidatorsGiveOneClearError(t *testing.T) {
	cases := []struct {
		attr      string
		validator validator.String
		value     string
		want      string // "" for valid
	}{
		{"bucket_name", ValidBucketName(), "", "bucket_name must be an R2 bucket name: 3 to 64 lowercase letters, digits and hyphens, starting and ending with a letter or digit; got an empty string."},
		{"bucket_name", ValidBucketName(), "ab", `got "ab" (2 characters).`},
		{"bucket_name", ValidBucketName(), "x", `got "x" (1 character).`},
		{"bucket_name", ValidBucketName(), "-media", `got "-media" (6 characters).`},
		{"bucket_name", ValidBucketName(), strings.Repeat("a", 100), `(100 characters).`},
		{"bucket_name", ValidBucketName(), "abc", ""},
		{"bucket_name", ValidBucketName(), strings.Repeat("a", 64), ""},
		{"bucket_name", ValidBucketName(), "my-bucket-1", ""},
		{"account_id", ValidAccountID(), "", "account_id must be a Cloudflare account ID: 32 lowercase hexadecimal characters"},
		{"account_id", ValidAccountID(), "ABC", `got "ABC" (3 characters).`},
		{"account_id", ValidAccountID(), acct, ""},
	}
	for _, tc := range cases {
		var diags []string
		var resp validator.StringResponse
		tc.validator.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(tc.attr), ConfigValue: types.StringValue(tc.value)}, &resp)
		for _, d := range resp.Diagnostics.Errors() {
			diags = append(diags, d.Detail())
		}
		switch {
		case tc.want == "" && len(diags) > 0:
			t.Errorf("%s %q: want no error, got %q", tc.attr, tc.value, diags)
		case tc.want != "" && (len(diags) != 1 || !strings.Contains(diags[0], tc.want)):
			t.Errorf("%s %q: want one error containing %q, got %q", tc.attr, tc.value, tc.want, diags)
		}
	}
}

// A jurisdiction in the wrong case names the lowercase one; in the
// jurisdictions set the message names the set, not Terraform's element path.
func TestJurisdictionValidatorNamesTheFix(t *testing.T) {
	cases := []struct {
		path  path.Path
		value string
		want  string // "" for valid
	}{
		{path.Root("jurisdiction"), "eu", ""},
		{path.Root("jurisdiction"), "EU", `jurisdiction is "EU"; jurisdictions are lowercase: "eu".`},
		{path.Root("jurisdiction"), "mars", `jurisdiction must be one of "default", "eu", "fedramp", "us"; got "mars".`},
		{path.Root("jurisdictions").AtSetValue(types.StringValue("EU")), "EU", `jurisdictions contains "EU"; jurisdictions are lowercase: "eu".`},
		{path.Root("jurisdictions").AtSetValue(types.StringValue("mars")), "mars",
			`jurisdictions contains "mars"; each must be one of "default", "eu", "fedramp", "us".`},
		{path.Root("jurisdictions").AtSetValue(types.StringValue("us")), "us", ""},
	}
	for _, tc := range cases {
		var diags []string
		var resp validator.StringResponse
		ValidJurisdiction().ValidateString(context.Background(), validator.StringRequest{Path: tc.path, ConfigValue: types.StringValue(tc.value)}, &resp)
		for _, d := range resp.Diagnostics.Errors() {
			diags = append(diags, d.Detail())
		}
		switch {
		case tc.want == "" && len(diags) > 0:
			t.Errorf("%s: want no error, got %q", tc.path, diags)
		case tc.want != "" && (len(diags) != 1 || diags[0] != tc.want):
			t.Errorf("%s: want one error %q, got %q", tc.path, tc.want, diags)
		}
	}
}
