package bench

import (
	"slices"
	"time"
)

// Targets from issue #6.
const (
	TargetFloorRatio  = 1.2                    // 1000 reads ≤ 1.2 × the floor.
	TargetExtraConns  = 2                      // Connections ≤ parallelism + 2.
	TargetPeakRSS     = 40_000_000             // Provider peak RSS ≤ 40 MB.
	TargetSchemaTime  = 150 * time.Millisecond // Schema median under 150 ms.
	TargetFloorReadsN = 1000                   // The N of the floor-ratio target.
)

// Result is one whole benchmark run.
type Result struct {
	Label       string
	Date        time.Time
	Machine     Machine
	Latency     time.Duration
	Parallelism int
	Runs        int
	Env         []string // Added to Terraform's environment, if any.
	Sizes       []SizeResult
	// Schema and TrivialSchema are the `terraform providers schema -json`
	// wall times, ours and the trivial provider's.
	Schema, TrivialSchema []time.Duration
	// Sweeps and Storms are the r2_bucket_cors_policies scenarios (sweep.go).
	Sweeps []SweepResult
	Storms []StormResult
	// Budget is the sweep under the user's shared budget (budget.go).
	Budget *BudgetResult
	// Functions are the review functions on the largest policies
	// (functions.go).
	Functions []FunctionResult
	// Reviews are the sweep with one cors_review over it (review.go).
	Reviews []ReviewResult
	// S3 is the S3 reader's rows (s3.go).
	S3 *S3Result
	// BinaryBytes is the size of the r2 provider binary the plans ran.
	BinaryBytes int64
}

// SizeResult holds the plans of one N.
type SizeResult struct {
	N       int
	R2      []Sample
	Trivial []Sample
}

// Median returns the median of ds (the mean of the middle two for an even
// count), or 0 for none.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func field[T any](ss []Sample, f func(Sample) T) []T {
	out := make([]T, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// Walls returns the wall times of samples.
func Walls(ss []Sample) []time.Duration {
	return field(ss, func(s Sample) time.Duration { return s.Wall })
}

// R2Median is the median wall time of our plans.
func (s SizeResult) R2Median() time.Duration { return Median(Walls(s.R2)) }

// TrivialMedian is the median wall time of the trivial plans.
func (s SizeResult) TrivialMedian() time.Duration { return Median(Walls(s.Trivial)) }

// APIFloor is the least time N reads take at the given latency and
// parallelism: ⌈N/P⌉ rounds of one latency each, which is N × latency / P
// when P divides N.
func APIFloor(n, parallelism int, latency time.Duration) time.Duration {
	if parallelism < 1 {
		parallelism = 1
	}
	rounds := (n + parallelism - 1) / parallelism
	return time.Duration(rounds) * latency
}

// Floor is the trivial plan's median plus the API floor.
func (r Result) Floor(s SizeResult) time.Duration {
	return s.TrivialMedian() + APIFloor(s.N, r.Parallelism, r.Latency)
}

// Ratio is our median over the floor.
func (r Result) Ratio(s SizeResult) float64 {
	f := r.Floor(s)
	if f == 0 {
		return 0
	}
	return float64(s.R2Median()) / float64(f)
}

// PeakRSS is the largest provider peak RSS over all our plans of a size.
func (s SizeResult) PeakRSS() int64 {
	return slices.Max(append(field(s.R2, func(x Sample) int64 { return x.PeakRSS }), 0))
}

// MaxConns is the most connections one of our plans of a size opened.
func (s SizeResult) MaxConns() int {
	return slices.Max(append(field(s.R2, func(x Sample) int { return x.Conns }), 0))
}

// Size returns the result for n, if measured.
func (r Result) Size(n int) (SizeResult, bool) {
	for _, s := range r.Sizes {
		if s.N == n {
			return s, true
		}
	}
	return SizeResult{}, false
}
