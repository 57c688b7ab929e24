package cors

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// rule builds a rule from its lists; nil lists stay null.
func rule(methods, origins, headers []string) Rule {
	return Rule{Allowed: allow(methods, origins, headers)}
}

func withAge(r Rule, age string) Rule { r.MaxAgeSeconds = np(age); return r }

func withID(r Rule, id string) Rule { r.ID = sp(id); return r }

func codes(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s@%d", f.Code, f.RuleIndex)
	}
	return out
}

func has(fs []Finding, code string, index int) bool {
	for _, f := range fs {
		if f.Code == code && f.RuleIndex == index {
			return true
		}
	}
	return false
}

// Each code: a policy that triggers it (on the given rule) and one that
// narrowly does not.
func TestFindingsCatalogue(t *testing.T) {
	get := strs("GET")
	cases := []struct {
		code      string
		index     int
		triggers  []Rule
		doesNot   []Rule
		wantInMsg string
	}{
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("GET", "PUT"), strs("*"), nil)}, []Rule{rule(strs("PUT"), strs("https://app.example.com"), nil)}, `lets any origin PUT: origin entry "*" matches https://r2-review.com`},
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("POST"), strs("https://*"), nil)}, []Rule{rule(strs("POST"), strs("https://*.example.com"), nil)}, `"https://*"`},
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("DELETE"), strs("https://*example.com"), nil)}, []Rule{rule(strs("DELETE"), strs("https://*.example.com"), nil)}, "https://r2-reviewexample.com"},
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("PUT"), strs("https://*.com"), nil)}, []Rule{rule(strs("GET"), strs("https://*.com"), nil)}, "https://r2-review.com"},
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("PUT"), strs("https://example.*"), nil)}, []Rule{rule(strs("PUT"), strs("https://example.com"), nil)}, "https://example.r2-review.com"},
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("PUT"), strs("https://*-app.workers.dev"), nil)}, []Rule{rule(strs("PUT"), strs("https://*-app.example.workers.dev"), nil)}, "https://r2-review-app.workers.dev"},
		{CodeAnyOriginWrite, 0, []Rule{rule(strs("PUT"), strs("null"), nil)}, []Rule{rule(strs("GET"), strs("null"), nil)}, "sandboxed iframe"},
		// Judged by evaluation: the write reaches rule 1 only.
		{CodeAnyOriginWrite, 1, []Rule{rule(get, strs("*"), nil), rule(strs("GET", "PUT"), strs("*"), nil)}, []Rule{rule(strs("GET", "PUT"), strs("*"), nil), rule(strs("PUT"), strs("*"), nil)}, "PUT"},
		{CodeAllMethods, 0, []Rule{rule(Methods, strs("https://a.example"), nil)}, []Rule{rule(strs("GET", "PUT", "POST", "DELETE"), strs("https://a.example"), nil)}, "all five methods"},
		{CodeSharedHostingOrigin, 0, []Rule{rule(get, strs("https://*.pages.dev"), nil)}, []Rule{rule(get, strs("https://*.myapp.pages.dev"), nil)}, "subdomain of pages.dev"},
		{CodeSharedHostingOrigin, 0, []Rule{rule(get, strs("https://*.github.io"), nil)}, []Rule{rule(get, strs("https://me.github.io"), nil)}, "github.io"},
		{CodeNullOrigin, 0, []Rule{rule(get, strs("null"), nil)}, []Rule{rule(get, strs("https://null.example"), nil)}, `"null"`},
		{CodeInsecureOrigin, 0, []Rule{rule(get, strs("http://app.example.com"), nil)}, []Rule{rule(get, strs("https://app.example.com"), nil)}, "use https://app.example.com"},
		{CodeInsecureOrigin, 0, []Rule{rule(get, strs("http://*.example.com"), nil)}, []Rule{rule(get, strs("http://localhost:3000"), nil)}, "plain http"},
		{CodeAnyHeaderWrite, 0, []Rule{rule(strs("PUT"), strs("https://a.example"), strs("*"))}, []Rule{rule(strs("PUT"), strs("https://a.example"), strs("x-amz-*"))}, "with PUT"},
		{CodeMaxAgeOverMaximum, 0, []Rule{withAge(rule(get, strs("https://a.example"), nil), "86401")}, []Rule{withAge(rule(get, strs("https://a.example"), nil), "86400")}, "86401"},
		{CodeAnyOrigin, 0, []Rule{rule(strs("GET", "HEAD"), strs("*"), nil)}, []Rule{rule(strs("GET", "HEAD"), strs("https://*.example.com"), nil)}, "read (GET and HEAD)"},
		{CodeAnyHeader, 0, []Rule{rule(get, strs("https://a.example"), strs("*"))}, []Rule{rule(get, strs("https://a.example"), strs("range"))}, `("*")`},
		{CodeLoopbackOrigin, 0, []Rule{rule(get, strs("http://localhost:3000"), nil)}, []Rule{rule(get, strs("http://localhost.example.com"), nil)}, "development leftover"},
		{CodeLoopbackOrigin, 0, []Rule{rule(get, strs("http://[::1]:8080"), nil)}, []Rule{rule(get, strs("http://[2001:db8::1]:8080"), nil)}, "loopback"},
		{CodeLoopbackOrigin, 0, []Rule{rule(get, strs("https://127.0.0.1:8443"), nil)}, []Rule{rule(get, strs("https://128.0.0.1:8443"), nil)}, "loopback"},
		{CodeMaxAgeOverBrowserCap, 0, []Rule{withAge(rule(get, strs("https://a.example"), nil), "7201")}, []Rule{withAge(rule(get, strs("https://a.example"), nil), "7200")}, "7200 seconds"},
		{CodeShadowedRule, 1, []Rule{rule(strs("GET", "HEAD"), strs("https://*.example.com"), strs("x-*")), withAge(rule(get, strs("https://app.example.com"), strs("X-Amz-Date")), "600")},
			[]Rule{rule(strs("GET", "HEAD"), strs("https://*.example.com"), strs("x-*")), rule(get, strs("https://app.example.com"), strs("content-type"))}, "rule 0 comes first"},
		{CodeShadowedRule, 1, []Rule{withID(rule(get, strs("*"), nil), "all"), rule(get, strs("https://*.example.com"), nil)},
			[]Rule{rule(get, strs("https://*.example.com"), nil), rule(get, strs("*"), nil)}, `rule 0 ("all")`},
		{CodeDuplicateRule, 1, []Rule{rule(strs("GET", "PUT"), strs("https://a.example"), strs("Content-Type")), rule(strs("PUT", "GET"), strs("https://a.example"), strs("content-type"))},
			[]Rule{rule(strs("GET", "PUT"), strs("https://a.example"), nil), withAge(rule(strs("PUT", "GET"), strs("https://a.example"), nil), "60")}, "repeats rule 0"},
		{CodeDuplicateID, 1, []Rule{withID(rule(get, strs("https://a.example"), nil), "x"), withID(rule(get, strs("https://b.example"), nil), "x")},
			[]Rule{withID(rule(get, strs("https://a.example"), nil), "x"), withID(rule(get, strs("https://b.example"), nil), "X")}, "same id as rule 0"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("https://*.*.example.com"), nil)}, []Rule{rule(get, strs("https://*.example.com"), nil)}, "more than one `*`"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("http://localhost:*"), nil)}, []Rule{rule(get, strs("http://localhost:3000"), nil)}, "MalformedXML"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("http://[::1]:80*"), nil)}, []Rule{rule(get, strs("http://*:8080"), nil)}, "wildcards the port"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("https://app.example.com/"), nil)}, []Rule{rule(get, strs("https://app.example.com"), nil)}, "a path"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("HTTPS://app.example.com"), nil)}, []Rule{rule(get, strs("https://app.example.com"), nil)}, "lowercase"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("https://App.example.com"), nil)}, []Rule{rule(get, strs("https://*-app.example.com"), nil)}, "lowercase"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("https://app.example.com:443"), nil)}, []Rule{rule(get, strs("https://app.example.com:8443"), nil)}, "default"},
		{CodeOriginNeverMatches, 0, []Rule{rule(get, strs("app.example.com"), nil)}, []Rule{rule(get, strs("*.example.com"), nil)}, "no scheme"},
		{CodeAnyOrigin, 0, []Rule{rule(get, strs("http://*:8080"), nil)}, []Rule{rule(get, strs("http://localhost:*"), nil)}, "http://r2-review.com:8080"},
		{CodeHeaderNeverMatches, 0, []Rule{rule(get, strs("https://a.example"), strs("content-type, x-amz-date"))}, []Rule{rule(get, strs("https://a.example"), strs("Content-Type"))}, "one name per entry"},
		{CodeHeaderNeverMatches, 0, []Rule{rule(get, strs("https://a.example"), strs("x-*-*"))}, []Rule{rule(get, strs("https://a.example"), strs("x-*"))}, "more than one `*`"},
		{CodeInvalidMethod, 0, []Rule{rule(strs("get"), strs("https://a.example"), nil)}, []Rule{rule(get, strs("https://a.example"), nil)}, `use "GET"`},
		{CodeInvalidMethod, 0, []Rule{rule(strs("PATCH"), strs("https://a.example"), nil)}, []Rule{rule(strs("POST"), strs("https://a.example"), nil)}, "PATCH"},
		{CodeEmptyMethods, 0, []Rule{rule(strs(), strs("https://a.example"), nil)}, []Rule{rule(get, strs("https://a.example"), nil)}, "no method"},
		{CodeEmptyMethods, 0, []Rule{{}}, []Rule{rule(get, strs("https://a.example"), strs())}, "no method"},
		{CodeEmptyOrigins, 0, []Rule{rule(get, nil, nil)}, []Rule{rule(get, strs("https://a.example"), nil)}, "no origin"},
	}
	for _, tc := range cases {
		t.Run(tc.code+" "+tc.wantInMsg, func(t *testing.T) {
			got := Findings(tc.triggers)
			if !has(got, tc.code, tc.index) {
				t.Fatalf("Findings = %v, want %s on rule %d", codes(got), tc.code, tc.index)
			}
			for _, f := range got {
				if f.Code == tc.code && f.RuleIndex == tc.index && !strings.Contains(f.Message, tc.wantInMsg) {
					t.Errorf("message %q lacks %q", f.Message, tc.wantInMsg)
				}
			}
			if got := Findings(tc.doesNot); has(got, tc.code, tc.index) {
				t.Errorf("Findings(near miss) = %v, want no %s on rule %d", codes(got), tc.code, tc.index)
			}
		})
	}
}

func TestFindingsShape(t *testing.T) {
	rules := []Rule{
		withID(rule(strs("GET"), strs("http://localhost:3000"), nil), "dev"),
		withAge(rule(Methods, strs("*"), strs("*")), "86400"),
	}
	got := Findings(rules)
	want := []string{"loopback-origin@0", "any-origin-write@1", "all-methods@1", "any-header-write@1", "max-age-over-browser-cap@1"}
	if strings.Join(codes(got), " ") != strings.Join(want, " ") {
		t.Fatalf("Findings = %v, want %v (rule order, then catalogue order)", codes(got), want)
	}
	for _, f := range got {
		if f.Severity != severityOf(f.Code) {
			t.Errorf("%s has severity %s", f.Code, f.Severity)
		}
		label := fmt.Sprintf("Rule %d", f.RuleIndex)
		if f.RuleID != nil {
			label += fmt.Sprintf(" (%q)", *f.RuleID)
		}
		if !strings.HasPrefix(f.Message, label+" ") || !strings.HasSuffix(f.Message, ".") {
			t.Errorf("message %q does not start with %q and end with a period", f.Message, label)
		}
	}
	if got[0].RuleID == nil || *got[0].RuleID != "dev" || got[1].RuleID != nil {
		t.Errorf("rule ids not carried")
	}
	if fs := Findings(nil); len(fs) != 0 {
		t.Errorf("Findings(nil) = %v", codes(fs))
	}
	clean := []Rule{withAge(rule(strs("GET", "HEAD"), strs("https://app.example.com", "https://*.example.com"), strs("range")), "3600"),
		rule(strs("PUT"), strs("https://app.example.com"), strs("content-type"))}
	if fs := Findings(clean); len(fs) != 0 {
		t.Errorf("Findings(clean policy) = %v", codes(fs))
	}
}

var docHeading = regexp.MustCompile("(?m)^### `([a-z-]+)`$")

// Every code has its section in findings.md, in catalogue order, and every
// section is a code; each says why, shows an example and a fix.
func TestFindingsDocCoversCatalogue(t *testing.T) {
	var documented []string
	for _, m := range docHeading.FindAllStringSubmatch(FindingsDoc, -1) {
		documented = append(documented, m[1])
	}
	var codes []string
	for _, c := range Catalogue {
		codes = append(codes, c.Code)
	}
	if strings.Join(documented, " ") != strings.Join(codes, " ") {
		t.Errorf("findings.md documents\n %v\nthe catalogue has\n %v", documented, codes)
	}
	sections := docHeading.Split(FindingsDoc, -1)[1:]
	for i, s := range sections {
		if i >= len(Catalogue) {
			break
		}
		c := Catalogue[i]
		sev := strings.ToUpper(string(c.Severity[:1])) + string(c.Severity[1:])
		for _, want := range []string{"**" + sev + ".**", "Example:", "Fix:"} {
			if !strings.Contains(s, want) {
				t.Errorf("section %s lacks %q", c.Code, want)
			}
		}
	}
}

// An entry that no browser's origin can match, or that only the visitor's own
// machine serves, is no origin an attacker could write from: it is reported
// as never matching (or as loopback), never as any-origin-write.
func TestAnyOriginWriteOnlyFromOriginsBrowsersSend(t *testing.T) {
	for _, entry := range []string{"*://app.example.com", "*s://app.example.com", "HTTPS://*", "https://*.localhost"} {
		rules := []Rule{{Allowed: &Allowed{Methods: []string{"PUT"}, Origins: []string{entry}}}}
		if fs := Findings(rules); has(fs, CodeAnyOriginWrite, 0) {
			t.Errorf("%q: codes %v; want no %s", entry, codes(fs), CodeAnyOriginWrite)
		}
	}
	rules := []Rule{{Allowed: &Allowed{Methods: []string{"PUT"}, Origins: []string{"https://*"}}}}
	if fs := Findings(rules); !has(fs, CodeAnyOriginWrite, 0) {
		t.Errorf("https://*: codes %v; want %s", codes(fs), CodeAnyOriginWrite)
	}
}

// Multi-label public suffixes count as open to anyone (the Public Suffix
// List), while a wildcard under a registrable domain of the owner's does not.
func TestAnyOriginWriteKnowsPublicSuffixes(t *testing.T) {
	for entry, open := range map[string]bool{
		"https://*.co.uk":          true,
		"https://*example.co.uk":   true,
		"https://*.example.co.uk":  false,
		"https://*.github.io":      true,
		"https://*.app.github.io":  false,
		"https://*.example.com.au": false,
		"https://*.com.au":         true,
	} {
		rules := []Rule{{Allowed: &Allowed{Methods: []string{"PUT"}, Origins: []string{entry}}}}
		fs := Findings(rules)
		if got := has(fs, CodeAnyOriginWrite, 0) || has(fs, CodeSharedHostingOrigin, 0); got != open {
			t.Errorf("%q: codes %v; open to anyone = %v, want %v", entry, codes(fs), got, open)
		}
	}
}
