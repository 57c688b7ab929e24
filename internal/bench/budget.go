package bench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// The shared budget (issue #21): a sweep of 1000 buckets while another
// client of the same user spends 300 requests of every window, at
// Cloudflare's scale of 1200 requests per five minutes with the window
// scaled down to seconds (the provider reads the window from the headers).
// Next to it, the same sweep on the same fake with the headers stripped:
// the provider's sliding window alone, as before.
const (
	BudgetSweepN  = 1000
	BudgetQuota   = r2api.DefaultRateLimit // Cloudflare's per user, and the provider's default
	BudgetOther   = 300
	BudgetWindow  = 5 * time.Second // Cloudflare's 5 minutes, scaled 60×
	budgetRealWin = r2api.RateLimitWindow
)

// BudgetSample is one sweep under the shared budget.
type BudgetSample struct {
	Sample
	Budget fakeapi.BudgetStats
	Failed bool // the plan failed (HTTP 429)
}

// BudgetResult is the sweep with the Ratelimit headers and without.
type BudgetResult struct {
	Headers, Stripped BudgetSample
}

// PlanBudget plans the sweep of BudgetSweepN buckets under the shared
// budget, with the headers or without.
func (h *Harness) PlanBudget(ctx context.Context, headers bool) (BudgetSample, error) {
	dir, err := h.sweepConfigDir(BudgetSweepN, SweepVariant{})
	if err != nil {
		return BudgetSample{}, err
	}
	b := fakeapi.Budget{Quota: BudgetQuota, Window: BudgetWindow, OtherPerWindow: BudgetOther, NoHeaders: !headers}
	if err := h.fake.SetBudget(b); err != nil {
		return BudgetSample{}, err
	}
	defer func() { _ = h.fake.SetBudget(fakeapi.Budget{}) }()
	s, out, err := h.run(ctx, dir, h.ProviderBinary())
	if err != nil && (ctx.Err() != nil || !strings.Contains(out, "429")) {
		return BudgetSample{}, fmt.Errorf("terraform plan (shared budget, headers %t): %w\n%s", headers, err, out)
	}
	return BudgetSample{Sample: s, Budget: h.fake.BudgetStatsAtWindowEnd(), Failed: err != nil}, nil
}

// WriteBudget prints the sweep under the shared budget, with and without
// the headers.
func (r Result) WriteBudget(w io.Writer) {
	if r.Budget == nil {
		return
	}
	fmt.Fprintln(w, "| Sweep of 1000 buckets, another client spending 300 per window | Refused (HTTP 429): provider / other client | Lockouts | Lowest remaining quota | Wall | Outcome |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|")
	row := func(name string, s BudgetSample) {
		outcome := "read every bucket"
		if s.Failed {
			outcome = "failed (HTTP 429)"
		}
		fmt.Fprintf(w, "| %s | %d / %d | %d | %d of %d | %s | %s |\n", name, s.Budget.RefusedOurs, s.Budget.RefusedOther,
			s.Budget.Lockouts, s.Budget.LowestRemaining, BudgetQuota, Dur(s.Wall), outcome)
	}
	row("Ratelimit headers read, default reserve (25%)", r.Budget.Headers)
	row("Headers stripped: the sliding window alone (before)", r.Budget.Stripped)
}

// budgetIntro is the section's introduction in BENCHMARKS.md.
func budgetIntro() string {
	return fmt.Sprintf("\n### Sharing the user's API budget\n\nThe fake counts a budget of %d requests per window, shared with "+
		"another client of the same user that spends %d of every window, and locks the user out (every request 429 "+
		"until the window ends) once it is spent, as Cloudflare does. The window is Cloudflare's %s scaled to %s: the "+
		"provider reads it from the `Ratelimit-Policy` header, so a wait for the reset is 60× shorter than it would "+
		"be against the API. Refused counts both clients of the user: a lockout the other client meets is the harm.\n\n",
		BudgetQuota, BudgetOther, budgetRealWin, BudgetWindow)
}
