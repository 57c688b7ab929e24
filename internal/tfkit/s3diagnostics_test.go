package tfkit

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

const endpoint = "https://" + acct + ".eu.r2.cloudflarestorage.com"

// S3ErrorDiagnostic's cases, once: each kind of failure, what R2 said and
// what to check, naming the settings the credentials came from.
func TestS3ErrorDiagnostic(t *testing.T) {
	const what = "when doing the test read"
	cases := []struct {
		name     string
		err      *r2s3.Error
		summary  string
		contains []string
		lacks    []string
	}{
		{name: "bucket not found in default", summary: "R2 Bucket Not Found",
			err: &r2s3.Error{Kind: r2s3.KindBucketNotFound, StatusCode: 404, Code: "NoSuchBucket", Message: "The specified bucket does not exist.",
				Attempts: 1, Jurisdiction: "default"},
			contains: []string{"R2's S3 API answered HTTP 404 when doing the test read.", "S3 error NoSuchBucket: The specified bucket does not exist.",
				`set jurisdiction = "eu"`}, lacks: []string{"Attempts made"}},
		{name: "bucket not found in eu", summary: "R2 Bucket Not Found",
			err:      &r2s3.Error{Kind: r2s3.KindBucketNotFound, StatusCode: 404, Code: "NoSuchBucket", Jurisdiction: "eu"},
			contains: []string{`the "eu" jurisdiction's S3 endpoint only`, `("default", "fedramp" or "us")`}},
		{name: "not entitled", summary: "R2 Jurisdiction or Feature Not Available",
			err:      &r2s3.Error{Kind: r2s3.KindNotEntitled, StatusCode: 403, Code: "NotEntitled", Jurisdiction: "fedramp"},
			contains: []string{"HTTP 403", "S3 error NotEntitled", "FedRAMP is available by contract only"}},
		{name: "access denied, derived", summary: "R2 S3 API Access Denied",
			err:      &r2s3.Error{Kind: r2s3.KindAccessDenied, StatusCode: 403, Code: "AccessDenied", CredentialsDerived: true, CredentialsSource: "CLOUDFLARE_API_TOKEN"},
			contains: []string{"derived from the API token (CLOUDFLARE_API_TOKEN)", `"Workers R2 Storage Read"`}},
		{name: "access denied, explicit from the environment", summary: "R2 S3 API Access Denied",
			err:      &r2s3.Error{Kind: r2s3.KindAccessDenied, StatusCode: 403, Code: "AccessDenied", CredentialsSource: "R2_S3_SECRET_ACCESS_KEY"},
			contains: []string{"The token behind R2_S3_ACCESS_KEY_ID and R2_S3_SECRET_ACCESS_KEY", "belong to this account"}},
		{name: "unknown key, explicit", summary: "R2 S3 API Authentication Failed",
			err:      &r2s3.Error{Kind: r2s3.KindInvalidAccessKey, StatusCode: 403, Code: "InvalidAccessKeyId", CredentialsSource: "s3_secret_access_key"},
			contains: []string{"R2 does not know this access key id: check s3_access_key_id"}},
		{name: "unknown key, derived", summary: "R2 S3 API Authentication Failed",
			err:      &r2s3.Error{Kind: r2s3.KindInvalidAccessKey, StatusCode: 403, Code: "InvalidAccessKeyId", CredentialsDerived: true, CredentialsSource: "api_token"},
			contains: []string{"derived from the API token (api_token)", "set s3_access_key_id and s3_secret_access_key"}},
		{name: "wrong secret, explicit", summary: "R2 S3 API Authentication Failed",
			err:      &r2s3.Error{Kind: r2s3.KindSignatureMismatch, StatusCode: 403, Code: "SignatureDoesNotMatch", CredentialsSource: "R2_S3_SECRET_ACCESS_KEY"},
			contains: []string{"does not belong to the access key id: check R2_S3_SECRET_ACCESS_KEY"}},
		{name: "wrong secret, derived", summary: "R2 S3 API Authentication Failed",
			err:      &r2s3.Error{Kind: r2s3.KindSignatureMismatch, StatusCode: 403, Code: "SignatureDoesNotMatch", CredentialsDerived: true, CredentialsSource: "api_token"},
			contains: []string{"The secret derived from the API token (api_token; the SHA-256 of its value)", "rolling a token changes it"}},
		{name: "refused XML", summary: "Refused R2 S3 API Answer",
			err: &r2s3.Error{Kind: r2s3.KindRefused, StatusCode: 200, Permanent: true, Body: "<!DOCTYPE x>",
				Reason: "the S3 API's answer was refused: the XML answer was refused: a declaration (<!DOCTYPE…>)"},
			contains: []string{"HTTP 200", "The S3 API's answer was refused: the XML answer was refused: a declaration (<!DOCTYPE…>).",
				"Response body (start): <!DOCTYPE x>", "nothing partial or guessed", "Retrying will not help"}},
		{name: "slow down", summary: "Cannot Test",
			err:      &r2s3.Error{StatusCode: 503, Code: "SlowDown", Attempts: 5},
			contains: []string{"HTTP 503", "S3 error SlowDown", "Attempts made: 5.", "Lower sweep_concurrency"}},
		{name: "server error", summary: "Cannot Test",
			err:      &r2s3.Error{StatusCode: 500, Code: "InternalError", Attempts: 3},
			contains: []string{"HTTP 500", "passing problem"}, lacks: []string{"The requests went to"}},
		{name: "connection refused at a custom endpoint", summary: "Cannot Test",
			err: &r2s3.Error{Attempts: 1, Permanent: true, Endpoint: "http://127.0.0.1:1/s3/a/eu", EndpointSource: "R2_S3_ENDPOINT",
				Reason: "no usable answer: connection refused", Err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)},
			contains: []string{"Nothing is listening at http://127.0.0.1:1/s3/a/eu (connection refused)", "Retrying will not help",
				"set by the R2_S3_ENDPOINT environment variable", "Is the server it names running"}},
		{name: "404 that is not S3's at a custom endpoint", summary: "Cannot Test",
			err:      &r2s3.Error{StatusCode: 404, Body: "<html>nope</html>", Endpoint: "https://s3.example/x/eu", EndpointSource: "s3_endpoint"},
			contains: []string{"HTTP 404", "<html>nope</html>", "the provider's s3_endpoint attribute", "{account_id} and {jurisdiction}"}},
		{name: "cancelled", summary: "Cannot Test",
			err:      &r2s3.Error{Kind: r2s3.KindCancelled, Reason: "the read was cancelled", EndpointSource: "s3_endpoint"},
			contains: []string{"The read was cancelled when doing the test read."}, lacks: []string{"The requests went to", "passing"}},
		{name: "invalid request", summary: "Cannot Test",
			err:      &r2s3.Error{Kind: r2s3.KindInvalidRequest, Permanent: true, Reason: `"A" is not an R2 bucket name; no request was sent`},
			contains: []string{"No request was sent when doing the test read.", `"A" is not an R2 bucket name`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := S3ErrorDiagnostic(tc.err, "Cannot Test", what)
			if summary != tc.summary {
				t.Errorf("summary = %q, want %q", summary, tc.summary)
			}
			for _, c := range tc.contains {
				if !strings.Contains(detail, c) {
					t.Errorf("detail lacks %q:\n%s", c, detail)
				}
			}
			for _, l := range tc.lacks {
				if strings.Contains(detail, l) {
					t.Errorf("detail has %q:\n%s", l, detail)
				}
			}
		})
	}
}

func TestS3SetupDiagnostic(t *testing.T) {
	verifyErr := &r2api.Error{StatusCode: 401, Errors: []r2api.APIMessage{{Code: 1000, Message: "Invalid API Token"}}}
	cases := []struct {
		name, summary string
		err           *r2s3.SetupError
		contains      []string
	}{
		{name: "verify refused", summary: "R2 API Authentication Failed",
			err: &r2s3.SetupError{AccountID: acct, Derived: true, CredentialsSource: "CLOUDFLARE_API_TOKEN",
				Err: fmt.Errorf("deriving S3 credentials from the API token: Verify Token failed: %w", verifyErr)},
			contains: []string{"Cloudflare answered HTTP 401 when verifying the API token (CLOUDFLARE_API_TOKEN) to derive the S3 credentials of account " + acct,
				"error 1000: Invalid API Token", `set cors_reader = "rest"`}},
		{name: "global key", summary: "S3 Credentials Cannot Be Derived",
			err:      &r2s3.SetupError{AccountID: acct, Derived: true, Err: r2s3.ErrGlobalKeyCannotDerive},
			contains: []string{"global API key (api_key and email)", "set s3_access_key_id and s3_secret_access_key"}},
		{name: "incomplete", summary: "Incomplete S3 Credentials",
			err:      &r2s3.SetupError{AccountID: acct, Err: r2s3.ErrIncompleteCredentials},
			contains: []string{"s3_access_key_id and s3_secret_access_key must be set together (or R2_S3_ACCESS_KEY_ID and R2_S3_SECRET_ACCESS_KEY)"}},
		{name: "anything else", summary: "Cannot Ready the R2 S3 Reader",
			err:      &r2s3.SetupError{AccountID: acct, Err: errors.New("the account id is not 32 lowercase hexadecimal characters")},
			contains: []string{"could not be readied: the account id is not 32 lowercase hexadecimal characters."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := S3SetupDiagnostic(tc.err)
			if summary != tc.summary {
				t.Errorf("summary = %q, want %q", summary, tc.summary)
			}
			for _, c := range tc.contains {
				if !strings.Contains(detail, c) {
					t.Errorf("detail lacks %q:\n%s", c, detail)
				}
			}
		})
	}
}

// ReadCORSErrorDiagnostic explains either reader's failures, and the S3
// reader's setup, each in its own words.
func TestReadCORSErrorDiagnosticOfEitherReader(t *testing.T) {
	s3Err := &r2s3.Error{Kind: r2s3.KindBucketNotFound, StatusCode: 404, Code: "NoSuchBucket", Jurisdiction: "eu", Endpoint: endpoint}
	summary, detail := ReadCORSErrorDiagnostic(fmt.Errorf("wrapped: %w", s3Err), acct, "media", "eu")
	if summary != "R2 Bucket Not Found" || !strings.Contains(detail, `when reading the CORS policy of account `+acct+`, bucket "media", jurisdiction "eu", at `+endpoint+`.`) ||
		strings.Contains(detail, "cf-r2-jurisdiction") {
		t.Errorf("S3: %s: %s", summary, detail)
	}
	setup := &r2s3.SetupError{AccountID: acct, Err: r2s3.ErrGlobalKeyCannotDerive}
	if summary, _ := ReadCORSErrorDiagnostic(setup, acct, "media", ""); summary != "S3 Credentials Cannot Be Derived" {
		t.Errorf("setup: %s", summary)
	}
	rest := &r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 10006, Message: "The specified bucket does not exist."}}}
	if summary, detail := ReadCORSErrorDiagnostic(rest, acct, "media", ""); summary != "R2 Bucket Not Found" ||
		!strings.Contains(detail, "Cloudflare answered HTTP 404") {
		t.Errorf("REST: %s: %s", summary, detail)
	}
}

func TestBucketNotFound(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code string
		ok   bool
	}{
		{&r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 10006}}}, "error 10006", true},
		{&r2api.Error{StatusCode: 404, Errors: []r2api.APIMessage{{Code: 10059}}}, "", false},
		{fmt.Errorf("read: %w", &r2s3.Error{Kind: r2s3.KindBucketNotFound}), "S3 error NoSuchBucket", true},
		{&r2s3.Error{Kind: r2s3.KindAccessDenied}, "", false},
		{nil, "", false},
		{errors.New("other"), "", false},
	} {
		code, ok := BucketNotFound(tc.err)
		if ok != tc.ok || ok && code != tc.code {
			t.Errorf("BucketNotFound(%v) = %q, %t; want %q, %t", tc.err, code, ok, tc.code, tc.ok)
		}
	}
}
