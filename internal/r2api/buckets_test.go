package r2api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// listAccount has only the buckets a test adds (setup puts "media" in account).
const listAccount = "0123456789abcdef0123456789abcdef"

func names(bs []r2api.Bucket) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Name
	}
	return out
}

func query(t *testing.T, r fakeapi.Request) url.Values {
	t.Helper()
	q, err := url.ParseQuery(r.RawQuery)
	if err != nil {
		t.Fatalf("query %q: %v", r.RawQuery, err)
	}
	return q
}

func addNumbered(s *fakeapi.Server, n int) {
	for i := n - 1; i >= 0; i-- { // Out of order: the fake must sort, and so must we.
		s.AddBucket(listAccount, fakeapi.Bucket{Name: fmt.Sprintf("bucket-%04d", i)})
	}
}

func TestListBuckets_followsCursorAcrossPages(t *testing.T) {
	s, c := setup(t)
	addNumbered(s, 2500)
	got, err := c.ListBuckets(context.Background(), listAccount, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2500 {
		t.Fatalf("got %d buckets, want 2500", len(got))
	}
	for i, b := range got {
		if want := fmt.Sprintf("bucket-%04d", i); b.Name != want {
			t.Fatalf("bucket %d = %q, want %q", i, b.Name, want)
		}
	}
	reqs := s.ListRequests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3 pages of at most 1000", len(reqs))
	}
	for i, r := range reqs {
		q := query(t, r)
		if q.Get("per_page") != "1000" || q.Get("order") != "name" || q.Get("direction") != "asc" {
			t.Errorf("page %d query = %q, want per_page=1000, order=name, direction=asc", i+1, r.RawQuery)
		}
		if q.Has("name_contains") {
			t.Errorf("page %d sent name_contains: %q", i+1, r.RawQuery)
		}
		if hasCursor := q.Get("cursor") != ""; hasCursor != (i > 0) {
			t.Errorf("page %d query = %q: a cursor belongs on every page but the first", i+1, r.RawQuery)
		}
		if h := r.Header.Get("cf-r2-jurisdiction"); h != "" {
			t.Errorf("no jurisdiction given, but cf-r2-jurisdiction = %q", h)
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			t.Errorf("page %d: Authorization = %q", i+1, r.Header.Get("Authorization"))
		}
	}
}

func TestListBuckets_fieldsAndEmptyAccount(t *testing.T) {
	s, c := setup(t)
	s.AddAccount(listAccount)
	got, err := c.ListBuckets(context.Background(), listAccount, "", "")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty account: got %#v, %v; want an empty non-nil slice", got, err)
	}
	s.AddBucket(listAccount, fakeapi.Bucket{Name: "logs", Location: "apac", StorageClass: "InfrequentAccess",
		CreationDate: "2024-01-02T03:04:05.678Z"})
	got, err = c.ListBuckets(context.Background(), listAccount, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %+v", got)
	}
	b := got[0]
	if b.Name != "logs" || deref(b.Location) != "apac" || deref(b.StorageClass) != "InfrequentAccess" ||
		deref(b.CreationDate) != "2024-01-02T03:04:05.678Z" || deref(b.Jurisdiction) != "default" {
		t.Fatalf("bucket = %s", show(b))
	}
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func show(b r2api.Bucket) string {
	return fmt.Sprintf("{%s %s %s %s %s}", b.Name, deref(b.CreationDate), deref(b.Location), deref(b.Jurisdiction), deref(b.StorageClass))
}

func TestListBuckets_nameContains(t *testing.T) {
	s, c := setup(t)
	for _, n := range []string{"prod-assets", "dev-assets", "prod-logs", "staging"} {
		s.AddBucket(listAccount, fakeapi.Bucket{Name: n})
	}
	got, err := c.ListBuckets(context.Background(), listAccount, "", "assets")
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(names(got), ","); g != "dev-assets,prod-assets" {
		t.Fatalf("got %s", g)
	}
	if q := query(t, s.ListRequests()[0]); q.Get("name_contains") != "assets" {
		t.Errorf("query = %v, want name_contains=assets", q)
	}
}

func TestListBuckets_jurisdictionsAreIsolated(t *testing.T) {
	s, c := setup(t)
	for _, j := range []string{"default", "eu", "fedramp", "us"} {
		s.AddBucket(listAccount, fakeapi.Bucket{Name: j + "-a", Jurisdiction: j})
		s.AddBucket(listAccount, fakeapi.Bucket{Name: j + "-b", Jurisdiction: j})
	}
	cases := []struct{ jurisdiction, want, header string }{
		{"", "default-a,default-b", ""},
		{"default", "default-a,default-b", "default"},
		{"eu", "eu-a,eu-b", "eu"},
		{"fedramp", "fedramp-a,fedramp-b", "fedramp"},
		{"us", "us-a,us-b", "us"},
	}
	for _, tc := range cases {
		s.ResetLog()
		got, err := c.ListBuckets(context.Background(), listAccount, tc.jurisdiction, "")
		if err != nil {
			t.Fatalf("%q: %v", tc.jurisdiction, err)
		}
		if g := strings.Join(names(got), ","); g != tc.want {
			t.Errorf("%q: got %s, want %s", tc.jurisdiction, g, tc.want)
		}
		for _, b := range got {
			if want := jurisdictionOr(tc.jurisdiction); deref(b.Jurisdiction) != want {
				t.Errorf("%q: bucket %s", tc.jurisdiction, show(b))
			}
		}
		if h := s.ListRequests()[0].Header.Get("cf-r2-jurisdiction"); h != tc.header {
			t.Errorf("%q: cf-r2-jurisdiction = %q, want %q", tc.jurisdiction, h, tc.header)
		}
	}
}

func jurisdictionOr(j string) string {
	if j == "" {
		return "default"
	}
	return j
}

// injectAfterFirstAnswer injects f once the first page has been answered, so
// that it hits page 2 (faults match paths, and every page has the same path).
func injectAfterFirstAnswer(s *fakeapi.Server, f fakeapi.Fault) {
	var done atomic.Bool
	s.OnRequest(func(r fakeapi.Request) {
		if r.Status == http.StatusOK && done.CompareAndSwap(false, true) {
			s.InjectFault(f)
		}
	})
}

func TestListBuckets_errorOnSecondPage(t *testing.T) {
	s, c := setup(t)
	addNumbered(s, 1500)
	injectAfterFirstAnswer(s, fakeapi.Fault{PathContains: "/r2/buckets", Status: 403})
	got, err := c.ListBuckets(context.Background(), listAccount, "", "")
	e := mustAPIError(t, err)
	if got != nil {
		t.Errorf("got %d buckets with an error; want none", len(got))
	}
	if e.StatusCode != 403 || !e.HasCode(r2api.CodeAuthentication) || !e.IsAuth() || e.Attempts != 1 {
		t.Errorf("error = %+v; want 403/10000 after 1 attempt", e)
	}
	if !strings.Contains(e.Error(), "page 2 of the bucket list (1000 buckets read before it)") {
		t.Errorf("error %q does not say which page failed", e)
	}
}

func TestListBuckets_eachPageHasItsOwnRetryBudget(t *testing.T) {
	s, c := setup(t) // 4 retries per call.
	addNumbered(s, 1500)
	s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", Status: 503, Times: 4})
	injectAfterFirstAnswer(s, fakeapi.Fault{PathContains: "/r2/buckets", Status: 429, Times: 4,
		Header: map[string]string{"Retry-After": "0"}})
	got, err := c.ListBuckets(context.Background(), listAccount, "", "")
	if err != nil {
		t.Fatalf("want success: 4 failures per page fit a budget of 4 retries each; got %v", err)
	}
	if len(got) != 1500 {
		t.Fatalf("got %d buckets", len(got))
	}
	if n := len(s.ListRequests()); n != 10 {
		t.Errorf("requests = %d, want 10 (5 per page)", n)
	}
}

func TestListBuckets_persistentFailureOnFirstPage(t *testing.T) {
	s, c := setup(t)
	s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if e.StatusCode != 502 || e.Attempts != 5 || !strings.Contains(e.Body, "bad gateway") || strings.Contains(e.Error(), "page") {
		t.Errorf("error = %+v", e)
	}
}

func TestListBuckets_unknownAccount(t *testing.T) {
	_, c := setup(t)
	_, err := c.ListBuckets(context.Background(), "ffffffffffffffffffffffffffffffff", "", "")
	e := mustAPIError(t, err)
	if e.StatusCode != 404 || !e.HasCode(r2api.CodeAccountUnreachable) {
		t.Errorf("error = %+v", e)
	}
}

// pagedServer answers List Buckets with page(n) for the n-th request (from 1).
func pagedServer(t *testing.T, page func(n int) string, mutate ...func(*r2api.Config)) (*r2api.Client, *atomic.Int64) {
	t.Helper()
	var count atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := count.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(page(int(n))))
	}))
	t.Cleanup(hs.Close)
	// No client-side rate limit: one test sends 10,000 requests, which the
	// default limit would spread over 40 minutes.
	cfg := r2api.Config{BaseURL: hs.URL, APIToken: token, MaxRetries: -1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 4 * time.Millisecond, RateLimit: -1}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := r2api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, &count
}

func envelope(buckets, cursor string) string {
	info := ""
	if cursor != "" {
		info = fmt.Sprintf(`,"result_info":{"cursor":%q,"per_page":1000}`, cursor)
	}
	return `{"success":true,"errors":[],"messages":[],"result":{"buckets":[` + buckets + `]}` + info + `}`
}

func TestListBuckets_repeatingCursorStops(t *testing.T) {
	c, count := pagedServer(t, func(n int) string {
		return envelope(fmt.Sprintf(`{"name":"b-%d"}`, n), "same-cursor")
	})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Reason, `cursor "same-cursor" again`) || !strings.Contains(e.Reason, "page 2") {
		t.Errorf("error = %q", e)
	}
	if n := count.Load(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}

func TestListBuckets_cursorCycleStops(t *testing.T) {
	c, count := pagedServer(t, func(n int) string {
		return envelope(fmt.Sprintf(`{"name":"b-%d"}`, n), []string{"A", "B", "C"}[(n-1)%3])
	})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Reason, `cursor "A" again`) {
		t.Errorf("error = %q", e)
	}
	if n := count.Load(); n != 4 {
		t.Errorf("requests = %d, want 4", n)
	}
}

// R2 allows 1,000,000 buckets per account: 1000 pages of 1000, and one
// more page to learn that the last was the last.
func TestListBuckets_endlessCursorIsBounded(t *testing.T) {
	c, count := pagedServer(t, func(n int) string {
		return envelope("", fmt.Sprintf("cursor-%d", n))
	})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Reason, "after 1001 pages") || !strings.Contains(e.Reason, "1,000,000 buckets") {
		t.Errorf("error = %q", e)
	}
	if n := count.Load(); n != 1001 {
		t.Errorf("requests = %d, want 1001", n)
	}
}

func TestListBuckets_longCursorIsRefused(t *testing.T) {
	c, count := pagedServer(t, func(n int) string {
		return envelope(`{"name":"aaa"}`, strings.Repeat("c", 4097)+fmt.Sprint(n))
	})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Reason, "a next-page cursor of 4098 bytes, more than the 4096") {
		t.Errorf("error = %q", e)
	}
	if n := count.Load(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestListBuckets_overfullPageIsRefused(t *testing.T) {
	entries := make([]string, 1001)
	for i := range entries {
		entries[i] = fmt.Sprintf(`{"name":"b-%04d"}`, i)
	}
	c, _ := pagedServer(t, func(int) string { return envelope(strings.Join(entries, ","), "") })
	_, err := c.ListBuckets(context.Background(), account, "", "")
	if e := mustAPIError(t, err); !strings.Contains(e.Reason, "1001 buckets on one page, more than the 1000 asked for") {
		t.Errorf("error = %q", e)
	}
}

func TestListBuckets_totalBytesAreBounded(t *testing.T) {
	pad := strings.Repeat("x", 900)
	c, count := pagedServer(t, func(n int) string {
		return envelope(fmt.Sprintf(`{"name":"b-%d","location":"%s"}`, n, pad), fmt.Sprintf("cursor-%d", n))
	}, func(cfg *r2api.Config) { cfg.MaxListBytes = 10_000 })
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Reason, "more than the 10000 bytes a bucket list may take") {
		t.Errorf("error = %q", e)
	}
	if n := count.Load(); n > 11 {
		t.Errorf("requests = %d, want the list stopped once past 10000 bytes", n)
	}
}

// One deadline covers the whole list, retries included: pages do not each
// get a fresh budget.
func TestListBuckets_oneDeadlineForTheWholeList(t *testing.T) {
	c, count := pagedServer(t, func(n int) string {
		time.Sleep(20 * time.Millisecond)
		return envelope("", fmt.Sprintf("cursor-%d", n))
	}, func(cfg *r2api.Config) { cfg.ListTimeout = 200 * time.Millisecond })
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Error(), "the bucket list's 200ms budget is spent") {
		t.Errorf("error = %q", e)
	}
	if n := count.Load(); n >= 1001 {
		t.Errorf("requests = %d: the deadline did not stop the list", n)
	}
}

func TestListBuckets_duplicateAcrossPagesIsAnError(t *testing.T) {
	c, _ := pagedServer(t, func(n int) string {
		if n == 1 {
			return envelope(`{"name":"aaa"},{"name":"bbb"}`, "next")
		}
		return envelope(`{"name":"bbb"},{"name":"ccc"}`, "")
	})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	if e := mustAPIError(t, err); !strings.Contains(e.Reason, `bucket "bbb" twice`) {
		t.Errorf("error = %q", e)
	}
}

func TestListBuckets_sortsDefensivelyAndKeepsAbsentFieldsNil(t *testing.T) {
	c, _ := pagedServer(t, func(n int) string {
		if n == 1 {
			return envelope(`{"name":"zeta","location":""},{"name":"alpha","creation_date":null}`, "next")
		}
		return envelope(`{"name":"mid","jurisdiction":"eu","storage_class":"Standard","creation_date":"2025-01-01T00:00:00Z","location":"weur"}`, "")
	})
	got, err := c.ListBuckets(context.Background(), account, "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"{alpha <nil> <nil> <nil> <nil>}",
		"{mid 2025-01-01T00:00:00Z weur eu Standard}",
		"{zeta <nil>  <nil> <nil>}", // location "" is kept as "", not absent.
	}
	for i, b := range got {
		if show(b) != want[i] {
			t.Errorf("bucket %d = %s, want %s", i, show(b), want[i])
		}
	}
}

func TestDecodeBucketList(t *testing.T) {
	cases := []struct {
		name, body, err string
		codes           []int
	}{
		{name: "last page without result_info", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":[]}}`},
		{name: "result without buckets", body: `{"success":true,"errors":[],"messages":[],"result":{}}`},
		{name: "empty cursor ends", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":[]},"result_info":{"cursor":""}}`},
		{name: "not JSON", body: `<html>maintenance</html>`, err: "not valid JSON"},
		{name: "not an envelope", body: `{"buckets":[]}`, err: `no boolean "success" field`},
		{name: "success not a boolean", body: `{"success":"true","errors":[],"messages":[],"result":{}}`, err: `no boolean "success" field`},
		{name: "result not an object", body: `{"success":true,"errors":[],"messages":[],"result":[]}`, err: "does not match the List Buckets schema"},
		{name: "buckets not a list", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":{}}}`, err: "does not match the List Buckets schema"},
		{name: "names are exact", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":[{"NAME":"a"}]}}`,
			err: "bucket 0 of the API's answer has no name"},
		{name: "success false", body: `{"success":false,"errors":[{"code":10001,"message":"boom"}],"messages":[],"result":null}`,
			err: "success=false", codes: []int{10001}},
		{name: "no result", body: `{"success":true,"errors":[],"messages":[],"result":null}`, err: `no "result" object`},
		{name: "bucket without name", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":[{"location":"enam"}]}}`,
			err: "bucket 0 of the API's answer has no name"},
		{name: "wrong type", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":[{"name":"a","creation_date":17}]}}`,
			err: "does not match the List Buckets schema"},
		{name: "cursor of the wrong type", body: `{"success":true,"errors":[],"messages":[],"result":{"buckets":[]},"result_info":{"cursor":5}}`,
			err: "does not match the List Buckets schema"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, cursor, err := r2api.DecodeBucketList([]byte(tc.body))
			if tc.err == "" {
				if err != nil || got == nil || len(got) != 0 || cursor != "" {
					t.Fatalf("got %v, %q, %v; want an empty page and no cursor", got, cursor, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.err)
			}
			for _, code := range tc.codes {
				if e, ok := r2api.AsError(err); !ok || !e.HasCode(code) {
					t.Errorf("error %v lacks code %d", err, code)
				}
			}
		})
	}
}

func TestDecodeBucketList_exactNamesAndCursor(t *testing.T) {
	body := `{"success":true,"errors":[],"messages":[],"result":{"buckets":[` +
		`{"name":"aaa","NAME":"bbb","Location":"x","location":"enam","extra":1}]},"result_info":{"cursor":"c1","Cursor":"c2","per_page":1000}}`
	got, cursor, err := r2api.DecodeBucketList([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || show(got[0]) != "{aaa <nil> enam <nil> <nil>}" || cursor != "c1" {
		t.Fatalf("got %v, cursor %q", got, cursor)
	}
}

func TestListBuckets_successFalseKeepsCodesAndStatus(t *testing.T) {
	c, _ := pagedServer(t, func(int) string {
		return `{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}`
	})
	_, err := c.ListBuckets(context.Background(), account, "", "")
	e := mustAPIError(t, err)
	if e.StatusCode != 200 || !e.IsAuth() || e.Attempts != 1 {
		t.Errorf("error = %+v", e)
	}
}

// A listed name that R2 could not have created is refused, before the sweep
// puts it into a request path (a "../.." name could point a read, with its
// credentials, at another endpoint).
func TestDecodeBucketList_refusesNamesR2CannotHave(t *testing.T) {
	for _, name := range []string{"../../../../user/tokens/verify?", "Media", "a/b", "ab", "bucket_1", "x%2e%2e"} {
		body := `{"success":true,"errors":[],"messages":[],"result":{"buckets":[{"name":` + strconv.Quote(name) + `}]}}`
		_, _, err := r2api.DecodeBucketList([]byte(body))
		if err == nil || !strings.Contains(err.Error(), "not an R2 bucket name") {
			t.Errorf("name %q: err = %v, want a refusal", name, err)
		}
	}
}
