// Package datasources holds the provider's data sources. Each one is a schema
// plus a Read that goes config -> API client -> state, with the wire-to-state
// mapping in a small function of its own.
package datasources

import (
	"context"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// Jurisdictions are the values of the cf-r2-jurisdiction header. Cloudflare
// added "us" on 2026-08-17, after its OpenAPI schema was cut
// (internal/fakeapi/testdata/API.md).
var Jurisdictions = []string{"default", "eu", "fedramp", "us"}

var (
	accountIDPattern  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	bucketNamePattern = r2api.BucketNamePattern
)

// accountIDValidators reject anything but a Cloudflare account ID before any request.
func accountIDValidators() []validator.String {
	return []validator.String{patternValidator{pattern: accountIDPattern,
		want: "a Cloudflare account ID: 32 lowercase hexadecimal characters (see the dashboard's " +
			"Account Home, or the URL after dash.cloudflare.com/)"}}
}

// bucketNameValidators encode R2's naming rules.
func bucketNameValidators() []validator.String {
	return []validator.String{patternValidator{pattern: bucketNamePattern,
		want: "an R2 bucket name: 3 to 64 lowercase letters, digits and hyphens, starting and ending with a letter or digit"}}
}

func jurisdictionValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(Jurisdictions...)}
}

// patternValidator checks a string against one pattern and reports one
// error that says what is expected and what was given: an empty or
// malformed value gets one clear message, not one per rule it breaks.
type patternValidator struct {
	pattern *regexp.Regexp
	want    string // what a valid value is, completing "must be ..."
}

func (v patternValidator) Description(context.Context) string { return "must be " + v.want }

func (v patternValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v patternValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if v.pattern.MatchString(value) {
		return
	}
	shown := value
	if n := utf8.RuneCountInString(value); n > 80 {
		shown = string([]rune(value)[:80]) + "…"
	}
	got := fmt.Sprintf("%q (%d characters)", shown, utf8.RuneCountInString(value))
	if value == "" {
		got = "an empty string"
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
		fmt.Sprintf("%s must be %s; got %s.", req.Path, v.want, got))
}
