package main

import (
	"context"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/bench"
)

// s3Sizes are the sweep accounts the S3 rows need.
func (f flags) s3Sizes() []int {
	var sizes []int
	if f.s3 || f.s3REST {
		sizes = append(sizes, f.s3Buckets)
	}
	if f.s3Compare {
		sizes = append(sizes, bench.S3CompareN)
	}
	return sizes
}

// runS3 plans issue 22's rows: the large account through the S3 reader,
// 1000 buckets through S3 and through REST interleaved, and the large
// account through REST on the scaled clock.
func runS3(ctx context.Context, h *bench.Harness, f flags, res *bench.Result) error {
	if !f.s3 && !f.s3Compare && !f.s3REST {
		return nil
	}
	sr := bench.S3Result{N: f.s3Buckets, CompareN: bench.S3CompareN}
	if f.s3 {
		for i := range f.runs {
			x, err := h.PlanSweepS3(ctx, f.s3Buckets)
			if err != nil {
				return err
			}
			sr.Large = append(sr.Large, x)
			logS3(x, f.s3Buckets, i, f.runs)
		}
	}
	if f.s3Compare {
		for i := range f.runs {
			// Alternate which goes first, so that neither always follows
			// the other.
			for _, s3 := range []bool{i%2 == 0, i%2 != 0} {
				if s3 {
					x, err := h.PlanSweepS3(ctx, bench.S3CompareN)
					if err != nil {
						return err
					}
					sr.CompareS3 = append(sr.CompareS3, x)
					logS3(x, bench.S3CompareN, i, f.runs)
					continue
				}
				s, err := h.PlanSweep(ctx, bench.S3CompareN, bench.SweepVariant{})
				if err != nil {
					return err
				}
				sr.CompareREST = append(sr.CompareREST, s)
				logf("rest    N=%-5d run %d/%d: %8s (start %s, reads %s, exit %s)  rss %s  %d requests  %d connections",
					bench.S3CompareN, i+1, f.runs, bench.Dur(s.Wall), bench.Dur(s.Startup), bench.Dur(s.Reads), bench.Dur(s.Tail),
					bench.MB(s.PeakRSS), s.Requests, s.Conns)
			}
		}
	}
	if f.s3REST {
		waits := bench.ForcedWaits(bench.SweepRequests(f.s3Buckets), bench.RESTAllowance())
		logf("rest    N=%-5d through REST, the budget's window scaled to %s: %d waits for its reset, about %s",
			f.s3Buckets, f.s3RESTWindow, waits, bench.Dur(time.Duration(waits)*f.s3RESTWindow))
		x, err := h.PlanRESTScaled(ctx, f.s3Buckets, f.s3RESTWindow)
		if err != nil {
			return err
		}
		sr.REST = &x
		logf("rest    N=%-5d scaled: %8s  %d requests in %d windows (%v), held %d, share %.0f%%, most in a window %d; real scale %s",
			f.s3Buckets, bench.Dur(x.Wall), x.Requests, len(x.PerWindow), x.PerWindow, x.Held(), 100*x.Share(), x.MaxInWindow,
			bench.DurLong(x.RealWall()))
	}
	res.S3 = &sr
	return nil
}

func logS3(x bench.S3Sample, n, i, runs int) {
	logf("s3      N=%-5d run %d/%d: %8s (start %s, reads %s, exit %s)  rss %s  REST %d (%d pages + %d verify)  S3 %d  %d connections",
		n, i+1, runs, bench.Dur(x.Wall), bench.Dur(x.Startup), bench.Dur(x.Reads), bench.Dur(x.Tail), bench.MB(x.PeakRSS),
		x.REST(), x.ListPages, x.Verify, x.S3.Requests, x.Conns)
}
