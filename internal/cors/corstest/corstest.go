// Package corstest builds the policies that bound the review functions'
// cost: the largest a bucket can hold (cors.MaxRules, cors.MaxPolicyBytes),
// shaped to make each function work hardest, and one past the bounds. The
// cors benchmarks and make bench measure the functions on them.
package corstest

import (
	"fmt"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// Policy is a named policy.
type Policy struct {
	Name  string
	Rules []cors.Rule
}

// Largest returns policies at the bounds (each passes
// cors.CheckPolicySize, and one more entry would not):
//   - 100 rules of 10 wildcard origins each, the shape a review reported;
//   - wildcard origins whose prefixes and suffixes all differ, as many as
//     64 KB holds (every prefix meets every suffix);
//   - half the origins open at the front, half at the back (every pair of
//     them a class of its own);
//   - request headers: each rule a different wildcard set, with writes;
//   - request headers that combine in many ways, and a prefix and suffix
//     that overlap at every length (found by an adversarial review).
func Largest() []Policy {
	return []Policy{
		{"100 rules x 10 wildcard origins", fill(func(i, j int) string { return fmt.Sprintf("https://*.tenant-%03d-%02d.example.com", i, j) }, 10, nil)},
		{"distinct prefixes and suffixes", fill(func(i, j int) string { return fmt.Sprintf("https://p%d-%d*s%d-%d.example.com", i, j, j, i) }, 0, nil)},
		{"open front and back", fill(func(i, j int) string {
			if (i+j)%2 == 0 {
				return fmt.Sprintf("*.s%d-%d.example.com", i, j)
			}
			return fmt.Sprintf("https://p%d-%d.*", i, j)
		}, 0, nil)},
		{"wildcard headers", fill(func(i, j int) string { return fmt.Sprintf("https://*.t%d.example.com", i) }, 0,
			func(i, j int) string { return fmt.Sprintf("x-%d-%d-*", i%7, j) })},
		{"header combinations", headerCombinations()},
		{"long overlapping prefix and suffix", []cors.Rule{{Allowed: &cors.Allowed{Methods: []string{"GET"},
			Origins: []string{strings.Repeat("a", 31900) + "*", "*" + strings.Repeat("a", 31900)}}}}},
	}
}

// headerCombinations is ten rules that each accept every header but one
// of nine, among 130 others: the sets of headers that tell rules apart
// multiply (found by an adversarial review, when Equivalent's step count
// left header matching out).
func headerCombinations() []cors.Rule {
	rules := make([]cors.Rule, 10)
	for i := range rules {
		var headers []string
		for j := range 130 {
			headers = append(headers, fmt.Sprintf("filler-%03d", j))
		}
		for k := range 9 {
			if k != i%9 {
				headers = append(headers, fmt.Sprintf("k%d", k))
			}
		}
		rules[i] = cors.Rule{Allowed: &cors.Allowed{Methods: []string{"GET", "PUT", "POST", "DELETE", "HEAD"}, Origins: []string{"*"}, Headers: headers}}
	}
	for o := range 50 {
		rules[9].Allowed.Origins = append(rules[9].Allowed.Origins, fmt.Sprintf("o%d", o))
	}
	return rules
}

// fill builds MaxRules rules of PUT and GET with origins from origin(rule,
// entry): perRule each, or, when perRule is 0, as many as the size bound
// allows, spread over the rules. header, when set, adds request headers the
// same way, one per origin.
func fill(origin func(i, j int) string, perRule int, header func(i, j int) string) []cors.Rule {
	rules := make([]cors.Rule, cors.MaxRules)
	for i := range rules {
		rules[i] = cors.Rule{Allowed: &cors.Allowed{Methods: []string{"GET", "PUT"}}}
	}
	add := func(i, j int) bool {
		a := rules[i].Allowed
		a.Origins = append(a.Origins, origin(i, j))
		if header != nil {
			a.Headers = append(a.Headers, header(i, j))
		}
		if cors.PolicySize(rules) > cors.MaxPolicyBytes {
			a.Origins = a.Origins[:len(a.Origins)-1]
			if header != nil {
				a.Headers = a.Headers[:len(a.Headers)-1]
			}
			return false
		}
		return true
	}
	for j := 0; perRule == 0 || j < perRule; j++ {
		for i := range rules {
			if !add(i, j) {
				return rules
			}
		}
	}
	return rules
}

// PastBounds is a policy no bucket can hold: 1 MiB of short wildcard
// origins in one rule, the kind of answer a hostile or broken API could
// send.
func PastBounds() []cors.Rule {
	origins := make([]string, 0, 1<<16)
	for i := 0; len(origins) < cap(origins); i++ {
		origins = append(origins, "https://*"+strings.Repeat("a", i%8))
	}
	return []cors.Rule{{Allowed: &cors.Allowed{Methods: []string{"PUT"}, Origins: origins}}}
}

// Restated is rules written otherwise but answering alike (empty expose
// headers where they were null): what cors_diff must prove equal, where an
// identical copy is answered at once.
func Restated(rules []cors.Rule) []cors.Rule {
	out := make([]cors.Rule, len(rules))
	for i, r := range rules {
		out[i] = r
		if r.ExposeHeaders == nil {
			out[i].ExposeHeaders = []string{}
		}
	}
	return out
}
