package cors

import (
	"fmt"
	"strings"
	"testing"
)

func kinds(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s:%d/%d:%s:+%v-%v", c.Kind, c.LiveIndex, c.ApprovedIndex, c.Field, c.Added, c.Removed)
	}
	return out
}

func TestCompare(t *testing.T) {
	app := withID(rule(strs("GET", "PUT"), strs("https://app.example.com"), strs("content-type")), "app")
	cdn := withID(rule(strs("GET"), strs("https://*.example.com"), nil), "cdn")
	pub := withID(rule(strs("GET"), strs("*"), nil), "public")
	org := withID(rule(strs("GET", "PUT"), strs("https://app.example.org"), nil), "org")
	cases := []struct {
		name      string
		live      []Rule
		approved  []Rule
		equal     bool
		changes   []string
		wantInMsg string
	}{
		{"identical", []Rule{app, cdn}, []Rule{app, cdn}, true, nil, ""},
		{"both empty", nil, []Rule{}, true, nil, ""},
		{
			"sets: order and case of entries do not matter",
			[]Rule{withID(rule(strs("PUT", "GET"), strs("https://app.example.com"), strs("Content-Type")), "app")},
			[]Rule{app}, true, nil, "",
		},
		{
			"null and empty lists alike",
			[]Rule{{Allowed: allow(strs("GET"), strs("*"), nil)}},
			[]Rule{{Allowed: allow(strs("GET"), strs("*"), strs()), ExposeHeaders: strs()}}, true, nil, "",
		},
		{
			"an origin swapped",
			[]Rule{withID(rule(strs("GET", "PUT"), strs("https://evil.example"), strs("content-type")), "app")},
			[]Rule{app}, false,
			[]string{"changed:0/0:allowed.origins:+[https://evil.example]-[https://app.example.com]"},
			`Rule 0 ("app"): allowed.origins gained "https://evil.example" and lost "https://app.example.com"`,
		},
		{
			"paired by id: an added rule does not shift the others",
			[]Rule{pub, app, cdn}, []Rule{app, cdn}, false,
			[]string{"added:0/-1::+[]-[]"},
			`Rule 0 ("public") is not in the approved policy: it allows GET from "*".`,
		},
		{
			"paired by id: a removed rule",
			[]Rule{cdn}, []Rule{app, cdn}, false,
			[]string{"removed:-1/0::+[]-[]"},
			`Approved rule 0 ("app") is missing from the live policy`,
		},
		{
			"reordering overlapping rules changes the answer",
			[]Rule{pub, cdn}, []Rule{cdn, withAge(pub, "60")}, false,
			[]string{"changed:0/1:max_age_seconds:+[]-[60]", "moved:1/0::+[]-[]"},
			`Rule 1 ("cdn") moved: it was rule 0 in the approved policy`,
		},
		{
			"reordering disjoint rules is reported but equal",
			[]Rule{cdn, org}, []Rule{org, cdn}, true,
			[]string{"moved:1/0::+[]-[]"}, "moved",
		},
		{
			"no ids: paired by position, id change reported, still equal",
			[]Rule{withID(rule(strs("GET"), strs("*"), nil), "new name")},
			[]Rule{rule(strs("GET"), strs("*"), nil)}, true,
			[]string{"changed:0/0:id:+[new name]-[]"}, "changes no preflight answer",
		},
		{
			"ids on one side only: paired by position",
			[]Rule{app, cdn}, []Rule{{Allowed: app.Allowed}, {Allowed: cdn.Allowed}}, true,
			[]string{"changed:0/0:id:+[app]-[]", "changed:1/1:id:+[cdn]-[]"}, "",
		},
		{
			"header case",
			[]Rule{withID(rule(strs("GET", "PUT"), strs("https://app.example.com"), strs("CONTENT-TYPE", "X-Extra")), "app")},
			[]Rule{app}, false,
			[]string{"changed:0/0:allowed.headers:+[X-Extra]-[]"}, `allowed.headers gained "X-Extra"`,
		},
		{
			"max age by value",
			[]Rule{withAge(cdn, "3600.0")}, []Rule{withAge(cdn, "3.6e3")}, true, nil, "",
		},
		{
			"max age null versus zero",
			[]Rule{cdn}, []Rule{withAge(cdn, "0")}, false,
			[]string{"changed:0/0:max_age_seconds:+[]-[0]"}, "max_age_seconds is not set (no Access-Control-Max-Age is sent); the approved policy has 0",
		},
		{
			"expose headers in any case",
			[]Rule{{ID: sp("x"), Allowed: cdn.Allowed, ExposeHeaders: strs("etag")}}, []Rule{{ID: sp("x"), Allowed: cdn.Allowed, ExposeHeaders: strs("ETag")}}, true, nil, "",
		},
		{
			"a shadowed rule removed: textually different, answers the same",
			[]Rule{pub}, []Rule{pub, withID(rule(strs("GET"), strs("https://app.example.com"), nil), "dead")}, true,
			[]string{"removed:-1/1::+[]-[]"}, "",
		},
		{
			"a rule split in two answers the same",
			[]Rule{rule(strs("GET"), strs("https://a.example"), nil), rule(strs("GET"), strs("https://b.example"), nil)},
			[]Rule{rule(strs("GET"), strs("https://a.example", "https://b.example"), nil)}, true,
			[]string{"changed:0/0:allowed.origins:+[]-[https://b.example]", "added:1/-1::+[]-[]"}, "",
		},
		{
			"star origin versus a wildcard that matches everything: Allow-Origin differs",
			[]Rule{rule(strs("GET"), strs("*"), nil)}, []Rule{rule(strs("GET"), strs("*"+""), nil)}, true, nil, "",
		},
		{
			"star origin versus https://*: http origins differ",
			[]Rule{rule(strs("GET"), strs("*"), nil)}, []Rule{rule(strs("GET"), strs("https://*"), nil)}, false,
			[]string{"changed:0/0:allowed.origins:+[*]-[https://*]"}, "",
		},
		{
			"a header wildcard covering the listed ones differs for other headers",
			[]Rule{rule(strs("PUT"), strs("*"), strs("x-*"))}, []Rule{rule(strs("PUT"), strs("*"), strs("x-a", "x-b"))}, false,
			[]string{"changed:0/0:allowed.headers:+[x-*]-[x-a x-b]"}, "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(tc.live, tc.approved)
			if d.Equal != tc.equal {
				t.Errorf("Equal = %v, want %v", d.Equal, tc.equal)
			}
			if got := strings.Join(kinds(d.Changes), " | "); got != strings.Join(tc.changes, " | ") {
				t.Errorf("Changes =\n %s\nwant\n %s", got, strings.Join(tc.changes, " | "))
			}
			if tc.wantInMsg != "" {
				found := false
				for _, c := range d.Changes {
					found = found || strings.Contains(c.Message, tc.wantInMsg)
				}
				if !found {
					t.Errorf("no message contains %q: %v", tc.wantInMsg, d.Changes)
				}
			}
		})
	}
}

// Equivalent is decided, not sampled: policies that differ only on origins
// or headers found by no fixed sample still differ.
func TestEquivalentFindsTheWitness(t *testing.T) {
	cases := []struct {
		name string
		a, b []Rule
		want bool
	}{
		{"prefix and suffix wildcards overlap in one string", []Rule{rule(strs("GET"), strs("ab*"), nil)}, []Rule{rule(strs("GET"), strs("ab*"), nil), rule(strs("PUT"), strs("*bc"), nil)}, false},
		{"a literal that a wildcard also matches", []Rule{rule(strs("GET"), strs("https://*.example.com"), nil)},
			[]Rule{rule(strs("GET"), strs("https://*.example.com", "https://a.example.com"), nil)}, true},
		{"the length threshold of a wildcard", []Rule{rule(strs("GET"), strs("https://a*a"), nil)}, []Rule{rule(strs("GET"), strs("https://a*"), nil)}, false},
		{"header classes combine", []Rule{rule(strs("PUT"), strs("*"), strs("x-a", "x-b")), rule(strs("PUT"), strs("*"), strs("x-a")), withAge(rule(strs("PUT"), strs("*"), strs("x-b", "x-c")), "5")},
			[]Rule{rule(strs("PUT"), strs("*"), strs("x-a", "x-b")), rule(strs("PUT"), strs("*"), strs("x-a")), rule(strs("PUT"), strs("*"), strs("x-b", "x-c"))}, false},
		// The preflight that rule 1 allows leads to a GET that rule 0
		// answers, so rule 1's expose headers never reach a browser.
		{"expose headers no real response carries", []Rule{
			rule(strs("GET"), strs("https://a.example.com"), nil),
			{Allowed: allow(strs("GET"), strs("https://a.example.com"), strs("range")), ExposeHeaders: strs("content-range")},
		}, []Rule{
			rule(strs("GET"), strs("https://a.example.com"), nil),
			rule(strs("GET"), strs("https://a.example.com"), strs("range")),
		}, true},
		{"methods as sets in Allow-Methods", []Rule{rule(strs("GET", "HEAD"), strs("*"), nil)}, []Rule{rule(strs("HEAD", "GET"), strs("*"), nil)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Equivalent(tc.a, tc.b); got != tc.want {
				t.Errorf("Equivalent = %v, want %v", got, tc.want)
			}
			if got := Equivalent(tc.b, tc.a); got != tc.want {
				t.Errorf("Equivalent (swapped) = %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzFindingsAndDiff: no input panics, a policy equals itself, and a diff
// without changes means equal.
func FuzzFindingsAndDiff(f *testing.F) {
	f.Add("GET", "*", "*", "PUT", "https://*.example.com", "x-*", "600")
	f.Add("PUT", "https://*", "content-type, x", "get", "null", "**", "1e9")
	f.Add("", "", "", "DELETE", "http://localhost:*", "", "-1")
	f.Fuzz(func(t *testing.T, m1, o1, h1, m2, o2, h2, age string) {
		a := []Rule{
			{Allowed: allow(strs(m1), strs(o1, o2), strs(h1)), MaxAgeSeconds: np(age)},
			{ID: sp(o1), Allowed: allow(strs(m2, m1), strs(o2), strs(h2, h1))},
		}
		b := []Rule{a[1], a[0]}
		for _, rules := range [][]Rule{a, b, a[:1], nil} {
			for _, fd := range Findings(rules) {
				if fd.Message == "" || fd.Severity == "" {
					t.Fatalf("empty finding %+v", fd)
				}
			}
			if d := Compare(rules, rules); !d.Equal || len(d.Changes) != 0 {
				t.Fatalf("Compare(x, x) = %+v", d)
			}
		}
		d := Compare(a, b)
		if len(d.Changes) == 0 && !d.Equal {
			t.Fatalf("no changes but not equal: %+v", d)
		}
		// Never equal by guess: any request built from the fuzzer's strings
		// that tells the policies apart makes them unequal.
		if d.Equal {
			var origins []string
			for _, o := range strs(o1, o2) {
				origins = append(origins, o, strings.Replace(o, "*", "", 1), strings.Replace(o, "*", "zz", 1), strings.Replace(o, "*", "A", 1))
			}
			for _, o := range origins {
				for _, m := range strs(m1, m2) {
					for _, hs := range [][]string{nil, {h1}, {h2}, {h1, h2}, {strings.ToUpper(h2)}, {strings.Replace(h1, "*", "b", 1)}} {
						req := Request{Origin: o, Method: m, Headers: hs}
						if !sameAnswer(Evaluate(a, req), Evaluate(b, req)) {
							t.Fatalf("equal, but %+v tells them apart", req)
						}
					}
				}
			}
		}
	})
}

// A realistic policy: ten rules with exact and wildcard origins and headers.
func benchPolicy() []Rule {
	rules := make([]Rule, 10)
	for i := range rules {
		rules[i] = withAge(withID(rule(strs("GET", "HEAD", "PUT"),
			strs(fmt.Sprintf("https://app%d.example.com", i), fmt.Sprintf("https://*.tenant%d.example.com", i)),
			strs("content-type", "x-amz-*")), fmt.Sprintf("rule-%d", i)), "3600")
	}
	return rules
}

func BenchmarkFindings(b *testing.B) {
	rules := benchPolicy()
	b.ReportAllocs()
	for b.Loop() {
		Findings(rules)
	}
}

func BenchmarkCompare(b *testing.B) {
	live, approved := benchPolicy(), benchPolicy()
	approved[3].Allowed.Origins = strs("https://app3.example.com")
	b.ReportAllocs()
	for b.Loop() {
		Compare(live, approved)
	}
}

// Policies whose header combinations outgrow what Equivalent explores are
// never called equal unless identical: here the extra rule answers a
// preflight with all twelve headers that the approved policy refuses.
func TestEquivalentNeverGuessesEqual(t *testing.T) {
	var headers []string
	for i := range 12 {
		headers = append(headers, fmt.Sprintf("h%d", i))
	}
	var approved []Rule
	for i := range 12 {
		allowed := append(append([]string{}, headers[:i]...), headers[i+1:]...)
		approved = append(approved, Rule{Allowed: &Allowed{Methods: []string{"PUT"}, Origins: []string{"https://a.com"}, Headers: allowed}})
	}
	live := append(append([]Rule{}, approved...), Rule{Allowed: &Allowed{Methods: []string{"PUT"}, Origins: []string{"https://a.com"}, Headers: headers}})
	req := Request{Origin: "https://a.com", Method: "PUT", Headers: headers}
	if Evaluate(live, req).Allowed == Evaluate(approved, req).Allowed {
		t.Fatal("the example no longer tells the policies apart")
	}
	if Equivalent(live, approved) {
		t.Error("Equivalent = true for policies that answer a preflight differently")
	}
	if !Equivalent(approved, approved) {
		t.Error("a policy must be equivalent to itself, however large")
	}
}

// Sets can agree while answers differ (the first matching origin entry sets
// Access-Control-Allow-Origin): not equal then always comes with a change.
func TestCompareNotEqualAlwaysSaysWhy(t *testing.T) {
	rule := func(origins ...string) []Rule {
		return []Rule{{Allowed: &Allowed{Methods: []string{"GET"}, Origins: origins}}}
	}
	d := Compare(rule("*", "https://a.com"), rule("https://a.com", "*"))
	if d.Equal || len(d.Changes) != 1 || !strings.Contains(d.Changes[0].Message, "order of entries") {
		t.Errorf("got %+v; want not equal with one change about the order of entries", d)
	}
}
