package fakeapi

import (
	"os"
	"path/filepath"
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

// A seed mistake is refused with the path of the mistake, not served as
// something else: snake_case in a rule (which the API writes in camelCase)
// would otherwise read as "no max age", and a bucket name R2 refuses would
// only fail later, in the provider.
func TestLoadSeedNamesThePathOfAMistake(t *testing.T) {
	bucket := func(b string) string {
		return `{"accounts":{"` + acct + `":{"buckets":[{"name":"ok-bucket"},` + b + `]}}}`
	}
	rule := func(r string) string {
		return bucket(`{"name":"web","cors_rules":[{"allowed":{"methods":["GET"],"origins":["*"]}},` + r + `]}`)
	}
	at := `accounts["` + acct + `"].buckets[1]`
	for name, tc := range map[string]struct{ seed, want string }{
		"snake_case max age": {rule(`{"allowed":{"methods":["GET"],"origins":["*"]},"max_age_seconds":600}`),
			`seed: ` + at + `.cors_rules[1]: unknown member "max_age_seconds": rules are written as the API sends them, in camelCase: "maxAgeSeconds"`},
		"snake_case expose headers": {rule(`{"allowed":{"methods":["GET"],"origins":["*"]},"expose_headers":["etag"]}`),
			`seed: ` + at + `.cors_rules[1]: unknown member "expose_headers": rules are written as the API sends them, in camelCase: "exposeHeaders"`},
		"unknown allowed member": {rule(`{"allowed":{"methods":["GET"],"origin":["*"]}}`),
			`seed: ` + at + `.cors_rules[1].allowed: unknown member "origin"; known: methods, origins, headers`},
		"methods not a list": {rule(`{"allowed":{"methods":"GET","origins":["*"]}}`),
			`seed: ` + at + `.cors_rules[1].allowed.methods: want a list of strings`},
		"max age a string": {rule(`{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":"600"}`),
			`seed: ` + at + `.cors_rules[1].maxAgeSeconds: want a number`},
		"rules not a list": {bucket(`{"name":"web","cors_rules":{}}`), `seed: ` + at + `.cors_rules: want a list of rules`},
		"camelCase bucket member": {bucket(`{"name":"web","storageClass":"Standard"}`),
			`seed: ` + at + `: unknown member "storageClass": the seed's own members are snake_case: "storage_class"`},
		"one-letter bucket": {bucket(`{"name":"x"}`),
			`seed: ` + at + `.name: "x" is not a name R2 accepts: 3 to 64 lowercase letters, digits and hyphens, starting and ending with a letter or digit`},
		"uppercase bucket":         {bucket(`{"name":"Assets"}`), `seed: ` + at + `.name: "Assets" is not a name R2 accepts`},
		"bad account id":           {`{"accounts":{"acme":{"buckets":[]}}}`, `seed: accounts["acme"]: not a Cloudflare account ID (32 lowercase hexadecimal characters)`},
		"unknown top-level member": {`{"token":[]}`, `seed: unknown member "token"; known: tokens, global_keys, accounts`},
		"unknown token member": {`{"tokens":[{"token":"x","acounts":[]}]}`,
			`seed: tokens[0]: unknown member "acounts"; known: token, accounts`},
		"bad not entitled": {`{"accounts":{"` + acct + `":{"not_entitled_jurisdictions":["EU"]}}}`,
			`seed: accounts["` + acct + `"].not_entitled_jurisdictions[0]: unknown jurisdiction "EU"; one of default, eu, fedramp, us`},
		"duplicate bucket": {bucket(`{"name":"ok-bucket"}`), `seed: ` + at + `.name: bucket "ok-bucket" is already in jurisdiction default`},
	} {
		s := Start()
		err := s.LoadSeed(strings.NewReader(tc.seed))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got  %v\nwant %s", name, err, tc.want)
		}
		s.Close()
	}
}

// The demo's seed, which the README and docs examples read, loads.
func TestDemoSeedLoads(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "examples", "demo", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	s := Start()
	defer s.Close()
	if err := s.LoadSeed(f); err != nil {
		t.Fatal(err)
	}
}
