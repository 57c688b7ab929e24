package r2s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

const (
	xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>`
	open    = xmlDecl + `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`
	closing = `</CORSConfiguration>`
	ruleIn  = `<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`
)

// policyXML wraps rules' insides in a configuration, one CORSRule each.
func policyXML(rules ...string) string {
	var b strings.Builder
	b.WriteString(open)
	for _, r := range rules {
		b.WriteString("<CORSRule>" + r + "</CORSRule>")
	}
	b.WriteString(closing)
	return b.String()
}

// serve makes the fake's S3 answer body (status 200 unless given): the
// next one, or every one until ClearFaults for a status that is retried.
func serve(s *fakeapi.Server, status int, body string) {
	times := 1
	if status >= 500 {
		times = 0
	}
	if status == 0 {
		status = 200
	}
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/", Status: status, Body: body, ContentType: "application/xml", Times: times})
}

// Every defence of the REST decoder holds for XML, before the SDK reads a
// byte: each body is refused (never read as a policy, never "no policy"),
// finally (one request), with what is wrong said.
func TestHostileXMLIsRefused(t *testing.T) {
	tooMany := make([]string, cors.MaxRules+1)
	for i := range tooMany {
		tooMany[i] = ruleIn
	}
	deep := strings.Repeat("<x>", 40) + strings.Repeat("</x>", 40)
	big := policyXML(ruleIn + "<ID>" + strings.Repeat("a", r2api.MaxPolicyBytes) + "</ID>")
	cases := []struct {
		name, body, want string
		renamed          bool
	}{
		{"entity declared in a DOCTYPE", xmlDecl + `<!DOCTYPE c [<!ENTITY e "https://evil.example">]>` + policyXML(`<AllowedOrigin>&e;</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`), "a declaration (<!DOCTYPE…>)", false},
		{"billion laughs", `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` + policyXML(ruleIn+"<ID>&b;</ID>"), "a declaration", false},
		{"external entity", `<!DOCTYPE c SYSTEM "file:///etc/passwd">` + policyXML(ruleIn), "a declaration", false},
		{"entity never declared", policyXML(ruleIn + "<ID>&e;</ID>"), "not well-formed XML", false},
		{"larger than a policy may be", big, "larger than the 131072 bytes a CORS policy may take", false},
		{"more rules than a policy holds", policyXML(tooMany...), "more than the 100 rules", false},
		{"two IDs", policyXML(ruleIn + "<ID>a</ID><ID>b</ID>"), "two <ID> elements in rule 0", false},
		{"two max ages", policyXML(ruleIn + "<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>86400</MaxAgeSeconds>"), "two <MaxAgeSeconds>", false},
		{"renamed origins", policyXML(`<AllowedOrigins>*</AllowedOrigins><AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://a.example</AllowedOrigin>`), "looks like a renamed <AllowedOrigin>", true},
		{"another case", policyXML(`<allowedOrigin>*</allowedOrigin>` + ruleIn), "<allowedOrigin> in rule 0 looks like a renamed <AllowedOrigin>", true},
		{"upper case", policyXML(ruleIn + "<MAXAGESECONDS>5</MAXAGESECONDS>"), "looks like a renamed <MaxAgeSeconds>", true},
		// The SDK would take "ſ" for "s" (Unicode folding), but encoding/xml
		// refuses it in a name (XML 1.0's letters leave U+017F out).
		{"a Unicode form the SDK folds", policyXML(ruleIn + "<MaxAgeSecond\u017f>5</MaxAgeSecond\u017f>"), "invalid XML name", false},
		{"the REST API's names", policyXML(ruleIn + "<origins>*</origins>"), "looks like a renamed <AllowedOrigin>", true},
		{"renamed rules", open + "<CORSRules><CORSRule>" + ruleIn + "</CORSRule></CORSRules>" + closing, "looks like a renamed <CORSRule>", true},
		{"rule in another case", open + "<CorsRule>" + ruleIn + "</CorsRule>" + closing, "looks like a renamed <CORSRule>", true},
		{"no method", policyXML(`<AllowedOrigin>*</AllowedOrigin>`), "rule 0 has no <AllowedMethod>", false},
		{"no origin", policyXML(`<AllowedMethod>GET</AllowedMethod>`), "rule 0 has no <AllowedOrigin>", false},
		{"max age past 32 bits", policyXML(ruleIn + "<MaxAgeSeconds>4294967297</MaxAgeSeconds>"), "outside the range", false},
		{"max age past 32 bits within the range", policyXML(ruleIn + "<MaxAgeSeconds>999999999999</MaxAgeSeconds>"), "outside the range", false},
		{"negative max age", policyXML(ruleIn + "<MaxAgeSeconds>-1</MaxAgeSeconds>"), "outside the range", false},
		{"max age with blanks", policyXML(ruleIn + "<MaxAgeSeconds> 5</MaxAgeSeconds>"), "maxAgeSeconds  5 is not a number", false},
		{"tiny max age", policyXML(ruleIn + "<MaxAgeSeconds>1e-200000</MaxAgeSeconds>"), "outside the range", false},
		{"long max age", policyXML(ruleIn + "<MaxAgeSeconds>" + strings.Repeat("0", 65) + "1</MaxAgeSeconds>"), "66 characters", false},
		{"comment", policyXML(ruleIn + "<!-- x -->"), "a comment", false},
		{"processing instruction", policyXML(ruleIn + "<?php x?>"), "processing instruction <?php?>", false},
		{"declaration not first", ` ` + policyXML(ruleIn), "processing instruction <?xml?>", false},
		{"another encoding", `<?xml version="1.0" encoding="ISO-8859-1"?>` + policyXML(ruleIn)[len(xmlDecl):], "encoding", false},
		{"a second root", policyXML(ruleIn) + `<CORSConfiguration/>`, "more after the root element", false},
		{"another root", `<ListAllMyBucketsResult>` + `<CORSRule>` + ruleIn + `</CORSRule></ListAllMyBucketsResult>`, "the root element is <ListAllMyBucketsResult>", false},
		{"another namespace", `<CORSConfiguration xmlns="urn:evil"><CORSRule>` + ruleIn + `</CORSRule>` + closing, `namespace "urn:evil"`, false},
		{"a control character by reference", policyXML(ruleIn + "<ID>&#x1b;[31m</ID>"), "U+001B", false},
		{"a value in pieces", policyXML(ruleIn + "<ID>a<![CDATA[b]]></ID>"), "in pieces", false},
		{"an element in a value", policyXML(`<AllowedOrigin><x/>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`), "inside <AllowedOrigin>", false},
		{"text between elements", policyXML(ruleIn + "stray"), "text inside <CORSRule>", false},
		{"nested too deep", policyXML(ruleIn + deep), "nested more than 16 deep", false},
		{"not XML", `{"rules":[]}`, "text before the root element", false},
		{"empty", ``, "the answer is empty", false}, // A 200 without a body.
		{"cut short", policyXML(ruleIn)[:len(policyXML(ruleIn))-5], "not well-formed XML", false},
		{"invalid UTF-8", policyXML(ruleIn + "<ID>\xff</ID>"), "not well-formed XML", false},
	}
	s := newFake(t)
	r := newReader(t, s)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.ResetLog()
			serve(s, 0, tc.body)
			rules, err := r.GetBucketCORS(context.Background(), "", "media")
			if rules != nil {
				t.Fatalf("read as %s", dump(rules))
			}
			e := mustS3Error(t, err, r2s3.KindRefused)
			if !strings.Contains(e.Error(), tc.want) {
				t.Fatalf("error %q, want %q", e.Error(), tc.want)
			}
			if !e.Permanent || e.Attempts != 1 || s.S3Stats().Requests != 1 {
				t.Fatalf("not final: %+v", e)
			}
			if errors.Is(err, r2api.ErrRenamedMember) != tc.renamed {
				t.Fatalf("ErrRenamedMember in the chain: %v, want %v", !tc.renamed, tc.renamed)
			}
			if tc.name != "larger than a policy may be" && !errors.Is(err, r2s3.ErrRefusedXML) {
				t.Fatal("ErrRefusedXML not in the chain")
			}
			assertPrintable(t, e.Error())
		})
	}
}

// Unknown elements that look like nothing known are ignored, as the REST
// decoder ignores unknown members, and so is the XML declaration.
func TestUnrelatedElementsAreIgnored(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	serve(s, 0, open+`<Owner><ID>x</ID></Owner><CORSRule><Note>hi</Note>`+ruleIn+`</CORSRule>`+closing)
	got, err := r.GetBucketCORS(context.Background(), "", "media")
	if err != nil || len(got) != 1 || got[0].ID != nil {
		t.Fatalf("%s %v", dump(got), err)
	}
	// Without the declaration, without the namespace, self-closed: the same.
	serve(s, 0, `<CORSConfiguration><CORSRule><ID/>`+ruleIn+`</CORSRule></CORSConfiguration>`)
	got, err = r.GetBucketCORS(context.Background(), "", "media")
	if err != nil || len(got) != 1 || *got[0].ID != "" {
		t.Fatalf("%s %v", dump(got), err)
	}
	serve(s, 0, open+closing)
	if got, err := r.GetBucketCORS(context.Background(), "", "media"); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("a configuration without rules read as %s %v, want []", dump(got), err)
	}
}

// Error answers are checked too: a hostile one is never taken for "no
// policy", and server text is escaped wherever it goes.
func TestHostileErrorAnswers(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	noCORS := `<Error><Code>NoSuchCORSConfiguration</Code><Message>none</Message></Error>`
	for _, tc := range []struct {
		name, body, want string
	}{
		{"two codes", `<Error><Code>AccessDenied</Code><Code>NoSuchCORSConfiguration</Code></Error>`, "two <Code> elements"},
		{"a DOCTYPE", `<!DOCTYPE e [<!ENTITY c "NoSuchCORSConfiguration">]><Error><Code>&c;</Code></Error>`, "a declaration"},
		{"a code in another case", `<Error><code>NoSuchCORSConfiguration</code></Error>`, "looks like a renamed <Code>"},
		{"wrapped", `<ErrorResponse>` + noCORS + `</ErrorResponse>`, "the root element is <ErrorResponse>"},
		{"no code", `<Error><Message>none</Message></Error>`, "no <Code> in <Error>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			serve(s, 404, tc.body)
			rules, err := r.GetBucketCORS(context.Background(), "", "media")
			if rules != nil {
				t.Fatalf("read as %s", dump(rules))
			}
			e := mustS3Error(t, err, r2s3.KindOther)
			if e.StatusCode != 404 || !strings.Contains(e.Reason, "not S3's error XML") || !strings.Contains(e.Reason, tc.want) || e.Body == "" {
				t.Fatalf("error %+v", e)
			}
		})
	}
	// The same answer, well-formed, is "no policy".
	serve(s, 404, noCORS)
	if got, err := r.GetBucketCORS(context.Background(), "", "media"); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("%s %v", dump(got), err)
	}
	// NoSuchCORSConfiguration with another status is not "no policy".
	serve(s, 409, noCORS)
	if _, err := r.GetBucketCORS(context.Background(), "", "media"); err == nil {
		t.Fatal("a 409 read as no policy")
	}
}

// A server's message (terminal escapes, a forged line, bidi overrides) is
// escaped in the error, whether it comes as S3's error XML or as a body
// that is not XML.
func TestServerTextIsEscaped(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	hostile := "Access Denied\u009b31m\u202e\nError: forged\u200b"
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/", Status: 403, Message: hostile, Times: 1})
	_, err := r.GetBucketCORS(context.Background(), "", "media")
	e := mustS3Error(t, err, r2s3.KindAccessDenied)
	if !strings.Contains(e.Message, `\u009b31m\u202e\nError: forged\u200b`) {
		t.Fatalf("message %q", e.Message)
	}
	assertPrintable(t, e.Error())
	// Raw control bytes are not XML: shown escaped, as a body.
	serve(s, 502, "<html>\x1b]8;;https://evil.example\x07bad gateway\n\x1b[2J</html>")
	_, err = r.GetBucketCORS(context.Background(), "", "media")
	e = mustS3Error(t, err, r2s3.KindOther)
	if !strings.Contains(e.Body, `\x1b]8;;https://evil.example\abad gateway`) {
		t.Fatalf("body %q", e.Body)
	}
	assertPrintable(t, e.Error())
	s.ClearFaults()
	// An error code is server text too.
	serve(s, 403, "<Error><Code>Denied\u202eX</Code></Error>")
	_, err = r.GetBucketCORS(context.Background(), "", "media")
	e = mustS3Error(t, err, r2s3.KindOther)
	if e.Code != `Denied\u202eX` {
		t.Fatalf("code %q", e.Code)
	}
	assertPrintable(t, e.Error())
}

func assertPrintable(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Fatalf("%U in %q", r, s)
		}
	}
}

// A body that passes the check but that the SDK reads otherwise is refused
// too (mapRules compares the two readings); here: none, since the check
// refuses what the SDK would read otherwise, which this test pins.
func TestTheCheckAndTheSDKAgree(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	for i, body := range []string{
		policyXML(ruleIn + "<AllowedHeader></AllowedHeader><AllowedHeader>x</AllowedHeader><ExposeHeader/>"),
		policyXML(ruleIn+"<MaxAgeSeconds>+5</MaxAgeSeconds>", ruleIn+"<MaxAgeSeconds>007</MaxAgeSeconds>"),
		policyXML(`<AllowedOrigin>&lt;&#x41;&#65;&amp;</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`),
	} {
		serve(s, 0, body)
		got, err := r.GetBucketCORS(context.Background(), "", "media")
		if err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		t.Logf("body %d: %s", i, dump(got))
	}
	serve(s, 0, policyXML(ruleIn+"<MaxAgeSeconds>+5</MaxAgeSeconds>"))
	got, _ := r.GetBucketCORS(context.Background(), "", "media")
	if *got[0].MaxAgeSeconds != "5" {
		t.Fatalf("max age %s", *got[0].MaxAgeSeconds)
	}
	serve(s, 0, policyXML(`<AllowedOrigin>&lt;&#x41;&#65;&amp;</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`))
	got, _ = r.GetBucketCORS(context.Background(), "", "media")
	if got[0].Allowed.Origins[0] != "<AA&" {
		t.Fatalf("origin %q", got[0].Allowed.Origins[0])
	}
}
