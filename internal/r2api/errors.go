package r2api

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
	CodeNoRoute     = 7000
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
	// Permanent is set when no retry could mend the failure: a refused
	// redirect, a TLS or certificate failure, nothing listening on a
	// loopback address, a bucket list past its bounds. Such a failure ends
	// the call at once.
	Permanent bool
	// BaseURL is the base URL the call used when it is not the default
	// (scheme, host and path only), and BaseURLSource where it came from,
	// for failures that a wrong base URL explains.
	BaseURL, BaseURLSource string
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

// printable escapes what could act on a terminal rather than be read: C0
// and C1 control characters (ESC sequences, OSC-8 hyperlinks, a newline
// that starts a forged "Error:" line), DEL, Unicode format characters (bidi
// overrides, zero-width marks), line and paragraph separators and bytes
// that are not UTF-8. Each becomes its Go escape (\x1b, \n, \u202e), so
// the text stays readable and shows that something odd was sent. Every
// piece of server text in an *Error goes through it.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if !safeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case safeRune(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRune(r)
			if q == "'"+string(r)+"'" { // QuoteRune keeps what it finds printable.
				q = fmt.Sprintf(`'\u%04x'`, r)
			}
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

func safeRune(r rune) bool {
	return r != utf8.RuneError && !unicode.IsControl(r) && !unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// printableMessages escapes the messages of the API's error entries.
func printableMessages(msgs []APIMessage) []APIMessage {
	for i := range msgs {
		msgs[i].Message = printable(msgs[i].Message)
	}
	return msgs
}
