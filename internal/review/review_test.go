package review

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

func sp(s string) *string { return &s }

func jn(s string) *json.Number { n := json.Number(s); return &n }

// The demo account's policies (examples/demo/seed.json), in short.
var (
	appRules = []cors.Rule{
		{ID: sp("Allow Local Development"), Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"http://localhost:3000"}, Headers: []string{"x-requested-by"}},
			ExposeHeaders: []string{"Content-Encoding"}, MaxAgeSeconds: jn("3600")},
		{ID: sp("Production uploads"), Allowed: &cors.Allowed{Methods: []string{"GET", "PUT"}, Origins: []string{"https://app.example.com"}, Headers: []string{"content-type"}}, MaxAgeSeconds: jn("7200")},
	}
	publicUploads = []cors.Rule{{ID: sp("Anyone may upload"), Allowed: &cors.Allowed{Methods: []string{"GET", "PUT", "POST"}, Origins: []string{"*"}, Headers: []string{"*"}}, MaxAgeSeconds: jn("600")}}
	euRules       = []cors.Rule{{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://eu.example.com"}}}}
	cdnRules      = []cors.Rule{{ID: sp("CDN reads"), Allowed: &cors.Allowed{Methods: []string{"GET", "HEAD"}, Origins: []string{"https://*.example.com"}}, MaxAgeSeconds: jn("86400")}}
	cleanRules    = []cors.Rule{{ID: sp("reads"), Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://app.example.com"}}}}
)

func demoBuckets() []Bucket {
	return []Bucket{
		{Jurisdiction: "default", Name: "example-bucket", Rules: appRules},
		{Jurisdiction: "default", Name: "no-cors-bucket", Rules: []cors.Rule{}},
		{Jurisdiction: "eu", Name: "eu-assets", Rules: euRules},
		{Jurisdiction: "default", Name: "public-uploads", Rules: publicUploads},
		{Jurisdiction: "default", Name: "legacy-cdn", Rules: cdnRules},
	}
}

// The baselines of examples/drift-review: public-uploads approved before
// anyone could upload; legacy-cdn has none.
func demoApproved() map[string][]cors.Rule {
	return map[string][]cors.Rule{
		"default/example-bucket": appRules,
		"eu/eu-assets":           euRules,
		"default/public-uploads": {{ID: sp("Anyone may upload"), Allowed: &cors.Allowed{Methods: []string{"GET", "PUT"}, Origins: []string{"https://app.example.com"}, Headers: []string{"content-type"}}, MaxAgeSeconds: jn("600")}},
	}
}

// textHas fails t for each of wants that text lacks.
func textHas(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func mustRun(t *testing.T, buckets []Bucket, opts Options) *Report {
	t.Helper()
	r, err := Run(buckets, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunStatuses(t *testing.T) {
	r := mustRun(t, demoBuckets(), Options{Approved: demoApproved(), SkippedJurisdictions: []string{"fedramp"}})
	want := map[string]Status{
		"default/example-bucket": StatusApproved,
		"default/no-cors-bucket": StatusNoPolicy,
		"eu/eu-assets":           StatusApproved,
		"default/public-uploads": StatusDrifted,
		"default/legacy-cdn":     StatusUnapproved,
	}
	for k, s := range want {
		if got := r.Buckets[k].Status; got != s {
			t.Errorf("%s: status %q, want %q", k, got, s)
		}
	}
	s := r.Summary
	if r.Passed || s.Buckets != 5 || s.Policies != 4 || s.Approved != 2 || s.Drifted != 1 || s.Unapproved != 1 ||
		s.High != 1 || s.Medium != 1 || s.Low != 2 || s.Accepted != 0 || s.Orphaned != 0 {
		t.Errorf("passed %v, summary %+v", r.Passed, s)
	}
	if got := r.Buckets["default/public-uploads"]; got.High != 1 || got.Medium != 1 || got.Low != 0 {
		t.Errorf("public-uploads counts %+v", got)
	}
	// Drift: each change of the drifted bucket, one line for the unapproved.
	var drift []string
	for _, d := range r.Drift {
		drift = append(drift, d.Bucket+" "+d.Kind)
	}
	if got := strings.Join(drift, ", "); got != "default/legacy-cdn unapproved, default/public-uploads changed, default/public-uploads changed, default/public-uploads changed" {
		t.Errorf("drift: %s", got)
	}
	if !strings.Contains(r.Drift[0].Message, "approved/default/legacy-cdn.json") {
		t.Errorf("the unapproved line does not name the baseline file: %s", r.Drift[0].Message)
	}
}

// A bucket without a jurisdiction is in default; keys are per jurisdiction,
// so eu/web-assets is never compared with default/web-assets' baseline.
func TestRunKeysPerJurisdiction(t *testing.T) {
	r := mustRun(t, []Bucket{
		{Name: "web-assets", Rules: cleanRules},
		{Jurisdiction: "eu", Name: "web-assets", Rules: euRules},
	}, Options{Approved: map[string][]cors.Rule{"default/web-assets": cleanRules}})
	if r.Buckets["default/web-assets"].Status != StatusApproved || r.Buckets["eu/web-assets"].Status != StatusUnapproved || r.Passed {
		t.Errorf("%+v passed=%v", r.Buckets, r.Passed)
	}
	if r.Findings != nil {
		t.Errorf("findings %+v", r.Findings)
	}
}

func TestRunErrors(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	until, _ := ParseUntil("2026-12-31")
	cases := []struct {
		name    string
		buckets []Bucket
		opts    Options
		want    string
	}{
		{"duplicate key", []Bucket{{Name: "a1", Rules: nil}, {Jurisdiction: "default", Name: "a1"}}, Options{}, "buckets[1]: default/a1 is listed twice"},
		{"bad jurisdiction", []Bucket{{Jurisdiction: "EU", Name: "a1"}}, Options{}, `buckets[0].jurisdiction "EU" is not a jurisdiction`},
		{"no name", []Bucket{{Name: ""}}, Options{}, `buckets[0].name "" is not a bucket name`},
		{"fail_on", nil, Options{FailOn: "critical"}, `fail_on: "critical" is not a severity: want "high", "medium" or "low"`},
		{"approved key", nil, Options{Approved: map[string][]cors.Rule{"web-assets": nil}}, `approved["web-assets"]: "web-assets" is not a bucket key`},
		{"approved jurisdiction", nil, Options{Approved: map[string][]cors.Rule{"europe/web": nil}}, `does not start with a jurisdiction`},
		{"accept code", nil, Options{Accept: []Acceptance{{Bucket: "*", Code: "any-orign", Reason: "x", RuleIndex: -1}}}, `accept[0].code "any-orign" is not a finding code`},
		{"accept reason", nil, Options{Accept: []Acceptance{{Bucket: "*", Code: "any-origin", Reason: " ", RuleIndex: -1}}}, `accept[0].reason is required`},
		{"accept bucket", nil, Options{Accept: []Acceptance{{Bucket: "assets", Code: "any-origin", Reason: "x", RuleIndex: -1}}}, `accept[0].bucket: "assets" is not a bucket key`},
		{"accept no bucket", nil, Options{Accept: []Acceptance{{Code: "any-origin", Reason: "x", RuleIndex: -1}}}, `accept[0].bucket is required`},
		{"until without now", nil, Options{Accept: []Acceptance{{Bucket: "*", Code: "any-origin", Reason: "x", RuleIndex: -1, Until: until}}}, `accept[0].until is set, so the review needs the time: pass now = plantimestamp()`},
		{"rule index", nil, Options{Now: now, Accept: []Acceptance{{Bucket: "*", Code: "any-origin", Reason: "x", RuleIndex: -2}}}, `accept[0].rule_index is -2`},
		{"baseline dir", nil, Options{BaselineDir: "/etc/approved"}, `baseline_dir: "/etc/approved": write a relative path`},
		{"baseline dir up", nil, Options{BaselineDir: "../approved"}, `baseline_dir: "../approved": write a clean relative path`},
		{"too many rules", []Bucket{{Name: "big", Rules: make([]cors.Rule, cors.MaxRules+1)}}, Options{}, "buckets[0] (default/big).rules: the policy has 101 rules"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(c.buckets, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestParseUntilAndNow(t *testing.T) {
	// RFC 3339 takes none of these; Go's time.RFC3339 layout took the
	// offsets +24:00 and -23:60 and the comma before the fraction (RFC 3339's
	// offsets are -23:59 to +23:59, and its fraction follows a dot).
	for _, s := range []string{"2026-13-01", "tomorrow", "2026-12-31 10:00", "", "2026-12-31T10:00:00+24:00",
		"2026-12-31T10:00:00-23:60", "2026-12-31T10:00:00,5Z", "2026-12-31T10:00:00+0100", "2026-12-31T10:00Z"} {
		if _, err := ParseUntil(s); err == nil {
			t.Errorf("ParseUntil(%q) did not fail", s)
		}
		if _, err := ParseNow(s); err == nil {
			t.Errorf("ParseNow(%q) did not fail", s)
		}
	}
	for _, s := range []string{"2026-12-31T10:00:00Z", "2026-12-31T10:00:00.123456789+14:00", "2026-12-31T10:00:00-23:59"} {
		if _, err := ParseNow(s); err != nil {
			t.Errorf("ParseNow(%q): %v", s, err)
		}
	}
	// An Until built in Go with only its Time expires like a parsed one;
	// a date of year 1 is long past, not "no expiry".
	if got := (Until{Time: time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC)}).String(); got != "2026-05-01T11:00:00Z" {
		t.Errorf("an Until built in Go reads %q", got)
	}
	yearOne, _ := ParseUntil("0001-01-01")
	for _, u := range []Until{{Time: time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC)}, yearOne} {
		if u.IsZero() || !u.expired(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("%+v has not expired", u)
		}
	}
	if _, err := ParseNow("2026-12-31"); err == nil || !strings.Contains(err.Error(), "plantimestamp()") {
		t.Errorf("ParseNow of a date: %v", err)
	}
	// A date holds through that day, UTC; a time until that instant.
	day, _ := ParseUntil("2026-12-31")
	instant, _ := ParseUntil("2026-12-31T12:00:00+01:00")
	at := func(s string) time.Time { t, _ := ParseNow(s); return t }
	for _, c := range []struct {
		u    Until
		now  string
		want bool
	}{
		{day, "2026-12-31T23:59:59Z", false},
		{day, "2027-01-01T00:00:00Z", true},
		{day, "2027-01-01T00:30:00+01:00", false}, // 23:30 UTC.
		{instant, "2026-12-31T11:00:00Z", false},
		{instant, "2026-12-31T11:00:01Z", true},
	} {
		if got := c.u.expired(at(c.now)); got != c.want {
			t.Errorf("%s expired at %s = %v, want %v", c.u.Text, c.now, got, c.want)
		}
	}
	for _, s := range []string{"high", "medium", "low"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseSeverity("High"); err == nil {
		t.Error("ParseSeverity is case-sensitive: the codes and severities are lowercase")
	}
}

func TestRunAcceptances(t *testing.T) {
	now, _ := ParseNow("2026-06-01T10:00:00Z")
	expiredUntil, _ := ParseUntil("2026-05-31")
	laterUntil, _ := ParseUntil("2026-06-01")
	buckets := []Bucket{
		{Name: "public-site", Rules: []cors.Rule{{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"*"}}}}},
		{Name: "dev", Rules: []cors.Rule{
			{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"http://localhost:3000"}}},
			{Allowed: &cors.Allowed{Methods: []string{"PUT"}, Origins: []string{"http://localhost:8080"}}},
		}},
	}
	approved := map[string][]cors.Rule{"default/public-site": buckets[0].Rules, "default/dev": buckets[1].Rules, "default/gone": nil}
	r := mustRun(t, buckets, Options{Approved: approved, Now: now, Accept: []Acceptance{
		{Bucket: "default/public-site", Code: cors.CodeAnyOrigin, Reason: "a public static site", RuleIndex: -1, Until: laterUntil},
		{Bucket: "*", Code: cors.CodeLoopbackOrigin, Reason: "development bucket, rule 0 only", RuleIndex: 0},
		{Bucket: "default/dev", Code: cors.CodeLoopbackOrigin, Reason: "expired", RuleIndex: -1, Until: expiredUntil},
		{Bucket: "default/public-site", Code: cors.CodeAllMethods, Reason: "stale", RuleIndex: -1},
	}})
	var got []string
	for _, f := range r.Findings {
		got = append(got, fmt.Sprintf("%s %s %d %v %s", f.Bucket, f.Code, f.RuleIndex, f.Accepted, f.Reason))
	}
	want := []string{
		"default/dev loopback-origin 0 true development bucket, rule 0 only",
		"default/dev loopback-origin 1 false ",
		"default/public-site any-origin 0 true a public static site",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	s := r.Summary
	if s.Accepted != 2 || s.Low != 1 || s.Expired != 1 || s.Unused != 1 || s.Orphaned != 1 || r.Passed {
		t.Errorf("summary %+v passed %v", s, r.Passed)
	}
	if fmt.Sprint(r.Expired, r.Unused, r.Orphaned) != "[2] [3] [default/gone]" {
		t.Errorf("expired %v unused %v orphaned %v", r.Expired, r.Unused, r.Orphaned)
	}
	// The low finding is all that fails it: fail_on = medium passes, and the
	// expired, unused and orphaned notes do not fail it by themselves.
	r = mustRun(t, buckets, Options{Approved: approved, Now: now, FailOn: cors.Medium, Accept: []Acceptance{
		{Bucket: "*", Code: cors.CodeAnyOrigin, Reason: "public", RuleIndex: -1},
		{Bucket: "default/dev", Code: cors.CodeLoopbackOrigin, Reason: "expired", RuleIndex: -1, Until: expiredUntil},
	}})
	if !r.Passed || r.Summary.Low != 2 || r.Summary.Expired != 1 {
		t.Errorf("fail_on = medium: passed %v, summary %+v", r.Passed, r.Summary)
	}
	textHas(t, r.Text(),
		"CORS review passed: 2 buckets (2 with a policy): 2 approved, 0 drifted, 0 unapproved; unaccepted findings: 0 high, 0 medium, 2 low (fail_on = medium); 1 accepted; acceptances: 1 expired, 0 unused; 1 baseline without a bucket\n",
		"accept[1] (loopback-origin on default/dev) expired on 2026-05-31: its findings count again",
		"approved/default/gone.json matches no bucket",
	)
}

// A skipped jurisdiction is on the first line and in the summary; its
// baselines are not orphaned; it does not fail the review.
func TestRunSkippedJurisdictions(t *testing.T) {
	r := mustRun(t, []Bucket{{Name: "clean", Rules: cleanRules}}, Options{
		Approved:             map[string][]cors.Rule{"default/clean": cleanRules, "fedramp/gov": cleanRules},
		SkippedJurisdictions: []string{"fedramp"},
	})
	if !r.Passed || r.Summary.Orphaned != 0 || strings.Join(r.Summary.SkippedJurisdictions, ",") != "fedramp" {
		t.Errorf("passed %v summary %+v", r.Passed, r.Summary)
	}
	if first, _, _ := strings.Cut(r.Text(), "\n"); !strings.HasSuffix(first, "; skipped jurisdictions: fedramp") || !strings.HasPrefix(first, "CORS review passed") {
		t.Errorf("first line: %s", first)
	}
}

func TestText(t *testing.T) {
	r := mustRun(t, demoBuckets(), Options{Approved: demoApproved(), SkippedJurisdictions: []string{"fedramp"}})
	want := `CORS review FAILED: 5 buckets (4 with a policy): 2 approved, 1 drifted, 1 unapproved; unaccepted findings: 1 high, 1 medium, 2 low (fail_on = low); 0 accepted; skipped jurisdictions: fedramp

default/public-uploads (drifted):
- [high any-origin-write] Rule 0 ("Anyone may upload") lets any origin PUT and POST: origin entry "*" matches https://r2-review.com, a site anyone could register and run. List only the sites that must write in allowed.origins, or remove PUT and POST from allowed.methods.
- [drift] Rule 0 ("Anyone may upload"): allowed.origins gained "*" and lost "https://app.example.com" compared with the approved policy.
- [drift] Rule 0 ("Anyone may upload"): allowed.methods gained "POST" compared with the approved policy.
- [drift] Rule 0 ("Anyone may upload"): allowed.headers gained "*" and lost "content-type" compared with the approved policy.
- [medium any-header-write] Rule 0 ("Anyone may upload") allows any request header ("*") with PUT and POST, so scripts can send any header on writes; list the headers uploads need, e.g. content-type.

default/legacy-cdn (unapproved):
- [unapproved] The bucket has a CORS policy (1 rule) and no baseline: review it, then approve it by saving its rules as approved/default/legacy-cdn.json.
- [low max-age-over-browser-cap] Rule 0 ("CDN reads") sets max_age_seconds to 86400, but Chromium caches a preflight for at most 7200 seconds; use 7200 or less so that the policy says what browsers do.

default/example-bucket (approved):
- [low loopback-origin] Rule 0 ("Allow Local Development") allows the loopback origin "http://localhost:3000", usually a development leftover: any program on a visitor's machine can serve it. Remove it from production buckets.`
	if got := r.Text(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

// Past MaxTextItems the text ends with "... and N more", each problem once.
func TestTextLimit(t *testing.T) {
	var buckets []Bucket
	for i := range 40 {
		buckets = append(buckets, Bucket{Name: fmt.Sprintf("b%02d", i), Rules: publicUploads})
	}
	r := mustRun(t, buckets, Options{})
	text := r.Text()
	// 40 buckets: 2 findings and 1 unapproved line each.
	if !strings.HasSuffix(text, fmt.Sprintf("\n\n... and %d more (report_json and sarif list every one)", 120-MaxTextItems)) {
		t.Errorf("text does not end with the count of the rest:\n%s", text)
	}
	if n := strings.Count(text, "\n- ["); n != MaxTextItems {
		t.Errorf("%d items listed, want %d", n, MaxTextItems)
	}
	if strings.Count(text, "default/b00 (unapproved):") != 1 {
		t.Error("a bucket's header appears other than once")
	}
}

func TestJSON(t *testing.T) {
	r := mustRun(t, demoBuckets(), Options{Approved: demoApproved()})
	out, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"passed", "summary", "buckets", "findings", "drift"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	if len(doc) != 5 {
		t.Errorf("%d members, want 5", len(doc))
	}
	summary, _ := doc["summary"].(map[string]any)
	if summary["high"] != 1.0 || summary["unapproved"] != 1.0 || fmt.Sprint(summary["skipped_jurisdictions"]) != "[]" {
		t.Errorf("summary %v", summary)
	}
	findings, _ := doc["findings"].([]any)
	first, _ := findings[0].(map[string]any)
	if first["bucket"] != "default/example-bucket" || first["rule_index"] != 0.0 || first["reason"] != nil || first["accepted"] != false || first["jurisdiction"] != "default" || first["name"] != "example-bucket" {
		t.Errorf("first finding %v", first)
	}
	buckets, _ := doc["buckets"].(map[string]any)
	if b, _ := buckets["default/legacy-cdn"].(map[string]any); b["status"] != "unapproved" || b["low"] != 1.0 {
		t.Errorf("legacy-cdn %v", b)
	}
}

// Saving each of review.baselines as its baseline approves the live state:
// the review then passes when nothing else is wrong.
func TestBaselinesRoundTrip(t *testing.T) {
	buckets := []Bucket{
		{Name: "clean", Rules: cleanRules},
		{Jurisdiction: "eu", Name: "eu-assets", Rules: euRules},
		{Name: "empty", Rules: []cors.Rule{}},
		{Name: "odd", Rules: []cors.Rule{{ID: sp(""), Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://a.example.com"}, Headers: []string{}}, ExposeHeaders: []string{}, MaxAgeSeconds: jn("1e3")}}},
		{Name: "nulls", Rules: []cors.Rule{{Allowed: nil}}},
	}
	r := mustRun(t, buckets, Options{})
	if r.Passed || r.Summary.Unapproved != 4 {
		t.Fatalf("first review %s", r.Headline())
	}
	baselines, err := r.Baselines()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := baselines["default/empty"]; ok || len(baselines) != 4 {
		t.Errorf("baselines for %d buckets, want the 4 with a policy", len(baselines))
	}
	approved := map[string][]cors.Rule{}
	for k, text := range baselines {
		rules, err := ParseBaseline(text)
		if err != nil {
			t.Fatalf("%s: %v\n%s", k, err, text)
		}
		approved[k] = rules
	}
	r = mustRun(t, buckets[:3], Options{Approved: approved})
	if !r.Passed || r.Summary.Approved != 2 || r.Summary.Orphaned != 2 {
		t.Errorf("with the baselines: %s", r.Headline())
	}
	if got := baselines["eu/eu-assets"]; got != `[
  {
    "allowed": {
      "methods": [
        "GET"
      ],
      "origins": [
        "https://eu.example.com"
      ]
    }
  }
]
` {
		t.Errorf("eu/eu-assets baseline:\n%s", got)
	}
	// Empty lists and the number as written survive.
	if !strings.Contains(baselines["default/odd"], `"expose_headers": [],`) || !strings.Contains(baselines["default/odd"], `"max_age_seconds": 1e3`) {
		t.Errorf("odd baseline:\n%s", baselines["default/odd"])
	}
}

// An orphaned baseline whose name has a bucket without a baseline in
// another jurisdiction is most likely that bucket's, left in default/ by
// the move from approved/<name>.json: the note names where it belongs.
func TestOrphanNoteNamesTheBucketItMayBelongTo(t *testing.T) {
	r := mustRun(t, []Bucket{
		{Jurisdiction: "eu", Name: "solo", Rules: cleanRules},
		{Jurisdiction: "eu", Name: "twice", Rules: cleanRules},
		{Jurisdiction: "us", Name: "twice", Rules: cleanRules},
		{Jurisdiction: "eu", Name: "approved", Rules: cleanRules},
		{Jurisdiction: "eu", Name: "pair", Rules: cleanRules},
	}, Options{Approved: map[string][]cors.Rule{
		"default/solo": cleanRules, "default/twice": cleanRules, "default/gone": cleanRules,
		"default/pair": cleanRules, "us/pair": cleanRules,
		"eu/approved": cleanRules, "default/approved": cleanRules,
	}})
	textHas(t, r.Text(),
		"approved/default/solo.json matches no bucket; eu/solo has no baseline: if the file is that bucket's, move it to approved/eu/solo.json.",
		"approved/default/twice.json matches no bucket; eu/twice, us/twice have no baseline: if the file is one of theirs, move it to its jurisdiction's folder.",
		// Two orphans for one bucket: at most one is its.
		"approved/default/pair.json matches no bucket; eu/pair has no baseline: if this file, of the 2 named pair.json that match no bucket, is that bucket's, move it to approved/eu/pair.json.",
		"approved/us/pair.json matches no bucket; eu/pair has no baseline: if this file, of the 2 named pair.json that match no bucket, is that bucket's, move it to approved/eu/pair.json.",
		"approved/default/gone.json matches no bucket: remove it if default/gone is gone.",
		// eu/approved has its baseline, so default/approved is not its.
		"approved/default/approved.json matches no bucket: remove it if default/approved is gone.",
	)
}

// An acceptance that an earlier one pre-empts is not unused: it still
// holds when the earlier one lapses, and removing it, as "unused" would
// advise, fails the review the day after.
func TestPreemptedAcceptanceIsUsed(t *testing.T) {
	now, _ := ParseNow("2026-06-01T12:00:00Z")
	tomorrow, _ := ParseUntil("2026-06-02")
	buckets := []Bucket{{Name: "app", Rules: appRules}} // A loopback origin: one low finding.
	opts := Options{Approved: map[string][]cors.Rule{"default/app": appRules}, Now: now, Accept: []Acceptance{
		{Bucket: "*", Code: cors.CodeLoopbackOrigin, Reason: "for now", RuleIndex: -1, Until: tomorrow},
		{Bucket: "default/app", Code: cors.CodeLoopbackOrigin, Reason: "local development", RuleIndex: 0},
	}}
	r := mustRun(t, buckets, opts)
	if !r.Passed || r.Summary.Accepted != 1 || r.Summary.Unused != 0 || r.Findings[0].Reason != "for now" {
		t.Errorf("today: passed %v, summary %+v, reason %q", r.Passed, r.Summary, r.Findings[0].Reason)
	}
	opts.Now = now.AddDate(0, 0, 2)
	r = mustRun(t, buckets, opts)
	if !r.Passed || r.Summary.Accepted != 1 || r.Summary.Expired != 1 || r.Findings[0].Reason != "local development" {
		t.Errorf("after the first lapsed: passed %v, summary %+v, reason %q", r.Passed, r.Summary, r.Findings[0].Reason)
	}
}
