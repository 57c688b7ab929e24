package cors

import (
	"encoding/binary"
	"reflect"
	"slices"
	"strings"
)

// equivalenceBudget bounds the steps Equivalent takes (pattern pairs tried,
// rules evaluated): about a tenth of a second on one core. Policies that
// need more cannot be decided this way, and are then equivalent only when
// they are identical: never a false "equal", and never a stalled plan.
// Realistic policies, and a policy of 100 rules with 10 wildcard origins
// each, need far less (make bench records them).
const equivalenceBudget = 20_000_000

// maxHeaderClasses bounds the sets of request headers Equivalent tries (see
// headerClasses), within the same budget.
const maxHeaderClasses = 1024

// Equivalent reports whether two policies answer every preflight, and the
// real request it lets through, the same way: allowed or not, and the same
// CORS headers as a browser reads them (Access-Control-Allow-Origin exactly;
// the methods, and the expose headers in any case, as sets; the max age by
// value).
//
// It is decided, not sampled: the answer to a request depends on its
// origin only through which origin entries match it, and on its headers only
// through which rules accept all of them, so finitely many requests stand for
// all (witnesses and headerClasses build them) and Equivalent evaluates both
// policies on each. Origins are any string, not only those browsers send: an
// entry no browser's origin can match (https://App.example.com) still counts.
func Equivalent(a, b []Rule) bool {
	equal, _ := equivalent(a, b)
	return equal
}

// equivalent is Equivalent, and whether it was decided within
// equivalenceBudget (when not, equal is false: identical policies are
// decided at once).
func equivalent(a, b []Rule) (equal, decided bool) {
	if reflect.DeepEqual(a, b) {
		return true, true // The common case of a review: the approved policy, unchanged.
	}
	// Past the budget: not equal (identical policies returned above).
	undecided := func() (bool, bool) { return false, false }
	budget := equivalenceBudget
	var origins, headers, methods []string
	for _, rules := range [][]Rule{a, b} {
		for _, r := range rules {
			if r.Allowed == nil {
				continue
			}
			origins = append(origins, r.Allowed.Origins...)
			headers = append(headers, r.Allowed.Headers...)
			for _, m := range r.Allowed.Methods {
				if !slices.Contains(methods, m) {
					methods = append(methods, m)
				}
			}
		}
	}
	originWitnesses, ok := witnesses(origins, false, &budget)
	if !ok {
		return undecided()
	}
	singles, ok := witnesses(headers, true, &budget)
	if !ok {
		return undecided()
	}
	headerSets, ok := headerClasses(a, b, singles, &budget)
	if !ok {
		return undecided()
	}
	// Each evaluation reads every rule, origin entry and method of both
	// policies, and matches each requested header against header entries.
	longest := 0
	for _, hs := range headerSets {
		longest = max(longest, len(hs))
	}
	perEvaluation := len(a) + len(b) + len(origins) + len(headers)*longest
	budget -= len(originWitnesses) * len(methods) * len(headerSets) * perEvaluation
	if budget < 0 {
		return undecided()
	}
	for _, o := range originWitnesses {
		for _, m := range methods {
			for _, hs := range headerSets {
				req := Request{Origin: o, Method: m, Headers: hs}
				if !sameAnswer(Evaluate(a, req), Evaluate(b, req)) {
					return false, true
				}
			}
		}
	}
	return true, true
}

// sameAnswer compares two answers as a browser reads them.
func sameAnswer(x, y Result) bool {
	if x.Allowed != y.Allowed {
		return false
	}
	if !x.Allowed {
		return true
	}
	return x.AllowOrigin == y.AllowOrigin &&
		x.AllowHeaders == y.AllowHeaders &&
		sameSet(splitList(x.AllowMethods), splitList(y.AllowMethods), false) &&
		sameSet(splitList(x.ExposeHeaders), splitList(y.ExposeHeaders), true) &&
		sameNumber(x.MaxAge, y.MaxAge)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ", ")
}

func sameSet(a, b []string, fold bool) bool {
	return len(setDiff(a, b, fold)) == 0 && len(setDiff(b, a, fold)) == 0
}

// witnesses returns strings that, together, match every combination of the
// patterns (each with at most one `*`; others match nothing) that any string
// matches: one string per combination. ok is false when the budget ran out
// or no filler byte exists.
//
// Whether a string s matches P*S depends on whether s starts with P, ends
// with S, and is at least len(P)+len(S) long; an exact pattern matches only
// itself. The prefixes among the patterns' that s starts with are all
// prefixes of the longest one, p, and likewise for suffixes, s', so:
//   - when s is longer than len(p)+len(s'), it matches what p+f+s' matches,
//     with f a byte no pattern holds (in either case, when folding): exactly
//     the patterns whose prefix p starts with and whose suffix s' ends with;
//   - otherwise s is p and s' overlapping (or abutting), and is one of those
//     strings itself;
//   - or s is an exact pattern, a witness itself.
func witnesses(patterns []string, fold bool, budget *int) ([]string, bool) {
	var exact, wild []string
	for _, p := range patterns {
		if fold {
			p = lowerString(p)
		}
		switch strings.Count(p, "*") {
		case 0:
			exact = appendNew(exact, p)
		case 1:
			wild = appendNew(wild, p)
		}
	}
	filler, ok := fillerByte(patterns, fold)
	if !ok {
		return nil, false
	}
	prefixes, suffixes := []string{""}, []string{""}
	befores, afters := make([]string, len(wild)), make([]string, len(wild))
	for i, p := range wild {
		befores[i], afters[i], _ = strings.Cut(p, "*")
		prefixes = appendNew(prefixes, befores[i])
		suffixes = appendNew(suffixes, afters[i])
	}
	*budget -= len(prefixes) * len(suffixes)
	if *budget < 0 {
		return nil, false
	}
	// Which wild patterns each prefix and suffix admits, as bit sets.
	words := (len(wild) + 63) / 64
	// admitted is the set of wild patterns whose part (prefix or suffix)
	// s has, as has tells.
	admitted := func(s string, parts []string, has func(s, part string) bool) []uint64 {
		set := make([]uint64, words)
		for i, part := range parts {
			if has(s, part) {
				set[i/64] |= 1 << (i % 64)
			}
		}
		return set
	}
	*budget -= (len(prefixes) + len(suffixes)) * len(wild)
	if *budget < 0 {
		return nil, false
	}
	byPrefix := make([][]uint64, len(prefixes))
	for i, p := range prefixes {
		byPrefix[i] = admitted(p, befores, strings.HasPrefix)
	}
	bySuffix := make([][]uint64, len(suffixes))
	for i, s := range suffixes {
		bySuffix[i] = admitted(s, afters, strings.HasSuffix)
	}
	all := append(append([]string{}, wild...), exact...)
	seen := map[string]bool{}
	var out []string
	keyBuf := make([]byte, 8*words+len(exact))
	keepLong := func(w string, set []uint64) {
		*budget -= 40 + 4*words // A key to hash and, likely, store: about a microsecond.
		k := appendSet(keyBuf[:0], set)
		k = append(k, make([]byte, len(exact))...) // No exact pattern holds the filler.
		if !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, w)
		}
	}
	// Witnesses are built from (lower-cased) pattern text and the filler,
	// so plain comparisons decide what folding ones would.
	set := make([]uint64, words)
	keepShort := func(w string) {
		*budget -= len(all)
		clear(set)
		for i, before := range befores {
			if len(w) >= len(before)+len(afters[i]) && strings.HasPrefix(w, before) && strings.HasSuffix(w, afters[i]) {
				set[i/64] |= 1 << (i % 64)
			}
		}
		k := appendSet(keyBuf[:0], set)
		for _, e := range exact {
			k = append(k, boolByte(e == w))
		}
		if !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, w)
		}
	}
	for _, e := range exact {
		keepShort(e)
	}
	// Longer strings: one per pair of prefix and suffix (the pairs that
	// admit no pattern are one class, kept once).
	*budget -= len(prefixes) * len(suffixes) * (1 + words/4)
	if *budget < 0 {
		return nil, false
	}
	long := make([]uint64, words)
	none := false
	for i, p := range prefixes {
		for j, s := range suffixes {
			empty := true
			for w := range long {
				long[w] = byPrefix[i][w] & bySuffix[j][w]
				empty = empty && long[w] == 0
			}
			if empty && none {
				continue
			}
			none = none || empty
			keepLong(p+string(filler)+s, long)
		}
		if *budget < 0 {
			return nil, false
		}
	}
	// Shorter ones: a prefix and a suffix overlapping by k >= 1 bytes. A
	// string that is a prefix and a suffix end to end (k = 0) needs no
	// witness of its own: if no longer pattern prefix or suffix fits it, it
	// matches what the longer string of the pair matches; if one does, it is
	// that longer pair overlapping, found here. The suffixes are indexed by
	// their beginnings, so only overlapping pairs are visited; hashing those
	// beginnings costs the square of each part's length, counted first.
	cost := 0
	for _, part := range append(append([]string{}, prefixes...), suffixes...) {
		cost += len(part) * (len(part) + 1) / 2 / 16
	}
	*budget -= cost
	if *budget < 0 {
		return nil, false
	}
	beginning := map[string][]string{}
	for _, s := range suffixes {
		for k := 1; k <= len(s); k++ {
			beginning[s[:k]] = append(beginning[s[:k]], s)
		}
	}
	for _, p := range prefixes {
		for k := 1; k <= len(p); k++ {
			for _, s := range beginning[p[len(p)-k:]] {
				keepShort(p + s[k:])
				if *budget < 0 {
					return nil, false
				}
			}
		}
	}
	return out, true
}

// appendSet appends a bit set's words to a map key.
func appendSet(k []byte, set []uint64) []byte {
	for _, x := range set {
		k = binary.LittleEndian.AppendUint64(k, x)
	}
	return k
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// fillerByte returns a byte that no pattern holds, in either case when
// folding (an upper-case filler would match a lower-case pattern byte).
func fillerByte(patterns []string, fold bool) (byte, bool) {
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			c := p[i]
			used[c] = true
			if fold {
				used[lowerASCII(c)] = true
				if 'a' <= c && c <= 'z' {
					used[c-('a'-'A')] = true
				}
			}
		}
	}
	for c := 1; c < 256; c++ {
		if !used[c] && (!fold || c < 'A' || c > 'Z') {
			return byte(c), true
		}
	}
	return 0, false
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// headerClasses returns request header lists that stand for every set of
// request headers: what matters to a policy is which rules accept all the
// headers, the intersection of what each header alone is accepted by. It
// starts from no headers (every rule accepts) and intersects with each
// single-header witness until no new combination appears. ok is false when
// maxHeaderClasses or the budget cut the search short.
func headerClasses(a, b []Rule, single []string, budget *int) (classes [][]string, ok bool) {
	rules := append(append([]Rule{}, a...), b...)
	*budget -= len(single) * len(rules)
	if *budget < 0 {
		return nil, false
	}
	accepts := func(h string) string {
		k := make([]byte, len(rules))
		for i, r := range rules {
			k[i] = '0'
			if r.Allowed != nil && headerMatches(r.Allowed.Headers, h) {
				k[i] = '1'
			}
		}
		return string(k)
	}
	all := strings.Repeat("1", len(rules))
	found := map[string][]string{all: nil}
	queue := []string{all}
	// Headers accepted by the same rules are one: try each set once.
	var singles []string
	var heads []string
	bySet := map[string]bool{}
	for _, h := range single {
		if k := accepts(h); !bySet[k] {
			bySet[k] = true
			singles, heads = append(singles, k), append(heads, h)
		}
	}
	for len(queue) > 0 {
		*budget -= len(singles) * len(rules)
		if len(found) >= maxHeaderClasses || *budget < 0 {
			return nil, false
		}
		k := queue[0]
		queue = queue[1:]
		for i, h := range heads {
			n := and(k, singles[i])
			if _, ok := found[n]; ok {
				continue
			}
			found[n] = append(append([]string{}, found[k]...), h)
			queue = append(queue, n)
		}
	}
	classes = make([][]string, 0, len(found))
	for _, hs := range found {
		classes = append(classes, hs)
	}
	return classes, true
}

func and(a, b string) string {
	k := []byte(a)
	for i := range k {
		if b[i] == '0' {
			k[i] = '0'
		}
	}
	return string(k)
}
