package cors

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// originExample is shown in every origin error, so the fix is obvious.
const originExample = "https://app.example.com or http://localhost:3000"

// ValidateRequestMethod checks a method a browser could ask for in a
// preflight (Access-Control-Request-Method): any HTTP method token, as the
// question "would R2 allow PATCH?" has an answer (no). The five methods
// browsers normalise must be uppercase, as browsers send them; the methods
// fetch forbids (CONNECT, TRACE, TRACK) are never sent.
func ValidateRequestMethod(m string) error {
	if m == "" {
		return fmt.Errorf("method is empty: it must be one of %s (or another method, which R2 refuses)", strings.Join(Methods, ", "))
	}
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return fmt.Errorf("method %q has the invalid character %q: a method is a token such as GET or PATCH", m, m[i:i+1])
		}
	}
	up := strings.ToUpper(m)
	switch {
	case up != m && (slices.Contains(Methods, up) || up == "OPTIONS"):
		return fmt.Errorf("method %q is not what a browser sends: browsers send it in uppercase, use %q", m, up)
	case up == "CONNECT" || up == "TRACE" || up == "TRACK":
		return fmt.Errorf("method %q is never sent by a browser (fetch forbids it): ask about %s", m, strings.Join(Methods, ", "))
	}
	return nil
}

// ValidateRequestOrigin checks an Origin header a browser could send: an
// origin (ValidateOrigin) or the opaque origin "null", which sandboxed
// iframes, data: URLs and local files send.
func ValidateRequestOrigin(o string) error {
	if o == "null" {
		return nil
	}
	return ValidateOrigin(o)
}

// ValidateMethod checks that m is one of Methods, exactly: R2 compares methods
// case-sensitively, so "get" would never match a rule.
func ValidateMethod(m string) error {
	if slices.Contains(Methods, m) {
		return nil
	}
	if up := strings.ToUpper(m); slices.Contains(Methods, up) {
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
	if canonical, err := canonicalIP(host); err != nil {
		return fmt.Errorf("origin %q: %w, e.g. %s", o, err, originExample)
	} else if canonical != host {
		return fmt.Errorf("origin %q: browsers write this address as %s, so they send %s://%s%s: use that", o, canonical, scheme, canonical, rest[len(host):])
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
	// One trailing dot is a fully qualified name, which browsers keep; an
	// empty label anywhere else names no host.
	if strings.HasPrefix(h, ".") || strings.Contains(h, "..") {
		return fmt.Errorf("the host %q has an empty label (a leading dot or two dots in a row), so no site has it, e.g. %s", h, originExample)
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
	maxAgeRange    = "0 to 1e9 seconds, and no positive value below 1e-9"
)

var maxAgeMin, maxAgeMax = mustParseMaxAge("1e-9"), mustParseMaxAge("1e9")

// mustParseMaxAge parses a bound as ValidateMaxAge parses the API's numbers,
// so that "0.000000001" compares equal to the bound 1e-9.
func mustParseMaxAge(s string) *big.Float {
	f, err := ParseNumber(s)
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
	f, err := ParseNumber(s)
	if err != nil {
		return fmt.Errorf("maxAgeSeconds %s is not a number this provider can read: %v (it accepts %s)", s, err, maxAgeRange)
	}
	if f.Sign() < 0 || f.Sign() > 0 && (f.Cmp(maxAgeMin) < 0 || f.Cmp(maxAgeMax) > 0) {
		return fmt.Errorf("maxAgeSeconds %s is outside the range this provider accepts: %s "+
			"(the API documents at most 86400)", s, maxAgeRange)
	}
	return nil
}

// canonicalIP returns the form in which a browser serialises host when it is
// an IP address (the WHATWG URL standard), host itself when it is a name,
// and an error when no browser accepts it: a host whose last label is a
// number is parsed as IPv4 (127.1 is 127.0.0.1), and an IPv6 literal is
// written with the longest run of zeros compressed and no embedded IPv4.
func canonicalIP(host string) (string, error) {
	if strings.HasPrefix(host, "[") {
		a, err := netip.ParseAddr(host[1 : len(host)-1])
		if err != nil {
			return "", err
		}
		return "[" + ipv6String(a) + "]", nil
	}
	if !endsInNumber(host) {
		return host, nil
	}
	a, ok := parseWHATWGIPv4(host)
	if !ok {
		return "", fmt.Errorf("the host %q ends in a number but is not an IPv4 address, so no browser accepts it", host)
	}
	return a.String(), nil
}

// endsInNumber is the URL standard's test: the last label (ignoring one
// trailing dot) is decimal digits or 0x followed by hex digits.
func endsInNumber(host string) bool {
	host = strings.TrimSuffix(host, ".")
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if strings.Trim(last, "0123456789") == "" {
		return true
	}
	if len(last) >= 2 && (last[:2] == "0x" || last[:2] == "0X") {
		return strings.Trim(last[2:], "0123456789abcdefABCDEF") == ""
	}
	return false
}

// parseWHATWGIPv4 parses host as the URL standard's IPv4 parser does: one to
// four parts, each decimal, octal (leading 0) or hex (0x); the last part
// fills the remaining bytes.
func parseWHATWGIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case p == "":
			return netip.Addr{}, false
		case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
		case len(p) >= 2 && p[0] == '0':
			base, p = 8, p[1:]
		}
		if p == "" {
			nums[i] = 0
			continue
		}
		if len(p) > 12 { // Beyond 2^32 in any base: not an address.
			return netip.Addr{}, false
		}
		n, err := strconv.ParseUint(p, base, 64)
		if err != nil {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	last := len(nums) - 1
	for _, n := range nums[:last] {
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	if nums[last] >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := nums[last]
	for i, n := range nums[:last] {
		v += n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// ipv6String writes an IPv6 address as browsers serialise it: lowercase hex
// pieces without leading zeros, the first longest run of two or more zero
// pieces as "::", never an embedded IPv4 part (net/netip writes
// ::ffff:1.2.3.4 where browsers write ::ffff:102:304).
func ipv6String(a netip.Addr) string {
	b := a.As16()
	var pieces [8]string
	start, length := -1, 1
	for i := 0; i < 8; i++ {
		v := uint16(b[2*i])<<8 | uint16(b[2*i+1])
		pieces[i] = strconv.FormatUint(uint64(v), 16)
		if v != 0 {
			continue
		}
		j := i
		for j < 8 && b[2*j] == 0 && b[2*j+1] == 0 {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
	}
	if start < 0 {
		return strings.Join(pieces[:], ":")
	}
	return strings.Join(pieces[:start], ":") + "::" + strings.Join(pieces[start+length:], ":")
}

// ParseNumber reads a number as the API writes it (JSON) exactly, at the
// precision Terraform uses: the one parser of max ages, so "3600" and
// "3.6e3" compare equal everywhere.
func ParseNumber(s string) (*big.Float, error) {
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	return f, err
}
