package r2api

import (
	"errors"
	"fmt"
	"strings"
)

// Cloudflare error codes the provider treats specially; the table is in
// internal/fakeapi/testdata/API.md.
const (
	CodeAuthentication     = 10000
	CodeInvalidToken       = 9109
	CodeBucketNotFound     = 10006
	CodeNoCORSPolicy       = 10059
	CodeAccountUnreachable = 7003
	// CodeNotEntitled is R2's "Account not entitled to this feature" (403),
	// which we take to be the answer for a jurisdiction the account may not
	// use, such as fedramp without a contract (testdata/API.md).
	CodeNotEntitled = 10042
)

// APIMessage is one entry of the envelope's "errors" array.
type APIMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Error describes a call that did not give a usable answer. It carries what a
// diagnostic needs: the HTTP status, every Cloudflare code and message, the
// start of a body that was not the API's envelope, and how many attempts were made.
type Error struct {
	// StatusCode is the last HTTP status seen; 0 when no answer came at all.
	StatusCode int
	// Errors are the envelope's error entries, in the API's order.
	Errors []APIMessage
	// Body is the start of the last body when it was not a v4 envelope (an
	// HTML error page from the edge, say), for the user to see.
	Body string
	// Attempts counts the requests sent for this call, retries included.
	Attempts int
	// Reason says in words what went wrong when the status alone does not
	// (a transport failure, a body that is not JSON, an exhausted budget).
	Reason string
	// Err is the underlying error, if any (kept for errors.Is/As).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	}
	for _, m := range e.Errors {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "code %d: %s", m.Code, m.Message)
	}
	if e.Reason != "" {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Reason)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, "; body: %s", e.Body)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// HasCode reports whether the API answered with the given Cloudflare error code.
func (e *Error) HasCode(code int) bool {
	for _, m := range e.Errors {
		if m.Code == code {
			return true
		}
	}
	return false
}

// IsAuth reports whether the failure is about credentials or permissions.
func (e *Error) IsAuth() bool {
	return e.StatusCode == 401 || e.StatusCode == 403 ||
		e.HasCode(CodeAuthentication) || e.HasCode(CodeInvalidToken)
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
