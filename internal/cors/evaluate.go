package cors

import (
	_ "embed" // Semantics
	"encoding/json"
	"slices"
	"strings"
)

// Semantics describes, in Markdown, how Evaluate decides; the provider's
// function docs embed it so users and code read the same rules. Change it
// together with Evaluate.
//
// It lives in semantics.md so that it reads, and is edited, as Markdown.
var Semantics = strings.TrimSpace(semanticsMarkdown)

//go:embed semantics.md
var semanticsMarkdown string

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

	AllowOrigin  string
	AllowMethods string
	AllowHeaders string
	MaxAge       *json.Number

	// ResponseRuleIndex is the rule that answers the real request the
	// preflight lets through: the first whose origin and method match, as
	// request headers are checked only in the preflight. It may come before
	// RuleIndex; -1 when the preflight fails (no real request is sent).
	ResponseRuleIndex int
	// ResponseRuleID is that rule's id; nil when none or it has none.
	ResponseRuleID *string
	// ExposeHeaders is Access-Control-Expose-Headers on the real response,
	// from the response rule: browsers read it there, never on a preflight.
	ExposeHeaders string
}

// noMatch is the answer to a preflight no rule allows.
var noMatch = Result{RuleIndex: -1, ResponseRuleIndex: -1}

// Evaluate returns what R2 would answer to req under rules; see Semantics.
// It does not validate req (use ValidateOrigin, ValidateMethod and
// ValidateHeader first): input no browser could send simply fails to match,
// unless a `*` entry matches it. It never panics.
func Evaluate(rules []Rule, req Request) Result {
	response := -1
	for i := range rules {
		r := &rules[i]
		if r.Allowed == nil {
			continue
		}
		star, ok := matchOrigin(r.Allowed.Origins, req.Origin)
		if !ok || !slices.Contains(r.Allowed.Methods, req.Method) {
			continue
		}
		if response < 0 {
			response = i
		}
		if !allHeadersMatch(r.Allowed.Headers, req.Headers) {
			continue
		}
		res := Result{
			Allowed:           true,
			RuleIndex:         i,
			RuleID:            r.ID,
			AllowOrigin:       req.Origin,
			AllowMethods:      strings.Join(r.Allowed.Methods, ", "),
			AllowHeaders:      lowerJoin(req.Headers),
			MaxAge:            r.MaxAgeSeconds,
			ResponseRuleIndex: response,
			ResponseRuleID:    rules[response].ID,
			ExposeHeaders:     strings.Join(rules[response].ExposeHeaders, ", "),
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
