package datasources_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// The S3 reader (cors_reader = "s3") through the Terraform CLI, against
// the fake's S3 side: the same state as the REST reader, and each failure
// explained. The fake counts S3 requests apart (S3Stats); every other
// request it logs is a REST one.

// restRequests are the REST requests the fake saw: all but the S3 ones.
func restRequests(s *fakeapi.Server) []fakeapi.Request {
	var out []fakeapi.Request
	for _, r := range s.Requests() {
		if !strings.HasPrefix(r.Path, fakeapi.S3BasePath+"/") {
			out = append(out, r)
		}
	}
	return out
}

// verifies counts the Verify Token requests the fake saw.
func verifies(s *fakeapi.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/tokens/verify") {
			n++
		}
	}
	return n
}

// sameStatePolicies are policies of every shape XML can say, each as the
// REST API serves it: no policy, a policy without rules, absent lists,
// empty strings, escapes, order, max ages as whole numbers, 100 rules.
// Empty lists and fractional max ages are not here: XML cannot say them
// (TestS3Reader_whatXMLCannotSay).
func sameStatePolicies() map[string]string {
	hundred := make([]string, cors.MaxRules)
	for i := range hundred {
		hundred[i] = fmt.Sprintf(`{"id":"r%03d","allowed":{"methods":["GET"],"origins":["https://%d.example"]},"maxAgeSeconds":%d}`, i, i, i)
	}
	return map[string]string{
		"every-field": `[{"id":"Allow Local Development","allowed":{"methods":["GET","PUT","POST","DELETE","HEAD"],` +
			`"origins":["http://localhost:3000","https://example.com"],"headers":["x-requested-by","*"]},` +
			`"exposeHeaders":["Content-Encoding","ETag"],"maxAgeSeconds":3600},` +
			`{"allowed":{"methods":["GET"],"origins":["*"]}},` +
			`{"id":"","allowed":{"methods":["HEAD"],"origins":["https://a.example"],"headers":[""]},"exposeHeaders":[""],"maxAgeSeconds":0},` +
			`{"id":"<&>\"' é \u202e end","allowed":{"methods":["POST","GET"],"origins":["https://*.example.com","  spaced  "]},` +
			`"exposeHeaders":["x-c","x-a","x-b"],"maxAgeSeconds":1000000000}]`,
		"max-rules": "[" + strings.Join(hundred, ",") + "]",
		"no-rules":  `[]`,
		"no-policy": ``,
	}
}

// The REST and the S3 reader write byte-identical state for the same
// account, in all four jurisdictions, for the sweep and for single
// buckets; and the S3 sweep sends what the bench's targets count: REST
// list pages and one verification, and one S3 request per bucket.
func TestS3Reader_sameStateAsREST(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, j := range jurisdictions.All {
		for name, rules := range sameStatePolicies() {
			rules = strings.Replace(rules, `"id":"`, `"id":"`+j+`:`, 1)
			s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, Jurisdiction: j, Location: "weur",
				CreationDate: "2024-01-02T03:04:05.678Z", CORSRules: rules})
		}
		s.SetCORSResult(acctest.AccountID, j, "bare-result", `{}`)
	}
	var singles strings.Builder
	for _, j := range jurisdictions.All {
		for _, name := range []string{"every-field", "no-policy", "bare-result"} {
			fmt.Fprintf(&singles, "\ndata \"r2_bucket_cors\" %q {\n  account_id = %q\n  bucket_name = %q\n  jurisdiction = %q\n}\n",
				j+"-"+name, acctest.AccountID, name, j)
		}
	}
	config := acctest.BucketCORSPoliciesConfig() + singles.String()
	addrs := []string{sweepAddr}
	for _, j := range jurisdictions.All {
		for _, name := range []string{"every-field", "no-policy", "bare-result"} {
			addrs = append(addrs, "data.r2_bucket_cors."+j+"-"+name)
		}
	}
	capture := func(into map[string]*[]byte) []statecheck.StateCheck {
		var checks []statecheck.StateCheck
		for _, a := range addrs {
			into[a] = new([]byte)
			checks = append(checks, acctest.CaptureValues(a, into[a]))
		}
		return checks
	}
	rest, viaS3 := map[string]*[]byte{}, map[string]*[]byte{}
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s) + config,
		ConfigStateChecks: capture(rest),
	})
	s.ResetLog()
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + config,
		ConfigStateChecks: capture(viaS3),
	})
	for _, a := range addrs {
		if len(*rest[a]) == 0 || !bytes.Equal(*rest[a], *viaS3[a]) {
			t.Errorf("%s: the readers' states differ\nREST: %.600s\nS3:   %.600s", a, *rest[a], *viaS3[a])
		}
	}
	// Spot checks of the state itself, so that two equal mistakes fail.
	for _, want := range []string{`"id":"eu:Allow Local Development"`, `"max_age_seconds":1000000000`, `"headers":null`,
		`"has_policy":false,"jurisdiction":"us","location":"weur","name":"no-policy","rules":[]`} {
		if !bytes.Contains(*viaS3[sweepAddr], []byte(want)) {
			t.Errorf("the sweep's state lacks %s", want)
		}
	}

	// Per plan or apply (Terraform reads the data sources once each): the
	// sweep's 20 reads and the 12 single ones through S3; through REST, the
	// four list pages and one verification, however many reads.
	st := s.S3Stats()
	const buckets, singleReads, lists = 4 * 5, 4 * 3, 4
	perRun := buckets + singleReads
	if st.Requests == 0 || st.Requests%perRun != 0 || st.Reads != st.Requests {
		t.Errorf("S3 %+v; want a multiple of %d reads, nothing else", st, perRun)
	}
	runs := st.Requests / perRun
	if got, want := len(restRequests(s)), runs*(lists+1); got != want {
		t.Errorf("%d REST requests over %d runs, want %d (the list pages and one Verify Token each)", got, runs, want)
	}
	if got := verifies(s); got != runs {
		t.Errorf("%d verifications over %d runs, want one each", got, runs)
	}
}

// s3Path is the fake's S3 path of a bucket, for faults.
func s3Path(jurisdiction, bucket string) string {
	return fakeapi.S3BasePath + "/" + acctest.AccountID + "/" + jurisdictions.OrDefault(jurisdiction) + "/" + bucket
}

// What XML cannot say reads otherwise, as documented: an empty list is no
// element, so it reads as null where REST keeps []; a fractional max age
// has no S3 form, so the read fails naming it, never rounds it.
func TestS3Reader_whatXMLCannotSay(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "empties",
		`[{"id":"e","allowed":{"methods":["GET"],"origins":["*"],"headers":[]},"exposeHeaders":[]}]`)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "fraction", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1.5}]`})
	empties := func(want knownvalue.Check) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("allowed").AtMapKey("headers"), want),
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("expose_headers"), want),
		}
	}
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s) + acctest.BucketCORSConfig("empties"),
		ConfigStateChecks: empties(knownvalue.ListExact([]knownvalue.Check{})),
	}, resource.TestStep{
		Config:            acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("empties"),
		ConfigStateChecks: empties(knownvalue.Null()),
	}, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("fraction"),
		ExpectError: acctest.ErrorRegexp("Refused R2 S3 API Answer", "R2's S3 API answered HTTP 200", `bucket "fraction"`,
			`<MaxAgeSeconds> "1.5" is not a whole number of seconds`, "Retrying will not help"),
	})
}

// Each jurisdiction is an endpoint of its own: a bucket is read at its
// jurisdiction's, and looked for elsewhere it is not found, with the hint.
func TestS3Reader_jurisdictionsAreEndpoints(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, j := range jurisdictions.All {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media-" + j, Jurisdiction: j,
			CORSRules: `[{"id":"` + j + `","allowed":{"methods":["GET"],"origins":["*"]}}]`})
	}
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "bare", CORSRules: ``})
	var steps []resource.TestStep
	for _, j := range jurisdictions.All {
		steps = append(steps, resource.TestStep{
			Config: acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("media-"+j, acctest.Jurisdiction(j)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact(j)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("id"), knownvalue.StringExact(acctest.AccountID+"/"+j+"/media-"+j)),
			},
		})
	}
	steps = append(steps, resource.TestStep{
		// No policy (404 NoSuchCORSConfiguration) is rules = [].
		Config:            acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("bare"),
		ConfigStateChecks: []statecheck.StateCheck{rulesCheck()},
	}, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("media-eu"),
		ExpectError: acctest.ErrorRegexp("R2 Bucket Not Found", "R2's S3 API answered HTTP 404", `jurisdiction "default", at http://`,
			"S3 error NoSuchBucket", `set jurisdiction = "eu"`),
	}, resource.TestStep{
		Config:      acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("media-us", acctest.Jurisdiction("eu")),
		ExpectError: acctest.ErrorRegexp("R2 Bucket Not Found", `"eu" jurisdiction's S3 endpoint only`, `("default", "fedramp" or "us")`),
	})
	acctest.Run(t, steps...)
	// Each bucket is read at its jurisdiction's endpoint, but for the two
	// steps that look for one elsewhere on purpose.
	elsewhere := map[string]bool{"default/media-eu": true, "eu/media-us": true}
	seen := map[string]bool{}
	for _, r := range s.Requests() {
		if rest, ok := strings.CutPrefix(r.Path, fakeapi.S3BasePath+"/"+acctest.AccountID+"/"); ok {
			j, bucket, _ := strings.Cut(rest, "/")
			if strings.HasPrefix(bucket, "media-") && bucket != "media-"+j && !elsewhere[rest] {
				t.Errorf("read %s at the %s endpoint", bucket, j)
			}
			seen[j] = true
		}
		if r.Header.Get("cf-r2-jurisdiction") != "" && strings.HasPrefix(r.Path, fakeapi.S3BasePath) {
			t.Errorf("an S3 request carried cf-r2-jurisdiction: %s", r.Path)
		}
	}
	if len(seen) != len(jurisdictions.All) {
		t.Errorf("endpoints read: %v, want all four", seen)
	}
}

// What goes wrong with the credentials, each said with what to check.
func TestS3Reader_credentialErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts func(*fakeapi.Server) []acctest.ProviderOption
		want []string
	}{
		{name: "wrong secret", opts: func(s *fakeapi.Server) []acctest.ProviderOption {
			return []acctest.ProviderOption{acctest.WithS3Keys(fakeapi.TokenID(acctest.Token), strings.Repeat("0", 64))}
		}, want: []string{"R2 S3 API Authentication Failed", "R2's S3 API answered HTTP 403", "S3 error SignatureDoesNotMatch",
			"The secret access key does not belong to the access key id: check s3_secret_access_key"}},
		{name: "unknown access key", opts: func(s *fakeapi.Server) []acctest.ProviderOption {
			return []acctest.ProviderOption{acctest.WithS3Keys("0123456789abcdef", strings.Repeat("0", 64))}
		}, want: []string{"R2 S3 API Authentication Failed", "S3 error InvalidAccessKeyId", "check s3_access_key_id"}},
		{name: "token without R2 access", opts: func(s *fakeapi.Server) []acctest.ProviderOption {
			s.AddTokenWith("no-r2-token", fakeapi.TokenOptions{NoR2: true})
			return []acctest.ProviderOption{acctest.WithToken("no-r2-token")}
		}, want: []string{"R2 S3 API Access Denied", "HTTP 403", "S3 error AccessDenied", "derived from the API token (api_token)",
			`"Workers R2 Storage Read"`}},
		{name: "token Verify Token refuses", opts: func(s *fakeapi.Server) []acctest.ProviderOption {
			return []acctest.ProviderOption{acctest.WithToken("revoked-token")}
		}, want: []string{"R2 API Authentication Failed", "Cloudflare answered HTTP 401 when verifying the API token (api_token) to derive the S3 credentials of account",
			"error 1000: Invalid API Token", "the user's answered", `set cors_reader = "rest"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithBucket(t, "", "media", apiReferenceRules)
			opts := append([]acctest.ProviderOption{acctest.WithS3Reader(s)}, tc.opts(s)...)
			acctest.Run(t, resource.TestStep{
				Config:      acctest.ProviderConfig(s, opts...) + acctest.BucketCORSConfig("media"),
				ExpectError: acctest.ErrorRegexp(tc.want...),
			})
			// 4xx are final: one S3 request per read, never retried.
			if st := s.S3Stats(); st.Requests > 2 {
				t.Errorf("S3 %+v; want no retry of a refusal", st)
			}
		})
	}
}

// A bucket deleted between the list and its read through S3 (404
// NoSuchBucket) is left out, as through REST; all of a jurisdiction
// vanishing is an error, never an empty review.
func TestS3Reader_bucketGoneBetweenListAndRead(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, name := range []string{"alpha", "gone", "omega"} {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, CORSRules: `[]`})
	}
	for _, name := range []string{"eu-a", "eu-b"} {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, Jurisdiction: "eu", CORSRules: `[]`})
	}
	s.InjectFault(fakeapi.Fault{PathContains: s3Path("", "gone"), Status: 404})
	config := acctest.ProviderConfig(s, acctest.WithS3Reader(s))
	acctest.Run(t, resource.TestStep{
		Config: config + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default")),
		ConfigStateChecks: []statecheck.StateCheck{
			sweptNames("default/alpha", "default/omega"),
			sweepCheck("bucket_count", knownvalue.Int64Exact(2)),
		},
	})
	s.InjectFault(fakeapi.Fault{PathContains: s3Path("eu", ""), Status: 404})
	acctest.Run(t, resource.TestStep{
		Config: config + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default", "eu")),
		ExpectError: acctest.ErrorRegexp("R2 Buckets Vanished During the Read", "2 of the 2 buckets listed in", `jurisdiction "eu"`,
			"S3 error NoSuchBucket", `"eu-a", "eu-b"`, "nothing was written to state"),
	})
}

// A hostile answer from the S3 side is refused before the SDK reads it,
// naming the defence, for one bucket and in a sweep.
func TestS3Reader_hostileXMLIsRefused(t *testing.T) {
	t.Parallel()
	const decl = `<?xml version="1.0" encoding="UTF-8"?>`
	cases := []struct {
		name, body string
		want       []string
	}{
		{name: "entity expansion", body: decl + `<!DOCTYPE CORSConfiguration [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>` +
			`<CORSConfiguration><CORSRule><AllowedOrigin>&b;</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`,
			want: []string{"a declaration (<!DOCTYPE…>)", "a DOCTYPE can define entities"}},
		{name: "renamed element", body: decl + `<CORSConfiguration><CORSRule><AllowedOrigins>*</AllowedOrigins>` +
			`<AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>`,
			want: []string{"the element <AllowedOrigins>", "looks like a renamed <AllowedOrigin>"}},
		{name: "oversized", body: decl + `<CORSConfiguration><CORSRule><ID>` + strings.Repeat("a", 200<<10) + `</ID></CORSRule></CORSConfiguration>`,
			want: []string{"larger than the 131072 bytes a CORS policy may take"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithBucket(t, "", "media", apiReferenceRules)
			s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "other", CORSRules: apiReferenceRules})
			s.InjectFault(fakeapi.Fault{PathContains: s3Path("", "media"), Body: tc.body, ContentType: "application/xml"})
			config := acctest.ProviderConfig(s, acctest.WithS3Reader(s))
			acctest.Run(t, resource.TestStep{
				Config:      config + acctest.BucketCORSConfig("media"),
				ExpectError: acctest.ErrorRegexp(append(append([]string{"Refused R2 S3 API Answer"}, tc.want...), "Retrying will not help")...),
			}, resource.TestStep{
				Config: config + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default")),
				ExpectError: acctest.ErrorRegexp(append([]string{"Cannot Read R2 Bucket CORS Policies", "1 of the 2 buckets",
					`1. Refused R2 S3 API Answer: bucket "media" (default)`}, tc.want...)...),
			})
		})
	}
}

// A plan that reads no policy sends nothing for the S3 reader: no
// verification, no S3 request, though cors_reader = "s3".
func TestS3Reader_nothingSentWithoutCORSReads(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketsConfig(),
		ConfigStateChecks: []statecheck.StateCheck{bucketNames("media")},
	})
	if n, st := verifies(s), s.S3Stats(); n != 0 || st.Requests != 0 {
		t.Errorf("%d verifications, %d S3 requests; want none", n, st.Requests)
	}
}

// The S3 reader follows the REST client's policy: retries of 5xx within
// max_retries, and a wrong endpoint named with where it came from.
func TestS3Reader_retriesAndEndpointFailures(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	s.InjectFault(fakeapi.Fault{PathContains: s3Path("", "media"), Status: 503, Times: 1})
	acctest.Run(t, resource.TestStep{
		Config:            acctest.ProviderConfig(s, acctest.WithS3Reader(s)) + acctest.BucketCORSConfig("media"),
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules"), knownvalue.ListSizeExact(1))},
	})
	s.InjectFault(fakeapi.Fault{PathContains: s3Path("", "media"), Status: 500})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithS3Reader(s), acctest.WithProviderArgs("max_retries = 2")) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Cannot Read R2 Bucket CORS Policy", "R2's S3 API answered HTTP 500", "S3 error InternalError",
			"Attempts made: 3.", "passing problem"),
	})
	closed := strings.TrimSuffix(acctest.ClosedLoopbackURL(t), fakeapi.BasePath)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithProviderArgs(`cors_reader = "s3"`,
			fmt.Sprintf("s3_endpoint = %q", closed+"/{account_id}/{jurisdiction}"))) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Nothing is listening at "+closed+"/"+acctest.AccountID+"/default", "Retrying will not help",
			"from the endpoint template set by the provider's s3_endpoint attribute", "Is the server it names running"),
	})
}
