package tfkit

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// The provider settings of the S3 credentials, defined here once: the
// provider's schema and environment use them, and the S3 diagnostics name
// them.
const (
	S3KeyIDAttr  = "s3_access_key_id"
	S3SecretAttr = "s3_secret_access_key"
	S3KeyIDEnv   = "R2_S3_ACCESS_KEY_ID"
	S3SecretEnv  = "R2_S3_SECRET_ACCESS_KEY"
)

// s3Where is Where for a read through the S3 API: each jurisdiction is an
// endpoint of its own, named instead of the header, which is not sent.
func s3Where(account, bucket, jurisdiction, endpoint string) string {
	s := fmt.Sprintf("account %s, bucket %q, jurisdiction %q", account, bucket, jurisdictions.OrDefault(jurisdiction))
	if endpoint != "" {
		s += ", at " + endpoint
	}
	return s
}

// S3ErrorDiagnostic explains a failed read through R2's S3 API, as
// APIErrorDiagnostic does a REST call: what R2 said (status, S3 code and
// message, the start of a body that is not S3's XML), where we asked ("what"
// completes "R2's S3 API answered HTTP 403 ..."), and what to do, naming
// the settings the credentials came from. summary is used unless the error
// has a more telling one. No credential is ever in an *r2s3.Error.
func S3ErrorDiagnostic(e *r2s3.Error, summary, what string) (string, string) {
	refused := e.StatusCode == 0 && errors.Is(e, syscall.ECONNREFUSED)
	var b strings.Builder
	switch {
	case e.Kind == r2s3.KindCancelled:
		fmt.Fprintf(&b, "The read was cancelled %s.", what)
	case e.StatusCode != 0:
		fmt.Fprintf(&b, "R2's S3 API answered HTTP %d %s.", e.StatusCode, what)
	case refused:
		fmt.Fprintf(&b, "Nothing is listening at %s (connection refused) %s.", e.Endpoint, what)
	case e.Kind == r2s3.KindInvalidRequest:
		fmt.Fprintf(&b, "No request was sent %s.", what)
	default:
		fmt.Fprintf(&b, "R2's S3 API gave no usable answer %s.", what)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, "\n  - S3 error %s", e.Code)
		if e.Message != "" {
			fmt.Fprintf(&b, ": %s", e.Message)
		}
	}
	reason := e.Reason
	if e.Kind == r2s3.KindCancelled {
		reason = ""
	}
	writeOutcome(&b, reason, e.Body, e.Attempts)

	switch e.Kind {
	case r2s3.KindBucketNotFound:
		summary = "R2 Bucket Not Found"
		j := jurisdictions.OrDefault(e.Jurisdiction)
		if j == jurisdictions.Default {
			b.WriteString("\n\nCheck the bucket name and account. Each jurisdiction has an S3 endpoint of its own, and a bucket " +
				"created in the " + createdIn() + " jurisdiction is not at the default one: " + setJurisdiction() + " on this data source.")
		} else {
			fmt.Fprintf(&b, "\n\nCheck the bucket name and account. It was looked for at the %q jurisdiction's S3 endpoint only: "+
				"a bucket in another jurisdiction is not there. Set jurisdiction to the bucket's (%s), or leave it out for the "+
				"default jurisdiction.", j, otherJurisdictions(j))
		}
	case r2s3.KindNotEntitled:
		summary = "R2 Jurisdiction or Feature Not Available"
		b.WriteString(notEntitledHint)
	case r2s3.KindAccessDenied:
		summary = "R2 S3 API Access Denied"
		if e.CredentialsDerived {
			fmt.Fprintf(&b, "\n\nR2 knows the credentials but they may not read this bucket's settings. They are derived from "+
				"the API token (%s), and have its permissions: it needs \"Workers R2 Storage Read\" (Account > Workers R2 "+
				"Storage > Read) on this account.", credsSource(e.CredentialsSource, "api_token"))
		} else {
			fmt.Fprintf(&b, "\n\nR2 knows the credentials but they may not read this bucket's settings. The token behind "+
				"%s needs read access to this account's buckets (an API token with \"Workers R2 Storage Read\", or an R2 API "+
				"token with Admin Read); check that the keys belong to this account.", keyPair(e.CredentialsSource))
		}
	case r2s3.KindInvalidAccessKey:
		summary = "R2 S3 API Authentication Failed"
		if e.CredentialsDerived {
			fmt.Fprintf(&b, "\n\nR2 does not know the access key id derived from the API token (%s): the key id is the "+
				"token's id, from Verify Token. A deleted or expired token has none; check the token, or set %s and %s.",
				credsSource(e.CredentialsSource, "api_token"), S3KeyIDAttr, S3SecretAttr)
		} else {
			fmt.Fprintf(&b, "\n\nR2 does not know this access key id: check %s (a deleted token's keys stop working).",
				keyIDSource(e.CredentialsSource))
		}
	case r2s3.KindSignatureMismatch:
		summary = "R2 S3 API Authentication Failed"
		if e.CredentialsDerived {
			fmt.Fprintf(&b, "\n\nThe secret derived from the API token (%s; the SHA-256 of its value) does not belong to the "+
				"token's id: check that the token is its current value (rolling a token changes it), or set %s and %s.",
				credsSource(e.CredentialsSource, "api_token"), S3KeyIDAttr, S3SecretAttr)
		} else {
			fmt.Fprintf(&b, "\n\nThe secret access key does not belong to the access key id: check %s (the Secret Access Key "+
				"shown once when the R2 API token was created).", credsSource(e.CredentialsSource, S3SecretAttr))
		}
	case r2s3.KindRefused:
		summary = "Refused R2 S3 API Answer"
		b.WriteString("\n\nThe answer was refused before anything of it was read as a policy, so nothing partial or guessed " +
			"reaches state. R2 sends no such answer: check s3_endpoint and anything between the provider and R2 (a proxy). " +
			"Retrying will not help: the same request would get the same answer.")
	case r2s3.KindCancelled, r2s3.KindInvalidRequest:
	default:
		switch {
		case e.StatusCode == 429 || e.StatusCode == 503 && e.Code == "SlowDown":
			b.WriteString("\n\nR2's S3 API is slowing these requests down. Lower sweep_concurrency, or retry later.")
		case e.Permanent:
			b.WriteString(permanentHint)
		case e.StatusCode >= 500 || e.StatusCode == 0 && e.EndpointSource == "":
			b.WriteString("\n\nThis is likely a passing problem with R2 or the network; run the plan again later.")
		}
	}
	if e.EndpointSource != "" && e.Kind != r2s3.KindCancelled && (e.StatusCode == 0 || e.Code == "" && e.StatusCode == 404) {
		fmt.Fprintf(&b, "\n\nThe requests went to %s, from the endpoint template set by %s, not to R2's own hosts. ",
			e.Endpoint, endpointSource(e.EndpointSource))
		if refused {
			b.WriteString("Is the server it names running, on that port? Or correct the template.")
		} else {
			b.WriteString("Check it: it must hold {account_id} and {jurisdiction}, and the bucket follows it path-style.")
		}
	}
	return summary, b.String()
}

// S3SetupDiagnostic explains why the S3 reader of an account could not be
// readied: its credentials could not be derived from the API token (Verify
// Token failed: what the REST API said, through APIErrorDiagnostic), or
// cannot be derived at all.
func S3SetupDiagnostic(e *r2s3.SetupError) (string, string) {
	const why = "\n\nWith cors_reader = \"s3\" the provider reads CORS policies through R2's S3 API, with credentials " +
		"derived from the API token unless s3_access_key_id and s3_secret_access_key are set: the access key id is the " +
		"token's id, which Verify Token tells (one or two requests to the REST API, once per account), and the secret the " +
		"SHA-256 of the token. Fix the token, set s3_access_key_id and s3_secret_access_key, or set cors_reader = \"rest\"."
	what := fmt.Sprintf("when verifying the API token (%s) to derive the S3 credentials of account %s",
		credsSource(e.CredentialsSource, "api_token"), e.AccountID)
	switch {
	case errors.Is(e, r2s3.ErrGlobalKeyCannotDerive):
		return "S3 Credentials Cannot Be Derived", "The provider authenticates with the global API key (api_key and email), " +
			"from which no S3 credentials derive: only an API token has an id and a value to derive them from." + why
	case errors.Is(e, r2s3.ErrIncompleteCredentials):
		return "Incomplete S3 Credentials", fmt.Sprintf("%s and %s must be set together (or %s and %s)."+why,
			S3KeyIDAttr, S3SecretAttr, S3KeyIDEnv, S3SecretEnv)
	}
	if _, ok := r2api.AsError(e.Err); ok {
		summary, detail := APIErrorDiagnostic(e.Err, "Cannot Derive R2 S3 Credentials", what, "")
		return summary, detail + why
	}
	return "Cannot Ready the R2 S3 Reader", fmt.Sprintf("The S3 reader of account %s could not be readied: %s.%s",
		e.AccountID, strings.TrimSuffix(e.Err.Error(), "."), why)
}

// BucketNotFound reports whether err says the bucket does not exist (REST
// code 10006, or S3's NoSuchBucket), and how, for messages ("error 10006",
// "S3 error NoSuchBucket").
func BucketNotFound(err error) (string, bool) {
	if e, ok := r2s3.AsError(err); ok {
		return "S3 error " + r2s3.CodeNoSuchBucket, e.Kind == r2s3.KindBucketNotFound
	}
	if e, ok := r2api.AsError(err); ok && e.HasCode(r2api.CodeBucketNotFound) {
		return fmt.Sprintf("error %d", r2api.CodeBucketNotFound), true
	}
	return "", false
}

// credsSource is the attribute or variable credentials came from, or def.
func credsSource(source, def string) string {
	if source == "" {
		return def
	}
	return source
}

// keyPair names the S3 key pair's settings as they were given.
func keyPair(source string) string {
	if source == S3SecretEnv {
		return S3KeyIDEnv + " and " + S3SecretEnv
	}
	return S3KeyIDAttr + " and " + S3SecretAttr
}

// keyIDSource names the access key id's setting as it was given.
func keyIDSource(source string) string {
	if source == S3SecretEnv {
		return S3KeyIDEnv
	}
	return S3KeyIDAttr
}

func endpointSource(source string) string {
	if source == "s3_endpoint" {
		return "the provider's s3_endpoint attribute"
	}
	return "the " + source + " environment variable"
}
