package r2s3_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// FuzzReadPolicyXML reads any body as R2's answer to Get Bucket CORS,
// through the reader's whole path (the strict scan, the SDK's parse, the
// mapping). Whatever the body, the read ends with an error that prints
// plainly or with rules a bucket can hold; and rules it accepts read back
// the same when the fake writes them as R2 would (fakeapi.PolicyXML, a
// writer independent of the reader), so no accepted body is read as
// something other than what it says.
func FuzzReadPolicyXML(f *testing.F) {
	for _, seed := range []string{
		policyXML(ruleIn),
		policyXML("<ID>app</ID>"+ruleIn+"<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds>",
			"<AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>"),
		open + closing,
		policyXML(ruleIn + "<MaxAgeSeconds>1.5</MaxAgeSeconds>"),
		policyXML(ruleIn + "<ID>a</ID><ID>b</ID>"),
		xmlDecl + `<!DOCTYPE x [<!ENTITY a "b">]><CORSConfiguration>&a;</CORSConfiguration>`,
		`<Error><Code>NoSuchCORSConfiguration</Code><Message>none</Message></Error>`,
	} {
		f.Add(seed)
	}
	s := newFake(f)
	r := newReader(f, s)
	f.Fuzz(func(t *testing.T, body string) {
		serve(s, 0, body)
		rules, err := r.GetBucketCORS(context.Background(), "", "media")
		if err != nil {
			assertPrintable(t, err.Error())
			return
		}
		if rules == nil {
			t.Fatal("a nil rule list: no policy is [], never null")
		}
		if err := cors.CheckPolicySize(rules); err != nil {
			t.Fatalf("accepted rules no bucket can hold: %v", err)
		}
		for i, rule := range rules {
			if rule.MaxAgeSeconds != nil {
				if err := cors.ValidateMaxAge(*rule.MaxAgeSeconds); err != nil {
					t.Fatalf("rule %d: accepted max age %s: %v", i, *rule.MaxAgeSeconds, err)
				}
			}
		}
		js, err := json.Marshal(rules)
		if err != nil {
			t.Fatal(err)
		}
		written, err := fakeapi.PolicyXML(string(js))
		if err != nil {
			t.Fatalf("the fake cannot write the accepted rules %s: %v", js, err)
		}
		serve(s, 0, written)
		again, err := r.GetBucketCORS(context.Background(), "", "media")
		if err != nil {
			t.Fatalf("the accepted rules %s, written as R2 would, are refused: %v", js, err)
		}
		if !reflect.DeepEqual(rules, again) {
			t.Fatalf("read %s, written and read again %s", js, mustJSON(t, again))
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
