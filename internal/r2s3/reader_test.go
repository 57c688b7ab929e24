package r2s3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

const (
	account = fakeapi.ExampleAccountID
	token   = "s3-unit-test-token"
	ua      = "terraform-provider-r2/unit"
	// minimal is the smallest rule R2 stores.
	minimal = `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`
)

// policy is the REST client's retry policy for tests: short delays, one retry.
var policy = r2api.Policy{MaxRetries: 1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 4 * time.Millisecond}

// newFake starts a fake with the test token and one bucket, "media", in the
// default jurisdiction.
func newFake(t testing.TB) *fakeapi.Server {
	t.Helper()
	s := fakeapi.Start()
	t.Cleanup(s.Close)
	s.AddToken(token)
	s.AddBucket(account, fakeapi.Bucket{Name: "media", CORSRules: minimal})
	return s
}

// newReader reads the fake with the token's derived credentials.
func newReader(t testing.TB, s *fakeapi.Server, mutate ...func(*r2s3.Config)) *r2s3.Reader {
	t.Helper()
	cfg := r2s3.Config{
		AccountID:        account,
		Credentials:      r2s3.DeriveS3Credentials(token, fakeapi.TokenID(token)),
		EndpointTemplate: s.S3EndpointTemplate(),
		EndpointSource:   "s3_endpoint",
		UserAgent:        ua,
		Policy:           policy,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	r, err := r2s3.NewReader(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// newREST is the REST client on the same fake.
func newREST(t *testing.T, s *fakeapi.Server) *r2api.Client {
	t.Helper()
	c, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: token, UserAgent: ua,
		MaxRetries: 1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 4 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustS3Error(t *testing.T, err error, kind r2s3.Kind) *r2s3.Error {
	t.Helper()
	e, ok := r2s3.AsError(err)
	if !ok {
		t.Fatalf("want *r2s3.Error, got %T: %v", err, err)
	}
	if e.Kind != kind {
		t.Fatalf("kind %s, want %s: %v", e.Kind, kind, e)
	}
	return e
}

func dump(rules []cors.Rule) string {
	if rules == nil {
		return "nil"
	}
	b, _ := json.Marshal(rules)
	return string(b)
}

// equalRules is exact equality: order, nil against empty, max ages as text.
func equalRules(t *testing.T, what string, s3, rest []cors.Rule) {
	t.Helper()
	if !reflect.DeepEqual(s3, rest) {
		t.Fatalf("%s: the S3 reader read\n%s\nthe REST reader\n%s", what, dump(s3), dump(rest))
	}
}

// Every field of a policy that XML can say goes through the S3 SDK and the
// mapping into exactly the rules the REST reader reads from the same seed:
// order of rules and values, absent lists nil, empty strings, escapes,
// max ages as whole numbers, in every jurisdiction.
func TestRoundTrip_everyFieldAsTheRESTReaderReadsIt(t *testing.T) {
	s := newFake(t)
	hundred := make([]string, cors.MaxRules)
	for i := range hundred {
		hundred[i] = fmt.Sprintf(`{"id":"r%03d","allowed":{"methods":["GET"],"origins":["https://%d.example"]},"maxAgeSeconds":%d}`, i, i, i)
	}
	policies := map[string]string{
		"every-field": `[{"id":"Allow Local Development","allowed":{"methods":["GET","PUT","POST","DELETE","HEAD"],` +
			`"origins":["http://localhost:3000","https://example.com"],"headers":["x-requested-by","*"]},` +
			`"exposeHeaders":["Content-Encoding","ETag"],"maxAgeSeconds":3600},` +
			`{"allowed":{"methods":["GET"],"origins":["*"]}},` +
			`{"id":"","allowed":{"methods":["HEAD"],"origins":["https://a.example"],"headers":[""]},"exposeHeaders":[""],"maxAgeSeconds":0},` +
			`{"id":"<&>\"' é \u202e\r\n\t end","allowed":{"methods":["POST","GET"],"origins":["https://*.example.com","  spaced  "]},` +
			`"exposeHeaders":["x-c","x-a","x-b"],"maxAgeSeconds":1000000000}]`,
		"max-rules": "[" + strings.Join(hundred, ",") + "]",
		"no-rules":  `[]`,
		"no-policy": ``,
	}
	rest := newREST(t, s)
	r := newReader(t, s)
	for _, j := range jurisdictions.All {
		for name, rules := range policies {
			// The jurisdiction in the id tells the buckets of one name apart.
			rules = strings.Replace(rules, `"id":"`, `"id":"`+j+`:`, 1)
			s.SetCORS(account, j, name, rules)
		}
		s.SetCORSResult(account, j, "bare-result", `{}`)
	}
	for _, j := range jurisdictions.All {
		for _, name := range []string{"every-field", "max-rules", "no-rules", "no-policy", "bare-result"} {
			t.Run(j+"/"+name, func(t *testing.T) {
				want, err := rest.GetBucketCORS(context.Background(), account, name, j)
				if err != nil {
					t.Fatal(err)
				}
				got, err := r.GetBucketCORS(context.Background(), j, name)
				if err != nil {
					t.Fatal(err)
				}
				equalRules(t, name, got, want)
				if got == nil {
					t.Fatal("nil rules: a policy is never null")
				}
			})
		}
	}
	// Spot checks of the REST reading itself, so the comparison above
	// cannot pass on two equal mistakes.
	got, _ := r.GetBucketCORS(context.Background(), "eu", "every-field")
	if *got[0].ID != "eu:Allow Local Development" || got[1].ID != nil || got[1].Allowed.Headers != nil || got[1].ExposeHeaders != nil ||
		got[1].MaxAgeSeconds != nil || *got[2].ID != "" || got[2].Allowed.Headers[0] != "" || *got[2].MaxAgeSeconds != "0" ||
		got[3].ExposeHeaders[0] != "x-c" || *got[3].MaxAgeSeconds != "1000000000" || got[3].Allowed.Origins[1] != "  spaced  " {
		t.Fatalf("every-field read as %s", dump(got))
	}
	if got, _ := r.GetBucketCORS(context.Background(), "us", "no-policy"); got == nil || len(got) != 0 {
		t.Fatalf("no policy read as %s, want []", dump(got))
	}
}

// What XML cannot say, the S3 reader cannot read as the REST reader does:
// an empty list is no element (nil, where REST says []), and a max age
// that is not a whole number has no S3 form (refused, never rounded).
func TestRoundTrip_whatXMLCannotSay(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	s.SetCORS(account, "", "empty-lists", `[{"allowed":{"methods":["GET"],"origins":["*"],"headers":[]},"exposeHeaders":[]}]`)
	got, err := r.GetBucketCORS(context.Background(), "", "empty-lists")
	if err != nil || got[0].Allowed.Headers != nil || got[0].ExposeHeaders != nil {
		t.Fatalf("empty lists read as %s (%v), want nil", dump(got), err)
	}
	for _, age := range []string{"1.5", "1e3", "86400.0"} {
		s.SetCORS(account, "", "odd-age", `[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":`+age+`}]`)
		_, err := r.GetBucketCORS(context.Background(), "", "odd-age")
		e := mustS3Error(t, err, r2s3.KindRefused)
		if !strings.Contains(e.Reason, "not a whole number of seconds") || !errors.Is(err, r2s3.ErrRefusedXML) {
			t.Fatalf("max age %s: %v", age, e)
		}
	}
}

func TestGetBucketCORS_jurisdictionsAreEndpoints(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	s.SetCORS(account, "fedramp", "gov", minimal)
	if _, err := r.GetBucketCORS(context.Background(), "fedramp", "gov"); err != nil {
		t.Fatal(err)
	}
	_, err := r.GetBucketCORS(context.Background(), "", "gov")
	e := mustS3Error(t, err, r2s3.KindBucketNotFound)
	if e.StatusCode != 404 || e.Code != r2s3.CodeNoSuchBucket || e.Jurisdiction != "default" || e.Bucket != "gov" ||
		e.Endpoint != r.EndpointOf("") || e.EndpointSource != "s3_endpoint" || e.Attempts != 1 {
		t.Fatalf("error %+v", e)
	}
	last := s.Requests()[len(s.Requests())-1]
	if last.Path != "/s3/"+account+"/default/gov" || last.RawQuery != "cors=" || last.Header.Get("User-Agent") != ua {
		t.Fatalf("request %s?%s UA %q", last.Path, last.RawQuery, last.Header.Get("User-Agent"))
	}
}

func TestGetBucketCORS_credentialsAndPermissions(t *testing.T) {
	s := newFake(t)
	s.AddTokenWith("no-r2", fakeapi.TokenOptions{NoR2: true})
	s.AddTokenWith("elsewhere", fakeapi.TokenOptions{Accounts: []string{"0123456789abcdef0123456789abcdef"}})
	s.NotEntitled(account, "fedramp")
	derived := func(tok string) r2s3.Credentials { return r2s3.DeriveS3Credentials(tok, fakeapi.TokenID(tok)) }
	for _, tc := range []struct {
		name  string
		creds r2s3.Credentials
		jur   string
		kind  r2s3.Kind
		auth  bool
	}{
		{"wrong secret", r2s3.Credentials{AccessKeyID: fakeapi.TokenID(token), SecretAccessKey: derived("another").SecretAccessKey}, "", r2s3.KindSignatureMismatch, true},
		{"unknown access key", derived("never-registered"), "", r2s3.KindInvalidAccessKey, true},
		{"token without R2 access", derived("no-r2"), "", r2s3.KindAccessDenied, true},
		{"token of another account", derived("elsewhere"), "", r2s3.KindAccessDenied, true},
		{"jurisdiction the account may not use", derived(token), "fedramp", r2s3.KindNotEntitled, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReader(t, s, func(c *r2s3.Config) { c.Credentials = tc.creds })
			_, err := r.GetBucketCORS(context.Background(), tc.jur, "media")
			e := mustS3Error(t, err, tc.kind)
			if e.IsAuth() != tc.auth || e.StatusCode != 403 || e.Attempts != 1 {
				t.Fatalf("IsAuth %v, error %+v", e.IsAuth(), e)
			}
		})
	}
}

func TestGetBucketCORS_refusedBeforeAnyRequest(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	for _, tc := range [][2]string{{"mars", "media"}, {"", "../x"}, {"", "Media"}, {"", "a"}, {"DEFAULT", "media"}} {
		_, err := r.GetBucketCORS(context.Background(), tc[0], tc[1])
		_ = mustS3Error(t, err, r2s3.KindInvalidRequest)
	}
	if n := s.S3Stats().Requests; n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestGetBucketCORS_retriesAsTheRESTClient(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/", Status: 503, Times: 1})
	if _, err := r.GetBucketCORS(context.Background(), "", "media"); err != nil {
		t.Fatal(err)
	}
	if n := s.S3Stats().Requests; n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/", Status: 500})
	_, err := r.GetBucketCORS(context.Background(), "", "media")
	e := mustS3Error(t, err, r2s3.KindOther)
	if e.StatusCode != 500 || e.Code != "InternalError" || e.Attempts != policy.MaxRetries+1 {
		t.Fatalf("error %+v", e)
	}
	// 4xx are final: one request.
	s.ClearFaults()
	s.ResetLog()
	_, _ = r.GetBucketCORS(context.Background(), "", "gone")
	if n := s.S3Stats().Requests; n != 1 {
		t.Fatalf("%d requests for a 404", n)
	}
}

func TestGetBucketCORS_cancelStopsAtOnce(t *testing.T) {
	s := newFake(t)
	r := newReader(t, s)
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/", Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.GetBucketCORS(ctx, "", "media")
	e := mustS3Error(t, err, r2s3.KindCancelled)
	if took := time.Since(start); took > 5*time.Second || !errors.Is(e, context.Canceled) {
		t.Fatalf("took %s: %v", took, e)
	}
}

func TestGetBucketCORS_redirectToAnotherHostRefused(t *testing.T) {
	var hits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	t.Cleanup(other.Close)
	s := newFake(t)
	// The REST client's HTTP client: the reader's own, sized for it, is
	// the same kind (r2api.NewHTTPClient).
	r := newReader(t, s, func(c *r2s3.Config) { c.Policy.HTTPClient = r2api.NewHTTPClient() })
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/", Status: 307, Header: map[string]string{"Location": other.URL + "/steal"}})
	_, err := r.GetBucketCORS(context.Background(), "", "media")
	e := mustS3Error(t, err, r2s3.KindOther)
	if !e.Permanent || e.Attempts != 1 || !strings.Contains(e.Reason, "refusing to follow a redirect") || hits.Load() != 0 {
		t.Fatalf("hits %d, error %+v", hits.Load(), e)
	}
}

func TestNewReader_refusesWhatItCannotSendSafely(t *testing.T) {
	s := newFake(t)
	for _, tc := range []struct {
		name string
		cfg  func(*r2s3.Config)
		want string
	}{
		{"http to another host", func(c *r2s3.Config) { c.EndpointTemplate = "http://{account_id}.r2.example.com/{jurisdiction}" }, "only https is allowed"},
		{"no jurisdiction placeholder", func(c *r2s3.Config) { c.EndpointTemplate = "https://{account_id}.r2.example.com" }, "{jurisdiction}"},
		{"bad account id", func(c *r2s3.Config) { c.AccountID = "ACCOUNT" }, "account id"},
		{"no credentials", func(c *r2s3.Config) { c.Credentials = r2s3.Credentials{AccessKeyID: "x"} }, "no S3 credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := r2s3.Config{AccountID: account, Credentials: r2s3.DeriveS3Credentials(token, "id"), EndpointTemplate: s.S3EndpointTemplate()}
			tc.cfg(&cfg)
			if _, err := r2s3.NewReader(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A sweep's reads share connections: 32 workers reading 256 buckets keep
// reusing about 32 (the idle pool is sized to the reader's concurrency;
// Go's default of 2 per host would open one for nearly every read), and
// the fake counts exactly one S3 request per bucket. A connection returns
// to the pool just after its body is read, so a worker may dial before it
// does: the bound allows twice the workers.
func TestGetBucketCORS_concurrentReadsReuseConnections(t *testing.T) {
	s := newFake(t)
	const n = 256
	for i := range n {
		s.SetCORS(account, "eu", fmt.Sprintf("bucket-%03d", i), minimal)
	}
	r := newReader(t, s, func(c *r2s3.Config) { c.Policy.HTTPClient = nil })
	s.ResetLog()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int)
	for range r.Concurrency() {
		wg.Go(func() {
			for i := range next {
				if _, err := r.GetBucketCORS(context.Background(), "eu", fmt.Sprintf("bucket-%03d", i)); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := s.S3Stats()
	if st.Requests != n || st.Reads != n {
		t.Fatalf("S3Stats %+v, want %d requests", st, n)
	}
	if c := s.ConnectionsOpened(); c > 2*r.Concurrency() {
		t.Fatalf("%d connections opened for %d workers", c, r.Concurrency())
	}
}

// No log line and no error holds the secret, the token it derives from, a
// signature or the Authorization header.
func TestSecretsNeverLogged(t *testing.T) {
	s := newFake(t)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	creds := r2s3.DeriveS3Credentials(token, fakeapi.TokenID(token))
	wrong := r2s3.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: "0000000000wrong-secret0000000000"}
	var msgs []string
	for _, c := range []r2s3.Credentials{creds, wrong} {
		r := newReader(t, s, func(cfg *r2s3.Config) { cfg.Credentials = c })
		_, err := r.GetBucketCORS(ctx, "", "media")
		if err != nil {
			msgs = append(msgs, err.Error(), fmt.Sprintf("%+v", err))
		}
	}
	msgs = append(msgs, fmt.Sprint(creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds))
	all := logs.String() + strings.Join(msgs, "\n")
	if !strings.Contains(logs.String(), `"Authorization":"[REDACTED]"`) || !strings.Contains(logs.String(), "R2 API request") {
		t.Fatalf("the requests were not logged with the header redacted:\n%s", logs.String())
	}
	for _, secret := range []string{creds.SecretAccessKey, wrong.SecretAccessKey, token, "Signature=", "AWS4-HMAC-SHA256"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%q is in the logs or an error:\n%s", secret, all)
		}
	}
}
