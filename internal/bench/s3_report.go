package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteS3 prints the sweeps through the S3 reader, and the REST sweeps of
// the comparison beside them.
func (r Result) WriteS3(w io.Writer) {
	s := r.S3
	if s == nil || len(s.Large)+len(s.CompareS3)+len(s.CompareREST) == 0 {
		return
	}
	fmt.Fprintln(w, "| Buckets (default + eu) | Reader | Plan (median) | min–max | Runs | Start → first request | Reads | Last answer → exit | Provider peak RSS | REST requests (list pages + Verify Token) | S3 requests (buckets expected) | Connections |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	s3Row := func(n int, xs []S3Sample) {
		if len(xs) == 0 {
			return
		}
		ss := s3Samples(xs)
		fmt.Fprintf(w, "| %d + %d | S3 | %s | %s | %d | %s | %s | %s (%d + %s) | %s (%d) | %s |\n",
			n, SweepEUBuckets, Dur(Median(Walls(ss))), minMax(Walls(ss)), len(xs), phases(ss), MB(maxRSS(ss)),
			intsOf(xs, S3Sample.REST), SweepPages(n), intsOf(xs, func(x S3Sample) int { return x.Verify }),
			intsOf(xs, func(x S3Sample) int { return x.S3.Requests }), S3Buckets(n),
			ints(ss, func(x Sample) int { return x.Conns }))
	}
	s3Row(s.N, s.Large)
	s3Row(s.CompareN, s.CompareS3)
	if len(s.CompareREST) > 0 {
		fmt.Fprintf(w, "| %d + %d | REST | %s | %s | %d | %s | %s | %s (%d + %d) | 0 | %s |\n",
			s.CompareN, SweepEUBuckets, Dur(Median(Walls(s.CompareREST))), minMax(Walls(s.CompareREST)), len(s.CompareREST),
			phases(s.CompareREST), MB(maxRSS(s.CompareREST)), ints(s.CompareREST, func(x Sample) int { return x.Requests }),
			SweepPages(s.CompareN), S3Buckets(s.CompareN), ints(s.CompareREST, func(x Sample) int { return x.Conns }))
	}
	if x := s.CompareRatio(); x > 0 {
		fmt.Fprintf(w, "\n%d + %d buckets, the two readers' plans interleaved: REST %s / S3 %s = **%.2f×** (medians).\n",
			s.CompareN, SweepEUBuckets, Dur(Median(Walls(s.CompareREST))), Dur(Median(Walls(s3Samples(s.CompareS3)))), x)
	}
}

// phases is the medians of a plan's phases, as three table cells.
func phases(ss []Sample) string {
	return Dur(Median(field(ss, func(x Sample) time.Duration { return x.Startup }))) + " | " +
		Dur(Median(field(ss, func(x Sample) time.Duration { return x.Reads }))) + " | " +
		Dur(Median(field(ss, func(x Sample) time.Duration { return x.Tail })))
}

// intsOf is ints over S3 samples.
func intsOf(xs []S3Sample, f func(S3Sample) int) string {
	vals := make([]Sample, len(xs))
	for i, x := range xs {
		vals[i] = Sample{Requests: f(x)}
	}
	return ints(vals, func(x Sample) int { return x.Requests })
}

// WriteRESTScaled prints the large account swept through REST on the
// scaled clock.
func (r Result) WriteRESTScaled(w io.Writer) {
	if r.S3 == nil || r.S3.REST == nil {
		return
	}
	x := r.S3.REST
	allow := RESTAllowance()
	fmt.Fprintf(w, "| %d + %d buckets through REST, the budget's window %s for Cloudflare's %s (%.0f×) | |\n",
		x.N, SweepEUBuckets, x.Window, budgetRealWin, RESTScale(x.Window))
	fmt.Fprintln(w, "|---|---:|")
	row := func(k, v string) { fmt.Fprintf(w, "| %s | %s |\n", k, v) }
	row("Requests (list pages + buckets), none refused", fmt.Sprintf("%d (%d expected)", x.Requests, SweepRequests(x.N)))
	row("Wall, measured on the scaled clock", Dur(x.Wall))
	row("Windows spanned; resets waited for", fmt.Sprintf("%d; %d", len(x.PerWindow), x.Waits()))
	row(fmt.Sprintf("Requests in each window (the provider's allowance: %d of %d, the rest the reserve)", allow, BudgetQuota),
		runLengths(x.PerWindow))
	row("Windows in which the provider spent its whole allowance and held the rest of the sweep until the reset",
		fmt.Sprintf("%d of %d", x.Held(), len(x.PerWindow)))
	row("The user's budget the sweep took: its requests / the quota of the windows it spanned",
		fmt.Sprintf("%d / (%d × %d) = %.0f%%", x.Budget.Ours, len(x.PerWindow), BudgetQuota, 100*x.Share()))
	row(fmt.Sprintf("Lowest the user's quota fell to (the reserve: %d)", BudgetQuota-allow), fmt.Sprint(x.Budget.LowestRemaining))
	row(fmt.Sprintf("Most requests in any %s (the client's own `rate_limit`: %d, off here)", x.Window, BudgetQuota), fmt.Sprint(x.MaxInWindow))
	atScale := DurLong(x.RealWall())
	if !x.Faithful() {
		atScale += fmt.Sprintf(" (not faithful: %d waits where the budget forces %d; the machine was too slow for the scaled window: "+
			"run with a longer `-s3-rest-window`)", x.Waits(), ForcedWaits(x.Budget.Ours, allow))
	}
	row(fmt.Sprintf("**Wall at Cloudflare's scale**: each reset waited for %s instead of %s, the rest as measured", budgetRealWin, x.Window), "**"+atScale+"**")
	whole, reserved := ForcedWaits(x.Requests, BudgetQuota), ForcedWaits(x.Requests, allow)
	row(fmt.Sprintf("Resets the budget forces on %d requests: ⌈%d / %d⌉ − 1 spending the whole quota; ⌈%d / %d⌉ − 1 keeping the reserve",
		x.Requests, x.Requests, BudgetQuota, x.Requests, allow),
		fmt.Sprintf("%d (%s); %d (%s)", whole, DurLong(time.Duration(whole)*budgetRealWin), reserved,
			DurLong(time.Duration(reserved)*budgetRealWin)))
	if s := r.S3; s.N == x.N && len(s.Large) > 0 {
		row("The same account through S3 (median above)", Dur(Median(Walls(s3Samples(s.Large)))))
	}
}

// runLengths writes counts with runs of equal ones folded: "900 × 11, 118".
func runLengths(counts []int) string {
	var parts []string
	for i := 0; i < len(counts); {
		j := i
		for j < len(counts) && counts[j] == counts[i] {
			j++
		}
		if j-i > 1 {
			parts = append(parts, fmt.Sprintf("%d × %d", counts[i], j-i))
		} else {
			parts = append(parts, fmt.Sprint(counts[i]))
		}
		i = j
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// DurLong formats a long duration in minutes and seconds ("55 min 53 s"),
// a short one as Dur.
func DurLong(d time.Duration) string {
	if d < time.Minute {
		return Dur(d)
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
}

// s3Intro is the S3 section's introduction in BENCHMARKS.md.
func (r Result) s3Intro() string {
	s := r.S3
	var b strings.Builder
	fmt.Fprintf(&b, "\n### The S3 reader: `cors_reader = \"s3\"` (issue 22)\n\n"+
		"The sweep with `cors_reader = \"s3\"`: the buckets listed through REST as before, each policy read through "+
		"R2's S3 API (the fake's, SigV4-checked, at the same %s a request), `sweep_concurrency` (%d) at a time, with S3 "+
		"credentials derived from `api_token` (Verify Token, then the token's id and the SHA-256 of its value). Each plan "+
		"is checked to send through REST exactly the list pages and one or two Verify Token calls, and through S3 exactly "+
		"one read per bucket, each once, none refused (the fake's counts).", r.Latency, sweepConcurrency)
	if len(s.CompareREST) > 0 {
		fmt.Fprintf(&b, " The %d-bucket account is planned both ways, REST (rate limit at its default) and S3, interleaved.", s.CompareN)
	}
	b.WriteString("\n\n")
	return b.String()
}

// restScaledIntro explains the scaled clock.
func restScaledIntro(x *RESTScaled) string {
	return fmt.Sprintf("\n#### The same account through REST, on a scaled clock\n\n"+
		"Cloudflare allows a user %d REST requests in five minutes, so a REST sweep of %d buckets waits for the window "+
		"again and again. To measure that in seconds, the fake counts the user's budget (%d a window, nobody else spending "+
		"it) with the window scaled from %s to %s (%.0f×) and announces it in the `Ratelimit` and `Ratelimit-Policy` "+
		"headers; the provider takes the window from them, so it waits for the scaled reset exactly as it would for "+
		"Cloudflare's, keeping its default reserve (`rate_limit_reserve` 25%%: %d of each window's %d). The provider's own "+
		"sliding window (`rate_limit`, a fixed five minutes that cannot be scaled) is off for this run: the reserve lets "+
		"%d go a window, under its 1200, so it could hold a request only where a window's reads ran late and the next "+
		"window's began within five minutes of them (the most requests in any window-long interval, below, says whether "+
		"that happened), and then only for a moment, never for a reset. "+
		"Scaling back: every window but the last ends in a wait for the reset, so the real sweep is the measured wall "+
		"with each of those waits lasting %s instead of %s; start-up, the reads and the exit are not scaled. That holds "+
		"when the sweep waited for as many resets as the budget forces and no more (checked below; a window too short "+
		"for the machine to spend the allowance in would add waits). One run: the waits, not the machine, make its time.\n\n",
		BudgetQuota, x.N, BudgetQuota, budgetRealWin, x.Window, RESTScale(x.Window), RESTAllowance(), BudgetQuota,
		RESTAllowance(), budgetRealWin, x.Window)
}

// s3Targets checks issue 22's targets.
func (r Result) s3Targets() []Target {
	s := r.S3
	wall := Target{Name: fmt.Sprintf("S3 sweep of %d buckets: plan ≤ %s", S3LargeN, Dur(TargetS3Wall)), Measured: "–"}
	rss := Target{Name: fmt.Sprintf("S3 sweep provider peak RSS ≤ %s (N=%d)", MB(TargetS3RSS), S3LargeN), Measured: "–"}
	rest := Target{Name: fmt.Sprintf("S3 sweep REST requests = list pages + Verify Token (1 or %d)", S3VerifyMax), Measured: "–"}
	s3 := Target{Name: "S3 sweep S3 requests = buckets, exactly", Measured: "–"}
	if s == nil {
		return []Target{wall, rss, rest, s3}
	}
	if len(s.Large) > 0 {
		ss := s3Samples(s.Large)
		wallM, rssM := Median(Walls(ss)), maxRSS(ss)
		wall.Measured, rss.Measured = Dur(wallM), MB(rssM)
		if s.N != S3LargeN {
			wall.Measured += fmt.Sprintf(" at N=%d", s.N)
			rss.Measured += fmt.Sprintf(" at N=%d", s.N)
		} else {
			wall.Known, wall.Pass = true, wallM <= TargetS3Wall
			rss.Known, rss.Pass = true, rssM <= TargetS3RSS
		}
	}
	var restBad, s3Bad, seen []string
	for _, g := range []struct {
		n  int
		xs []S3Sample
	}{{s.N, s.Large}, {s.CompareN, s.CompareS3}} {
		if len(g.xs) == 0 {
			continue
		}
		seen = append(seen, fmt.Sprintf("N=%d: %s + %s", g.n, intsOf(g.xs, func(x S3Sample) int { return x.ListPages }),
			intsOf(g.xs, func(x S3Sample) int { return x.Verify })))
		for _, x := range g.xs {
			if x.ListPages != SweepPages(g.n) || x.Verify < 1 || x.Verify > S3VerifyMax || x.REST() != x.ListPages+x.Verify {
				restBad = append(restBad, fmt.Sprintf("N=%d: %d (%d pages + %d verify)", g.n, x.REST(), x.ListPages, x.Verify))
			}
			if x.S3.Requests != S3Buckets(g.n) || x.S3Distinct != S3Buckets(g.n) {
				s3Bad = append(s3Bad, fmt.Sprintf("N=%d: %d, want %d", g.n, x.S3.Requests, S3Buckets(g.n)))
			}
		}
	}
	if len(seen) > 0 {
		rest.Known, rest.Pass, rest.Measured = true, len(restBad) == 0, "every S3 sweep ("+strings.Join(seen, "; ")+")"
		s3.Known, s3.Pass, s3.Measured = true, len(s3Bad) == 0, "every S3 sweep"
		if len(restBad) > 0 {
			rest.Measured = strings.Join(restBad, "; ")
		}
		if len(s3Bad) > 0 {
			s3.Measured = strings.Join(s3Bad, "; ")
		}
	}
	return []Target{wall, rss, rest, s3}
}
