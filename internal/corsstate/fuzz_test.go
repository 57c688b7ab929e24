package corsstate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// FuzzDecodeAndMap checks the wire -> rule -> state path on any body:
//   - nothing panics;
//   - an answer Cloudflare's published schema allows is always accepted, and
//     gives exactly the rules a plain reading of its JSON gives (same order,
//     null kept apart from empty, numbers as written);
//   - whatever is decoded maps to a known state list of the same length;
//   - decoding, mapping and encoding the state for the wire (msgpack, as
//     terraform-plugin-go sends it to Terraform) allocate at most a bounded
//     multiple of the body's size. Work that grows faster than its input (a
//     number such as 1e-200000, printed digit by digit) shows as allocation
//     long before it shows as time, and allocation is counted exactly.
//
// The seed corpus is the fake API's own answers; CI runs the fuzzer for a
// bounded time (make fuzz), and crashers it finds go to testdata/fuzz.
func FuzzDecodeAndMap(f *testing.F) {
	for _, body := range fakeAnswers(f) {
		f.Add(body)
	}
	for _, body := range []string{
		`{"success":true,"errors":[],"messages":[],"result":{}}`,
		`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":[],"origins":[],"headers":[]},"exposeHeaders":[],"maxAgeSeconds":1e3}]}}`,
		`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"id":null,"maxAgeSeconds":-0.5}]}}`,
		`{"success":false,"errors":[{"code":10001,"message":"x"}],"messages":[],"result":null}`,
		`<html>502</html>`,
		`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e-20000}]}}`,
		`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e20000}]}}`,
		`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":0.` + strings.Repeat("0", 5000) + `1}]}}`,
		`{"success":false,"errors":[],"success":true,"result":{"rules":[]}}`,
		`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":[null],"origins":["\ud800"]}}]}}`,
	} {
		f.Add([]byte(body))
	}
	schema := responseSchema(f)

	f.Fuzz(func(t *testing.T, body []byte) {
		allowed := schemaAllows(schema, body) && withinLimits(body)

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rules, decodeErr := r2api.DecodeCORS(body)
		var list types.List
		var mapErr, wireErr error
		if decodeErr == nil {
			if list, mapErr = RulesToState(rules); mapErr == nil {
				wireErr = encodeForWire(list)
			}
		}
		runtime.ReadMemStats(&after)
		if n, limit := after.TotalAlloc-before.TotalAlloc, allocBound(len(body)); n > limit {
			t.Fatalf("decoding, mapping and encoding a %d-byte body allocated %d bytes, more than %d\n%.300s",
				len(body), n, limit, body)
		}

		// A member that looks like a renamed one is refused on purpose,
		// though the schema allows extra members (DESIGN.md, "Strict
		// decoding").
		if allowed && decodeErr != nil && !errors.Is(decodeErr, r2api.ErrRenamedMember) {
			t.Fatalf("an answer the schema allows was rejected: %v\n%s", decodeErr, body)
		}
		if decodeErr != nil {
			return
		}
		if allowed {
			if want := plainReading(t, body); !reflect.DeepEqual(rules, want) {
				t.Fatalf("decoded rules differ from the JSON:\n got %#v\nwant %#v\n%s", rules, want, body)
			}
		}
		if allowed && mapErr != nil {
			t.Fatalf("an answer the schema allows cannot be mapped: %v\n%s", mapErr, body)
		}
		if mapErr == nil && (list.IsNull() || list.IsUnknown() || len(list.Elements()) != len(rules)) {
			t.Fatalf("state %s does not hold the %d rules", list, len(rules))
		}
		if wireErr != nil {
			t.Fatalf("the state cannot be encoded for Terraform: %v", wireErr)
		}
	})
}

// allocBound is what the decode-map-encode path may allocate for a body of
// n bytes: a generous multiple of n (JSON is decoded several times over, into
// raw members, strings and Terraform values: about 160 bytes per byte for a
// small policy) plus a fixed allowance. Without the max-age bounds, a
// 136-byte answer holding 1e-20000 allocates some 800 KB here.
func allocBound(n int) uint64 { return 256*uint64(n) + 128<<10 }

// encodeForWire encodes the rules list as terraform-plugin-go does when it
// sends state to Terraform.
func encodeForWire(list types.List) error {
	v, err := list.ToTerraformValue(context.Background())
	if err != nil {
		return err
	}
	_, err = tfprotov6.NewDynamicValue(tftypes.List{ElementType: RuleObjectType.TerraformType(context.Background())}, v)
	return err
}

// withinLimits reports whether the answer is within the bounds the schema
// does not state: at most cors.MaxRules rules, and every maxAgeSeconds
// within cors.ValidateMaxAge's range (the schema says only "number").
func withinLimits(body []byte) bool {
	rules, _ := readPlainly(body)
	if len(rules) > cors.MaxRules {
		return false
	}
	for _, r := range rules {
		if r.MaxAgeSeconds != nil && cors.ValidateMaxAge(*r.MaxAgeSeconds) != nil {
			return false
		}
	}
	return true
}

// fakeAnswers fetches the fake's answers for a range of policies.
func fakeAnswers(tb testing.TB) [][]byte {
	s := fakeapi.Start()
	defer s.Close()
	s.AddToken("seed")
	const acct = fakeapi.ExampleAccountID
	policies := map[string]string{
		"reference": `[{"allowed":{"methods":["GET"],"origins":["http://localhost:3000"],"headers":["x-requested-by"]},"id":"Allow Local Development","exposeHeaders":["Content-Encoding"],"maxAgeSeconds":3600}]`,
		"absent":    `[{"allowed":{"methods":["GET","HEAD"],"origins":["*"]}}]`,
		"empty":     `[{"allowed":{"methods":[],"origins":[],"headers":[]},"exposeHeaders":[]}]`,
		"many":      `[{"id":"a","allowed":{"methods":["PUT","POST","DELETE"],"origins":["https://a.example"]},"maxAgeSeconds":1.5},{"id":"b","allowed":{"methods":["GET"],"origins":["https://*.example.com"],"headers":["*"]},"maxAgeSeconds":86400}]`,
		"none":      `[]`,
	}
	var bodies [][]byte
	for name, rules := range policies {
		s.AddBucket(acct, fakeapi.Bucket{Name: "seed-" + name, CORSRules: rules})
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/accounts/"+acct+"/r2/buckets/seed-"+name+"/cors", nil)
		req.Header.Set("Authorization", "Bearer seed")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	return bodies
}

var (
	schemaOnce sync.Once
	schemaVal  *openapi3.Schema
	schemaErr  error
)

// responseSchema is the 200 answer's schema of Get Bucket CORS Policy.
func responseSchema(tb testing.TB) *openapi3.Schema {
	schemaOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromFile("../fakeapi/testdata/cloudflare-r2-openapi.json")
		if err != nil {
			schemaErr = err
			return
		}
		op := doc.Paths.Find("/accounts/{account_id}/r2/buckets/{bucket_name}/cors").Get
		schemaVal = op.Responses.Status(200).Value.Content["application/json"].Schema.Value
	})
	if schemaErr != nil {
		tb.Fatal(schemaErr)
	}
	return schemaVal
}

// schemaAllows reports whether body is one JSON value (I-JSON, RFC 7493:
// UTF-8, unique member names, no lone surrogates) that the schema allows.
// Without the first condition the schema would judge whichever duplicate
// encoding/json kept.
func schemaAllows(schema *openapi3.Schema, body []byte) bool {
	if jsonexact.CheckDocument(body) != nil {
		return false
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return false
	}
	return schema.VisitJSON(v) == nil
}

// plainReading is the test's own, independent reading of the rules: exact
// member names, null or absent as nil, numbers as written.
func plainReading(t *testing.T, body []byte) []cors.Rule {
	rules, err := readPlainly(body)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func readPlainly(body []byte) ([]cors.Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var env map[string]any
	if err := dec.Decode(&env); err != nil {
		return nil, err
	}
	result, _ := env["result"].(map[string]any)
	raw, _ := result["rules"].([]any)
	rules := make([]cors.Rule, 0, len(raw))
	for _, r := range raw {
		m, _ := r.(map[string]any)
		rule := cors.Rule{ExposeHeaders: stringSlice(m["exposeHeaders"])}
		if id, ok := m["id"].(string); ok {
			rule.ID = &id
		}
		if n, ok := m["maxAgeSeconds"].(json.Number); ok {
			rule.MaxAgeSeconds = &n
		}
		if a, ok := m["allowed"].(map[string]any); ok {
			rule.Allowed = &cors.Allowed{Methods: stringSlice(a["methods"]), Origins: stringSlice(a["origins"]), Headers: stringSlice(a["headers"])}
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

// stringSlice reads a decoded JSON array of strings; nil when it is not one.
func stringSlice(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
