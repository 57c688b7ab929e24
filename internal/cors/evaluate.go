package cors

import (
	"encoding/json"
	"strings"
)

// Semantics describes, in Markdown, how Evaluate decides; the provider's
// function docs embed it so users and code read the same rules.
const Semantics = `The evaluation models what R2 answers to a browser's CORS preflight
(` + "`OPTIONS`" + ` with ` + "`Origin`" + `, ` + "`Access-Control-Request-Method`" + ` and
` + "`Access-Control-Request-Headers`" + `), following S3's documented CORS rules:

- Rules are tried in order; the **first** rule whose origins, methods and
  headers all match wins. Later rules are not consulted, even if they would
  send different headers.
- **Origin**: matches when an entry of ` + "`allowed.origins`" + ` equals the request's
  origin, compared case-sensitively, byte for byte (browsers send origins in
  lowercase, without a default port). ` + "`*`" + ` matches any origin. An entry may
  hold one ` + "`*`" + ` anywhere, which matches any run of characters, dots included:
  ` + "`https://*.example.com`" + ` matches ` + "`https://a.example.com`" + ` and
  ` + "`https://a.b.example.com`" + `, but not ` + "`https://example.com`" + `. An entry with more
  than one ` + "`*`" + ` (which S3 rejects) matches nothing.
- **Method**: matches when ` + "`allowed.methods`" + ` contains the requested method
  exactly (uppercase: ` + "`GET`" + `, ` + "`PUT`" + `, ` + "`POST`" + `, ` + "`DELETE`" + `, ` + "`HEAD`" + `).
- **Headers**: every requested header must match an entry of ` + "`allowed.headers`" + `,
  compared case-insensitively. ` + "`*`" + ` matches any header; an entry may hold one
  ` + "`*`" + ` (e.g. ` + "`x-amz-*`" + `) that matches any run of characters. A rule without
  headers (null or empty) matches only requests that ask for no headers.
- A rule with null ` + "`allowed`" + ` matches nothing.

When a rule matches, the response headers are:

- ` + "`Access-Control-Allow-Origin`" + `: ` + "`*`" + ` if the matching origin entry is exactly
  ` + "`*`" + `, otherwise the request's origin.
- ` + "`Access-Control-Allow-Methods`" + `: the rule's methods, in order, joined by ` + "`, `" + `.
- ` + "`Access-Control-Allow-Headers`" + `: the requested headers, lowercased, in request
  order, joined by ` + "`, `" + `; not sent when no headers were requested.
- ` + "`Access-Control-Expose-Headers`" + `: the rule's expose headers joined by ` + "`, `" + `;
  not sent when the rule has none.
- ` + "`Access-Control-Max-Age`" + `: the rule's max age; not sent when it has none.

When no rule matches, the preflight fails and no CORS headers are sent.`

// Request is a browser's CORS preflight: the Origin header, the
// Access-Control-Request-Method header and the names listed in
// Access-Control-Request-Headers.
type Request struct {
	Origin  string
	Method  string
	Headers []string
}

// Result is what R2 would answer to a preflight. Empty strings and a nil
// MaxAge stand for headers that would not be sent.
type Result struct {
	// Allowed reports whether some rule matched.
	Allowed bool
	// RuleIndex is the index of the matching rule, or -1 when none matched.
	RuleIndex int
	// RuleID is the matching rule's id; nil when none matched or it has none.
	RuleID *string

	AllowOrigin   string
	AllowMethods  string
	AllowHeaders  string
	ExposeHeaders string
	MaxAge        *json.Number
}

// noMatch is the answer to a preflight no rule allows.
var noMatch = Result{RuleIndex: -1}

// Evaluate returns what R2 would answer to req under rules; see Semantics.
// It does not validate req (use ValidateOrigin, ValidateMethod and
// ValidateHeader first): input no browser could send simply fails to match,
// unless a `*` entry matches it. It never panics.
func Evaluate(rules []Rule, req Request) Result {
	for i := range rules {
		r := &rules[i]
		if r.Allowed == nil {
			continue
		}
		star, ok := matchOrigin(r.Allowed.Origins, req.Origin)
		if !ok || !contains(r.Allowed.Methods, req.Method) || !allHeadersMatch(r.Allowed.Headers, req.Headers) {
			continue
		}
		res := Result{
			Allowed:       true,
			RuleIndex:     i,
			RuleID:        r.ID,
			AllowOrigin:   req.Origin,
			AllowMethods:  strings.Join(r.Allowed.Methods, ", "),
			AllowHeaders:  lowerJoin(req.Headers),
			ExposeHeaders: strings.Join(r.ExposeHeaders, ", "),
			MaxAge:        r.MaxAgeSeconds,
		}
		if star {
			res.AllowOrigin = "*"
		}
		return res
	}
	return noMatch
}

// matchOrigin reports whether an entry matches origin and whether that entry
// is the bare `*` (which decides Access-Control-Allow-Origin). The first
// matching entry decides, as S3 reads them in order.
func matchOrigin(patterns []string, origin string) (star, ok bool) {
	for _, p := range patterns {
		if wildcardMatch(p, origin, false) {
			return p == "*", true
		}
	}
	return false, false
}

// lowerJoin joins header names with ", ", folding ASCII letters to lowercase.
func lowerJoin(names []string) string {
	if len(names) == 0 {
		return ""
	}
	n := 2 * (len(names) - 1)
	for _, s := range names {
		n += len(s)
	}
	b := make([]byte, 0, n)
	for i, s := range names {
		if i > 0 {
			b = append(b, ", "...)
		}
		for j := 0; j < len(s); j++ {
			b = append(b, lowerASCII(s[j]))
		}
	}
	return string(b)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func allHeadersMatch(patterns, headers []string) bool {
	for _, h := range headers {
		if !headerMatches(patterns, h) {
			return false
		}
	}
	return true
}

func headerMatches(patterns []string, h string) bool {
	for _, p := range patterns {
		if wildcardMatch(p, h, true) {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against a pattern holding at most one `*`, which
// stands for any run of characters (possibly empty). Patterns with more than
// one `*` are invalid in S3 and match nothing, so an invalid policy never
// looks more permissive than it is.
func wildcardMatch(pattern, s string, fold bool) bool {
	before, after, found := strings.Cut(pattern, "*")
	if !found {
		return equal(pattern, s, fold)
	}
	if strings.Contains(after, "*") {
		return false
	}
	if len(s) < len(before)+len(after) {
		return false
	}
	return equal(before, s[:len(before)], fold) && equal(after, s[len(s)-len(after):], fold)
}

func equal(a, b string, fold bool) bool {
	if !fold {
		return a == b
	}
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// lowerASCII folds only ASCII letters: HTTP header names are ASCII, and
// Unicode folding (e.g. the Kelvin sign to "k") would match names no server
// treats as equal.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
