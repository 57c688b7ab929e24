package r2api

import "errors"

// What other packages that read R2 (internal/r2s3) share with this one, so
// that their errors and defences are this client's, not copies.

// Printable escapes server text for a message as every *Error does
// (printable): control and format characters become Go escapes.
func Printable(s string) string { return printable(s) }

// Snippet is the start of a body on one line, escaped, as *Error.Body
// shows one.
func Snippet(body []byte) string { return snippet(body) }

// FoldName is a name as the renamed-member check compares names (fold):
// lower case, without "_" and "-" and a plural "s".
func FoldName(name string) string { return fold(name) }

// LooksLikeRules says whether a name looks like a renamed list of rules, as
// the renamed-member check judges a member of result (looksLikeRules).
func LooksLikeRules(name string) bool { return looksLikeRules(name) }

// Silently wraps err for errors.Is without adding to the message, as the
// renamed-member check marks its errors with ErrRenamedMember.
func Silently(err error) error { return errSilently(err) }

// IsBodyTooLarge reports whether err is a body refused as it was read for
// being over its bound (a call's own, or MaxBodyBytes).
func IsBodyTooLarge(err error) bool {
	var be *bodyError
	return errors.As(err, &be) && be.tooLarge && !errors.Is(err, errSweepTooLarge)
}
