// Command bench measures `terraform plan` with N r2_bucket_cors data sources
// against the in-repo fake API and writes BENCHMARKS.md and a chart.
//
// Usage (make bench runs it through scripts/bench.sh, which passes on its
// arguments; relative paths are from the repository root):
//
//	scripts/bench.sh [-latency 20ms] [-sizes 1,100,1000] [-runs 5]
//	    [-schema-runs 10] [-out BENCHMARKS.md] [-chart benchmarks/plan-time.png] [-label before]
//
// It never touches the network: Terraform gets both providers through
// dev_overrides, without init, and the provider reads the fake on loopback.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/r2tf/terraform-provider-r2/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		stop()
		os.Exit(1)
	}
}

type flags struct {
	latency     time.Duration
	sizes       []int
	runs        int
	schemaRuns  int
	warmup      int
	parallelism int
	out, chart  string
	label       string
	terraform   string
	check       bool
	profile     string
	env         []string
	sweepSizes  []int
	limitedUpTo int
	storms      bool
	functions   bool
	review      bool
	reviewRuns  int
	budget      bool
	// The S3 reader's rows (s3.go).
	s3, s3Compare, s3REST bool
	s3Buckets             int
	s3RESTWindow          time.Duration
}

func parseFlags() (flags, error) {
	var f flags
	sizes := flag.String("sizes", "1,100,1000", "comma-separated `list` of data source counts")
	sweepSizes := flag.String("sweep-sizes", "100,1000,5000", "comma-separated `list` of bucket counts for the "+
		"r2_bucket_cors_policies sweep (\"\" for none)")
	flag.IntVar(&f.limitedUpTo, "sweep-limited-upto", 1000, "sweeps larger than this run only with the rate limit off "+
		"(with it on, a sweep over 1200 requests waits five minutes per 1200)")
	flag.BoolVar(&f.budget, "budget", true, "run the sweep of 1000 buckets under the user's shared budget, with and without "+
		"the Ratelimit headers (needs 1000 in -sweep-sizes)")
	flag.BoolVar(&f.functions, "functions", true, "time the review functions on the largest policies a bucket can hold")
	flag.BoolVar(&f.review, "review", true, "plan the sweep of 1000 buckets alone and with one cors_review (needs 1000 in -sweep-sizes)")
	flag.IntVar(&f.reviewRuns, "review-runs", 11, "pairs of plans for -review: the review adds a few hundred ms to a plan that varies "+
		"by about as much from run to run, so its ratio needs more pairs than -runs")
	flag.BoolVar(&f.storms, "storms", true, "run the 429 storms (a sweep of 1000 buckets, needs 1000 in -sweep-sizes)")
	flag.BoolVar(&f.s3, "s3", true, "plan the sweep of -s3-buckets buckets through the S3 reader (cors_reader = \"s3\"), -runs times")
	flag.BoolVar(&f.s3Compare, "s3-compare", true, "plan the sweep of 1000 buckets through S3 and through REST, interleaved, -runs times each")
	flag.BoolVar(&f.s3REST, "s3-rest", true, "plan the sweep of -s3-buckets buckets through REST once, under the user's budget "+
		"with its window scaled to -s3-rest-window (Cloudflare's is 5 minutes)")
	flag.IntVar(&f.s3Buckets, "s3-buckets", bench.S3LargeN, "buckets (in default, plus 5 in eu) of the large account of -s3 and -s3-rest")
	flag.DurationVar(&f.s3RESTWindow, "s3-rest-window", bench.S3RESTWindow, "the budget's window for -s3-rest, whole seconds: "+
		"Cloudflare's 5 minutes scaled down")
	flag.DurationVar(&f.latency, "latency", 20*time.Millisecond, "latency the fake adds to every request")
	flag.IntVar(&f.runs, "runs", 5, "plans per size and provider")
	flag.IntVar(&f.schemaRuns, "schema-runs", 10, "runs of terraform providers schema -json per provider")
	flag.IntVar(&f.warmup, "warmup", 1, "untimed plans of each provider before measuring")
	flag.IntVar(&f.parallelism, "parallelism", 10, "terraform plan -parallelism")
	flag.StringVar(&f.out, "out", "BENCHMARKS.md", "Markdown `file` to update (\"\" for none)")
	flag.StringVar(&f.chart, "chart", "benchmarks/plan-time.png", "chart `file` (\"\" for none)")
	flag.StringVar(&f.label, "label", "", "label of this run in the history table, e.g. before or after")
	flag.StringVar(&f.terraform, "terraform", "", "Terraform CLI (default: TF_ACC_TERRAFORM_PATH, else terraform on PATH)")
	flag.BoolVar(&f.check, "check", false, "exit with status 1 when a target fails")
	flag.StringVar(&f.profile, "profile", "", "only profile: run one r2 plan per size (and one S3 sweep of -s3-buckets, unless -s3=false) with a provider that writes "+
		"CPU and allocation profiles to this `directory`; nothing else is measured or written")
	flag.Func("env", "add `KEY=VALUE` to Terraform's environment, and so its providers' (repeatable; for experiments)",
		func(v string) error {
			if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
				return errors.New("want KEY=VALUE")
			}
			f.env = append(f.env, v)
			return nil
		})
	flag.Parse()
	if flag.NArg() > 0 {
		return f, fmt.Errorf("unexpected arguments: %q", flag.Args())
	}
	var err error
	if f.sizes, err = parseSizes("-sizes", *sizes); err != nil {
		return f, err
	}
	if f.sizes == nil {
		return f, errors.New("-sizes: no size")
	}
	if f.sweepSizes, err = parseSizes("-sweep-sizes", *sweepSizes); err != nil {
		return f, err
	}
	if f.s3Buckets < 1 || f.s3Buckets > 10000 {
		return f, errors.New("-s3-buckets: a count from 1 to 10000")
	}
	if f.s3RESTWindow < time.Second || f.s3RESTWindow%time.Second != 0 || f.s3RESTWindow > 5*time.Minute {
		return f, errors.New("-s3-rest-window: whole seconds, from 1s to 5m")
	}
	if f.runs < 1 || f.reviewRuns < 1 || f.schemaRuns < 0 || f.warmup < 0 || f.parallelism < 1 || f.latency < 0 {
		return f, errors.New("-runs and -parallelism must be at least 1; -schema-runs, -warmup and -latency not negative")
	}
	return f, nil
}

// parseSizes reads a comma-separated list of counts from 1 to 10000, sorted
// and without repeats; "" is none.
func parseSizes(name, list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" && list == "" {
			break
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 10000 {
			return nil, fmt.Errorf("%s: %q is not a count from 1 to 10000", name, s)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func run(ctx context.Context) error {
	f, err := parseFlags()
	if err != nil {
		return err
	}
	tf, err := findTerraform(f.terraform)
	if err != nil {
		return err
	}
	repo, err := findRepo()
	if err != nil {
		return err
	}

	res := bench.Result{
		Label: f.label, Date: time.Now(), Machine: bench.CollectMachine(ctx, tf, repo),
		Latency: f.latency, Parallelism: f.parallelism, Runs: f.runs, Env: f.env,
	}
	logf("machine: %s; load %s", res.Machine, res.Machine.LoadBefore)

	if f.profile != "" {
		if f.profile, err = filepath.Abs(f.profile); err != nil {
			return err
		}
		if err := os.MkdirAll(f.profile, 0o755); err != nil {
			return err
		}
	}
	h, err := bench.New("", bench.Options{
		Repo: repo, Terraform: tf, Latency: f.latency, Parallelism: f.parallelism, Buckets: slices.Max(f.sizes),
		ProfileDir: f.profile, Env: f.env, SweepSizes: f.sweepSizes, S3Sizes: f.s3Sizes(),
	})
	if err != nil {
		return err
	}
	defer h.Close()
	logf("building the r2 and trivial providers")
	if err := h.Build(ctx); err != nil {
		return err
	}
	if fi, err := os.Stat(h.ProviderBinary()); err == nil {
		res.BinaryBytes = fi.Size()
		logf("provider binary: %s", bench.MB(res.BinaryBytes))
	}
	if err := h.Setup(); err != nil {
		return err
	}
	if f.profile != "" {
		for _, n := range f.sizes {
			s, err := h.Plan(ctx, bench.KindR2, n)
			if err != nil {
				return err
			}
			logf("profiled r2 N=%d: %s, %d requests, %d connections", n, bench.Dur(s.Wall), s.Requests, s.Conns)
		}
		if f.s3 {
			x, err := h.PlanSweepS3(ctx, f.s3Buckets)
			if err != nil {
				return err
			}
			logf("profiled S3 sweep N=%d: %s (start %s, reads %s, exit %s)", f.s3Buckets, bench.Dur(x.Wall),
				bench.Dur(x.Startup), bench.Dur(x.Reads), bench.Dur(x.Tail))
		}
		logf("profiles (CPU, allocations, peak heap; one set per provider process) in %s", f.profile)
		return nil
	}

	for i := range f.warmup {
		for _, k := range []bench.Kind{bench.KindR2, bench.KindTrivial} {
			s, err := h.Plan(ctx, k, f.sizes[0])
			if err != nil {
				return err
			}
			logf("warm-up %d %-7s N=%d: %s", i+1, k, f.sizes[0], bench.Dur(s.Wall))
		}
	}

	for _, n := range f.sizes {
		sr := bench.SizeResult{N: n}
		for i := range f.runs {
			s, err := h.Plan(ctx, bench.KindR2, n)
			if err != nil {
				return err
			}
			sr.R2 = append(sr.R2, s)
			logf("r2      N=%-4d run %d/%d: %8s  rss %s  %d requests  %d connections  %d processes",
				n, i+1, f.runs, bench.Dur(s.Wall), bench.MB(s.PeakRSS), s.Requests, s.Conns, s.Procs)
			t, err := h.Plan(ctx, bench.KindTrivial, n)
			if err != nil {
				return err
			}
			sr.Trivial = append(sr.Trivial, t)
			logf("trivial N=%-4d run %d/%d: %8s  rss %s", n, i+1, f.runs, bench.Dur(t.Wall), bench.MB(t.PeakRSS))
		}
		res.Sizes = append(res.Sizes, sr)
	}

	if err := runSweeps(ctx, h, f, &res); err != nil {
		return err
	}
	if err := runBudget(ctx, h, f, &res); err != nil {
		return err
	}
	if err := runS3(ctx, h, f, &res); err != nil {
		return err
	}

	if f.review && slices.Contains(f.sweepSizes, bench.TargetSweepN) {
		rv, err := h.MeasureReview(ctx, bench.TargetSweepN, f.reviewRuns, logf)
		if err != nil {
			return err
		}
		res.Reviews = append(res.Reviews, rv)
	}

	if f.functions {
		logf("review functions on the largest policies")
		res.Functions = bench.MeasureFunctions(3)
		for _, fr := range res.Functions {
			logf("%-28s %-34s %s", fr.Function, fr.Policy, fr.PerCall)
		}
	}

	for i := range f.schemaRuns {
		for _, k := range []bench.Kind{bench.KindR2, bench.KindTrivial} {
			d, err := h.Schema(ctx, k, i == 0)
			if err != nil {
				return err
			}
			if k == bench.KindR2 {
				res.Schema = append(res.Schema, d)
			} else {
				res.TrivialSchema = append(res.TrivialSchema, d)
			}
		}
	}
	res.Machine.LoadAfter = bench.LoadAverage()

	fmt.Println()
	res.WriteTable(os.Stdout)
	fmt.Printf("\nschema -json: r2 median %s, trivial median %s\n\n", bench.Dur(bench.Median(res.Schema)),
		bench.Dur(bench.Median(res.TrivialSchema)))
	res.WriteTargets(os.Stdout)
	fmt.Println()
	res.WritePhases(os.Stdout)
	if len(res.Sweeps) > 0 {
		fmt.Println()
		res.WriteSweeps(os.Stdout)
	}
	if len(res.Storms) > 0 {
		fmt.Println()
		res.WriteStorms(os.Stdout)
	}
	if len(res.Reviews) > 0 {
		fmt.Println()
		res.WriteReviews(os.Stdout)
	}
	if res.Budget != nil {
		fmt.Println()
		res.WriteBudget(os.Stdout)
	}
	if res.S3 != nil {
		fmt.Println()
		res.WriteS3(os.Stdout)
		if res.S3.REST != nil {
			fmt.Println()
			res.WriteRESTScaled(os.Stdout)
		}
	}

	if f.chart != "" {
		if err := res.WriteChart(f.chart); err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		logf("wrote %s", f.chart)
	}
	if f.out != "" {
		rel := ""
		if f.chart != "" {
			if rel, err = relTo(f.out, f.chart); err != nil {
				return err
			}
		}
		if err := res.UpdateMarkdown(f.out, rel, bench.Template); err != nil {
			return err
		}
		logf("wrote %s", f.out)
	}
	if f.check {
		for _, t := range res.Targets() {
			if t.Known && !t.Pass {
				return fmt.Errorf("target missed: %s (%s)", t.Name, t.Measured)
			}
		}
	}
	return nil
}

// runSweeps plans the r2_bucket_cors_policies sweep at each size, with the
// rate limit at its default and off, then the storms.
func runSweeps(ctx context.Context, h *bench.Harness, f flags, res *bench.Result) error {
	for _, n := range f.sweepSizes {
		sr := bench.SweepResult{N: n}
		for i := range f.runs {
			for _, off := range []bool{false, true} {
				if !off && n > f.limitedUpTo {
					continue
				}
				s, err := h.PlanSweep(ctx, n, bench.SweepVariant{RateLimitOff: off})
				if err != nil {
					return err
				}
				if off {
					sr.Unlimited = append(sr.Unlimited, s)
				} else {
					sr.Limited = append(sr.Limited, s)
				}
				logf("sweep   N=%-4d run %d/%d rate limit off=%-5t: %8s  rss %s  %d requests  %d connections",
					n, i+1, f.runs, off, bench.Dur(s.Wall), bench.MB(s.PeakRSS), s.Requests, s.Conns)
			}
		}
		res.Sweeps = append(res.Sweeps, sr)
	}
	if !f.storms || !slices.Contains(f.sweepSizes, 1000) {
		return nil
	}
	for _, st := range []bench.Storm{
		{Name: "10 s storm", Window: 10 * time.Second},
		{Name: "5 min lockout", Window: 5 * time.Minute},
	} {
		s, err := h.PlanStorm(ctx, 1000, st)
		if err != nil {
			return err
		}
		logf("storm %-13s: %8s  %d requests (%d refused), failed=%t", st.Name, bench.Dur(s.Wall), s.Requests, s.Refused, s.Failed)
		sr := bench.StormResult{Storm: st, N: 1000, StormSample: s}
		res.Storms = append(res.Storms, sr)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// findTerraform never downloads a CLI: it takes the flag,
// TF_ACC_TERRAFORM_PATH or terraform on PATH.
func findTerraform(flagValue string) (string, error) {
	p := flagValue
	if p == "" {
		p = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	if p == "" {
		var err error
		if p, err = exec.LookPath("terraform"); err != nil {
			return "", errors.New("no Terraform CLI: put terraform on PATH, set TF_ACC_TERRAFORM_PATH or pass -terraform")
		}
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("terraform CLI %s: %w", p, err)
	}
	return filepath.Abs(p)
}

// providerModule is the provider's module path; its root is the
// repository's.
const providerModule = "github.com/r2tf/terraform-provider-r2"

// findRepo returns the repository root: the nearest directory at or above
// the working directory whose go.mod is the provider's (the benchmark's own
// module, internal/bench, is passed over).
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modfile.ModulePath(b) == providerModule {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the repository: no go.mod of " + providerModule + " found")
		}
		dir = parent
	}
}

// relTo is target's path relative to the directory of file.
func relTo(file, target string) (string, error) {
	fa, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	ta, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	return filepath.Rel(filepath.Dir(fa), ta)
}
