package tfkit

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// APIErrorDiagnostic explains a failed call: what the API said, where we
// asked ("what" completes "Cloudflare answered HTTP 403 ..."), and what to do
// about it. jurisdiction is the one the call sent ("" for none), so that a
// hint does not ask for what is already set. summary is used unless the
// error has a more telling one.
func APIErrorDiagnostic(err error, summary, what, jurisdiction string) (string, string) {
	apiErr, ok := r2api.AsError(err)
	if !ok {
		return summary, fmt.Sprintf("The call failed %s: %s", what, err)
	}
	base := apiErr.BaseURL
	if base == "" {
		base = r2api.DefaultBaseURL
	}
	// Neither of these is Cloudflare's answer: nothing answered at all, or
	// an http server answered an https request.
	refused := apiErr.StatusCode == 0 && errors.Is(apiErr, syscall.ECONNREFUSED)
	plainHTTP := apiErr.StatusCode == 0 && errors.Is(apiErr, http.ErrSchemeMismatch)
	var b strings.Builder
	switch {
	case apiErr.StatusCode != 0:
		fmt.Fprintf(&b, "Cloudflare answered HTTP %d", apiErr.StatusCode)
	case refused:
		fmt.Fprintf(&b, "Nothing is listening at %s (connection refused)", base)
	case plainHTTP:
		fmt.Fprintf(&b, "The server at %s speaks plain http, not https,", base)
	default:
		b.WriteString("Cloudflare gave no usable answer")
	}
	fmt.Fprintf(&b, " %s.", what)
	for _, m := range apiErr.Errors {
		fmt.Fprintf(&b, "\n  - error %d: %s", m.Code, m.Message)
	}
	writeOutcome(&b, apiErr.Reason, apiErr.Body, apiErr.Attempts)

	switch {
	case apiErr.HasCode(r2api.CodeBucketNotFound):
		summary = "R2 Bucket Not Found"
		if jurisdiction == "" || jurisdiction == jurisdictions.Default {
			b.WriteString("\n\nCheck the bucket name and account. A bucket created in the " + createdIn() +
				" jurisdiction is invisible without it: " + setJurisdiction() + " on this data source.")
		} else {
			fmt.Fprintf(&b, "\n\nCheck the bucket name and account. It was looked for in the %q jurisdiction only: "+
				"a bucket in another jurisdiction is invisible there. Set jurisdiction to the bucket's (%s), "+
				"or leave it out for the default jurisdiction.", jurisdiction, otherJurisdictions(jurisdiction))
		}
	case apiErr.HasCode(r2api.CodeNotEntitled): // Before IsAuth: it is a 403 too.
		summary = "R2 Jurisdiction or Feature Not Available"
		b.WriteString(notEntitledHint)
	case apiErr.IsAuth():
		summary = "R2 API Authentication Failed"
		b.WriteString("\n\nThe credentials were refused or lack permission. An API token needs the " +
			"\"Workers R2 Storage Read\" permission (Account > Workers R2 Storage > Read) on this account; " +
			"check api_token / CLOUDFLARE_API_TOKEN, or api_key and email for a global API key.")
	case apiErr.HasCode(r2api.CodeAccountUnreachable):
		summary = "R2 Account Not Found"
		b.WriteString("\n\nCheck account_id: Cloudflare could not route to that account.")
	case apiErr.StatusCode == 429: // The limits: internal/fakeapi/testdata/API.md.
		b.WriteString("\n\nThe API is rate limiting these requests (1200 per 5 minutes per user). " +
			"Lower Terraform's -parallelism or retry later.")
	case apiErr.Permanent:
		b.WriteString(permanentHint)
	case apiErr.StatusCode >= 500 || apiErr.StatusCode == 0 && apiErr.BaseURL == "":
		b.WriteString("\n\nThis is likely a passing problem with the API or the network; run the plan again later.")
	}
	if baseURLMayBeAtFault(apiErr) {
		fmt.Fprintf(&b, "\n\nThe requests went to %s, set by %s, not to Cloudflare's %s. ",
			apiErr.BaseURL, baseURLSource(apiErr.BaseURLSource), r2api.DefaultBaseURL)
		switch {
		case refused:
			b.WriteString("Is the server it names running, on that port? (The bundled fake: " +
				"go run ./internal/fakeapi/cmd/fakeapi -listen ADDRESS.) Or correct the address.")
		case plainHTTP:
			fmt.Fprintf(&b, "The server there does not speak TLS: write it as %s (http is allowed on loopback addresses only).",
				"http://"+strings.TrimPrefix(apiErr.BaseURL, "https://"))
		case apiErr.StatusCode == 0:
			b.WriteString("Check it.")
		default:
			b.WriteString("Check it: the API's paths start with /client/v4.")
		}
	}
	return summary, b.String()
}

// otherJurisdictions lists the jurisdictions other than j, default first,
// as "a", "b" or "c".
// createdIn names the jurisdictions a bucket is in only when created so:
// eu, fedramp or us.
func createdIn() string {
	others := jurisdictions.Others()
	return strings.Join(others[:len(others)-1], ", ") + " or " + others[len(others)-1]
}

// setJurisdiction is the fix for a bucket in one of them:
// set jurisdiction = "eu" (or "fedramp", "us").
func setJurisdiction() string {
	q := make([]string, len(jurisdictions.Others()))
	for i, j := range jurisdictions.Others() {
		q[i] = strconv.Quote(j)
	}
	return fmt.Sprintf("set jurisdiction = %s (or %s)", q[0], strings.Join(q[1:], ", "))
}

func otherJurisdictions(j string) string {
	var q []string
	for _, o := range jurisdictions.All {
		if o != j {
			q = append(q, strconv.Quote(o))
		}
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// baseURLMayBeAtFault reports whether a base URL other than the default
// could explain the failure: no answer at all, or a 404 that routes nowhere.
func baseURLMayBeAtFault(e *r2api.Error) bool {
	if e.BaseURL == "" {
		return false
	}
	return e.StatusCode == 0 ||
		e.StatusCode == 404 && (e.HasCode(r2api.CodeNoRoute) || e.HasCode(r2api.CodeAccountUnreachable))
}

func baseURLSource(source string) string {
	switch source {
	case "base_url":
		return "the provider's base_url attribute"
	case "":
		return "base_url or CLOUDFLARE_BASE_URL"
	default:
		return "the " + source + " environment variable"
	}
}

// Where says where a call asked, for "Cloudflare answered HTTP 403 when
// reading the CORS policy of <Where>": the account, then the bucket, the
// jurisdiction and the name filter, leaving out what the call did not use.
// A call without a jurisdiction says so, since the API reads it as default.
type Where struct {
	Account, Bucket, Jurisdiction, NameContains string
}

func (w Where) String() string {
	s := "account " + w.Account
	if w.Bucket != "" {
		s += fmt.Sprintf(", bucket %q", w.Bucket)
	}
	s += fmt.Sprintf(", jurisdiction %q", jurisdictions.OrDefault(w.Jurisdiction))
	if w.Jurisdiction == "" {
		s += " (no cf-r2-jurisdiction header sent)"
	}
	if w.NameContains != "" {
		s += fmt.Sprintf(", name_contains %q", w.NameContains)
	}
	return s
}

// ReadCORSErrorDiagnostic explains a failed read of a bucket's CORS policy
// through either reader (tfkit.CORSReader): through the REST API (see
// APIErrorDiagnostic) or the S3 API (S3ErrorDiagnostic), or the S3 reader's
// credentials that could not be had (S3SetupDiagnostic).
func ReadCORSErrorDiagnostic(err error, account, bucket, jurisdiction string) (summary, detail string) {
	const summaryRead = "Cannot Read R2 Bucket CORS Policy"
	if se, ok := r2s3.AsSetupError(err); ok {
		return S3SetupDiagnostic(se)
	}
	if e, ok := r2s3.AsError(err); ok {
		return S3ErrorDiagnostic(e, summaryRead, "when reading the CORS policy of "+s3Where(account, bucket, jurisdiction, e.Endpoint))
	}
	return APIErrorDiagnostic(err, summaryRead,
		"when reading the CORS policy of "+Where{Account: account, Bucket: bucket, Jurisdiction: jurisdiction}.String(), jurisdiction)
}

// ListBucketsErrorDiagnostic explains a failed list of buckets (see
// APIErrorDiagnostic).
func ListBucketsErrorDiagnostic(err error, account, jurisdiction, nameContains string) (summary, detail string) {
	return APIErrorDiagnostic(err, "Cannot List R2 Buckets",
		"when listing the buckets of "+Where{Account: account, Jurisdiction: jurisdiction, NameContains: nameContains}.String(), jurisdiction)
}

// UnexpectedPolicyDiagnostic explains rules that cannot be written to state.
func UnexpectedPolicyDiagnostic(err error, account, bucket, jurisdiction string) (summary, detail string) {
	return "Unexpected R2 CORS Policy", fmt.Sprintf("The CORS policy of %s cannot be written to state: %s. "+
		"Cloudflare's schema does not allow such a policy; if the API really sent it, please report it.",
		Where{Account: account, Bucket: bucket, Jurisdiction: jurisdiction}, err)
}

// writeOutcome ends a failed call's first paragraph, through either API:
// why it failed, the start of the body, and the attempts when more than one.
func writeOutcome(b *strings.Builder, reason, body string, attempts int) {
	if reason != "" {
		fmt.Fprintf(b, "\n%s", upperFirst(reason))
		if !strings.HasSuffix(reason, ".") {
			b.WriteString(".")
		}
	}
	if body != "" {
		fmt.Fprintf(b, "\nResponse body (start): %s", body)
	}
	if attempts > 1 {
		fmt.Fprintf(b, "\nAttempts made: %d.", attempts)
	}
}

// The hints both APIs' diagnostics give.
const (
	notEntitledHint = "\n\nThe account is not entitled to this: most likely the jurisdiction, which the account may " +
		"not use (FedRAMP is available by contract only). Leave that jurisdiction out, or ask Cloudflare to enable it."
	permanentHint = "\n\nRetrying will not help: the same request would fail the same way again, " +
		"so the read stopped at once."
)

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
