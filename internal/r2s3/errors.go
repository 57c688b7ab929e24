package r2s3

import (
	"errors"
	"fmt"
	"strings"
)

// S3 error codes the reader tells apart (S3's, which R2 follows; which R2
// sends for a token without R2 access is assumed: README).
const (
	CodeNoSuchBucket          = "NoSuchBucket"
	CodeNoSuchCORS            = "NoSuchCORSConfiguration"
	CodeAccessDenied          = "AccessDenied"
	CodeInvalidAccessKeyID    = "InvalidAccessKeyId"
	CodeSignatureDoesNotMatch = "SignatureDoesNotMatch"
	// CodeNotEntitled is R2's NotEntitled (HTTP 403, "Account not entitled
	// to this feature."), taken, as the REST API's code 10042, to be the
	// answer for a jurisdiction the account may not use.
	CodeNotEntitled = "NotEntitled"
)

// Kind is what a failed read comes to, for a diagnostic to say what to do.
type Kind int

const (
	// KindOther is any failure not classified below: no answer (a
	// timeout, a connection error), a 5xx or 429 past the retries, an
	// unexpected status, an error answer that is not S3's error XML.
	KindOther Kind = iota
	// KindCancelled is a read Terraform cancelled (Ctrl-C).
	KindCancelled
	// KindInvalidRequest is a read refused before any request: an unknown
	// jurisdiction, a name that is not an R2 bucket name.
	KindInvalidRequest
	// KindBucketNotFound is 404 NoSuchBucket: no such bucket in that
	// jurisdiction (a bucket created in eu is not at the default endpoint).
	KindBucketNotFound
	// KindAccessDenied is 403 AccessDenied: the credentials are valid but
	// may not read this bucket (a token without R2 access, another account).
	KindAccessDenied
	// KindInvalidAccessKey is 403 InvalidAccessKeyId: the access key id is
	// unknown (a deleted token, a typo).
	KindInvalidAccessKey
	// KindSignatureMismatch is 403 SignatureDoesNotMatch: the secret does
	// not belong to the access key id (a wrong secret, or one derived from
	// another token).
	KindSignatureMismatch
	// KindNotEntitled is 403 NotEntitled: a jurisdiction the account may
	// not use (assumed, as for the REST API's code 10042).
	KindNotEntitled
	// KindRefused is a 2xx answer the reader refused to read: over its
	// size bound, or XML the strict check refuses (ErrRefusedXML), or one
	// the S3 SDK could not read. A hostile or broken endpoint.
	KindRefused
)

var kindNames = [...]string{"other", "cancelled", "invalid request", "bucket not found", "access denied",
	"invalid access key", "signature mismatch", "not entitled", "refused answer"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error describes a read through the S3 API that did not give a usable
// answer, as r2api.Error does for the REST API: what a diagnostic needs,
// every piece of server text already escaped (r2api.Printable). It never
// holds a credential.
type Error struct {
	Kind Kind
	// StatusCode is the last HTTP status seen; 0 when no answer came.
	StatusCode int
	// Code and Message are S3's error code and message, when the answer
	// was S3's error XML.
	Code, Message string
	// Body is the start of the last body when it was not S3's XML (an HTML
	// page from the edge) or was refused, for the user to see.
	Body string
	// Attempts counts the requests sent, retries included.
	Attempts int
	// Reason says in words what went wrong when the status alone does not.
	Reason string
	// Permanent is set when no retry could mend the failure (r2api.Error).
	Permanent bool
	// Jurisdiction and Bucket name the read ("default" for the default
	// jurisdiction); Endpoint is the jurisdiction's S3 endpoint as
	// messages may show it (r2api.DisplayURL), and EndpointSource where
	// its template came from ("" for R2's own hosts).
	Jurisdiction, Bucket, Endpoint, EndpointSource string
	// CredentialsSource and CredentialsDerived say where the credentials
	// came from (Config), for a hint naming what to check.
	CredentialsSource  string
	CredentialsDerived bool
	// Err is the underlying error, if any (for errors.Is/As).
	Err error
}

func (e *Error) Error() string {
	var parts []string
	if e.StatusCode != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", e.StatusCode))
	}
	if e.Code != "" {
		s := "S3 error " + e.Code
		if e.Message != "" {
			s += ": " + e.Message
		}
		parts = append(parts, s)
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	if e.Body != "" {
		parts = append(parts, "body: "+e.Body)
	}
	out := strings.Join(parts, "; ")
	if e.Attempts > 1 {
		out += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return out
}

func (e *Error) Unwrap() error { return e.Err }

// IsAuth reports whether the failure is about credentials or permissions.
// NotEntitled is not: the credentials are fine, the jurisdiction is not
// the account's.
func (e *Error) IsAuth() bool {
	switch e.Kind {
	case KindAccessDenied, KindInvalidAccessKey, KindSignatureMismatch:
		return true
	case KindNotEntitled:
		return false
	}
	return e.StatusCode == 401 || e.StatusCode == 403
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// kindOf classifies an S3 error code.
func kindOf(code string) Kind {
	switch code {
	case CodeNoSuchBucket:
		return KindBucketNotFound
	case CodeAccessDenied:
		return KindAccessDenied
	case CodeInvalidAccessKeyID:
		return KindInvalidAccessKey
	case CodeSignatureDoesNotMatch:
		return KindSignatureMismatch
	case CodeNotEntitled:
		return KindNotEntitled
	}
	return KindOther
}
