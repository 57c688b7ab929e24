package tfkit

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

var (
	accountIDPattern  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	bucketNamePattern = r2api.BucketNamePattern
)

// ValidAccountID rejects anything but a Cloudflare account ID, before any
// request, with one error that says what is expected and what was given.
func ValidAccountID() validator.String {
	return patternValidator{pattern: accountIDPattern,
		want: "a Cloudflare account ID: 32 lowercase hexadecimal characters (see the dashboard's " +
			"Account Home, or the URL after dash.cloudflare.com/)"}
}

// ValidBucketName encodes R2's naming rules, with one error as ValidAccountID.
func ValidBucketName() validator.String {
	return patternValidator{pattern: bucketNamePattern,
		want: "an R2 bucket name: 3 to 64 lowercase letters, digits and hyphens, starting and ending with a letter or digit"}
}

// ValidJurisdiction accepts one of jurisdictions.All, for a jurisdiction
// attribute and for each element of a set of them
// (setvalidator.ValueStringsAre), and names the fix of a wrong case.
func ValidJurisdiction() validator.String {
	return jurisdictionValidator{}
}

// jurisdictionValidator says what to write instead: "EU" is the likeliest
// mistake, and Terraform's element path (jurisdictions[Value("EU")]) and a
// Go-quoted list read as noise to a user.
type jurisdictionValidator struct{}

func (jurisdictionValidator) Description(context.Context) string {
	return "must be one of " + quotedList(jurisdictions.All)
}

func (v jurisdictionValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jurisdictionValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if jurisdictions.Valid(value) {
		return
	}
	// An element of a set: name the set, whose path is the parent's.
	inSet := false
	if steps := req.Path.Steps(); len(steps) > 0 {
		_, inSet = steps[len(steps)-1].(path.PathStepElementKeyValue)
	}
	fix := strings.ToLower(strings.TrimSpace(value))
	var detail string
	switch {
	case inSet && jurisdictions.Valid(fix):
		detail = fmt.Sprintf("%s contains %q; jurisdictions are lowercase: %q.", req.Path.ParentPath(), value, fix)
	case inSet:
		detail = fmt.Sprintf("%s contains %q; each must be one of %s.", req.Path.ParentPath(), value, quotedList(jurisdictions.All))
	case jurisdictions.Valid(fix):
		detail = fmt.Sprintf("%s is %q; jurisdictions are lowercase: %q.", req.Path, value, fix)
	default:
		detail = fmt.Sprintf("%s must be one of %s; got %q.", req.Path, quotedList(jurisdictions.All), value)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", detail)
}

// quotedList writes ss as "a", "b", "c".
func quotedList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
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
	var got string
	switch n := utf8.RuneCountInString(value); n {
	case 0:
		got = "an empty string"
	case 1:
		got = fmt.Sprintf("%q (1 character)", shown)
	default:
		got = fmt.Sprintf("%q (%d characters)", shown, n)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
		fmt.Sprintf("%s must be %s; got %s.", req.Path, v.want, got))
}
