package bench

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Markers delimit what the benchmark rewrites in BENCHMARKS.md; the rest of
// the file is written by hand.
const (
	resultsBegin = "<!-- bench:results:begin -->"
	resultsEnd   = "<!-- bench:results:end -->"
	historyBegin = "<!-- bench:history:begin -->"
	historyEnd   = "<!-- bench:history:end -->"
	historyHead  = "| Date | Label | Commit | Latency | Runs | N=1000 r2 plan | Floor | r2 / floor | Max connections | Peak RSS | Schema |\n" +
		"|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
)

// Target is one of the targets and what was measured.
type Target struct {
	Name     string
	Measured string
	Pass     bool
	Known    bool // False when the run did not measure it.
}

// Targets checks the run against the targets.
func (r Result) Targets() []Target {
	var ts []Target
	t := Target{Name: fmt.Sprintf("%d reads ≤ %.1f × the floor", TargetFloorReadsN, TargetFloorRatio), Measured: "–"}
	if s, ok := r.Size(TargetFloorReadsN); ok {
		t.Known = true
		t.Measured = fmt.Sprintf("%s / %s = %.2f", Dur(s.R2Median()), Dur(r.Floor(s)), r.Ratio(s))
		t.Pass = r.Ratio(s) <= TargetFloorRatio
	}
	ts = append(ts, t)

	limit := r.Parallelism + TargetExtraConns
	conns, at := 0, 0
	var rss int64
	rssAt := 0
	for _, s := range r.Sizes {
		if c := s.MaxConns(); c > conns || at == 0 {
			conns, at = c, s.N
		}
		if m := s.PeakRSS(); m > rss {
			rss, rssAt = m, s.N
		}
	}
	ts = append(ts,
		Target{
			Name:     fmt.Sprintf("Connections opened ≤ parallelism + %d = %d", TargetExtraConns, limit),
			Measured: fmt.Sprintf("at most %d per plan (N=%d)", conns, at),
			Pass:     conns <= limit, Known: len(r.Sizes) > 0,
		},
		Target{
			Name:     "Provider peak RSS ≤ 40 MB",
			Measured: fmt.Sprintf("%s (N=%d)", MB(rss), rssAt),
			Pass:     rss <= TargetPeakRSS, Known: rss > 0,
		},
		Target{
			Name:     "`terraform providers schema -json` < 150 ms median",
			Measured: fmt.Sprintf("%s (trivial provider: %s)", Dur(Median(r.Schema)), Dur(Median(r.TrivialSchema))),
			Pass:     Median(r.Schema) < TargetSchemaTime, Known: len(r.Schema) > 0,
		})
	ts = append(ts, r.sweepTargets()...)
	if len(r.Functions) > 0 {
		ts = append(ts, r.functionTarget())
	}
	if len(r.Reviews) > 0 {
		ts = append(ts, r.reviewTarget())
	}
	if r.S3 != nil {
		ts = append(ts, r.s3Targets()...)
	}
	return ts
}

// Dur formats a duration for the tables: milliseconds below 10 s.
func Dur(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
}

// MB formats bytes as decimal megabytes, the unit of the RSS target.
func MB(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func minMax(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	lo, hi := ds[0], ds[0]
	for _, d := range ds {
		lo, hi = min(lo, d), max(hi, d)
	}
	return Dur(lo) + "–" + Dur(hi)
}

func ints(ss []Sample, f func(Sample) int) string {
	lo, hi := math.MaxInt, math.MinInt
	for _, s := range ss {
		lo, hi = min(lo, f(s)), max(hi, f(s))
	}
	if len(ss) == 0 {
		return "–"
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// WriteTable prints the main table as Markdown.
func (r Result) WriteTable(w io.Writer) {
	fmt.Fprintln(w, "| N | r2 plan (median) | r2 min–max | Trivial plan (median) | Floor | r2 / floor | Provider peak RSS | Requests | Connections | Provider processes |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range r.Sizes {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %.2f | %s | %s | %s | %s |\n",
			s.N, Dur(s.R2Median()), minMax(Walls(s.R2)), Dur(s.TrivialMedian()), Dur(r.Floor(s)), r.Ratio(s),
			MB(s.PeakRSS()),
			ints(s.R2, func(x Sample) int { return x.Requests }),
			ints(s.R2, func(x Sample) int { return x.Conns }),
			ints(s.R2, func(x Sample) int { return x.Procs }))
	}
}

// WritePhases prints, per N, the medians of where a plan's time goes.
func (r Result) WritePhases(w io.Writer) {
	fmt.Fprintln(w, "| N | Start → first request | Read phase | Last answer → exit | Overhead over floor | Mean in flight | Max in flight | Requests / distinct buckets |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range r.Sizes {
		reads := Median(field(s.R2, func(x Sample) time.Duration { return x.Reads }))
		mean := 0.0
		if reads > 0 {
			mean = float64(s.N) * float64(r.Latency) / float64(reads)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %.1f | %s | %s / %s |\n", s.N,
			Dur(Median(field(s.R2, func(x Sample) time.Duration { return x.Startup }))),
			Dur(reads),
			Dur(Median(field(s.R2, func(x Sample) time.Duration { return x.Tail }))),
			Dur(s.R2Median()-r.Floor(s)),
			mean,
			ints(s.R2, func(x Sample) int { return x.MaxInFlight }),
			ints(s.R2, func(x Sample) int { return x.Requests }),
			ints(s.R2, func(x Sample) int { return x.Distinct }))
	}
}

// WriteTargets prints the targets with PASS or FAIL.
func (r Result) WriteTargets(w io.Writer) {
	fmt.Fprintln(w, "| Target | Measured | Result |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, t := range r.Targets() {
		res := "not measured"
		switch {
		case t.Known && t.Pass:
			res = "PASS"
		case t.Known:
			res = "**FAIL**"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.Name, t.Measured, res)
	}
}

// Results renders the generated block of BENCHMARKS.md; chart is the
// chart's path relative to the file, "" for none.
func (r Result) Results(chart string) string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "%s\n## Latest run\n\n", resultsBegin)
	fmt.Fprintf(&b, "- Date: %s", r.Date.UTC().Format("2006-01-02 15:04 UTC"))
	if r.Label != "" {
		fmt.Fprintf(&b, " (%s)", r.Label)
	}
	fmt.Fprintf(&b, ".\n- Machine: %s.\n", m)
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min): %s before, %s after. ", m.LoadBefore, m.LoadAfter)
	b.WriteString("The machine was running other work during the run, so times are noisier and slower than on an idle machine.\n")
	fmt.Fprintf(&b, "- Versions: %s; %s; provider commit %s (plus any uncommitted changes).\n", m.Go, m.Terraform, m.Commit)
	if r.BinaryBytes > 0 {
		fmt.Fprintf(&b, "- Provider binary: %s (%d bytes; `go build -trimpath`, as `make build`, not stripped).\n", MB(r.BinaryBytes), r.BinaryBytes)
	}
	fmt.Fprintf(&b, "- Settings: %s injected latency per request, `-parallelism=%d`, %d runs per size (r2 and trivial plans interleaved), medians",
		r.Latency, r.Parallelism, r.Runs)
	if len(r.Env) > 0 {
		fmt.Fprintf(&b, "; extra environment `%s`", strings.Join(r.Env, " "))
	}
	b.WriteString(".\n\n")
	r.WriteTable(&b)
	fmt.Fprintf(&b, "\nFloor = median trivial plan (same `for_each`, a data source that returns a constant, no API) "+
		"+ ⌈N / %d⌉ × %s (= N × latency / parallelism for N a multiple of %d). "+
		"Requests and connections are counted by the fake, per plan; peak RSS is the largest VmHWM of the provider's processes.\n\n",
		r.Parallelism, r.Latency, r.Parallelism)
	fmt.Fprintf(&b, "`terraform providers schema -json` (%d runs): r2 median %s (%s); trivial provider median %s (%s).\n\n",
		len(r.Schema), Dur(Median(r.Schema)), minMax(r.Schema), Dur(Median(r.TrivialSchema)), minMax(r.TrivialSchema))
	b.WriteString("### Targets\n\n")
	r.WriteTargets(&b)
	if len(r.Sweeps) > 0 {
		fmt.Fprintf(&b, "\n### One sweep instead of for_each: `r2_bucket_cors_policies`\n\n"+
			"One data source reads every bucket of an account (all four jurisdictions: a list page each, then one read "+
			"per bucket, %d at a time); the for_each columns are the plans above over the same default buckets. "+
			"Rate limit at its default (1200 requests in any 5 minutes) unless said otherwise.\n\n", sweepConcurrency)
		r.WriteSweeps(&b)
	}
	if len(r.Storms) > 0 {
		b.WriteString("\n#### A 429 storm\n\nFrom the first policy read on, the fake refuses every request with HTTP 429 and " +
			"a `Retry-After` of the seconds left, then lets all pass, as Cloudflare does once a user is over its limit. " +
			"After a 429 the provider holds every request until the `Retry-After`, then lets one probe go first.\n\n")
		r.WriteStorms(&b)
	}
	if r.Budget != nil {
		b.WriteString(budgetIntro())
		r.WriteBudget(&b)
	}
	if r.S3 != nil && (len(r.S3.Large) > 0 || len(r.S3.CompareS3) > 0) {
		b.WriteString(r.s3Intro())
		r.WriteS3(&b)
	}
	if r.S3 != nil && r.S3.REST != nil {
		b.WriteString(restScaledIntro(r.S3.REST))
		r.WriteRESTScaled(&b)
	}
	if len(r.Functions) > 0 {
		b.WriteString("\n### The review functions on the largest policies\n\n" +
			"Each function on policies at a bucket's bounds (100 rules, 64 KB as S3's XML), shaped to make it work hardest " +
			"(`internal/cors/corstest`), and the refusal of a policy past them; in process, median of `testing.Benchmark` runs. " +
			"A `cors_diff` that cannot decide within its step budget reports \"not equal\" unless the policies are identical.\n\n")
		r.WriteFunctions(&b)
	}
	if len(r.Reviews) > 0 {
		b.WriteString("\n### The account review: one `cors_review` over the sweep\n\n" +
			"The sweep above (rate limit at its default), planned alone and with one `cors_review` over it as " +
			"`examples/drift-review` runs it: every bucket's baseline read with `fileset()` and `file()`, the check, and " +
			fmt.Sprintf("the `report_json` and `sarif` outputs; the two plans interleaved, medians of %d pairs (`-review-runs`).\n\n", len(r.Reviews[0].Sweep)))
		r.WriteReviews(&b)
	}
	b.WriteString("\n### Where the time goes, as measured\n\n")
	b.WriteString("From the fake's request log (answer times; a request arrives one latency before its answer), medians per N:\n\n")
	r.WritePhases(&b)
	if chart != "" {
		fmt.Fprintf(&b, "\n![Plan wall time against N, r2 and floor](%s)\n", filepath.ToSlash(chart))
	}
	fmt.Fprintf(&b, "%s\n", resultsEnd)
	return b.String()
}

// HistoryRow is the run's line in the history table.
func (r Result) HistoryRow() string {
	label := r.Label
	if label == "" {
		label = "–"
	}
	n1000, floor, ratio := "–", "–", "–"
	if s, ok := r.Size(TargetFloorReadsN); ok {
		n1000, floor, ratio = Dur(s.R2Median()), Dur(r.Floor(s)), fmt.Sprintf("%.2f", r.Ratio(s))
	}
	conns, rss := 0, int64(0)
	for _, s := range r.Sizes {
		conns, rss = max(conns, s.MaxConns()), max(rss, s.PeakRSS())
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %d | %s | %s | %s | %d | %s | %s |\n",
		r.Date.UTC().Format("2006-01-02 15:04"), label, r.Machine.Commit, r.Latency, r.Runs,
		n1000, floor, ratio, conns, MB(rss), Dur(Median(r.Schema)))
}

// UpdateMarkdown writes the run into the file at path: the results block is
// replaced and a history row appended; the rest is kept. A missing file is
// created from template.
func (r Result) UpdateMarkdown(path, chart, template string) error {
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		old = []byte(template)
	case err != nil:
		return err
	}
	doc := string(old)
	doc, err = replaceBlock(doc, resultsBegin, resultsEnd, r.Results(chart))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	i := strings.Index(doc, historyEnd)
	if i < 0 || !strings.Contains(doc[:i], historyBegin) {
		return fmt.Errorf("%s: no %s ... %s block", path, historyBegin, historyEnd)
	}
	hist := doc[strings.Index(doc, historyBegin)+len(historyBegin) : i]
	add := r.HistoryRow()
	if !strings.Contains(hist, "|---") {
		add = historyHead + add
	}
	if !strings.HasSuffix(hist, "\n") {
		add = "\n" + add
	}
	doc = doc[:i] + add + doc[i:]
	return os.WriteFile(path, []byte(doc), 0o644)
}

// replaceBlock replaces begin...end (markers included) with block.
func replaceBlock(doc, begin, end, block string) (string, error) {
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("no %s ... %s block", begin, end)
	}
	rest := strings.TrimPrefix(doc[j+len(end):], "\n")
	return doc[:i] + block + rest, nil
}

// Template is BENCHMARKS.md before its first run.
const Template = `# Benchmarks

` + resultsBegin + `
` + resultsEnd + `

## History

` + historyBegin + `
` + historyEnd + `
`
