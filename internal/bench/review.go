package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/review"
)

// TargetReviewOverhead is issue #19's bound: one cors_review over the sweep
// of TargetSweepN buckets adds at most 20% to the sweep's plan time.
const TargetReviewOverhead = 0.20

// ReviewResult is the sweep of N buckets planned alone and with one
// cors_review over it, as examples/drift-review runs it, interleaved.
type ReviewResult struct {
	N             int
	Sweep, Review []Sample
}

// Overhead is what the review adds to the sweep's median plan, as a
// fraction of it.
func (r ReviewResult) Overhead() float64 {
	sweep := Median(Walls(r.Sweep))
	if sweep == 0 {
		return 0
	}
	return float64(Median(Walls(r.Review))-sweep) / float64(sweep)
}

// reviewConfigDir writes the sweep of n with one cors_review over it: every
// bucket has its baseline in approved/<jurisdiction>/<name>.json, read with
// fileset() as the example reads them, and the check and the sensitive
// report outputs of the example.
func (h *Harness) reviewConfigDir(n int) (string, error) {
	dir := filepath.Join(h.work, fmt.Sprintf("sweep-review-%d", n))
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	var rules []cors.Rule
	if err := json.Unmarshal([]byte(CORSRules), &rules); err != nil {
		return "", err
	}
	baseline, err := review.FormatBaseline(rules)
	if err != nil {
		return "", err
	}
	write := func(rel, content string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o600)
	}
	for i := range n {
		if err := write(filepath.Join("approved", "default", BucketName(i)+".json"), baseline); err != nil {
			return "", err
		}
	}
	for i := range SweepEUBuckets {
		if err := write(filepath.Join("approved", "eu", fmt.Sprintf("eu-%04d.json", i)), baseline); err != nil {
			return "", err
		}
	}
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}

provider "r2" {
  base_url  = %[1]q
  api_token = %[2]q
}

data "r2_bucket_cors_policies" "all" {
  account_id = %[3]q
}

locals {
  # As the example: the baselines in a local of their own, read while the sweep runs.
  approved = { for f in fileset("${path.module}/approved", "*/*.json") : trimsuffix(f, ".json") => file("${path.module}/approved/${f}") }
  review = provider::r2::cors_review(data.r2_bucket_cors_policies.all.buckets, {
    approved              = local.approved
    now                   = plantimestamp()
    skipped_jurisdictions = data.r2_bucket_cors_policies.all.skipped_jurisdictions
  })
}

check "cors_review" {
  assert {
    condition     = local.review.passed
    error_message = local.review.text
  }
}

output "approved" {
  value = local.review.summary.approved
}

output "report_json" {
  value     = local.review.json
  sensitive = true
}

output "sarif" {
  value     = local.review.sarif
  sensitive = true
}
`, h.fake.URL(), Token, SweepAccount(n))
	return dir, write("main.tf", cfg)
}

// PlanSweepReview plans the sweep of n with one cors_review and checks that
// it read every bucket once and found each approved.
func (h *Harness) PlanSweepReview(ctx context.Context, n int) (Sample, error) {
	dir, err := h.reviewConfigDir(n)
	if err != nil {
		return Sample{}, err
	}
	s, out, err := h.run(ctx, dir, h.ProviderBinary())
	if err != nil {
		return Sample{}, fmt.Errorf("terraform plan (sweep of %d with cors_review): %w\n%s", n, err, out)
	}
	if want := SweepRequests(n); s.Requests != want {
		return Sample{}, fmt.Errorf("sweep of %d with cors_review: %d requests, want %d", n, s.Requests, want)
	}
	if want := fmt.Sprintf("approved = %d", n+SweepEUBuckets); !strings.Contains(strings.Join(strings.Fields(out), " "), want) ||
		strings.Contains(out, "Check block assertion failed") {
		return Sample{}, fmt.Errorf("sweep of %d with cors_review: the review did not approve every bucket (want %q):\n%s", n, want, out)
	}
	return s, nil
}

// MeasureReview plans the sweep of n alone and with cors_review, runs
// times each, interleaved so that load on the machine hits both alike.
func (h *Harness) MeasureReview(ctx context.Context, n, runs int, logf func(string, ...any)) (ReviewResult, error) {
	r := ReviewResult{N: n}
	for i := range runs {
		s, err := h.PlanSweep(ctx, n, SweepVariant{})
		if err != nil {
			return r, err
		}
		v, err := h.PlanSweepReview(ctx, n)
		if err != nil {
			return r, err
		}
		r.Sweep, r.Review = append(r.Sweep, s), append(r.Review, v)
		logf("review  N=%-4d run %d/%d: sweep %8s, sweep + cors_review %8s", n, i+1, runs, Dur(s.Wall), Dur(v.Wall))
	}
	return r, nil
}

// WriteReviews writes the review's table.
func (r Result) WriteReviews(w io.Writer) {
	fmt.Fprintln(w, "| Buckets | Sweep | Sweep + one `cors_review` | Added | Provider peak RSS with the review |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|")
	for _, rv := range r.Reviews {
		fmt.Fprintf(w, "| %d | %s | %s | %+.0f%% | %s |\n", rv.N+SweepEUBuckets, Dur(Median(Walls(rv.Sweep))),
			Dur(Median(Walls(rv.Review))), 100*rv.Overhead(), MB(maxRSS(rv.Review)))
	}
}

// reviewTarget checks issue #19's bound.
func (r Result) reviewTarget() Target {
	t := Target{Name: fmt.Sprintf("One cors_review adds ≤ %.0f%% to the sweep of %d buckets", 100*TargetReviewOverhead, TargetSweepN), Measured: "–"}
	for _, rv := range r.Reviews {
		if rv.N == TargetSweepN {
			t.Known, t.Pass = true, rv.Overhead() <= TargetReviewOverhead
			t.Measured = fmt.Sprintf("%s → %s: %+.0f%%", Dur(Median(Walls(rv.Sweep))), Dur(Median(Walls(rv.Review))), 100*rv.Overhead())
		}
	}
	return t
}
