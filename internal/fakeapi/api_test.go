package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

func TestGetCORSServesRulesByteForByte(t *testing.T) {
	s, c := newFake(t)
	cases := map[string]string{
		"all-fields":   `[{"id":"Allow Local Development","allowed":{"methods":["GET","HEAD"],"origins":["http://localhost:3000"],"headers":["x-requested-by"]},"exposeHeaders":["Content-Encoding"],"maxAgeSeconds":3600}]`,
		"fraction":     `[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":3600.5}]`,
		"exponent":     `[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e3}]`,
		"empty-lists":  `[{"allowed":{"methods":[],"origins":[],"headers":[]},"exposeHeaders":[]}]`,
		"no-rules":     `[]`,
		"spaced":       "[ {\"allowed\" : {\"methods\":[\"PUT\"], \"origins\":[\"https://a\"]} } ]",
		"unicode-keep": `[{"id":"r\u00e9gle","allowed":{"methods":["GET"],"origins":["https://é.example"]}}]`,
	}
	for name, rules := range cases {
		t.Run(name, func(t *testing.T) {
			s.AddBucket(acct, Bucket{Name: "b-" + name, CORSRules: rules})
			a := call(t, c, "GET", corsURL(s, acct, "b-"+name), nil, "")
			want := `{"success":true,"errors":[],"messages":[],"result":{"rules":` + rules + `}}`
			if a.status != 200 || a.body != want {
				t.Fatalf("got %d %s\nwant 200 %s", a.status, a.body, want)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestSetCORSAndResultWithoutRules(t *testing.T) {
	s, c := newFake(t)
	s.SetCORSResult(acct, "", "bare", `{}`)
	a := call(t, c, "GET", corsURL(s, acct, "bare"), nil, "")
	if want := `{"success":true,"errors":[],"messages":[],"result":{}}`; a.body != want {
		t.Fatalf("body = %s, want %s", a.body, want)
	}
	s.SetCORS(acct, "default", "bare", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	a = call(t, c, "GET", corsURL(s, acct, "bare"), nil, "")
	if !strings.Contains(a.body, `"result":{"rules":[{"allowed"`) {
		t.Fatalf("body = %s", a.body)
	}
	s.SetCORS(acct, "default", "bare", "")
	wantError(t, call(t, c, "GET", corsURL(s, acct, "bare"), nil, ""), 404, 10059, msgNoCORS)
	// SetCORS creates missing accounts and buckets.
	s.SetCORS(otherAcct, "eu", "new-bucket", `[]`)
	a = call(t, c, "GET", corsURL(s, otherAcct, "new-bucket"), map[string]string{
		"Authorization": "Bearer " + token, "cf-r2-jurisdiction": "eu"}, "")
	if a.status != 200 {
		t.Fatalf("status %d %s", a.status, a.body)
	}
}

func TestAuthentication(t *testing.T) {
	s, c := newFake(t)
	s.AddAccount(otherAcct)
	s.AddBucket(acct, Bucket{Name: "bkt", CORSRules: `[]`})
	s.AddBucket(otherAcct, Bucket{Name: "bkt", CORSRules: `[]`})
	s.AddToken("only-other", otherAcct)
	s.AddGlobalKey("me@example.com", "global-key")
	s.AddGlobalKey("other@example.com", "other-key", otherAcct)

	cases := []struct {
		name    string
		account string
		hdr     map[string]string
		status  int
		code    int
		message string
	}{
		{"no credentials", acct, map[string]string{}, 401, 10000, msgAuth},
		{"unknown token", acct, map[string]string{"Authorization": "Bearer nope"}, 403, 9109, msgInvalidToken},
		{"malformed authorization", acct, map[string]string{"Authorization": "Basic dXNlcjpwdw=="}, 400, 9109, msgInvalidToken},
		{"empty bearer", acct, map[string]string{"Authorization": "Bearer "}, 400, 9109, msgInvalidToken},
		{"token without access", acct, map[string]string{"Authorization": "Bearer only-other"}, 403, 10000, msgAuth},
		{"token with access", otherAcct, map[string]string{"Authorization": "Bearer only-other"}, 200, 0, ""},
		{"lowercase bearer", acct, map[string]string{"Authorization": "bearer " + token}, 200, 0, ""},
		{"global key", acct, map[string]string{"X-Auth-Email": "me@example.com", "X-Auth-Key": "global-key"}, 200, 0, ""},
		{"wrong key", acct, map[string]string{"X-Auth-Email": "me@example.com", "X-Auth-Key": "bad"}, 403, 10000, msgAuth},
		{"wrong email", acct, map[string]string{"X-Auth-Email": "you@example.com", "X-Auth-Key": "global-key"}, 403, 10000, msgAuth},
		{"key only", acct, map[string]string{"X-Auth-Key": "global-key"}, 403, 10000, msgAuth},
		{"key without access", acct, map[string]string{"X-Auth-Email": "other@example.com", "X-Auth-Key": "other-key"}, 403, 10000, msgAuth},
		{"key with access", otherAcct, map[string]string{"X-Auth-Email": "other@example.com", "X-Auth-Key": "other-key"}, 200, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, u := range []string{corsURL(s, tc.account, "bkt"), listURL(s, tc.account, "")} {
				a := call(t, c, "GET", u, tc.hdr, "")
				if tc.status == 200 {
					if a.status != 200 || !decode(t, a).Success {
						t.Fatalf("%s: %d %s", u, a.status, a.body)
					}
					continue
				}
				wantError(t, a, tc.status, tc.code, tc.message)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "no-policy"})
	unknown := "ffffffffffffffffffffffffffffffff"
	wantError(t, call(t, c, "GET", corsURL(s, unknown, "x-bucket"), nil, ""), 404, 7003,
		"Could not route to /accounts/"+unknown+"/r2/buckets/x-bucket/cors, perhaps your object identifier is invalid?")
	wantError(t, call(t, c, "GET", listURL(s, unknown, "per_page=5"), nil, ""), 404, 7003,
		"Could not route to /accounts/"+unknown+"/r2/buckets, perhaps your object identifier is invalid?")
	wantError(t, call(t, c, "GET", corsURL(s, acct, "missing"), nil, ""), 404, 10006, msgNoBucket)
	wantError(t, call(t, c, "GET", corsURL(s, acct, "no-policy"), nil, ""), 404, 10059, msgNoCORS)

	base := strings.TrimSuffix(s.URL(), BasePath)
	for _, tc := range []struct{ method, url string }{
		{"GET", base + "/"},
		{"GET", base + "/accounts/" + acct + "/r2/buckets"},
		{"GET", s.URL() + "/zones"},
		{"GET", s.URL() + "/accounts/" + acct + "/r2/buckets/"},
		{"GET", s.URL() + "/accounts/" + acct + "/r2/buckets/no-policy"},
		{"GET", s.URL() + "/accounts/" + acct + "/r2/buckets/no-policy/cors/extra"},
		{"GET", s.URL() + "/accounts//r2/buckets/no-policy/cors"},
		{"POST", corsURL(s, acct, "no-policy")},
		{"PATCH", corsURL(s, acct, "no-policy")},
		{"DELETE", listURL(s, acct, "")},
		{"POST", listURL(s, acct, "")},
	} {
		// The route is checked before the credentials, so even an
		// unauthenticated request gets 7000.
		wantError(t, call(t, c, tc.method, tc.url, nil, ""), 404, 7000, msgNoRoute)
		wantError(t, call(t, c, tc.method, tc.url, map[string]string{}, ""), 404, 7000, msgNoRoute)
	}
}

func TestOddInputDoesNotBreakTheServer(t *testing.T) {
	s, c := newFake(t)
	for _, p := range []string{
		"/accounts/" + acct + "/r2/buckets/" + strings.Repeat("a", 5000) + "/cors",
		"/accounts/" + acct + "/r2/buckets/a%2Fb/cors",
		"/accounts/" + acct + "/r2/buckets/%00/cors",
		"/accounts/%E2%82%AC/r2/buckets/x/cors",
		"/accounts/" + acct + "/r2/buckets?per_page=NaN",
		"/accounts/" + acct + "/r2/buckets?per_page=1e400",
		"/accounts/" + acct + "/r2/buckets?per_page=2.5",
		"/accounts/" + acct + "/r2/buckets?cursor=%21%21",
		"/accounts/" + acct + "/r2/buckets?direction=sideways",
		"/accounts/" + acct + "/r2/buckets?order=size",
	} {
		a := call(t, c, "GET", s.URL()+p, nil, "")
		if a.status < 400 || a.status > 404 || decode(t, a).Success {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
	s.InjectFault(Fault{Status: 42, Times: 1})
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), nil, ""), 500, codeInternal, "fakeapi: fault status 42 cannot be sent")
	// The server still answers.
	if a := call(t, c, "GET", listURL(s, acct, ""), nil, ""); a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
}

func TestJurisdictions(t *testing.T) {
	s, c := newFake(t)
	for _, j := range []string{"", "eu", "fedramp", "us"} {
		s.AddBucket(acct, Bucket{Name: "bucket-" + jurisdictions.OrDefault(j), Jurisdiction: j, CORSRules: `[]`})
	}
	s.AddBucket(acct, Bucket{Name: "shared-name", Jurisdiction: "eu", CORSRules: `[{"id":"eu","allowed":{"methods":["GET"],"origins":["*"]}}]`})
	s.AddBucket(acct, Bucket{Name: "shared-name", CORSRules: `[{"id":"default","allowed":{"methods":["GET"],"origins":["*"]}}]`})

	hdr := func(j string) map[string]string {
		h := map[string]string{"Authorization": "Bearer " + token}
		if j != "" {
			h["cf-r2-jurisdiction"] = j
		}
		return h
	}
	for _, j := range []string{"default", "eu", "fedramp", "us"} {
		for _, other := range []string{"", "default", "eu", "fedramp", "us"} {
			a := call(t, c, "GET", corsURL(s, acct, "bucket-"+j), hdr(other), "")
			visible := jurisdictions.OrDefault(other) == j
			if visible && a.status != 200 {
				t.Errorf("bucket in %s with header %q: %d %s", j, other, a.status, a.body)
			}
			if !visible {
				wantError(t, a, 404, 10006, msgNoBucket)
			}
		}
		// List shows only the buckets of the request's jurisdiction.
		e := decode(t, call(t, c, "GET", listURL(s, acct, ""), hdr(j), ""))
		var res struct{ Buckets []listedBucket }
		if err := json.Unmarshal(e.Result, &res); err != nil {
			t.Fatal(err)
		}
		for _, b := range res.Buckets {
			if b.Jurisdiction != j {
				t.Errorf("list in %s returned %+v", j, b)
			}
		}
		if !strings.Contains(fmt.Sprint(res.Buckets), "bucket-"+j) {
			t.Errorf("list in %s misses bucket-%s: %+v", j, j, res.Buckets)
		}
	}
	if a := call(t, c, "GET", corsURL(s, acct, "shared-name"), hdr("eu"), ""); !strings.Contains(a.body, `"id":"eu"`) {
		t.Errorf("eu shared-name: %s", a.body)
	}
	if a := call(t, c, "GET", corsURL(s, acct, "shared-name"), hdr(""), ""); !strings.Contains(a.body, `"id":"default"`) {
		t.Errorf("default shared-name: %s", a.body)
	}
	for _, bad := range []string{"EU", "mars", "Default", "us,eu"} {
		a := call(t, c, "GET", corsURL(s, acct, "bucket-eu"), hdr(bad), "")
		if a.status != 400 || !strings.Contains(a.body, "cf-r2-jurisdiction") || decode(t, a).Success {
			t.Errorf("jurisdiction %q: %d %s", bad, a.status, a.body)
		}
	}
}

// listNames fetches one page and returns its names and cursor.
func listNames(t *testing.T, s *Server, c *http.Client, query string) (names []string, cursor string, perPage float64) {
	t.Helper()
	a := call(t, c, "GET", listURL(s, acct, query), nil, "")
	if a.status != 200 {
		t.Fatalf("%s: %d %s", query, a.status, a.body)
	}
	e := decode(t, a)
	var res struct {
		Buckets []listedBucket `json:"buckets"`
	}
	if err := json.Unmarshal(e.Result, &res); err != nil {
		t.Fatal(err)
	}
	for _, b := range res.Buckets {
		names = append(names, b.Name)
	}
	if e.Info == nil {
		t.Fatalf("no result_info: %s", a.body)
	}
	if e.Info.Cursor != nil {
		if *e.Info.Cursor == "" {
			t.Fatalf("empty cursor present: %s", a.body)
		}
		cursor = *e.Info.Cursor
	}
	return names, cursor, e.Info.PerPage
}

func TestListBuckets(t *testing.T) {
	s, c := newFake(t)
	for _, n := range []string{"echo", "alpha", "delta", "bravo", "charlie"} {
		s.AddBucket(acct, Bucket{Name: n, Location: "wnam", CreationDate: "2026-01-02T03:04:05.000Z"})
	}
	s.AddBucket(acct, Bucket{Name: "zulu-eu", Jurisdiction: "eu"})

	t.Run("pages of two", func(t *testing.T) {
		var all []string
		cursor := ""
		pages := 0
		for {
			q := "per_page=2"
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			names, next, pp := listNames(t, s, c, q)
			if pp != 2 {
				t.Errorf("per_page = %v", pp)
			}
			all = append(all, names...)
			pages++
			if next == "" {
				break
			}
			cursor = next
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
		}
		if got := strings.Join(all, ","); got != "alpha,bravo,charlie,delta,echo" || pages != 3 {
			t.Fatalf("got %s in %d pages", got, pages)
		}
	})
	t.Run("exact multiple has no cursor on the last page", func(t *testing.T) {
		_, cur, _ := listNames(t, s, c, "per_page=5")
		if cur != "" {
			t.Fatalf("cursor %q on last page", cur)
		}
	})
	t.Run("desc", func(t *testing.T) {
		names, cur, _ := listNames(t, s, c, "per_page=2&direction=desc&order=name")
		if strings.Join(names, ",") != "echo,delta" {
			t.Fatalf("got %v", names)
		}
		names, _, _ = listNames(t, s, c, "per_page=2&direction=desc&cursor="+cur)
		if strings.Join(names, ",") != "charlie,bravo" {
			t.Fatalf("got %v", names)
		}
	})
	t.Run("name_contains", func(t *testing.T) {
		names, _, _ := listNames(t, s, c, "name_contains=ha")
		if strings.Join(names, ",") != "alpha,charlie" {
			t.Fatalf("got %v", names)
		}
		names, _, _ = listNames(t, s, c, "name_contains=nothing")
		if len(names) != 0 {
			t.Fatalf("got %v", names)
		}
	})
	t.Run("start_after", func(t *testing.T) {
		names, _, _ := listNames(t, s, c, "start_after=charlie")
		if strings.Join(names, ",") != "delta,echo" {
			t.Fatalf("got %v", names)
		}
	})
	t.Run("default per_page and fields", func(t *testing.T) {
		a := call(t, c, "GET", listURL(s, acct, "name_contains=alpha"), nil, "")
		want := `{"success":true,"errors":[],"messages":[],"result":{"buckets":[{"name":"alpha","creation_date":"2026-01-02T03:04:05.000Z","location":"wnam","jurisdiction":"default","storage_class":"Standard"}]},"result_info":{"per_page":20}}`
		if a.body != want {
			t.Fatalf("got  %s\nwant %s", a.body, want)
		}
	})
	t.Run("bad per_page", func(t *testing.T) {
		for _, pp := range []string{"0", "1001", "-1", "abc", "2.5"} {
			a := call(t, c, "GET", listURL(s, acct, "per_page="+pp), nil, "")
			wantError(t, a, 400, codeInvalidArgument, "per_page must be an integer between 1 and 1000.")
		}
		for _, pp := range []string{"1", "1000"} {
			if a := call(t, c, "GET", listURL(s, acct, "per_page="+pp), nil, ""); a.status != 200 {
				t.Errorf("per_page=%s: %d", pp, a.status)
			}
		}
	})
}

func TestPutAndDeleteCORS(t *testing.T) {
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "bkt"})
	u := corsURL(s, acct, "bkt")
	a := call(t, c, "PUT", u, nil, `{"rules": [ {"allowed": {"methods": ["GET"], "origins": ["*"]}, "maxAgeSeconds": 1e3} ]}`)
	if a.status != 200 || a.body != `{"success":true,"errors":[],"messages":[],"result":{}}` {
		t.Fatalf("PUT: %d %s", a.status, a.body)
	}
	a = call(t, c, "GET", u, nil, "")
	if want := `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e3}]}}`; a.body != want {
		t.Fatalf("GET after PUT: %s", a.body)
	}
	for _, bad := range []string{`{`, `[]`, `{"rules":{}}`, `{"rules":[{}]}`, `{"rules":[{"allowed":{"methods":["BREW"],"origins":[]}}]}`} {
		a := call(t, c, "PUT", u, nil, bad)
		if a.status != 400 || decode(t, a).Errors[0].Code != codeMalformedJSON {
			t.Errorf("PUT %s: %d %s", bad, a.status, a.body)
		}
	}
	wantError(t, call(t, c, "PUT", corsURL(s, acct, "missing"), nil, `{"rules":[]}`), 404, 10006, msgNoBucket)
	if a := call(t, c, "DELETE", u, nil, ""); a.status != 200 {
		t.Fatalf("DELETE: %d %s", a.status, a.body)
	}
	wantError(t, call(t, c, "GET", u, nil, ""), 404, 10059, msgNoCORS)
	wantError(t, call(t, c, "DELETE", corsURL(s, acct, "missing"), nil, ""), 404, 10006, msgNoBucket)
}

func TestRequestLogAndConnections(t *testing.T) {
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "bkt", CORSRules: `[]`})
	for range 3 {
		call(t, c, "GET", corsURL(s, acct, "bkt"), map[string]string{
			"Authorization": "Bearer " + token, "User-Agent": "terraform-provider-r2/test", "cf-r2-jurisdiction": "default"}, "")
	}
	call(t, c, "GET", listURL(s, acct, "per_page=2"), nil, "")
	reqs := s.Requests()
	if len(reqs) != 4 || s.RequestCount() != 4 {
		t.Fatalf("logged %d/%d requests", len(reqs), s.RequestCount())
	}
	r := reqs[0]
	if r.Method != "GET" || r.Path != "/client/v4/accounts/"+acct+"/r2/buckets/bkt/cors" || r.Status != 200 ||
		r.Header.Get("User-Agent") != "terraform-provider-r2/test" || r.Header.Get("cf-r2-jurisdiction") != "default" ||
		r.Header.Get("Authorization") != "Bearer "+token {
		t.Fatalf("first request %+v", r)
	}
	if reqs[3].RawQuery != "per_page=2" {
		t.Errorf("RawQuery = %q", reqs[3].RawQuery)
	}
	// The copy is independent of the log.
	reqs[0].Header.Set("User-Agent", "changed")
	if s.Requests()[0].Header.Get("User-Agent") != "terraform-provider-r2/test" {
		t.Error("Requests returned shared headers")
	}
	if n := s.ConnectionsOpened(); n != 1 {
		t.Errorf("ConnectionsOpened = %d, want 1 (keep-alive)", n)
	}
	s.ResetLog()
	if s.RequestCount() != 0 || s.ConnectionsOpened() != 0 {
		t.Fatal("ResetLog did not reset")
	}
	c2 := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	call(t, c2, "GET", corsURL(s, acct, "bkt"), nil, "")
	call(t, c2, "GET", corsURL(s, acct, "bkt"), nil, "")
	if n := s.ConnectionsOpened(); n != 2 {
		t.Errorf("ConnectionsOpened = %d, want 2", n)
	}
	var mu sync.Mutex
	var seen []Request
	s.OnRequest(func(r Request) { mu.Lock(); seen = append(seen, r); mu.Unlock() })
	call(t, c, "GET", corsURL(s, acct, "nope"), nil, "")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Status != 404 {
		t.Fatalf("OnRequest saw %+v", seen)
	}
}

func TestConcurrentRequests(t *testing.T) {
	s, _ := newFake(t)
	s.AddBucket(acct, Bucket{Name: "bkt", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`})
	s.SetLatency(5 * time.Millisecond)
	tr := &http.Transport{MaxIdleConnsPerHost: 50}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := corsURL(s, acct, "bkt")
			if i%3 == 0 {
				// Writers race with readers.
				s.SetCORS(acct, "", "other", `[]`)
				u = listURL(s, acct, "per_page=1")
			}
			req, err := http.NewRequest("GET", u, nil)
			if err != nil {
				errs <- err
				return
			}
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("%s: status %d", u, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if s.RequestCount() != n {
		t.Fatalf("RequestCount = %d", s.RequestCount())
	}
}

func TestStartOnRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0", "127.0.0.1", ""} {
		if s, err := StartOn(addr); err == nil {
			s.Close()
			t.Errorf("StartOn(%q) accepted", addr)
		}
	}
	for _, addr := range []string{"localhost:0", "127.0.0.2:0"} {
		s, err := StartOn(addr)
		if err != nil {
			t.Logf("StartOn(%q): %v (host may lack it)", addr, err)
			continue
		}
		if !strings.HasPrefix(s.URL(), "http://") || !strings.HasSuffix(s.URL(), "/client/v4") {
			t.Errorf("URL = %q", s.URL())
		}
		s.Close()
		s.Close() // Twice is fine.
	}
}

// An account without the right to a jurisdiction (FedRAMP is by contract)
// is refused there with 403 and code 10042, and only there.
func TestNotEntitled(t *testing.T) {
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "media", CORSRules: `[]`})
	s.NotEntitled(acct, "fedramp")
	hdr := map[string]string{"Authorization": "Bearer " + token, "cf-r2-jurisdiction": "fedramp"}
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), hdr, ""), 403, codeNotEntitled, msgNotEntitled)
	wantError(t, call(t, c, "GET", corsURL(s, acct, "media"), hdr, ""), 403, codeNotEntitled, msgNotEntitled)
	if a := call(t, c, "GET", listURL(s, acct, ""), nil, ""); a.status != 200 {
		t.Errorf("default jurisdiction: %d %s", a.status, a.body)
	}
	hdr["cf-r2-jurisdiction"] = "eu"
	if a := call(t, c, "GET", listURL(s, acct, ""), hdr, ""); a.status != 200 {
		t.Errorf("eu: %d %s", a.status, a.body)
	}
}
