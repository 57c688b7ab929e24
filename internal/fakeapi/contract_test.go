package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// schemaFile is a byte-for-byte copy of shared/api/cloudflare-r2-openapi.json,
// kept in the repository so that the contract test works in any clone.
const schemaFile = "testdata/cloudflare-r2-openapi.json"

// loadContract loads Cloudflare's published schema, adapted in memory only
// where the live API is known to have moved on, and points it at the fake.
func loadContract(t *testing.T, baseURL string) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	// Cloudflare opened the "us" jurisdiction after this schema slice was
	// published, and the live API accepts it in cf-r2-jurisdiction and
	// returns it in bucket listings. Without this the contract would reject
	// correct traffic. The file on disk stays identical to the published one.
	jur := doc.Components.Schemas["r2_jurisdiction"]
	if jur == nil || jur.Value == nil {
		t.Fatal("schema has no r2_jurisdiction")
	}
	if !slices.Contains(jur.Value.Enum, any("us")) {
		jur.Value.Enum = append(jur.Value.Enum, "us")
	}
	// The schema's server is https://api.cloudflare.com/client/v4; routing
	// on the fake's own base URL keeps the /client/v4 prefix checked.
	doc.Servers = openapi3.Servers{{URL: baseURL}}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("schema does not validate: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// checkAuthHeader stands in for Cloudflare's authentication during request
// validation: it accepts a security scheme when its header is present and
// well formed, so a request without credentials fails validation.
func checkAuthHeader(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	s := in.SecurityScheme
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			return in.NewError(errors.New("no bearer token"))
		}
		return nil
	case s.Type == "apiKey" && s.In == "header":
		if r.Header.Get(s.Name) == "" {
			return in.NewError(fmt.Errorf("no %s header", s.Name))
		}
		return nil
	}
	return in.NewError(fmt.Errorf("unsupported security scheme %s", in.SecuritySchemeName))
}

// requestProblems classifies request validation errors as "security",
// "param:<name>", "body" or "other:<text>", sorted.
func requestProblems(err error) []string {
	if err == nil {
		return nil
	}
	var errs []error
	var me openapi3.MultiError
	if errors.As(err, &me) {
		errs = me
	} else {
		errs = []error{err}
	}
	var out []string
	for _, e := range errs {
		var sec *openapi3filter.SecurityRequirementsError
		var re *openapi3filter.RequestError
		switch {
		case errors.As(e, &sec):
			out = append(out, "security")
		case errors.As(e, &re) && re.Parameter != nil:
			out = append(out, "param:"+re.Parameter.Name)
		case errors.As(e, &re) && re.RequestBody != nil:
			out = append(out, "body")
		default:
			out = append(out, "other:"+e.Error())
		}
	}
	slices.Sort(out)
	return out
}

type contractCase struct {
	name   string
	method string // "" means GET.
	path   string // After the base URL.
	query  string
	jur    string            // cf-r2-jurisdiction; "" sends none.
	auth   map[string]string // nil means the all-accounts token.
	body   string
	status int
	code   int // Error code expected; 0 for success.
	// reqProblems lists the request validation problems the scenario
	// provokes on purpose (see requestProblems); none by default.
	reqProblems []string
}

func TestContract(t *testing.T) {
	s := Start()
	defer s.Close()
	_, router := loadContract(t, s.URL())

	s.AddToken(token)
	s.AddToken("narrow", otherAcct)
	s.AddGlobalKey("demo@example.com", "demo-key")
	s.AddAccount(otherAcct)
	add := func(name, jur, rules string) {
		s.AddBucket(acct, Bucket{Name: name, Jurisdiction: jur, CreationDate: "2026-01-02T03:04:05.000Z", CORSRules: rules})
	}
	add("full-rules", "", `[{"id":"Allow Local Development","allowed":{"methods":["GET","PUT","POST","DELETE","HEAD"],"origins":["http://localhost:3000","https://example.com"],"headers":["x-requested-by"]},"exposeHeaders":["Content-Encoding","ETag"],"maxAgeSeconds":3600.5},{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":86400}]`)
	add("minimal-rules", "", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	add("empty-lists", "", `[{"allowed":{"methods":[],"origins":[],"headers":[]},"exposeHeaders":[]}]`)
	add("exponent-age", "", `[{"allowed":{"methods":["HEAD"],"origins":["*"]},"maxAgeSeconds":1e3}]`)
	add("no-rules", "", `[]`)
	// Hostile but schema-valid: the provider refuses it (a number too small
	// to carry), yet the fake serves it as Cloudflare would store it.
	add("planted-max-age", "", `[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e-200000}]`)
	add("no-policy", "", "")
	add("bare-result", "", "")
	s.SetCORSResult(acct, "default", "bare-result", `{}`)
	add("eu-bucket", "eu", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	add("fedramp-bucket", "fedramp", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	add("us-bucket", "us", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	for _, n := range []string{"list-a", "list-b", "list-c", "list-d", "list-e"} {
		add(n, "", "")
	}
	s.AddBucket(otherAcct, Bucket{Name: "narrow-bucket", Location: "apac", StorageClass: "InfrequentAccess", CORSRules: `[]`})
	s.NotEntitled(otherAcct, "fedramp")

	cors := func(account, bucket string) string { return "/accounts/" + account + "/r2/buckets/" + bucket + "/cors" }
	list := "/accounts/" + acct + "/r2/buckets"
	unknown := "ffffffffffffffffffffffffffffffff"
	globalKey := map[string]string{"X-Auth-Email": "demo@example.com", "X-Auth-Key": "demo-key"}
	// The operations list only api_token in their security, although the
	// document's default security and the live API also take the global
	// key pair: a global-key request is valid apart from that.
	keyProblem := []string{"security"}

	cases := []contractCase{
		{name: "policy with every optional field", path: cors(acct, "full-rules"), status: 200},
		{name: "optional fields absent", path: cors(acct, "minimal-rules"), status: 200},
		{name: "empty lists", path: cors(acct, "empty-lists"), status: 200},
		{name: "maxAgeSeconds in exponent form", path: cors(acct, "exponent-age"), status: 200},
		{name: "empty rules", path: cors(acct, "no-rules"), status: 200},
		{name: "hostile maxAgeSeconds is schema-valid", path: cors(acct, "planted-max-age"), status: 200},
		{name: "result without rules", path: cors(acct, "bare-result"), status: 200},
		{name: "explicit default jurisdiction", path: cors(acct, "full-rules"), jur: "default", status: 200},
		{name: "eu jurisdiction", path: cors(acct, "eu-bucket"), jur: "eu", status: 200},
		{name: "fedramp jurisdiction", path: cors(acct, "fedramp-bucket"), jur: "fedramp", status: 200},
		{name: "us jurisdiction", path: cors(acct, "us-bucket"), jur: "us", status: 200},
		{name: "global key", path: cors(acct, "full-rules"), auth: globalKey, status: 200, reqProblems: keyProblem},
		{name: "token limited to the account", path: cors(otherAcct, "narrow-bucket"), auth: map[string]string{"Authorization": "Bearer narrow"}, status: 200},

		{name: "no credentials", path: cors(acct, "full-rules"), auth: map[string]string{}, status: 401, code: 10000, reqProblems: []string{"security"}},
		{name: "unknown token", path: cors(acct, "full-rules"), auth: map[string]string{"Authorization": "Bearer nope"}, status: 403, code: 9109},
		{name: "malformed authorization", path: cors(acct, "full-rules"), auth: map[string]string{"Authorization": "Basic eDp5"}, status: 400, code: 9109, reqProblems: []string{"security"}},
		{name: "token without access", path: cors(acct, "full-rules"), auth: map[string]string{"Authorization": "Bearer narrow"}, status: 403, code: 10000},
		{name: "wrong global key", path: cors(acct, "full-rules"), auth: map[string]string{"X-Auth-Email": "demo@example.com", "X-Auth-Key": "bad"}, status: 403, code: 10000, reqProblems: keyProblem},
		{name: "unknown account", path: cors(unknown, "full-rules"), status: 404, code: 7003},
		{name: "missing bucket", path: cors(acct, "missing-bucket"), status: 404, code: 10006},
		{name: "eu bucket without header", path: cors(acct, "eu-bucket"), status: 404, code: 10006},
		{name: "default bucket with eu header", path: cors(acct, "full-rules"), jur: "eu", status: 404, code: 10006},
		{name: "no CORS policy", path: cors(acct, "no-policy"), status: 404, code: 10059},
		{name: "unknown jurisdiction", path: cors(acct, "full-rules"), jur: "mars", status: 400, code: codeInvalidArgument, reqProblems: []string{"param:cf-r2-jurisdiction"}},

		{name: "list first page", path: list, query: "name_contains=list-&per_page=2", status: 200},
		{name: "list middle page", path: list, query: "name_contains=list-&per_page=2&cursor=" + encodeCursor("list-b"), status: 200},
		{name: "list last page", path: list, query: "name_contains=list-&per_page=2&cursor=" + encodeCursor("list-d"), status: 200},
		{name: "list every option", path: list, query: "name_contains=list&start_after=list-a&per_page=1000&order=name&direction=desc", status: 200},
		{name: "list default options", path: list, status: 200},
		{name: "list empty", path: list, query: "name_contains=nothing", status: 200},
		{name: "list eu", path: list, jur: "eu", status: 200},
		{name: "list fedramp", path: list, jur: "fedramp", status: 200},
		{name: "list us", path: list, jur: "us", status: 200},
		{name: "list other storage class", path: "/accounts/" + otherAcct + "/r2/buckets", auth: map[string]string{"Authorization": "Bearer narrow"}, status: 200},
		{name: "list with global key", path: list, auth: globalKey, status: 200, reqProblems: keyProblem},
		{name: "list no credentials", path: list, auth: map[string]string{}, status: 401, code: 10000, reqProblems: []string{"security"}},
		{name: "list unknown token", path: list, auth: map[string]string{"Authorization": "Bearer nope"}, status: 403, code: 9109},
		{name: "list token without access", path: list, auth: map[string]string{"Authorization": "Bearer narrow"}, status: 403, code: 10000},
		{name: "list unknown account", path: "/accounts/" + unknown + "/r2/buckets", status: 404, code: 7003},
		{name: "list per_page 0", path: list, query: "per_page=0", status: 400, code: codeInvalidArgument, reqProblems: []string{"param:per_page"}},
		{name: "list per_page 1001", path: list, query: "per_page=1001", status: 400, code: codeInvalidArgument, reqProblems: []string{"param:per_page"}},
		{name: "list bad direction", path: list, query: "direction=up", status: 400, code: codeInvalidArgument, reqProblems: []string{"param:direction"}},
		{name: "list a jurisdiction the account may not use", path: "/accounts/" + otherAcct + "/r2/buckets", jur: "fedramp", status: 403, code: codeNotEntitled},
		{name: "read in a jurisdiction the account may not use", path: cors(otherAcct, "narrow-bucket"), jur: "fedramp", status: 403, code: codeNotEntitled},
		{name: "list unknown jurisdiction", path: list, jur: "mars", status: 400, code: codeInvalidArgument, reqProblems: []string{"param:cf-r2-jurisdiction"}},

		{name: "put policy", method: "PUT", path: cors(acct, "list-a"), body: `{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":600}]}`, status: 200},
		{name: "put policy in us", method: "PUT", path: cors(acct, "us-bucket"), jur: "us", body: `{"rules":[]}`, status: 200},
		{name: "put malformed", method: "PUT", path: cors(acct, "list-a"), body: `{"rules":`, status: 400, code: 10040, reqProblems: []string{"body"}},
		{name: "put missing bucket", method: "PUT", path: cors(acct, "missing-bucket"), body: `{"rules":[]}`, status: 404, code: 10006},
		{name: "delete policy", method: "DELETE", path: cors(acct, "list-a"), status: 200},
		{name: "delete missing bucket", method: "DELETE", path: cors(acct, "missing-bucket"), status: 404, code: 10006},
		{name: "delete no credentials", method: "DELETE", path: cors(acct, "list-b"), auth: map[string]string{}, status: 401, code: 10000, reqProblems: []string{"security"}},
	}

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runContractCase(t, s, router, client, tc)
		})
	}
	// Hostile but schema-valid: a list whose cursor never ends.
	t.Run("hostile endless cursor", func(t *testing.T) {
		s.InjectFault(Fault{PathContains: "/r2/buckets", EndlessCursor: 300, Times: 2})
		for range 2 {
			runContractCase(t, s, router, client, contractCase{name: "endless", path: list, query: "per_page=1000", status: 200})
		}
	})
	t.Run("every page together", func(t *testing.T) {
		var names []string
		pages := []string{"", "&cursor=" + encodeCursor("list-b"), "&cursor=" + encodeCursor("list-d")}
		for i, q := range pages {
			e := decode(t, call(t, client, "GET", s.URL()+list+"?name_contains=list-&per_page=2"+q, nil, ""))
			var res struct{ Buckets []listedBucket }
			if err := json.Unmarshal(e.Result, &res); err != nil {
				t.Fatal(err)
			}
			for _, b := range res.Buckets {
				names = append(names, b.Name)
			}
			if last := i == len(pages)-1; (e.Info.Cursor == nil) != last {
				t.Errorf("page %q: cursor %v", q, e.Info.Cursor)
			}
		}
		if got := strings.Join(names, ","); got != "list-a,list-b,list-c,list-d,list-e" {
			t.Fatalf("pages hold %s", got)
		}
	})
}

func runContractCase(t *testing.T, s *Server, router routers.Router, client *http.Client, tc contractCase) {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodGet
	}
	url := s.URL() + tc.path
	if tc.query != "" {
		url += "?" + tc.query
	}
	// Validation may fill in defaults, so it gets its own copy of the
	// request and the fake sees exactly what the scenario describes.
	newReq := func() *http.Request {
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			t.Fatal(err)
		}
		auth := tc.auth
		if auth == nil {
			auth = map[string]string{"Authorization": "Bearer " + token}
		}
		for k, v := range auth {
			req.Header.Set(k, v)
		}
		if tc.jur != "" {
			req.Header.Set("cf-r2-jurisdiction", tc.jur)
		}
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("User-Agent", "fakeapi-contract-test")
		return req
	}

	vreq := newReq()
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		t.Fatalf("no route in the schema for %s %s: %v", method, url, err)
	}
	reqInput := &openapi3filter.RequestValidationInput{
		Request:    vreq,
		PathParams: params,
		Route:      route,
		Options:    &openapi3filter.Options{AuthenticationFunc: checkAuthHeader, MultiError: true},
	}
	rerr := openapi3filter.ValidateRequest(context.Background(), reqInput)
	if got := requestProblems(rerr); !slices.Equal(got, tc.reqProblems) {
		t.Errorf("request validation problems %q, want %q (error: %v)", got, tc.reqProblems, rerr)
	}

	resp, err := client.Do(newReq())
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != tc.status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("body is not JSON: %s", body)
	}
	if tc.code == 0 && (!env.Success || len(env.Errors) != 0) {
		t.Fatalf("want success: %s", body)
	}
	if tc.code != 0 && (env.Success || len(env.Errors) != 1 || env.Errors[0].Code != tc.code) {
		t.Fatalf("want error code %d: %s", tc.code, body)
	}

	respInput := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	respInput.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), respInput); err != nil {
		t.Fatalf("response breaks the contract: %v\nbody: %s", err, body)
	}
}

// TestContractErrorsOutsideTheSchema checks the answers that no operation
// of the schema describes against its generic failure envelope.
func TestContractErrorsOutsideTheSchema(t *testing.T) {
	s, c := newFake(t)
	doc, router := loadContract(t, s.URL())
	failure := doc.Components.Schemas["r2_v4_response_failure"].Value

	validate := func(t *testing.T, a answer) {
		t.Helper()
		var v any
		if err := json.Unmarshal([]byte(a.body), &v); err != nil {
			t.Fatalf("not JSON: %s", a.body)
		}
		if err := failure.VisitJSON(v); err != nil {
			t.Fatalf("not a v4 failure envelope: %v\n%s", err, a.body)
		}
	}
	for _, p := range []string{"/zones", "/accounts/" + acct + "/r2/buckets/x/cors/y", "/accounts/" + acct + "/r2"} {
		req, _ := http.NewRequest("GET", s.URL()+p, nil)
		var rerr *routers.RouteError
		if _, _, err := router.FindRoute(req); !errors.As(err, &rerr) {
			t.Errorf("%s: the schema has a route (%v)", p, err)
		}
		a := call(t, c, "GET", s.URL()+p, nil, "")
		wantError(t, a, 404, 7000, msgNoRoute)
		validate(t, a)
	}
	// Default fault bodies. 429 is left out: Cloudflare's rate-limit code
	// 971 is below the schema's "minimum: 1000" for error codes, so the real
	// API itself breaks that constraint (see testdata/API.md).
	for _, st := range []int{400, 401, 403, 404, 409, 500, 502, 503} {
		s.InjectFault(Fault{Status: st, Times: 1})
		a := call(t, c, "GET", listURL(s, acct, ""), nil, "")
		if a.status != st {
			t.Fatalf("status %d, want %d", a.status, st)
		}
		validate(t, a)
	}
	s.InjectFault(Fault{Status: 429, Times: 1})
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), nil, ""), 429, 971, msgRateLimited)
	s.RateLimitFor(time.Minute)
	wantError(t, call(t, c, "GET", listURL(s, acct, ""), nil, ""), 429, 971, msgRateLimited)
	s.RateLimitFor(0)

	// A hostile message (terminal escapes, a forged line) is still a
	// schema-valid envelope: only the provider's escaping stops it.
	const hostile = "Authentication error\x1b]8;;https://evil.example\x07x\x1b]8;;\x07\nError: forged"
	s.InjectFault(Fault{Status: 403, Message: hostile, Times: 1})
	a := call(t, c, "GET", listURL(s, acct, ""), nil, "")
	wantError(t, a, 403, 10000, hostile)
	validate(t, a)
}

// TestSchemaCopyIsIdentical keeps testdata's copy of the schema in step with
// shared/api when the repository sits beside it.
func TestSchemaCopyIsIdentical(t *testing.T) {
	const shared = "../../../shared/api/cloudflare-r2-openapi.json"
	want, err := os.ReadFile(shared)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s does not exist: the repository is not beside shared/, nothing to compare", shared)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from %s: copy it again byte for byte", schemaFile, shared)
	}
}
