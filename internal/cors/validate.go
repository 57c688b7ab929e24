package cors

import (
	"fmt"
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
