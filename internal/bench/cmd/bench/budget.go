package main

import (
	"context"
	"slices"

	"github.com/r2tf/terraform-provider-r2/internal/bench"
)

// runBudget plans the sweep of 1000 buckets under the user's shared
// budget, with the Ratelimit headers and with them stripped.
func runBudget(ctx context.Context, h *bench.Harness, f flags, res *bench.Result) error {
	if !f.budget || !slices.Contains(f.sweepSizes, bench.BudgetSweepN) {
		return nil
	}
	var br bench.BudgetResult
	for _, headers := range []bool{true, false} {
		s, err := h.PlanBudget(ctx, headers)
		if err != nil {
			return err
		}
		if headers {
			br.Headers = s
		} else {
			br.Stripped = s
		}
		logf("budget  headers=%-5t: %8s  refused %d (ours) + %d (other client), lockouts %d, lowest remaining %d, failed=%t",
			headers, bench.Dur(s.Wall), s.Budget.RefusedOurs, s.Budget.RefusedOther, s.Budget.Lockouts, s.Budget.LowestRemaining, s.Failed)
	}
	res.Budget = &br
	return nil
}
