package cors

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	wepposPSL "github.com/weppos/publicsuffix-go/publicsuffix"
	"golang.org/x/net/publicsuffix"
)

// Policies a review once passed although a stranger's site could write, and
// the false alarms that teach people to ignore it: each case failed before
// the fix it names.
func TestFindingsTrust(t *testing.T) {
	put, get := strs("PUT"), strs("GET")
	cases := []struct {
		name    string
		rule    Rule
		want    []string // codes on rule 0, each "code" or "code:severity"
		notWant []string
	}{
		{"a tail without a dot", rule(put, strs("https://*com"), nil), strs("any-origin-write"), nil},
		{"a tail inside the top-level domain", rule(put, strs("https://*om"), nil), strs("any-origin-write"), nil},
		{"above a public suffix below the tail", rule(put, strs("https://*.amazonaws.com"), nil), strs("any-origin-write"), nil},
		{"a label ending above a public suffix", rule(put, strs("https://*3.amazonaws.com"), nil), strs("any-origin-write"), nil},
		{"the list's wildcard entries", rule(put, strs("https://*.ck"), nil), strs("any-origin-write"), nil},
		{"the list's exception entries", rule(put, strs("https://*ww.ck"), nil), strs("any-origin-write"), nil},
		{"a wildcard DNS service", rule(put, strs("https://*.nip.io"), nil), strs("any-origin-write"), nil},
		{"a wildcard DNS service, the label in the middle", rule(put, strs("https://app.*.sslip.io"), nil), strs("any-origin-write"), nil},
		{"onion names", rule(put, strs("https://*.onion"), nil), strs("any-origin-write"), nil},
		{"a scheme-less wildcard over a suffix", rule(put, strs("*.co.uk"), nil), strs("any-origin-write"), nil},
		// Found by an adversarial review.
		{"a fully qualified name", rule(put, strs("https://*.com."), nil), strs("any-origin-write"), nil},
		{"a fully qualified name, the label's end", rule(put, strs("https://*com."), nil), strs("any-origin-write"), nil},
		{"a wildcard that reaches into the port", rule(put, strs("https://*3"), nil), strs("any-origin-write"), nil},
		{"a child of a wildcard entry", rule(put, strs("https://*.zz.ck"), nil), strs("any-origin-write"), nil},
		{"a label's end under a child of a wildcard entry", rule(put, strs("https://*x.zz.ck"), nil), strs("any-origin-write"), nil},
		{"a deeper wildcard entry", rule(put, strs("https://*.foo.kawasaki.jp"), nil), strs("any-origin-write"), nil},
		{"a top-level domain named only as a parent", rule(put, strs("https://*x.za"), nil), strs("any-origin-write"), nil},
		{"an exception to a wildcard entry", rule(put, strs("https://*.www.ck"), nil), nil, strs("any-origin-write")},
		// Addresses: a `*` over the network part admits an address anyone
		// can rent; it was "never matches" (low), so fail_on = high passed.
		{"every IPv6 address", rule(put, strs("https://[*"), nil), strs("any-origin-write"), strs("origin-never-matches")},
		{"every IPv6 address, bracketed", rule(put, strs("https://[*]"), nil), strs("any-origin-write"), nil},
		{"every IPv6 address, the bracket in the wildcard", rule(put, strs("https://*]"), nil), strs("any-origin-write"), strs("origin-never-matches")},
		{"every IPv6 address with a port", rule(put, strs("http://[*]:8080"), nil), strs("any-origin-write"), nil},
		{"an interface part anyone can choose", rule(put, strs("https://[*:1]"), nil), strs("any-origin-write"), nil},
		{"three groups of an interface part", rule(put, strs("https://[*:1:2:3]:8443"), nil), strs("any-origin-write"), nil},
		{"three groups and part of a fourth", rule(put, strs("https://[*b:c:d]"), nil), strs("any-origin-write"), nil},
		{"a fixed /64", rule(put, strs("https://[2600:1f18:1:2::*]"), nil), nil, strs("any-origin-write", "origin-never-matches")},
		{"every IPv6 address, no scheme", rule(put, strs("*]"), nil), strs("any-origin-write"), strs("origin-never-matches")},
		{"an IPv4 address's last number", rule(put, strs("http://*.7"), nil), strs("any-origin-write"), nil},
		{"a network of one's own", rule(put, strs("https://[2001:db8:*]"), nil), nil, strs("any-origin-write", "origin-never-matches")},
		{"a private network", rule(put, strs("https://[fd00:*]"), nil), nil, strs("any-origin-write", "origin-never-matches")},
		// Shared hosting is the list's private section, not a hand list.
		{"a private-section suffix is shared hosting", rule(get, strs("https://*.s3.amazonaws.com"), nil), strs("shared-hosting-origin", "any-origin"), nil},
		{"a wildcard DNS service is shared hosting", rule(get, strs("https://*.nip.io"), nil), strs("shared-hosting-origin"), nil},
		{"a public suffix of the ICANN section is not shared hosting", rule(get, strs("https://*.co.uk"), nil), strs("any-origin"), strs("shared-hosting-origin")},
		{"a port after an open wildcard", rule(get, strs("https://*.com:8443"), nil), strs("any-origin"), strs("any-origin-write")},
		// False alarms.
		{"a host ending in an IP address", rule(put, strs("https://*.10.0.0.1"), nil), strs("origin-never-matches"), strs("any-origin-write", "internal-origin")},
		{"digits before an address still match one", rule(get, strs("https://*0.0.1"), nil), nil, strs("origin-never-matches", "any-origin")},
		{"internal names with a write", rule(put, strs("https://*.corp.internal"), nil), strs("internal-origin:medium"), strs("any-origin-write")},
		{"internal names without", rule(get, strs("https://*.internal"), nil), strs("internal-origin:low"), strs("any-origin")},
		{"test names", rule(put, strs("https://*.test"), nil), strs("internal-origin:medium"), strs("any-origin-write")},
		{"home.arpa, a listed suffix nobody registers under", rule(put, strs("https://*.home.arpa"), nil), strs("internal-origin:medium"), strs("any-origin-write")},
		{"a domain of one's own", rule(put, strs("https://*.example.com"), nil), nil, strs("any-origin-write", "internal-origin", "insecure-origin")},
		{"a domain of one's own under a suffix's parent", rule(put, strs("https://*.example.amazonaws.com"), nil), nil, strs("any-origin-write")},
		// A scheme that is a wildcard or missing admits http.
		{"no scheme", rule(get, strs("*.example.com"), nil), strs("insecure-origin"), strs("origin-never-matches")},
		{"a wildcard in the scheme", rule(get, strs("http*://app.example.com"), nil), strs("insecure-origin"), strs("origin-never-matches")},
		{"a wildcard scheme", rule(get, strs("*://app.example.com"), nil), strs("insecure-origin"), strs("origin-never-matches")},
		{"https spelt out", rule(get, strs("https://*.example.com"), nil), nil, strs("insecure-origin")},
		{"http to loopback", rule(get, strs("*://localhost:3000"), nil), strs("loopback-origin"), strs("insecure-origin")},
		{"an address browsers write otherwise", rule(get, strs("http://127.1"), nil), strs("origin-never-matches"), strs("loopback-origin")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			found := Findings([]Rule{tc.rule})
			got := map[string]Severity{}
			for _, f := range found {
				if f.RuleIndex == 0 {
					got[f.Code] = f.Severity
				}
			}
			for _, w := range tc.want {
				code, severity, _ := strings.Cut(w, ":")
				s, ok := got[code]
				if !ok || severity != "" && string(s) != severity {
					t.Errorf("want %s; got %v", w, got)
				}
			}
			for _, n := range tc.notWant {
				if _, ok := got[n]; ok {
					t.Errorf("unwanted %s; findings:\n%v", n, messages(found))
				}
			}
		})
	}
}

func messages(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}

// The invariant, not examples: whenever the policy lets an origin that a
// stranger could serve make a request, the findings report any-origin (or
// any-origin-write for a write). Attacker origins are derived here
// independently of the findings code: built from each entry's text around
// its `*` with fillers that hold a label nobody's policy names ("zqx"), and
// kept when golang.org/x/net/publicsuffix (a separate copy of the list, and
// a separate implementation) says that label is the registrable one.
func TestAnyOriginInvariant(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkAnyOriginInvariant(t, randomPolicy(r))
	}
}

// FuzzAnyOriginInvariant is TestAnyOriginInvariant with policies the fuzzer
// writes.
func FuzzAnyOriginInvariant(f *testing.F) {
	f.Add("https://*com", "GET", "https://*.amazonaws.com", "PUT")
	f.Add("*.co.uk", "PUT", "https://app.*.nip.io", "POST")
	f.Add("https://*ww.ck", "DELETE", "https://*.example.com", "PUT")
	f.Fuzz(func(t *testing.T, o1, m1, o2, m2 string) {
		checkAnyOriginInvariant(t, []Rule{rule(strs(m1, "GET"), strs(o1), nil), rule(strs(m2), strs(o2, o1), nil)})
	})
}

func checkAnyOriginInvariant(t *testing.T, rules []Rule) {
	t.Helper()
	var found []Finding
	findingsDone := false
	for _, o := range attackerOrigins(rules) {
		for _, m := range Methods {
			if !Evaluate(rules, Request{Origin: o, Method: m}).Allowed {
				continue
			}
			if !findingsDone {
				found, findingsDone = Findings(rules), true
			}
			want := []string{CodeAnyOrigin, CodeAnyOriginWrite}
			if slices.Contains(WriteMethods, m) {
				want = want[1:]
			}
			ok := false
			for _, f := range found {
				ok = ok || slices.Contains(want, f.Code)
			}
			if !ok {
				t.Fatalf("%s from %s is allowed, and no finding says so\npolicy: %+v\nfindings:\n%s", m, o, describePolicy(rules), messages(found))
			}
		}
	}
}

func describePolicy(rules []Rule) string {
	var b strings.Builder
	for i, r := range rules {
		if r.Allowed != nil {
			b.WriteString(strings.Join(r.Allowed.Methods, ",") + " from " + strings.Join(r.Allowed.Origins, " "))
		}
		if i < len(rules)-1 {
			b.WriteString("; ")
		}
	}
	return b.String()
}

// attackerOrigins are origins a stranger could serve that the policy's
// entries might match: the text around each entry's `*` with attacker
// fillers between, plus the origin null, kept only when the oracle agrees.
func attackerOrigins(rules []Rule) []string {
	out := []string{"null", "https://zqx.com", "http://zqx.com"}
	fillers := []string{"zqx", "zqx.", ".zqx", "zqx.s", "zqx.s3", "zqx.c", "zqx.co", "zqx.zz", "zqx.www",
		"zqx.1.2.3.4", "https://zqx.", "https://zqx", "http://zqx.", "ttps://zqx.", "s://zqx.", "://zqx.", "zqx.com", "zqx.co.uk",
		"zqx.com.", "zqx.com:", "zqx.com:1", "zqx.com:84", "zqx.zz.", "zqx.x",
		// Addresses of the attacker's own: any in a rented /64 or /24.
		"2a05:d014:1:2::1", "2a05:d014:1:2::", "2a05:d014:1:2:", "2a05:d014:1:2", "2a05:d014:1:2::1]",
		"[2a05:d014:1:2::1", "[2a05:d014:1:2::1]", "2a05:d014:1:2:9", "2a05:d014:1:2:9:", "2a05:d014:1:2:9:9",
		"2a05:d014:1:2:9:9:", "2a05:d014:1:2:9:9:9:", "18.184.7.9", "18.184.7.", "18.184.7"}
	for _, r := range rules {
		if r.Allowed == nil {
			continue
		}
		for _, e := range r.Allowed.Origins {
			before, after, ok := strings.Cut(e, "*")
			if !ok {
				continue
			}
			for _, f := range fillers {
				if o := before + f + after; strangerServes(o) {
					out = append(out, o)
				}
			}
		}
	}
	return out
}

// The attacker's addresses: a rented IPv6 /64, whose interface part the
// attacker picks, and an IPv4 /24, whose last number the attacker can get
// by renting again.
var (
	attackerIPv6 = netip.MustParsePrefix("2a05:d014:1:2::/64")
	attackerIPv4 = netip.MustParsePrefix("18.184.7.0/24")
)

// strangerServes is the test's own oracle: an origin a browser sends whose
// registrable label is the attacker's, per golang.org/x/net/publicsuffix, or
// a name under a wildcard DNS service or onion, or whose host is one of the
// attacker's addresses, written as browsers write it.
func strangerServes(origin string) bool {
	scheme, host, ok := strings.Cut(origin, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return false
	}
	if bracketed, ok := strings.CutPrefix(host, "["); ok {
		a, rest, closed := strings.Cut(bracketed, "]")
		addr, err := netip.ParseAddr(a)
		port, hasPort := strings.CutPrefix(rest, ":")
		return closed && err == nil && addr.Is6() && addr.String() == a && attackerIPv6.Contains(addr) &&
			(rest == "" || hasPort && validPort(scheme, port))
	}
	if a, port, hasPort := strings.Cut(host, ":"); parse4(a).IsValid() {
		addr := parse4(a)
		return addr.String() == a && attackerIPv4.Contains(addr) && (!hasPort || validPort(scheme, port))
	}
	if i := strings.IndexByte(host, ':'); i >= 0 {
		port := host[i+1:]
		host = host[:i]
		if !validPort(scheme, port) {
			return false
		}
	}
	host = strings.TrimSuffix(host, ".") // A fully qualified name is the same site.
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	last := labels[len(labels)-1]
	if strings.Trim(last, "0123456789") == "" {
		return false // An address, or no host a browser accepts.
	}
	for _, open := range []string{"nip.io", "sslip.io", "onion"} {
		if strings.HasSuffix(host, "."+open) {
			rest := strings.Split(strings.TrimSuffix(host, "."+open), ".")
			return strings.Contains(rest[len(rest)-1], "zqx")
		}
	}
	if _, icann := publicsuffix.PublicSuffix(last); !icann || strings.HasSuffix(host, ".home.arpa") {
		return false // Not a name of the public DNS.
	}
	etld1, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return false
	}
	// Where the two copies of the list disagree (one is newer), the name
	// is in dispute, not a stranger's: skipped, so that the invariant
	// tests the code, not the lists' release dates.
	if other, err := wepposPSL.Domain(host); err != nil || other != etld1 {
		return false
	}
	label, _, _ := strings.Cut(etld1, ".")
	return strings.Contains(label, "zqx")
}

// validPort reports whether a browser writes port so in an origin: digits
// only (Atoi takes "+0"), 1 to 65535, no leading zero, never the scheme's
// default.
func validPort(scheme, port string) bool {
	n, err := strconv.Atoi(port)
	if err != nil || strings.Trim(port, "0123456789") != "" || port[0] == '0' || n < 1 || n > 65535 {
		return false
	}
	return (scheme != "https" || port != "443") && (scheme != "http" || port != "80")
}

// parse4 is the IPv4 address s, or the zero Addr.
func parse4(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}
	}
	return a
}

// randomPolicy draws one or two rules whose origins are built from pieces
// that public suffixes, addresses, schemes and wildcards are made of: a
// scheme (or none, or a wildcard one), host pieces with usually one `*`
// among them, and sometimes a port.
func randomPolicy(r *rand.Rand) []Rule {
	schemes := []string{"https://", "https://", "http://", "", "*://", "http*://"}
	hosts := []string{".", "com", "co.uk", "uk", "amazonaws.com", "s3.amazonaws.com", "3.amazonaws.com", "ck", "ww.ck",
		"www.ck", "nip.io", "io", "example", "example.com", "app.", "-app", "internal", "home.arpa", "10.0.0.1", "1", "0.1",
		"om", "s", "workers.dev", "dev", "github.io", "localhost", "onion", "test", "zz.ck", "za", "3", "43", "com."}
	ports := []string{"", "", "", ":8443", ":443", ":*"}
	// Address pieces: the attacker's own, others', and the separators.
	groups6 := []string{"2a05", "d014", "1", "2", "", "fd00", "db8", "2001", "0"}
	numbers4 := []string{"18", "184", "7", "9", "10", "3", "0", "1"}
	entry := func() string {
		if r.IntN(10) == 0 {
			return []string{"*", "null", "https://*"}[r.IntN(3)]
		}
		if r.IntN(6) == 0 {
			var parts []string
			host := ""
			if r.IntN(2) == 0 {
				for range 1 + r.IntN(6) {
					parts = append(parts, groups6[r.IntN(len(groups6))])
				}
				host = "[" + strings.Join(parts, ":") + "]"
			} else {
				for range 1 + r.IntN(4) {
					parts = append(parts, numbers4[r.IntN(len(numbers4))])
				}
				host = strings.Join(parts, ".")
			}
			i := r.IntN(len(host) + 1)
			return schemes[r.IntN(len(schemes))] + host[:i] + "*" + host[i:] + ports[r.IntN(len(ports))]
		}
		parts := make([]string, 1+r.IntN(3))
		for i := range parts {
			parts[i] = hosts[r.IntN(len(hosts))]
		}
		host := strings.Join(parts, ".")
		if r.IntN(2) == 0 {
			host = strings.Join(parts, "")
		}
		if r.IntN(5) > 0 {
			i := r.IntN(len(host) + 1)
			host = host[:i] + "*" + host[i:]
		}
		return schemes[r.IntN(len(schemes))] + host + ports[r.IntN(len(ports))]
	}
	var rules []Rule
	for range 1 + r.IntN(2) {
		var origins, methods []string
		for range 1 + r.IntN(3) {
			origins = append(origins, entry())
		}
		for _, m := range Methods {
			if r.IntN(3) == 0 {
				methods = append(methods, m)
			}
		}
		rules = append(rules, rule(methods, origins, nil))
	}
	return rules
}

// The witness that stands for "a header starting x- but not x-a" must not
// case-fold into the alphabet: when the policy holds every byte below 'A',
// the filler once became 'A', which x-a* matches in any case, and the two
// policies below were called equal though x-b tells them apart.
func TestEquivalentHeaderFillerNeverFoldsIntoPatterns(t *testing.T) {
	var junk []byte
	for c := byte(1); c < 'A'; c++ {
		if c != '*' {
			junk = append(junk, c)
		}
	}
	live := []Rule{rule(strs("PUT"), strs("*"), strs("x-*", string(junk)))}
	approved := []Rule{rule(strs("PUT"), strs("*"), strs("x-a*", "x-", string(junk)))}
	req := Request{Origin: "https://a.example", Method: "PUT", Headers: strs("x-b")}
	if Evaluate(live, req).Allowed == Evaluate(approved, req).Allowed {
		t.Fatal("the example no longer tells the policies apart")
	}
	if Equivalent(live, approved) {
		t.Error("Equivalent = true for policies that answer x-b differently")
	}
}

// The brute-force cross-check: over a small alphabet, every origin and
// every header list up to a length is tried; when some request tells two
// policies apart, Equivalent must say so, and when it says equal, no
// request may tell them apart.
func TestEquivalentAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "A", "-"}
	var short []string // every string over the alphabet up to length 4
	var grow func(prefix string, n int)
	grow = func(prefix string, n int) {
		short = append(short, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			grow(prefix+c, n-1)
		}
	}
	grow("", 4)
	pattern := func() string {
		s := short[r.IntN(len(short))]
		if r.IntN(2) == 0 {
			i := r.IntN(len(s) + 1)
			s = s[:i] + "*" + s[i:]
		}
		return s
	}
	policy := func() []Rule {
		var rules []Rule
		for range 1 + r.IntN(3) {
			methods := strs("GET")
			if r.IntN(2) == 0 {
				methods = strs("GET", "PUT")
			}
			ru := rule(methods, strs(pattern(), pattern()), strs(pattern()))
			if r.IntN(3) == 0 {
				ru.ExposeHeaders = strs(short[r.IntN(len(short))])
			}
			if r.IntN(3) == 0 {
				ru.MaxAgeSeconds = np("60")
			}
			rules = append(rules, ru)
		}
		return rules
	}
	differ := func(a, b []Rule) string {
		for _, o := range short {
			for _, m := range strs("GET", "PUT") {
				for _, hs := range [][]string{nil, {short[1]}, {short[2]}} {
					req := Request{Origin: o, Method: m, Headers: hs}
					if !sameAnswer(Evaluate(a, req), Evaluate(b, req)) {
						return o + " " + m
					}
				}
			}
		}
		for i, h := range short {
			for _, h2 := range short[i:] {
				for _, m := range strs("GET", "PUT") {
					req := Request{Origin: "ab", Method: m, Headers: strs(h, h2)}
					if !sameAnswer(Evaluate(a, req), Evaluate(b, req)) {
						return "headers " + h + ", " + h2
					}
				}
			}
		}
		return ""
	}
	for range 300 {
		a := policy()
		b := policy()
		if r.IntN(2) == 0 { // Often a near copy, where equal is likely.
			b = append([]Rule{}, a...)
			b[0] = rule(a[0].Allowed.Methods, strs(a[0].Allowed.Origins[1], a[0].Allowed.Origins[0], pattern()), a[0].Allowed.Headers)
		}
		if by := differ(a, b); by != "" && Equivalent(a, b) {
			t.Fatalf("Equivalent = true, but %s tells them apart:\n%s\n%s", by, describePolicy(a), describePolicy(b))
		}
	}
}
