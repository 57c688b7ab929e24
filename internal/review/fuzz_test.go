package review

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// FuzzReview: any live and approved policies review without a panic; the
// verdict follows from the counts; every report is well-formed, with one
// SARIF result per finding and drift entry; and approving review.baselines
// leaves only the findings.
func FuzzReview(f *testing.F) {
	f.Add(`[{"allowed":{"methods":["GET","PUT"],"origins":["*"],"headers":["*"]}}]`, `[]`, "low")
	f.Add(`[{"id":"a","allowed":{"methods":["GET"],"origins":["https://*.example.com"]},"max_age_seconds":86401}]`, `[{"id":"a","allowed":{"methods":["GET"],"origins":["https://a.example.com"]}}]`, "high")
	f.Fuzz(func(t *testing.T, live, approved, failOn string) {
		liveRules, err := ParseBaseline(live)
		if err != nil || cors.CheckPolicySize(liveRules) != nil {
			return
		}
		opts := Options{FailOn: cors.Severity(failOn)}
		if rules, err := ParseBaseline(approved); err == nil {
			opts.Approved = map[string][]cors.Rule{"eu/b": rules}
		}
		r, err := Run([]Bucket{{Jurisdiction: "eu", Name: "b", Rules: liveRules}}, opts)
		if err != nil {
			if _, serr := ParseSeverity(failOn); serr == nil && failOn != "" && cors.CheckPolicySize(opts.Approved["eu/b"]) == nil {
				t.Fatalf("valid input refused: %v", err)
			}
			return
		}
		s := r.Summary
		if r.Passed && (s.Drifted+s.Unapproved > 0 || s.High > 0) {
			t.Fatalf("passed with %+v", s)
		}
		if !strings.HasPrefix(r.Text(), "CORS review ") {
			t.Fatal(r.Text())
		}
		doc, err := r.JSON()
		if err != nil || !json.Valid([]byte(doc)) {
			t.Fatalf("JSON: %v", err)
		}
		log := readSARIF(t, r)
		if got, want := len(log.Runs[0].Results), len(r.Findings)+len(r.Drift); got != want {
			t.Fatalf("%d SARIF results, want %d", got, want)
		}
		baselines, err := r.Baselines()
		if err != nil {
			t.Fatal(err)
		}
		again := Options{FailOn: opts.FailOn, Approved: map[string][]cors.Rule{}}
		for k, text := range baselines {
			if again.Approved[k], err = ParseBaseline(text); err != nil {
				t.Fatalf("baseline %s: %v", k, err)
			}
		}
		r2, err := Run([]Bucket{{Jurisdiction: "eu", Name: "b", Rules: liveRules}}, again)
		if err != nil {
			t.Fatal(err)
		}
		if r2.Summary.Drifted+r2.Summary.Unapproved != 0 {
			t.Fatalf("approving the baselines left %+v", r2.Summary)
		}
	})
}
