package cors

import (
	"reflect"
	"strings"
)

// maxHeaderClasses bounds the sets of request headers Equivalent tries (see
// headerClasses). Policies that need more cannot be decided this way, and
// are then equivalent only when they are identical: never a false "equal".
const maxHeaderClasses = 1024

// Equivalent reports whether two policies answer every preflight the same
// way: allowed or not, and the same CORS headers as a browser reads them
// (Access-Control-Allow-Origin exactly; the methods, and the expose headers
// in any case, as sets; the max age by value).
//
// It is decided, not sampled: the answer to a preflight depends on its
// origin only through which origin entries match it, and on its headers only
// through which rules accept all of them, so finitely many requests stand for
// all (witnesses and headerClasses build them) and Equivalent evaluates both
// policies on each. Origins are any string, not only those browsers send: an
// entry no browser's origin can match (https://App.example.com) still counts.
func Equivalent(a, b []Rule) bool {
	var origins, headers, methods []string
	for _, rules := range [][]Rule{a, b} {
		for _, r := range rules {
			if r.Allowed == nil {
				continue
			}
			origins = append(origins, r.Allowed.Origins...)
			headers = append(headers, r.Allowed.Headers...)
			for _, m := range r.Allowed.Methods {
				if !contains(methods, m) {
					methods = append(methods, m)
				}
			}
		}
	}
	originWitnesses := witnesses(origins, false)
	headerSets, complete := headerClasses(a, b, witnesses(headers, true))
	if !complete {
		return reflect.DeepEqual(a, b)
	}
	for _, o := range originWitnesses {
		for _, m := range methods {
			for _, hs := range headerSets {
				req := Request{Origin: o, Method: m, Headers: hs}
				if !sameAnswer(Evaluate(a, req), Evaluate(b, req)) {
					return false
				}
			}
		}
	}
	return true
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
// matches: one string per combination.
//
// Whether a string s matches P*S depends on whether s starts with P, ends
// with S, and is at least len(P)+len(S) long; an exact pattern matches only
// itself. The prefixes among the patterns' that s starts with are all
// prefixes of the longest one, and likewise for suffixes, so s matches what
// the string built from (its longest pattern prefix, its longest pattern
// suffix, its length) matches, with a byte no pattern holds everywhere else
// (or s is one of the exact patterns, which are witnesses themselves).
// Lengths matter only up to the thresholds len(P)+len(S) and where prefix and
// suffix overlap, so finitely many strings suffice.
func witnesses(patterns []string, fold bool) []string {
	var exact, prefixes, suffixes []string
	prefixes, suffixes = []string{""}, []string{""}
	thresholds := []int{}
	used := map[byte]bool{}
	for _, p := range patterns {
		if fold {
			p = lowerString(p)
		}
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
		before, after, found := strings.Cut(p, "*")
		switch {
		case !found:
			exact = appendNew(exact, p)
			thresholds = append(thresholds, len(p))
		case strings.Contains(after, "*"):
			// Matches nothing.
		default:
			prefixes = appendNew(prefixes, before)
			suffixes = appendNew(suffixes, after)
			thresholds = append(thresholds, len(before)+len(after))
		}
	}
	filler := byte(1)
	for used[filler] && filler < 255 {
		filler++
	}
	seen := map[string]bool{}
	var out []string
	keep := func(s string) {
		k := matchKey(patterns, s, fold)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	for _, e := range exact {
		keep(e)
	}
	for _, p := range prefixes {
		for _, s := range suffixes {
			base := len(p) + len(s)
			lengths := []int{base, base + 1}
			for _, t := range thresholds {
				if t > base+1 {
					lengths = append(lengths, t)
				}
			}
			for l := max(len(p), len(s)); l < base; l++ {
				lengths = append(lengths, l)
			}
			for _, l := range lengths {
				if w, ok := build(p, s, l, filler); ok {
					keep(w)
				}
			}
		}
	}
	return out
}

// build writes prefix at the start and suffix at the end of a string of
// length n filled with filler; ok is false when they disagree where they
// overlap.
func build(prefix, suffix string, n int, filler byte) (string, bool) {
	b := make([]byte, n)
	set := make([]bool, n)
	for i := range b {
		b[i] = filler
	}
	for i := 0; i < len(prefix); i++ {
		b[i], set[i] = prefix[i], true
	}
	off := n - len(suffix)
	for i := 0; i < len(suffix); i++ {
		if set[off+i] && b[off+i] != suffix[i] {
			return "", false
		}
		b[off+i] = suffix[i]
	}
	return string(b), true
}

// matchKey says which patterns s matches.
func matchKey(patterns []string, s string, fold bool) string {
	k := make([]byte, len(patterns))
	for i, p := range patterns {
		k[i] = '0'
		if wildcardMatch(p, s, fold) {
			k[i] = '1'
		}
	}
	return string(k)
}

func appendNew(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

// headerClasses returns request header lists that stand for every set of
// request headers: what matters to a policy is which rules accept all the
// headers, the intersection of what each header alone is accepted by. It
// starts from no headers (every rule accepts) and intersects with each
// single-header witness until no new combination appears.
// complete is false when maxHeaderClasses cut the search short.
func headerClasses(a, b []Rule, single []string) (classes [][]string, complete bool) {
	rules := append(append([]Rule{}, a...), b...)
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
	singles := make([]string, len(single))
	for i, h := range single {
		singles[i] = accepts(h)
	}
	for len(queue) > 0 {
		if len(found) >= maxHeaderClasses {
			return nil, false
		}
		k := queue[0]
		queue = queue[1:]
		for i, h := range single {
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
