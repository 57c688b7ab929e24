// Package datasources holds the provider's data sources. Each one is a schema
// plus a Read that goes config -> API client -> state, with the wire-to-state
// mapping in a small function of its own.
package datasources

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Jurisdictions are the values of the cf-r2-jurisdiction header. Cloudflare
// added "us" on 2026-08-17, after its OpenAPI schema was cut
// (internal/fakeapi/testdata/API.md).
var Jurisdictions = []string{"default", "eu", "fedramp", "us"}

var (
	accountIDPattern  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`)
)

// accountIDValidators reject anything but a Cloudflare account ID before any request.
func accountIDValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(accountIDPattern,
			"must be a Cloudflare account ID: 32 lowercase hexadecimal characters (see the dashboard's "+
				"Account Home, or the URL after dash.cloudflare.com/)"),
	}
}

// bucketNameValidators encode R2's naming rules.
func bucketNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(3, 64),
		stringvalidator.RegexMatches(bucketNamePattern,
			"must be an R2 bucket name: lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
	}
}

func jurisdictionValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(Jurisdictions...)}
}
