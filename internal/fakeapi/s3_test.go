package fakeapi

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// s3Call sends a GET signed as aws-sdk-go-v2 signs S3 requests (the
// fake's client side, independent of the provider's reader), with edit
// applied to the request after signing (nil: none), and reads the answer.
func s3Call(t *testing.T, c *http.Client, rawURL, akid, secret string, at time.Time, edit func(*http.Request)) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret},
		req, emptySHA256, "s3", "auto", at); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(req)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// s3URL is Get Bucket CORS of the bucket "media".
func s3URL(s *Server, account, jur string) string {
	u := strings.ReplaceAll(s.S3EndpointTemplate(), "{account_id}", account)
	return strings.ReplaceAll(u, "{jurisdiction}", jur) + "/media?cors"
}

// wantS3Error checks an S3 error answer: status, code, and the document's shape.
func wantS3Error(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		XMLName xml.Name
		Code    string
		Message string
	}
	if err := xml.Unmarshal([]byte(a.body), &doc); err != nil || doc.XMLName.Local != "Error" {
		t.Fatalf("not S3's error XML (%v): %s", err, a.body)
	}
	if doc.Code != code || doc.Message == "" {
		t.Fatalf("code %q message %q, want code %q", doc.Code, doc.Message, code)
	}
}

func TestS3GetBucketCORSFromTheRESTSidesPolicy(t *testing.T) {
	s, c := newFake(t)
	s.SetCORS(acct, "eu", "media", `[{"id":"a<&>","allowed":{"methods":["GET","PUT"],"origins":["https://x.example"],"headers":["x-h"]},"exposeHeaders":["ETag"],"maxAgeSeconds":600},{"allowed":{"methods":["HEAD"],"origins":["*"]}}]`)
	key, secret := TokenID(token), S3Secret(token)
	a := s3Call(t, c, s3URL(s, acct, "eu"), key, secret, time.Now(), nil)
	if a.status != 200 || a.header.Get("Content-Type") != "application/xml" {
		t.Fatalf("answer %d %q: %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	want := xml.Header + `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
		`<CORSRule><ID>a&lt;&amp;&gt;</ID><AllowedOrigin>https://x.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod>` +
		`<AllowedMethod>PUT</AllowedMethod><AllowedHeader>x-h</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>` +
		`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod></CORSRule></CORSConfiguration>`
	if a.body != want {
		t.Fatalf("body\n%s\nwant\n%s", a.body, want)
	}
	// The same bucket is not at the default endpoint, as on R2.
	wantS3Error(t, s3Call(t, c, s3URL(s, acct, "default"), key, secret, time.Now(), nil), 404, s3NoSuchBucket)
	s.SetCORS(acct, "eu", "media", "")
	wantS3Error(t, s3Call(t, c, s3URL(s, acct, "eu"), key, secret, time.Now(), nil), 404, s3NoSuchCORS)
	if st := s.S3Stats(); st.Requests != 3 || st.Reads != 3 || st.Denied != 0 {
		t.Fatalf("S3Stats = %+v", st)
	}
	if s.BudgetStats().Ours != 0 {
		t.Fatal("S3 requests spent the REST budget")
	}
}

func TestS3Authentication(t *testing.T) {
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "media", CORSRules: `[]`})
	s.AddTokenWith("no-r2", TokenOptions{NoR2: true})
	s.AddTokenWith("other", TokenOptions{Accounts: []string{otherAcct}})
	s.AddTokenWith("gone", TokenOptions{Status: "disabled"})
	s.AddS3Credentials("explicit-key", "explicit-secret", acct)
	s.NotEntitled(acct, "fedramp")
	u := s3URL(s, acct, "default")
	now := time.Now()
	cases := []struct {
		name         string
		key, secret  string
		at           time.Time
		edit         func(*http.Request)
		status       int
		code         string
		url          string
		denied, read bool
	}{
		{name: "derived credentials", key: TokenID(token), secret: S3Secret(token), status: 200, read: true},
		{name: "explicit credentials", key: "explicit-key", secret: "explicit-secret", status: 200, read: true},
		{name: "wrong secret", key: TokenID(token), secret: S3Secret("another"), status: 403, code: s3SignatureMismatch, denied: true},
		{name: "unknown access key", key: "nobody", secret: "x", status: 403, code: s3InvalidKey, denied: true},
		{name: "inactive token", key: TokenID("gone"), secret: S3Secret("gone"), status: 403, code: s3InvalidKey, denied: true},
		{name: "token without R2 access", key: TokenID("no-r2"), secret: S3Secret("no-r2"), status: 403, code: s3AccessDenied, denied: true},
		{name: "token of another account", key: TokenID("other"), secret: S3Secret("other"), status: 403, code: s3AccessDenied, denied: true},
		{name: "stale signature", key: TokenID(token), secret: S3Secret(token), at: now.Add(-time.Hour), status: 403, code: "RequestTimeTooSkewed", denied: true},
		{name: "no signature", edit: func(r *http.Request) { r.Header.Del("Authorization") }, status: 403, code: s3AccessDenied, denied: true},
		{name: "tampered path", key: TokenID(token), secret: S3Secret(token), edit: func(r *http.Request) { r.URL.Path += "x" },
			status: 403, code: s3SignatureMismatch, denied: true},
		{name: "other region", key: TokenID(token), secret: S3Secret(token), edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/auto/", "/us-east-1/", 1))
		}, status: 400, code: "AuthorizationHeaderMalformed", denied: true},
		{name: "payload hash of another body", key: TokenID(token), secret: S3Secret(token), edit: func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
		}, status: 400, code: "XAmzContentSHA256Mismatch", denied: true},
		{name: "jurisdiction the account may not use", key: TokenID(token), secret: S3Secret(token),
			url: s3URL(s, acct, "fedramp"), status: 403, code: s3NotEntitled},
		{name: "unknown account", key: TokenID(token), secret: S3Secret(token),
			url: s3URL(s, "ffffffffffffffffffffffffffffffff", "default"), status: 403, code: s3AccessDenied, denied: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.ResetLog()
			at := tc.at
			if at.IsZero() {
				at = now
			}
			target := tc.url
			if target == "" {
				target = u
			}
			key := tc.key
			if key == "" {
				key = "unsigned"
			}
			a := s3Call(t, c, target, key, tc.secret, at, tc.edit)
			if tc.code == "" {
				if a.status != tc.status {
					t.Fatalf("status %d: %s", a.status, a.body)
				}
			} else {
				wantS3Error(t, a, tc.status, tc.code)
			}
			st := s.S3Stats()
			if (st.Denied == 1) != tc.denied || (st.Reads == 1) != tc.read {
				t.Fatalf("S3Stats = %+v, want denied %v read %v", st, tc.denied, tc.read)
			}
		})
	}
}

func TestS3RoutesAndFaults(t *testing.T) {
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "media", CORSRules: `[]`})
	key, secret := TokenID(token), S3Secret(token)
	base := strings.TrimSuffix(s3URL(s, acct, "default"), "?cors")
	wantS3Error(t, s3Call(t, c, base+"?lifecycle", key, secret, time.Now(), nil), 501, "NotImplemented")
	wantS3Error(t, s3Call(t, c, strings.Replace(base, "/default/", "/mars/", 1)+"?cors", key, secret, time.Now(), nil), 400, "InvalidURI")
	wantS3Error(t, s3Call(t, c, base+"/key?cors", key, secret, time.Now(), nil), 400, "InvalidURI")

	// A fault with a status only answers S3's error XML on an S3 path,
	// with its Message as it is; one with a Body serves it as XML.
	s.InjectFault(Fault{PathContains: S3BasePath + "/", Status: 503, Times: 1})
	wantS3Error(t, s3Call(t, c, base+"?cors", key, secret, time.Now(), nil), 503, "SlowDown")
	s.InjectFault(Fault{PathContains: S3BasePath + "/", Status: 403, Message: "denied\u202e", Times: 1})
	if a := s3Call(t, c, base+"?cors", key, secret, time.Now(), nil); !strings.Contains(a.body, "<Message>denied\u202e</Message>") {
		t.Fatalf("message not served as it is: %s", a.body)
	}
	s.InjectFault(Fault{PathContains: S3BasePath + "/", Body: `<!DOCTYPE x [<!ENTITY a "b">]><CORSConfiguration/>`, Times: 1})
	if a := s3Call(t, c, base+"?cors", key, secret, time.Now(), nil); a.status != 200 || a.header.Get("Content-Type") != "application/xml" ||
		!strings.HasPrefix(a.body, "<!DOCTYPE") {
		t.Fatalf("hostile body not served: %d %q %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	// The REST side's storm is the REST API's: S3 passes.
	s.RateLimitFor(time.Minute)
	if a := s3Call(t, c, base+"?cors", key, secret, time.Now(), nil); a.status != 200 {
		t.Fatalf("S3 answered %d during a REST lockout", a.status)
	}
	s.RateLimitFor(0)
}

func TestPolicyXML(t *testing.T) {
	got, err := PolicyXML(`[{"allowed":{"methods":[],"origins":["*"],"headers":[]},"exposeHeaders":[],"maxAgeSeconds":1.5,"id":""}]`)
	if err != nil {
		t.Fatal(err)
	}
	// Empty lists have no element; numbers are written as stored.
	want := xml.Header + `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><ID></ID>` +
		`<AllowedOrigin>*</AllowedOrigin><MaxAgeSeconds>1.5</MaxAgeSeconds></CORSRule></CORSConfiguration>`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := PolicyXML(`{`); err == nil {
		t.Fatal("a broken policy has an XML form")
	}
}
