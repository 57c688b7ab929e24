package r2api

import (
	"fmt"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// checkJurisdiction refuses a jurisdiction R2 does not have before any
// request (the SDK's parameters take any string; the data sources'
// validators make a miss a provider bug).
func checkJurisdiction(jurisdiction string) error {
	if jurisdictions.Valid(jurisdiction) {
		return nil
	}
	return &Error{Reason: fmt.Sprintf("unknown jurisdiction %q (known: %s); no request was sent", jurisdiction, jurisdictions.List())}
}
