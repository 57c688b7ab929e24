package cors

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidateMethod(t *testing.T) {
	for _, m := range Methods {
		if err := ValidateMethod(m); err != nil {
			t.Errorf("ValidateMethod(%q) = %v", m, err)
		}
	}
	cases := map[string]string{
		"get":     `use "GET"`,
		"OPTIONS": "GET, PUT, POST, DELETE, HEAD",
		"":        "GET, PUT, POST, DELETE, HEAD",
		"PATCH":   "must be one of",
		" GET":    "must be one of",
	}
	for m, want := range cases {
		err := ValidateMethod(m)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateMethod(%q) = %v, want an error containing %q", m, err, want)
		}
	}
}

func TestValidateOrigin(t *testing.T) {
	for _, o := range []string{
		"https://example.com",
		"http://localhost:3000",
		"https://a.b.example.com:8443",
		"http://127.0.0.1:65535",
		"http://[::1]:8080",
		"https://[2001:db8::1]",
		"https://xn--bcher-kva.example",
		"http://my_host:1",
		"http://1.2.3.4",
		"https://[::ffff:102:304]",
		"http://[1:0:0:2::3]",
		"https://1e100.net",
	} {
		if err := ValidateOrigin(o); err != nil {
			t.Errorf("ValidateOrigin(%q) = %v", o, err)
		}
	}
	cases := map[string]string{
		"":                          "empty",
		"example.com":               "no scheme",
		"ftp://example.com":         `scheme "ftp" is not supported`,
		"HTTPS://example.com":       "scheme must be lowercase",
		"https://Example.com":       "host must be lowercase",
		"https://example.com/":      `a path ("/")`,
		"https://example.com/app":   "a path",
		"https://example.com?x=1":   "a query",
		"https://example.com#top":   "a fragment",
		"https://user@example.com":  "userinfo",
		"https://":                  "host is empty",
		"https://:443":              "host is empty",
		"https://example.com:":      `port ""`,
		"https://example.com:0":     `port "0"`,
		"https://example.com:65536": `port "65536"`,
		"https://example.com:080":   "leading zeros",
		"https://example.com:+80":   "not valid",
		"https://example.com:x":     "not valid",
		"https://example.com:443":   "default for https",
		"http://example.com:80":     "default for http",
		"https://exa mple.com":      "invalid character",
		"https://bücher.example":    "punycode",
		"http://::1:8080":           "in brackets",
		"http://[::1":               "closing bracket",
		"http://[::1]x":             "after the IPv6",
		"http://[1.2.3.4]":          "not a valid IPv6",
		"http://[]":                 "not a valid IPv6",
		"http://[fe80::1%25eth0]":   "not a valid IPv6",
		"http://[::ABCD]":           "lowercase",
		"null":                      "no scheme",
		// Addresses a browser writes otherwise, and hosts it refuses.
		"http://127.1":             "as 127.0.0.1, so they send http://127.0.0.1",
		"http://127.000.0.1:8080":  "send http://127.0.0.1:8080",
		"http://0x7f.0.0.1":        "as 127.0.0.1",
		"http://2130706433":        "as 127.0.0.1",
		"http://[::0:1]":           "as [::1]",
		"http://[0:0:0:0:0:0:0:1]": "as [::1]",
		"http://[::ffff:1.2.3.4]":  "as [::ffff:102:304]",
		"http://[1:0:0:2:0:0:0:3]": "as [1:0:0:2::3]",
		"https://x.10.0.0.1":       "ends in a number but is not an IPv4 address",
		"https://256.0.0.1":        "not an IPv4 address",
		"https://1.2.3.4.5":        "not an IPv4 address",
	}
	for o, want := range cases {
		err := ValidateOrigin(o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateOrigin(%q) = %v, want an error containing %q", o, err, want)
		}
		if err != nil && o != "" && !strings.Contains(err.Error(), "e.g.") && !strings.Contains(err.Error(), "use ") {
			t.Errorf("ValidateOrigin(%q) = %v: the error shows no example", o, err)
		}
	}
}

func TestValidateHeader(t *testing.T) {
	for _, h := range []string{"content-type", "X-Amz-Date", "x_custom", "*"} {
		if err := ValidateHeader(h); err != nil {
			t.Errorf("ValidateHeader(%q) = %v", h, err)
		}
	}
	for _, h := range []string{"", "content type", "a,b", "x:y", "é", " x"} {
		if err := ValidateHeader(h); err == nil {
			t.Errorf("ValidateHeader(%q) = nil, want an error", h)
		}
	}
}

// FuzzEvaluate checks that no input panics and that a match is always
// explained by the matching rule.
func FuzzEvaluate(f *testing.F) {
	f.Add("https://*.example.com", "x-amz-*", "https://a.example.com", "GET", "X-Amz-Date")
	f.Add("*", "*", "", "", "")
	f.Add("a*b*c", "", "abc", "PUT", "")
	f.Fuzz(func(t *testing.T, origin, header, reqOrigin, method, reqHeader string) {
		rules := []Rule{{Allowed: allow(Methods, strs(origin), strs(header))}}
		var hs []string
		if reqHeader != "" {
			hs = strs(reqHeader)
		}
		got := Evaluate(rules, Request{Origin: reqOrigin, Method: method, Headers: hs})
		if got.Allowed != (got.RuleIndex == 0) {
			t.Fatalf("Allowed %v with RuleIndex %d", got.Allowed, got.RuleIndex)
		}
		// The real request is answered by a rule no later than the one
		// that allowed its preflight, and only when that preflight passed.
		if got.Allowed != (got.ResponseRuleIndex >= 0) || got.ResponseRuleIndex > got.RuleIndex {
			t.Fatalf("ResponseRuleIndex %d with RuleIndex %d", got.ResponseRuleIndex, got.RuleIndex)
		}
		if got.Allowed && origin != "*" && got.AllowOrigin != reqOrigin {
			t.Fatalf("AllowOrigin %q for origin %q", got.AllowOrigin, reqOrigin)
		}
		_ = ValidateOrigin(reqOrigin)
		_ = ValidateMethod(method)
		_ = ValidateHeader(reqHeader)
	})
}

func TestValidateMaxAge(t *testing.T) {
	for _, n := range []string{"0", "-0", "0.0", "1", "1.5", "1e3", "3600", "86400", "86400.5", "1e9", "1E+9",
		"0.000000001", "1e-9", "0.5", "123456789.123456789"} {
		if err := ValidateMaxAge(json.Number(n)); err != nil {
			t.Errorf("ValidateMaxAge(%s) = %v", n, err)
		}
	}
	cases := map[string]string{
		"1e-200000":                              "outside",
		"1e-300000":                              "outside",
		"1e200000":                               "outside",
		"1e-10":                                  "outside",
		"1000000001":                             "outside",
		"-1":                                     "outside",
		"-0.5":                                   "outside",
		"1e-99999999999999999999":                "not a number this provider can read",
		"1" + strings.Repeat("0", 100):           "written in 101 characters",
		"0." + strings.Repeat("0", 100000) + "1": "written in 100003 characters",
		"not-a-number":                           "not a number",
	}
	for n, want := range cases {
		err := ValidateMaxAge(json.Number(n))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "0 to 1e9") {
			t.Errorf("ValidateMaxAge(%.40s) = %v, want an error saying %q and naming the range", n, err, want)
		}
	}
}

// A browser may ask about any method token and send the origin null: those
// are questions with an answer, not mistakes; what no browser sends is.
func TestValidateRequest(t *testing.T) {
	for _, m := range append(strs("PATCH", "OPTIONS", "PROPFIND", "patch"), Methods...) {
		if err := ValidateRequestMethod(m); err != nil {
			t.Errorf("ValidateRequestMethod(%q) = %v", m, err)
		}
	}
	for m, want := range map[string]string{
		"get":     `use "GET"`,
		"options": `use "OPTIONS"`,
		"TRACE":   "never sent",
		"connect": "never sent",
		"":        "empty",
		"GET PUT": "invalid character",
	} {
		if err := ValidateRequestMethod(m); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateRequestMethod(%q) = %v, want an error containing %q", m, err, want)
		}
	}
	if err := ValidateRequestOrigin("null"); err != nil {
		t.Errorf("ValidateRequestOrigin(null) = %v", err)
	}
	if err := ValidateRequestOrigin("http://127.1"); err == nil || !strings.Contains(err.Error(), "http://127.0.0.1") {
		t.Errorf("ValidateRequestOrigin(http://127.1) = %v, want the canonical form named", err)
	}
}
