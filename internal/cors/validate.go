package cors

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

// originExample is shown in every origin error, so the fix is obvious.
const originExample = "https://app.example.com or http://localhost:3000"

// ValidateMethod checks that m is one of Methods, exactly: R2 compares methods
// case-sensitively, so "get" would never match a rule.
func ValidateMethod(m string) error {
	if contains(Methods, m) {
		return nil
	}
	if up := strings.ToUpper(m); contains(Methods, up) {
		return fmt.Errorf("method %q is not valid: methods are case-sensitive, use %q", m, up)
	}
	return fmt.Errorf("method %q is not valid: it must be one of %s", m, strings.Join(Methods, ", "))
}

// ValidateOrigin checks that o is an origin a browser could send in its Origin
// header: scheme://host[:port] with scheme http or https, no path, query,
// fragment or userinfo, lowercase, and no default port (browsers omit it).
// Matching is byte for byte, so anything else could never match a real
// request.
func ValidateOrigin(o string) error {
	if o == "" {
		return fmt.Errorf("origin is empty: it must be scheme://host[:port], e.g. %s", originExample)
	}
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok {
		return fmt.Errorf("origin %q has no scheme: it must be scheme://host[:port], e.g. %s", o, originExample)
	}
	switch {
	case scheme == "http" || scheme == "https":
	case strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https"):
		return fmt.Errorf("origin %q: the scheme must be lowercase, as browsers send it, e.g. %s://%s", o, strings.ToLower(scheme), rest)
	default:
		return fmt.Errorf("origin %q: scheme %q is not supported, use http or https, e.g. %s", o, scheme, originExample)
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		part := map[byte]string{'/': "a path", '?': "a query", '#': "a fragment"}[rest[i]]
		return fmt.Errorf("origin %q has %s (%q): an origin is only scheme://host[:port], e.g. %s://%s", o, part, rest[i:], scheme, rest[:i])
	}
	if strings.Contains(rest, "@") {
		return fmt.Errorf("origin %q has userinfo (user@): an origin is only scheme://host[:port], e.g. %s", o, originExample)
	}
	if lower := strings.ToLower(rest); lower != rest {
		return fmt.Errorf("origin %q: the host must be lowercase, as browsers send it, e.g. %s://%s", o, scheme, lower)
	}
	host, port, hasPort, err := splitHostPort(rest)
	if err != nil {
		return fmt.Errorf("origin %q: %w", o, err)
	}
	if err := validateHost(host); err != nil {
		return fmt.Errorf("origin %q: %w", o, err)
	}
	if hasPort {
		if err := validatePort(scheme, port); err != nil {
			return fmt.Errorf("origin %q: %w, e.g. %s://%s", o, err, scheme, host)
		}
	}
	return nil
}

// splitHostPort splits host[:port], where host may be a bracketed IPv6
// literal.
func splitHostPort(s string) (host, port string, hasPort bool, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false, fmt.Errorf("the IPv6 address has no closing bracket, e.g. http://[::1]:8080")
		}
		host, rest := s[:end+1], s[end+1:]
		if rest == "" {
			return host, "", false, nil
		}
		if rest[0] != ':' {
			return "", "", false, fmt.Errorf("unexpected %q after the IPv6 address, e.g. http://[::1]:8080", rest)
		}
		return host, rest[1:], true, nil
	}
	if strings.Count(s, ":") > 1 {
		return "", "", false, fmt.Errorf("an IPv6 address must be in brackets, e.g. http://[::1]:8080")
	}
	host, port, hasPort = strings.Cut(s, ":")
	return host, port, hasPort, nil
}

func validateHost(h string) error {
	if h == "" {
		return fmt.Errorf("the host is empty, e.g. %s", originExample)
	}
	if strings.HasPrefix(h, "[") {
		if len(h) < 2 || !strings.HasSuffix(h, "]") {
			return fmt.Errorf("%s is not a valid IPv6 address, e.g. http://[::1]:8080", h)
		}
		a, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Errorf("%s is not a valid IPv6 address (without a zone), e.g. http://[::1]:8080", h)
		}
		if strings.ToLower(h) != h {
			return fmt.Errorf("the host must be lowercase, as browsers send it, e.g. %s", strings.ToLower(h))
		}
		return nil // IPv6 literal.
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_':
		case 'A' <= c && c <= 'Z':
			return fmt.Errorf("the host must be lowercase, as browsers send it, e.g. %s", strings.ToLower(h))
		default:
			return fmt.Errorf("the host %q has the invalid character %q: use letters, digits, '-', '.' and punycode for international names, e.g. xn--bcher-kva.example", h, h[i:i+1])
		}
	}
	return nil
}

// validatePort accepts 1-65535 without leading zeros or the scheme's default
// port, which browsers leave out of the Origin header.
func validatePort(scheme, p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || p[0] < '1' || p[0] > '9' || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not valid: it must be a number from 1 to 65535 without leading zeros", p)
	}
	if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
		return fmt.Errorf("port %d is the default for %s and browsers leave it out: write the origin without it", n, scheme)
	}
	return nil
}

// ValidateHeader checks that name is an HTTP field name (an RFC 9110 token),
// as a browser lists it in Access-Control-Request-Headers.
func ValidateHeader(name string) error {
	if name == "" {
		return fmt.Errorf("header name is empty")
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return fmt.Errorf("header name %q has the invalid character %q: names are letters, digits and !#$%%&'*+-.^_`|~ only, e.g. content-type", name, name[i:i+1])
		}
	}
	return nil
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// The max ages this provider accepts from the API. The schema documents 0
// to 86400 seconds; the bounds leave room around that (about 31 years, a
// nanosecond) while keeping every accepted number cheap to carry: a number
// such as 1e-200000 parses in microseconds, but Terraform's wire encoding
// prints it digit by digit, in time quadratic in the exponent (minutes of
// CPU for one answer). The text bound keeps parsing itself linear and small.
const (
	maxAgeMaxChars = 64
	maxAgePrec     = 64 // Bits; enough to compare with the bounds.
	maxAgeRange    = "0 to 1e9 seconds, and no positive value below 1e-9"
)

var maxAgeMin, maxAgeMax = mustParseMaxAge("1e-9"), mustParseMaxAge("1e9")

// mustParseMaxAge parses a bound as ValidateMaxAge parses the API's numbers,
// so that "0.000000001" compares equal to the bound 1e-9.
func mustParseMaxAge(s string) *big.Float {
	f, _, err := big.ParseFloat(s, 10, maxAgePrec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return f
}

// ValidateMaxAge checks a rule's maxAgeSeconds as the API sent it: at most
// 64 characters, and 0 or a value from 1e-9 to 1e9.
func ValidateMaxAge(n json.Number) error {
	s := string(n)
	if len(s) > maxAgeMaxChars {
		return fmt.Errorf("maxAgeSeconds is written in %d characters, more than the %d this provider accepts "+
			"(%s; the API documents at most 86400)", len(s), maxAgeMaxChars, maxAgeRange)
	}
	f, _, err := big.ParseFloat(s, 10, maxAgePrec, big.ToNearestEven)
	if err != nil {
		return fmt.Errorf("maxAgeSeconds %s is not a number this provider can read: %v (it accepts %s)", s, err, maxAgeRange)
	}
	if f.Sign() < 0 || f.Sign() > 0 && (f.Cmp(maxAgeMin) < 0 || f.Cmp(maxAgeMax) > 0) {
		return fmt.Errorf("maxAgeSeconds %s is outside the range this provider accepts: %s "+
			"(the API documents at most 86400)", s, maxAgeRange)
	}
	return nil
}
