package r2s3

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// The placeholders of an endpoint template.
const (
	PlaceholderAccountID    = "{account_id}"
	PlaceholderJurisdiction = "{jurisdiction}"
)

// r2Host is the domain of R2's S3 endpoints: https://<account_id>.r2.cloudflarestorage.com
// for the default jurisdiction, https://<account_id>.<jurisdiction>.r2.cloudflarestorage.com
// for the others (../shared/api/README.md; "us" by the same pattern, which
// the README lists as unverified).
const r2Host = "r2.cloudflarestorage.com"

// sampleAccountID fills a template's account placeholder when it is
// checked: any valid account id gives a URL of the same shape.
const sampleAccountID = "0123456789abcdef0123456789abcdef"

// Endpoint is the S3 endpoint of one jurisdiction of an account, without
// a trailing slash: the bucket follows it path-style (<endpoint>/<bucket>).
// With template "" it is R2's own host, where the default jurisdiction has
// no label; otherwise the template with {account_id} and {jurisdiction}
// replaced ({jurisdiction} is "default" for the default jurisdiction, a
// path segment or label like the others). jurisdiction "" is the default.
// The template is not checked here (ValidateEndpointTemplate).
func Endpoint(template, accountID, jurisdiction string) string {
	jurisdiction = jurisdictions.OrDefault(jurisdiction)
	if template == "" {
		if jurisdiction == jurisdictions.Default {
			return "https://" + accountID + "." + r2Host
		}
		return "https://" + accountID + "." + jurisdiction + "." + r2Host
	}
	out := strings.ReplaceAll(template, PlaceholderAccountID, accountID)
	out = strings.ReplaceAll(out, PlaceholderJurisdiction, jurisdiction)
	return strings.TrimRight(out, "/")
}

// ValidateEndpointTemplate checks an endpoint template (the provider's
// s3_endpoint) before any request. It must hold both placeholders, and no
// other brace: a template without {jurisdiction} would send every
// jurisdiction's reads to one endpoint, which knows the buckets of one only
// (R2: "buckets created with jurisdictions must be accessed via
// jurisdiction-specific endpoints"), and one without {account_id} every
// account's. Filled in, it must be an absolute URL that the REST API's
// base_url rule accepts (https, or http on a loopback address; no
// credentials in it: r2api.ValidateBaseURL), with no query or fragment,
// since the bucket and ?cors follow it. Errors show the URL as
// r2api.DisplayURL does, never the whole value.
func ValidateEndpointTemplate(template string) error {
	for _, p := range []string{PlaceholderAccountID, PlaceholderJurisdiction} {
		if !strings.Contains(template, p) {
			return fmt.Errorf("has no %s placeholder: R2 serves each account and jurisdiction at an endpoint of its own "+
				"(for example https://%s.%s.%s for the eu jurisdiction)", p, PlaceholderAccountID, PlaceholderJurisdiction, r2Host)
		}
	}
	rest := strings.ReplaceAll(strings.ReplaceAll(template, PlaceholderAccountID, ""), PlaceholderJurisdiction, "")
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("holds a brace that is not part of %s or %s, the only placeholders", PlaceholderAccountID, PlaceholderJurisdiction)
	}
	for _, j := range jurisdictions.All {
		filled := Endpoint(template, sampleAccountID, j)
		if err := r2api.ValidateBaseURL(filled); err != nil {
			return err
		}
		u, err := url.Parse(filled)
		if err != nil { // ValidateBaseURL parsed it already.
			return err
		}
		if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(filled, "?#") {
			return fmt.Errorf("%s must have no query or fragment: the bucket and ?cors are appended to it", r2api.DisplayURL(filled))
		}
	}
	return nil
}
