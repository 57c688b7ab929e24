package fakeapi

import (
	"strings"
	"testing"
)

const testSeed = `{
  "tokens": [{"token": "demo-token", "accounts": []}, {"token": "narrow", "accounts": ["` + otherAcct + `"]}],
  "global_keys": [{"email": "demo@example.com", "key": "demo-key"}],
  "accounts": {
    "` + acct + `": {"not_entitled_jurisdictions": ["fedramp"], "buckets": [
      {"name": "web-assets", "location": "wnam", "storage_class": "Standard",
       "creation_date": "2026-01-02T03:04:05.000Z",
       "cors_rules": [ {"allowed": {"methods": ["GET"], "origins": ["*"]}, "maxAgeSeconds": 3600.5} ]},
      {"name": "eu-data", "jurisdiction": "eu", "location": "weur", "cors_rules": []},
      {"name": "bare-result", "cors_result": {}},
      {"name": "no-policy", "cors_rules": null}
    ]},
    "` + otherAcct + `": {"buckets": []}
  }
}`

func TestLoadSeed(t *testing.T) {
	s, c := newFake(t)
	if err := s.LoadSeed(strings.NewReader(testSeed)); err != nil {
		t.Fatal(err)
	}
	demo := map[string]string{"Authorization": "Bearer demo-token"}
	a := call(t, c, "GET", corsURL(s, acct, "web-assets"), demo, "")
	want := `{"success":true,"errors":[],"messages":[],"result":{"rules":[ {"allowed": {"methods": ["GET"], "origins": ["*"]}, "maxAgeSeconds": 3600.5} ]}}`
	if a.body != want {
		t.Fatalf("got  %s\nwant %s", a.body, want)
	}
	wantError(t, call(t, c, "GET", corsURL(s, acct, "eu-data"), demo, ""), 404, 10006, msgNoBucket)
	a = call(t, c, "GET", corsURL(s, acct, "eu-data"), map[string]string{"Authorization": "Bearer demo-token", "cf-r2-jurisdiction": "eu"}, "")
	if !strings.HasSuffix(a.body, `"result":{"rules":[]}}`) {
		t.Fatalf("eu-data: %s", a.body)
	}
	if a = call(t, c, "GET", corsURL(s, acct, "bare-result"), demo, ""); !strings.HasSuffix(a.body, `"result":{}}`) {
		t.Fatalf("bare-result: %s", a.body)
	}
	wantError(t, call(t, c, "GET", corsURL(s, acct, "no-policy"), demo, ""), 404, 10059, msgNoCORS)
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), map[string]string{"Authorization": "Bearer demo-token", "cf-r2-jurisdiction": "fedramp"}, ""),
		403, codeNotEntitled, msgNotEntitled)
	key := map[string]string{"X-Auth-Email": "demo@example.com", "X-Auth-Key": "demo-key"}
	if a = call(t, c, "GET", listURL(s, acct, ""), key, ""); a.status != 200 || !strings.Contains(a.body, `"web-assets"`) {
		t.Fatalf("list: %s", a.body)
	}
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), map[string]string{"Authorization": "Bearer narrow"}, ""), 403, 10000, msgAuth)
	if a = call(t, c, "GET", listURL(s, otherAcct, ""), map[string]string{"Authorization": "Bearer narrow"}, ""); a.status != 200 {
		t.Fatalf("narrow token on its account: %d", a.status)
	}
}

func TestLoadSeedRejectsBadInput(t *testing.T) {
	for name, seed := range map[string]string{
		"not json":            `{`,
		"unknown field":       `{"tokens":[{"token":"x","acounts":[]}]}`,
		"trailing data":       `{} {}`,
		"empty token":         `{"tokens":[{"token":""}]}`,
		"half key":            `{"global_keys":[{"email":"a@b"}]}`,
		"bad jurisdiction":    `{"accounts":{"` + acct + `":{"buckets":[{"name":"b","jurisdiction":"mars"}]}}}`,
		"bucket without name": `{"accounts":{"` + acct + `":{"buckets":[{"location":"weur"}]}}}`,
		"empty account":       `{"accounts":{"":{"buckets":[]}}}`,
		"bad not entitled":    `{"accounts":{"` + acct + `":{"not_entitled_jurisdictions":["mars"]}}}`,
	} {
		s := Start()
		if err := s.LoadSeed(strings.NewReader(seed)); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if s.RequestCount() != 0 || len(s.accounts) != 0 || len(s.tokens) != 0 {
			t.Errorf("%s: partial seed applied", name)
		}
		s.Close()
	}
}
