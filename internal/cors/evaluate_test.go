package cors

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func sp(s string) *string { return &s }

func np(s string) *json.Number { n := json.Number(s); return &n }

func allow(methods, origins, headers []string) *Allowed {
	return &Allowed{Methods: methods, Origins: origins, Headers: headers}
}

func strs(s ...string) []string { return s }

func TestEvaluate(t *testing.T) {
	// Two overlapping rules: the first allows app.example.com with GET only;
	// the second allows every origin with GET and PUT.
	overlapping := []Rule{
		{ID: sp("app"), Allowed: allow(strs("GET"), strs("https://app.example.com"), strs("x-app")), ExposeHeaders: strs("ETag"), MaxAgeSeconds: np("60")},
		{ID: sp("any"), Allowed: allow(strs("GET", "PUT"), strs("*"), strs("*")), MaxAgeSeconds: np("3600")},
	}
	wildcard := []Rule{{Allowed: allow(strs("GET"), strs("https://*.example.com"), nil)}}

	cases := []struct {
		name  string
		rules []Rule
		req   Request
		want  Result
		// response says want sets the response rule; otherwise it is the
		// preflight's rule.
		response bool
	}{
		{
			name:  "first match wins over a later, broader rule",
			rules: overlapping,
			req:   Request{Origin: "https://app.example.com", Method: "GET", Headers: strs("X-App")},
			want: Result{Allowed: true, RuleIndex: 0, RuleID: sp("app"), AllowOrigin: "https://app.example.com",
				AllowMethods: "GET", AllowHeaders: "x-app", ExposeHeaders: "ETag", MaxAge: np("60")},
		},
		{
			name:  "method missing from the first rule falls through to the second",
			rules: overlapping,
			req:   Request{Origin: "https://app.example.com", Method: "PUT", Headers: strs("X-App")},
			want: Result{Allowed: true, RuleIndex: 1, RuleID: sp("any"), AllowOrigin: "*",
				AllowMethods: "GET, PUT", AllowHeaders: "x-app", MaxAge: np("3600")},
		},
		{
			name:  "star origin answers star",
			rules: overlapping,
			req:   Request{Origin: "https://evil.example", Method: "GET"},
			want:  Result{Allowed: true, RuleIndex: 1, RuleID: sp("any"), AllowOrigin: "*", AllowMethods: "GET, PUT", MaxAge: np("3600")},
		},
		{
			name:  "method not allowed by any rule",
			rules: overlapping,
			req:   Request{Origin: "https://evil.example", Method: "DELETE"},
			want:  noMatch,
		},
		{
			name:  "methods compare exactly",
			rules: overlapping,
			req:   Request{Origin: "https://evil.example", Method: "get"},
			want:  noMatch,
		},
		{
			name:  "wildcard origin matches a subdomain and echoes the origin",
			rules: wildcard,
			req:   Request{Origin: "https://a.example.com", Method: "GET"},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "https://a.example.com", AllowMethods: "GET"},
		},
		{
			name:  "wildcard origin matches several labels",
			rules: wildcard,
			req:   Request{Origin: "https://a.b.example.com", Method: "GET"},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "https://a.b.example.com", AllowMethods: "GET"},
		},
		{
			name:  "wildcard origin does not match the apex",
			rules: wildcard,
			req:   Request{Origin: "https://example.com", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "wildcard origin does not match a lookalike domain",
			rules: wildcard,
			req:   Request{Origin: "https://evilexample.com", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "wildcard origin does not match another scheme",
			rules: wildcard,
			req:   Request{Origin: "http://a.example.com", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "wildcard at the end matches any suffix",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("https://example.*"), nil)}},
			req:   Request{Origin: "https://example.evil.com", Method: "GET"},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "https://example.evil.com", AllowMethods: "GET"},
		},
		{
			name:  "two wildcards match nothing",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("https://*.*.com"), nil)}},
			req:   Request{Origin: "https://a.b.com", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "origins compare case-sensitively",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("https://App.example.com"), nil)}},
			req:   Request{Origin: "https://app.example.com", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "later origin entry matches",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("https://a.example", "https://b.example"), nil)}},
			req:   Request{Origin: "https://b.example", Method: "GET"},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "https://b.example", AllowMethods: "GET"},
		},
		{
			name:  "one of several requested headers missing",
			rules: []Rule{{Allowed: allow(strs("PUT"), strs("*"), strs("content-type", "x-a"))}},
			req:   Request{Origin: "https://a.example", Method: "PUT", Headers: strs("content-type", "x-b")},
			want:  noMatch,
		},
		{
			name:  "all requested headers present, case-insensitive, answered lowercase in request order",
			rules: []Rule{{Allowed: allow(strs("PUT"), strs("*"), strs("X-A", "content-type"))}},
			req:   Request{Origin: "https://a.example", Method: "PUT", Headers: strs("Content-Type", "x-a")},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "*", AllowMethods: "PUT", AllowHeaders: "content-type, x-a"},
		},
		{
			name:  "star header matches any header",
			rules: []Rule{{Allowed: allow(strs("PUT"), strs("*"), strs("*"))}},
			req:   Request{Origin: "https://a.example", Method: "PUT", Headers: strs("X-Anything", "authorization")},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "*", AllowMethods: "PUT", AllowHeaders: "x-anything, authorization"},
		},
		{
			name:  "prefix wildcard header matches case-insensitively",
			rules: []Rule{{Allowed: allow(strs("PUT"), strs("*"), strs("x-amz-*"))}},
			req:   Request{Origin: "https://a.example", Method: "PUT", Headers: strs("X-Amz-Date")},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "*", AllowMethods: "PUT", AllowHeaders: "x-amz-date"},
		},
		{
			name:  "prefix wildcard header does not match another prefix",
			rules: []Rule{{Allowed: allow(strs("PUT"), strs("*"), strs("x-amz-*"))}},
			req:   Request{Origin: "https://a.example", Method: "PUT", Headers: strs("x-am")},
			want:  noMatch,
		},
		{
			name:  "no headers requested matches a rule without headers",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("*"), nil)}},
			req:   Request{Origin: "https://a.example", Method: "GET", Headers: strs()},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "*", AllowMethods: "GET"},
		},
		{
			name:  "requested header against a rule with null headers",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("*"), nil)}},
			req:   Request{Origin: "https://a.example", Method: "GET", Headers: strs("x-a")},
			want:  noMatch,
		},
		{
			name:  "requested header against a rule with empty headers",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("*"), strs())}},
			req:   Request{Origin: "https://a.example", Method: "GET", Headers: strs("x-a")},
			want:  noMatch,
		},
		{
			name:  "empty rules",
			rules: []Rule{},
			req:   Request{Origin: "https://a.example", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "nil rules",
			rules: nil,
			req:   Request{Origin: "https://a.example", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "null allowed matches nothing",
			rules: []Rule{{ID: sp("broken")}},
			req:   Request{Origin: "https://a.example", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "null origins and methods match nothing",
			rules: []Rule{{Allowed: &Allowed{}}},
			req:   Request{Origin: "https://a.example", Method: "GET"},
			want:  noMatch,
		},
		{
			name:  "empty origins match nothing",
			rules: []Rule{{Allowed: allow(strs("GET"), strs(), strs("*"))}},
			req:   Request{Origin: "https://a.example", Method: "GET"},
			want:  noMatch,
		},
		{
			name: "max age kept as written, empty expose headers not sent",
			rules: []Rule{{ID: sp(""), Allowed: allow(strs("HEAD", "GET"), strs("http://localhost:3000"), strs("x-requested-by")),
				ExposeHeaders: strs(), MaxAgeSeconds: np("1.5e3")}},
			req: Request{Origin: "http://localhost:3000", Method: "HEAD"},
			want: Result{Allowed: true, RuleIndex: 0, RuleID: sp(""), AllowOrigin: "http://localhost:3000",
				AllowMethods: "HEAD, GET", MaxAge: np("1.5e3")},
		},
		{
			// The preflight passes by rule 1, but request headers are not
			// checked on the real GET, which rule 0 answers: it exposes
			// nothing (S3's documented behaviour).
			name: "expose headers come from the rule that answers the real request",
			rules: []Rule{
				{ID: sp("plain"), Allowed: allow(strs("GET"), strs("https://a.example.com"), nil)},
				{ID: sp("ranges"), Allowed: allow(strs("GET"), strs("https://a.example.com"), strs("range")), ExposeHeaders: strs("content-range")},
			},
			req: Request{Origin: "https://a.example.com", Method: "GET", Headers: strs("range")},
			want: Result{Allowed: true, RuleIndex: 1, RuleID: sp("ranges"), AllowOrigin: "https://a.example.com", AllowMethods: "GET",
				AllowHeaders: "range", ResponseRuleIndex: 0, ResponseRuleID: sp("plain")},
			response: true,
		},
		{
			name:  "several expose headers joined",
			rules: []Rule{{Allowed: allow(strs("GET"), strs("*"), nil), ExposeHeaders: strs("ETag", "Content-Encoding")}},
			req:   Request{Origin: "https://a.example", Method: "GET"},
			want:  Result{Allowed: true, RuleIndex: 0, AllowOrigin: "*", AllowMethods: "GET", ExposeHeaders: "ETag, Content-Encoding"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if !tc.response {
				want.ResponseRuleIndex, want.ResponseRuleID = want.RuleIndex, want.RuleID
			}
			got := Evaluate(tc.rules, tc.req)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Evaluate =\n %s\nwant\n %s", show(got), show(want))
			}
		})
	}
}

func show(r Result) string {
	id, age := "<nil>", "<nil>"
	if r.RuleID != nil {
		id = fmt.Sprintf("%q", *r.RuleID)
	}
	if r.MaxAge != nil {
		age = string(*r.MaxAge)
	}
	return fmt.Sprintf("{Allowed:%v RuleIndex:%d RuleID:%s AllowOrigin:%q AllowMethods:%q AllowHeaders:%q MaxAge:%s ResponseRuleIndex:%d ExposeHeaders:%q}",
		r.Allowed, r.RuleIndex, id, r.AllowOrigin, r.AllowMethods, r.AllowHeaders, age, r.ResponseRuleIndex, r.ExposeHeaders)
}

// TestEvaluateOddInput checks that input no browser sends neither panics nor
// matches by accident.
func TestEvaluateOddInput(t *testing.T) {
	rules := []Rule{{Allowed: allow(strs("GET"), strs("ab*ba", "", "*x"), strs("a*a", "é*"))}}
	for _, req := range []Request{
		{Origin: "aba", Method: "GET"},
		{Origin: "", Method: "GET"},
		{Origin: "x", Method: "GET", Headers: strs("a")},
		{Origin: "x", Method: "GET", Headers: strs("\xc3")},
		{Origin: "x", Method: "GET", Headers: strs("")},
	} {
		if got := Evaluate(rules, req); got.Allowed && req.Origin != "" && req.Origin != "x" {
			t.Errorf("Evaluate(%+v) allowed", req)
		}
	}
	if got := Evaluate(rules, Request{Origin: "", Method: "GET"}); !got.Allowed {
		t.Errorf("empty origin entry should match an empty origin byte for byte")
	}
	if got := Evaluate(rules, Request{Origin: "x", Method: "GET", Headers: strs("é")}); !got.Allowed {
		t.Errorf("é* should match é")
	}
	if got := Evaluate(rules, Request{Origin: "x", Method: "GET", Headers: strs("a")}); got.Allowed {
		t.Errorf("a*a must not match a (the prefix and suffix may not overlap)")
	}
}

func TestSemanticsMentionsEveryRule(t *testing.T) {
	for _, s := range []string{"first", "case-sensitively", "case-insensitively", "Access-Control-Allow-Origin",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age"} {
		if !strings.Contains(Semantics, s) {
			t.Errorf("Semantics does not mention %q", s)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	rules := make([]Rule, 10)
	for i := range rules {
		rules[i] = Rule{
			ID:            sp(fmt.Sprintf("rule-%d", i)),
			Allowed:       allow(strs("GET", "HEAD"), strs(fmt.Sprintf("https://app%d.example.com", i), fmt.Sprintf("https://*.tenant%d.example.com", i)), strs("content-type", "x-amz-*")),
			ExposeHeaders: strs("ETag"),
			MaxAgeSeconds: np("3600"),
		}
	}
	reqs := map[string]Request{
		"first rule":     {Origin: "https://app0.example.com", Method: "GET"},
		"last rule":      {Origin: "https://app9.example.com", Method: "GET", Headers: strs("Content-Type", "X-Amz-Date")},
		"wildcard":       {Origin: "https://a.b.tenant5.example.com", Method: "HEAD", Headers: strs("x-amz-meta-a")},
		"no match":       {Origin: "https://evil.example", Method: "GET"},
		"header missing": {Origin: "https://app9.example.com", Method: "GET", Headers: strs("authorization")},
	}
	for name, req := range reqs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Evaluate(rules, req)
			}
		})
	}
}
