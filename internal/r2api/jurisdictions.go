package r2api

import (
	"fmt"

	"github.com/cloudflare/cloudflare-go/v7/r2"
)

// The SDK's constants for each jurisdiction the data sources accept (their
// validators allow exactly these names, so a miss is a provider bug).
var (
	corsJurisdictions = map[string]r2.BucketCORSGetParamsCfR2Jurisdiction{
		"default": r2.BucketCORSGetParamsCfR2JurisdictionDefault,
		"eu":      r2.BucketCORSGetParamsCfR2JurisdictionEu,
		"fedramp": r2.BucketCORSGetParamsCfR2JurisdictionFedramp,
		"us":      r2.BucketCORSGetParamsCfR2JurisdictionUs,
	}
	listJurisdictions = map[string]r2.BucketListParamsCfR2Jurisdiction{
		"default": r2.BucketListParamsCfR2JurisdictionDefault,
		"eu":      r2.BucketListParamsCfR2JurisdictionEu,
		"fedramp": r2.BucketListParamsCfR2JurisdictionFedramp,
		"us":      r2.BucketListParamsCfR2JurisdictionUs,
	}
)

func unknownJurisdiction(jurisdiction string) error {
	return &Error{Reason: fmt.Sprintf("unknown jurisdiction %q (known: default, eu, fedramp, us); no request was sent", jurisdiction)}
}
