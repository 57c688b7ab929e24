package cors

import (
	"fmt"
	"net/netip"
	"strings"
)

// What an origin entry lets in. Each question is answered by building an
// origin the entry matches and checking it as a browser and the DNS would
// (ValidateOrigin, registrableLabel), so an answer always comes with an
// example, and a wrong guess about a pattern's shape cannot make it look
// safer than the origin it admits.

// hostWildcard is an origin entry whose one `*` stands in the host:
// scheme://head*tail[port].
type hostWildcard struct {
	entry   string
	schemes []string // the schemes the entry admits, https first
	head    string   // the host's text before the `*`
	tail    string   // the host's text after it, without a final dot
	dot     string   // "." when the host ends in one (a fully qualified name)
	port    string   // what follows the host: ":8443", or ""
}

// splitHostWildcard splits an entry whose `*` can stand in the host; ok is
// false when its host is fixed (a `*` in the scheme, port or path) or the
// entry matches nothing (more than one `*`, a scheme no browser sends).
// An entry without a scheme (*.example.com) admits both http and https.
func splitHostWildcard(entry string) (hw hostWildcard, ok bool) {
	before, after, found := strings.Cut(entry, "*")
	if !found || strings.Contains(after, "*") {
		return hw, false
	}
	hw.entry = entry
	if scheme, head, hasScheme := strings.Cut(before, "://"); hasScheme {
		if (scheme != "http" && scheme != "https") || strings.ContainsAny(head, ":/[") {
			return hw, false
		}
		hw.schemes, hw.head = []string{scheme}, head
	} else {
		if strings.Contains(after, "://") {
			return hw, false // The `*` is in the scheme.
		}
		for _, s := range []string{"https", "http"} {
			if strings.HasPrefix(s+"://", before) {
				hw.schemes = append(hw.schemes, s)
			}
		}
	}
	hw.tail = after
	if i := strings.IndexAny(after, ":/"); i >= 0 {
		hw.tail, hw.port = after[:i], after[i:]
	}
	if t, ok := strings.CutSuffix(hw.tail, "."); ok {
		hw.tail, hw.dot = t, "." // https://*.com. matches https://attacker.com.
	}
	return hw, len(hw.schemes) > 0
}

// originFor returns the first origin built from the hosts that the entry
// matches, a browser can send and keep says yes to.
func (hw hostWildcard) originFor(hosts []string, keep func(host string) bool) (string, bool) {
	for _, scheme := range hw.schemes {
		if ValidateOrigin(scheme+"://x.example"+hw.port) != nil {
			continue // The port (or what stands there) fails whatever the host.
		}
		for _, h := range hosts {
			o := scheme + "://" + h + hw.port
			// A filler may reach into the port (https://*3 matches
			// https://attacker.com:8443), so the host is read back.
			if _, host := originHost(o); wildcardMatch(hw.entry, o, false) && ValidateOrigin(o) == nil && keep(host) {
				return o, true
			}
		}
	}
	return "", false
}

// hostWith returns the host head + filler + tail, with a dot after a head
// that does not end in one, so filler starts a label of its own.
func (hw hostWildcard) hostWith(filler string) string {
	if hw.head != "" && !strings.HasSuffix(hw.head, ".") {
		return hw.head + "." + filler + hw.tail + hw.dot
	}
	return hw.head + filler + hw.tail + hw.dot
}

// maxSuffixTries bounds the public suffixes tried per entry; the first that
// fits nearly always works, and the bound keeps a hostile entry cheap.
const maxSuffixTries = 64

// strangerOrigin returns an origin that entry matches and a stranger could
// serve: a name anyone may register (strangerNameOrigin) or, failing that,
// an address anyone may rent (strangerAddressOrigin).
func strangerOrigin(entry string) (string, bool) {
	if o, ok := strangerNameOrigin(entry); ok {
		return o, true
	}
	return strangerAddressOrigin(entry)
}

// strangerNameOrigin returns an origin that entry matches whose host is a
// name whose registrable label (strangerToken's) anyone may register or
// create. The `*` may cover labels above any public suffix
// (https://*.amazonaws.com covers s3.amazonaws.com, a suffix of the list),
// part of a label (https://*example.com, https://*com), or a whole label
// under a wildcard rule of the list (*.ck) or an open suffix (nip.io).
func strangerNameOrigin(entry string) (string, bool) {
	hw, ok := splitHostWildcard(entry)
	if !ok {
		return "", false
	}
	idx := suffixes()
	var fillers []string
	// under returns a filler that, followed by tail, puts the stranger's
	// label directly above s (or, for a wildcard suffix, above a child of
	// s): r2-review.s3 for .amazonaws.com.
	under := func(s suffix, tail string) string {
		full := strangerToken + "." + s.name
		if s.wildcard {
			full = strangerToken + ".zz." + s.name
		}
		return strings.TrimSuffix(full, tail)
	}
	switch t := hw.tail; {
	case t == "":
		fillers = append(fillers, strangerToken+".com")
	case hw.port == "" && strings.Trim(t, "0123456789") == "":
		// Digits may end a port as well as a name (https://*3).
		fillers = append(fillers, strangerToken+".com:", strangerToken+".com:1")
		for _, s := range idx.tlds {
			if strings.HasSuffix(s.name, t) {
				fillers = append(fillers, under(s, t))
			}
		}
	case t[0] == '.':
		// Whole labels above t: any suffix at or below t will do.
		for _, s := range idx.suffixesBelow(t[1:]) {
			fillers = append(fillers, under(s, t))
			if len(fillers) == maxSuffixTries {
				break
			}
		}
	default:
		// The `*` ends inside a label: part ends it, rest follows.
		part, rest, _ := strings.Cut(t, ".")
		if rest == "" {
			// The top-level domain ends with part (https://*com).
			for _, s := range idx.tlds {
				if strings.HasSuffix(s.name, part) && len(fillers) < maxSuffixTries {
					fillers = append(fillers, under(s, t))
				}
			}
			break
		}
		// The label above rest ends with part: the stranger's own label
		// when rest is a suffix (https://*example.com), else a suffix's
		// (https://*3.amazonaws.com covers s3.amazonaws.com).
		for _, s := range idx.suffixesBelow(rest) {
			switch {
			case s.name == rest && s.wildcard:
				fillers = append(fillers, strangerToken+".zz")
			case s.name == rest:
				fillers = append(fillers, strangerToken)
			case strings.HasSuffix(s.name, t):
				fillers = append(fillers, under(s, t))
			}
			if len(fillers) == maxSuffixTries {
				break
			}
		}
	}
	hosts := make([]string, len(fillers))
	for i, f := range fillers {
		hosts[i] = hw.hostWith(f)
	}
	return hw.originFor(hosts, strangerCanServe)
}

// An address anyone can rent from a cloud: a /64 of AWS's us-east-1, whose
// interface part (the last 64 bits) its renter picks, and a /24, whose last
// number renting again gets. An entry whose `*` stands where the address
// starts (https://[*], https://[*:1], http://*.7) admits one of them,
// completed by the entry's own tail; one that fixes where it starts
// (https://[2001:db8:*]) names a network of the policy's own, and an IPv4
// tail of more than one number (http://*.0.0.1) is not the renter's pick.
const (
	strangerNetwork6 = "2600:1f18:1:2"
	strangerNetwork4 = "3.80.0"
)

// strangerIPv6 are the starts of addresses in strangerNetwork6 that an
// entry's tail may complete: the network, then up to three groups of the
// interface part, then nothing, ":", "::" or "::1" (with or without a
// ":" after).
var strangerIPv6 = func() []string {
	var out []string
	for _, groups := range []string{"", ":9", ":9:9", ":9:9:9"} {
		for _, end := range []string{"", ":", "::", "::1", "::1:"} {
			out = append(out, strangerNetwork6+groups+end)
		}
	}
	return out
}()

var strangerIPv4 = []string{strangerNetwork4 + ".7", strangerNetwork4 + ".", strangerNetwork4}

// strangerAddressOrigin returns an origin that entry matches whose host is
// an address a stranger could rent (strangerIPv6, strangerIPv4), so that
// anyone can serve a page there (browsers send such origins, and IP
// certificates exist for https).
func strangerAddressOrigin(entry string) (string, bool) {
	before, after, found := strings.Cut(entry, "*")
	if !found || strings.Contains(after, "*") {
		return "", false
	}
	// The `*` must stand where the address starts: right after the scheme
	// (and the bracket), or in or before the scheme.
	if _, head, hasScheme := strings.Cut(before, "://"); hasScheme && head != "" && head != "[" {
		return "", false
	}
	// The tail the entry fixes: the rest of the address, then a port.
	inner6, port6, closed := strings.Cut(after, "]")
	if closed {
		port6 = "]" + port6
	}
	inner4, port4 := after, ""
	if i := strings.IndexAny(after, ":/"); i >= 0 {
		inner4, port4 = after[:i], after[i:]
	}
	// Only a tail that can end an address is worth the candidates (most
	// wildcards, https://*.example.com, end a name).
	var hosts []string
	if closed && strings.Trim(inner6, "0123456789abcdefABCDEF:") == "" || !closed && after == "" {
		for _, p := range strangerIPv6 {
			if closed {
				hosts = append(hosts, "["+p+inner6+port6)
			} else {
				hosts = append(hosts, "["+p+"]") // The `*` covers the bracket too.
			}
		}
	}
	if strings.Trim(inner4, "0123456789.") == "" {
		for _, p := range strangerIPv4 {
			hosts = append(hosts, p+inner4+port4)
		}
	}
	for _, scheme := range []string{"https", "http"} {
		for _, h := range hosts {
			// The host read back must be an address: 3.80.0.7 + .example.com
			// is a name, the entry's owner's.
			if o := scheme + "://" + h; wildcardMatch(entry, o, false) && ValidateOrigin(o) == nil && isAddress(o) {
				return o, true
			}
		}
	}
	return "", false
}

// isAddress reports whether an origin's host is an IP address.
func isAddress(origin string) bool {
	_, host := originHost(origin)
	return isAddressHost(host)
}

// isAddressHost is the URL standard's test of whether a host is an IP
// address: an IPv6 literal, or a last label that is a number.
func isAddressHost(host string) bool {
	return strings.HasPrefix(host, "[") || endsInNumber(host)
}

// internalOrigin returns an origin that entry matches whose name no public
// registry hands out (https://*.internal, https://*.home.arpa): any host on
// the visitor's network could serve it.
func internalOrigin(entry string) (string, bool) {
	hw, ok := splitHostWildcard(entry)
	if !ok {
		return "", false
	}
	var host string
	switch part, rest, _ := strings.Cut(hw.tail, "."); {
	case hw.tail == "":
		host = hw.hostWith(strangerToken + ".internal")
	case part != "" && rest == "": // The top-level domain ends with part.
		host = hw.hostWith(strangerToken + ".")
	default:
		host = hw.hostWith(strangerToken)
	}
	return hw.originFor([]string{host}, func(h string) bool {
		_, reach := registrableLabel(h)
		return reach == reachInternal
	})
}

// plainHTTPOrigin returns a plain-http origin, not loopback, that an entry
// whose scheme is a wildcard or missing matches (*.example.com,
// http*://app.example.com, *://app.example.com). Entries that spell out
// http:// are reported as such.
func plainHTTPOrigin(entry string) (string, bool) {
	const want = "http://"
	before, after, found := strings.Cut(entry, "*")
	if !found || strings.Contains(after, "*") || len(before) >= len(want) || !strings.HasPrefix(want, before) {
		return "", false
	}
	rest := want[len(before):]
	var candidates []string
	for k := 0; k <= len(rest); k++ {
		if strings.HasPrefix(after, rest[k:]) {
			candidates = append(candidates, before+rest[:k]+after)
		}
	}
	for _, filler := range []string{"x", "x.", strangerToken + ".com"} {
		candidates = append(candidates, want+filler+after)
	}
	for _, o := range candidates {
		_, host := originHost(o)
		if wildcardMatch(entry, o, false) && ValidateOrigin(o) == nil && !isLoopback(host) {
			return o, true
		}
	}
	return "", false
}

// httpsEntry is entry with its scheme part written as https://, the fix
// for an entry that also admits http.
func httpsEntry(entry string) string {
	if _, rest, ok := strings.Cut(entry, "://"); ok {
		return "https://" + rest
	}
	return "https://" + entry
}

// originNeverMatches says why an origin entry can never match a browser's
// origin (or would be rejected by R2), or "" when it can match.
func originNeverMatches(o string) string {
	switch n := strings.Count(o, "*"); {
	case n > 1:
		return "has more than one `*`: R2 allows one wildcard per origin (S3 rejects more), and matches nothing with it"
	case n == 1 && wildcardPort(o):
		return "wildcards the port: R2 rejects that (400 MalformedXML); list each port, e.g. http://localhost:3000"
	}
	var first string
	// Fillers for a `*` in the host, in a scheme (*://, http*://), before
	// a scheme, before the digits of an address (https://*0.0.1), or in an
	// IPv6 address (https://[*], https://[fd00:*], https://*]).
	for _, filler := range []string{"x", "https://x", "s", "https", "http", "1", "1.1", "1.1.1", "https://1.1", ":1", "::1", "::1]", "[::1", "[::1]", "https://[::1"} {
		filled := strings.Replace(o, "*", filler, 1)
		err := ValidateOrigin(filled)
		if err == nil {
			return ""
		}
		if first == "" {
			// "origin "https://a/" has a path ..." reads "has a path ...".
			first = strings.TrimPrefix(strings.TrimPrefix(err.Error(), fmt.Sprintf("origin %q", filled)), ":")
			first = strings.TrimSpace(first)
		}
	}
	return "no browser's Origin header can match (" + first + ")"
}

// wildcardPort reports whether an origin entry's `*` is in its port
// (http://localhost:*, http://[::1]:8*).
func wildcardPort(o string) bool {
	_, authority, ok := strings.Cut(o, "://")
	if !ok {
		return false
	}
	if end := strings.LastIndexByte(authority, ']'); end >= 0 {
		authority = authority[end+1:] // After an IPv6 literal, only a port.
	}
	_, port, hasPort := strings.Cut(authority, ":")
	return hasPort && strings.Contains(port, "*")
}

// originHost splits an origin entry into its scheme and host (without port).
func originHost(o string) (scheme, host string) {
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok {
		return "", ""
	}
	host = rest
	if strings.HasPrefix(host, "[") {
		if end := strings.IndexByte(host, ']'); end >= 0 {
			return scheme, host[:end+1]
		}
	}
	if i := strings.IndexAny(host, ":/"); i >= 0 {
		host = host[:i]
	}
	return scheme, host
}

// sharedWildcard reports whether a host pattern's wildcard covers a label
// directly under a shared-hosting domain, and which.
func sharedWildcard(host string) (string, bool) {
	_, after, found := strings.Cut(host, "*")
	if !found {
		return "", false
	}
	owned := strings.TrimPrefix(after, ".")
	if !strings.HasPrefix(after, ".") {
		_, owned, _ = strings.Cut(after, ".")
	}
	return owned, sharedHosting(owned)
}

// isLoopback reports whether a host is the visitor's own machine: localhost,
// a name under it, or a loopback address.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}
