package cors

import (
	"slices"
	"strings"
	"sync"

	psl "github.com/weppos/publicsuffix-go/publicsuffix"
)

// Who may get a name under a domain decides whether an origin wildcard lets
// strangers in. The Public Suffix List answers it for the public DNS; it
// comes from github.com/weppos/publicsuffix-go, the one copy this package
// reads, because it exports its rules (DefaultRules): a wildcard is judged by
// every public suffix it can cover (https://*.amazonaws.com covers
// s3.amazonaws.com), which needs the list itself, not only a lookup.

// OpenSuffixes are domains the Public Suffix List lacks under which anyone
// can serve a page at a name of their choosing, so an origin wildcard that
// can reach below one is as open as `*`: wildcard DNS services, where every
// name resolves to the address written in it (app.203.0.113.7.nip.io), and
// Tor's onion names, which anyone can create.
var OpenSuffixes = []string{
	"nip.io",     // wildcard DNS
	"sslip.io",   // wildcard DNS
	"xip.io",     // wildcard DNS (the original service)
	"traefik.me", // wildcard DNS
	"onion",      // Tor onion services
}

// internalSuffixes are public-list entries that nobody can register: names
// only a local network resolves (RFC 8375's home.arpa is on the list as a
// suffix, yet no registry hands out names under it).
var internalSuffixes = []string{"home.arpa"}

// strangerToken is the label the findings put where an attacker chooses the
// name, so that a probe origin reads as someone else's site.
const strangerToken = "r2-review"

// suffixIndex holds the list arranged for the questions the findings ask.
type suffixIndex struct {
	// below maps a domain to the list's suffixes at or below it, itself
	// first when it is one: "amazonaws.com" -> s3.amazonaws.com, ...
	below map[string][]suffix
	// tlds are the top-level domains the list knows.
	tlds []suffix
	list *psl.List
}

// suffix is one public suffix: a name under which strangers register
// names, or, when wildcard, a name each of whose children is one.
type suffix struct {
	name     string
	wildcard bool
	// shared is true for a name of the list's private section or an open
	// suffix: a platform or service that hands out names under it.
	shared bool
}

var suffixes = sync.OnceValue(func() *suffixIndex {
	idx := &suffixIndex{below: map[string][]suffix{}, list: psl.DefaultList}
	add := func(s suffix) {
		name := s.name
		for {
			idx.below[name] = append(idx.below[name], s)
			dot := strings.IndexByte(name, '.')
			if dot < 0 {
				break
			}
			name = name[dot+1:]
		}
	}
	for _, r := range psl.DefaultRules() {
		switch r.Type {
		case psl.NormalType:
			add(suffix{name: r.Value, shared: r.Private})
		case psl.WildcardType:
			add(suffix{name: r.Value, wildcard: true, shared: r.Private})
		}
	}
	for _, s := range OpenSuffixes {
		add(suffix{name: s, shared: true}) // The label above one is whoever chose it.
	}
	// Every top-level domain the list knows, also those it names only as
	// the parent of others (za, under co.za): the list's default rule makes
	// names directly under them registrable.
	for name := range idx.below {
		if !strings.Contains(name, ".") {
			idx.tlds = append(idx.tlds, suffix{name: name})
		}
	}
	slices.SortFunc(idx.tlds, func(a, b suffix) int { return strings.Compare(a.name, b.name) })
	// Shortest first (a domain's own entry, when it has one): the probe
	// then names the plainest site, r2-review.s3.amazonaws.com.
	for _, list := range idx.below {
		slices.SortFunc(list, func(a, b suffix) int {
			if len(a.name) != len(b.name) {
				return len(a.name) - len(b.name)
			}
			return strings.Compare(a.name, b.name)
		})
	}
	return idx
})

// suffixesBelow returns the public suffixes at or below domain, domain
// first when it is one: listed ones, and domain itself when the list's
// rules make it one without naming it (zz.ck under the wildcard *.ck, za by
// the default rule).
func (idx *suffixIndex) suffixesBelow(domain string) []suffix {
	list := idx.below[domain]
	if len(list) > 0 && list[0].name == domain {
		return list
	}
	if rule := idx.list.Find(domain, &psl.FindOptions{DefaultRule: psl.DefaultRule}); rule != nil && rule.Decompose(domain)[1] == "" {
		return append([]suffix{{name: domain}}, list...)
	}
	return list
}

// sharedHosting reports whether domain is a shared-hosting domain, where
// anyone can get a subdomain: an entry of the Public Suffix List's private
// section (workers.dev, pages.dev, github.io, s3.amazonaws.com, ...) or an
// open suffix.
func sharedHosting(domain string) bool {
	list := suffixes().below[domain]
	return len(list) > 0 && list[0].name == domain && list[0].shared
}

// hostReach says who can serve a page at a DNS name.
type hostReach int

const (
	reachNone     hostReach = iota // not a name a browser reaches: an IP address, loopback, or invalid
	reachOwner                     // someone in particular: a registered name and its subdomains
	reachInternal                  // any host on the visitor's network: a name no registry hands out
)

// registrableLabel returns the label of host that its registrant chose (the
// one directly above its public suffix), and what kind of name it is. A name
// under an open suffix returns the label directly above that suffix.
func registrableLabel(host string) (string, hostReach) {
	host = strings.TrimSuffix(host, ".")
	if host == "" || isAddressHost(host) || isLoopback(host) {
		return "", reachNone
	}
	for _, s := range internalSuffixes {
		if host == s || strings.HasSuffix(host, "."+s) {
			return "", reachInternal
		}
	}
	for _, s := range OpenSuffixes {
		if strings.HasSuffix(host, "."+s) {
			return labelAbove(host, s), reachOwner
		}
	}
	idx := suffixes()
	tld := host[strings.LastIndexByte(host, '.')+1:]
	if len(idx.below[tld]) == 0 {
		return "", reachInternal
	}
	rule := idx.list.Find(host, &psl.FindOptions{DefaultRule: psl.DefaultRule})
	if rule == nil {
		return "", reachInternal
	}
	ps := rule.Decompose(host)[1]
	if ps == "" || ps == host {
		return "", reachNone // A public suffix itself serves no page of anyone's.
	}
	return labelAbove(host, ps), reachOwner
}

// labelAbove returns the label of host directly above its suffix s.
func labelAbove(host, s string) string {
	rest := strings.TrimSuffix(host, "."+s)
	return rest[strings.LastIndexByte(rest, '.')+1:]
}

// strangerCanServe reports whether a stranger could serve a page at host:
// a registrable name whose registrant's label is strangerToken's.
func strangerCanServe(host string) bool {
	label, reach := registrableLabel(host)
	return reach == reachOwner && strings.Contains(label, strangerToken)
}
