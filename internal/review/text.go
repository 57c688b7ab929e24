package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// MaxTextItems is how many problems and notes Text lists before it ends
// with "... and N more": a check's message past that is a wall no one
// reads, and the JSON and SARIF reports have every one.
const MaxTextItems = 30

// problem is one line of the text report, and one result of the SARIF log.
type problem struct {
	bucket  string
	rank    int // 0 high, 1 drift or unapproved, 2 medium, 3 low
	finding *Finding
	drift   *Drift
}

func (p problem) line() string {
	if p.finding != nil {
		return fmt.Sprintf("[%s %s] %s", p.finding.Severity, p.finding.Code, p.finding.Message)
	}
	if p.drift.Kind == KindUnapproved {
		return "[unapproved] " + p.drift.Message
	}
	return "[drift] " + p.drift.Message
}

// Drift and unapproved buckets fail the review whatever fail_on says, so
// they rank below high findings only.
const driftRank = 1

func findingRank(s cors.Severity) int {
	if s == cors.High {
		return 0
	}
	return rank(s) + 1
}

// problems returns the unaccepted findings and the drift, grouped by
// bucket, buckets with the most severe problem first, each bucket's most
// severe first (then in rule order).
func (r *Report) problems() []problem {
	by := map[string][]problem{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !f.Accepted {
			by[f.Bucket] = append(by[f.Bucket], problem{bucket: f.Bucket, rank: findingRank(f.Severity), finding: f})
		}
	}
	for i := range r.Drift {
		d := &r.Drift[i]
		by[d.Bucket] = append(by[d.Bucket], problem{bucket: d.Bucket, rank: driftRank, drift: d})
	}
	keys := make([]string, 0, len(by))
	worst := map[string]int{}
	for k, ps := range by {
		sort.SliceStable(ps, func(a, b int) bool { return ps[a].rank < ps[b].rank })
		keys = append(keys, k)
		worst[k] = ps[0].rank
	}
	sort.Slice(keys, func(a, b int) bool {
		if worst[keys[a]] != worst[keys[b]] {
			return worst[keys[a]] < worst[keys[b]]
		}
		return keys[a] < keys[b]
	})
	var out []problem
	for _, k := range keys {
		out = append(out, by[k]...)
	}
	return out
}

// Headline is the text report's first line: the verdict and the counts.
func (r *Report) Headline() string {
	s := r.Summary
	verdict := "passed"
	if !r.Passed {
		verdict = "FAILED"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CORS review %s: %s (%d with a policy): %d approved, %d drifted, %d unapproved; unaccepted findings: %d high, %d medium, %d low (fail_on = %s); %d accepted",
		verdict, plural(s.Buckets, "bucket"), s.Policies, s.Approved, s.Drifted, s.Unapproved, s.High, s.Medium, s.Low, r.FailOn, s.Accepted)
	if s.Expired+s.Unused > 0 {
		fmt.Fprintf(&b, "; acceptances: %d expired, %d unused", s.Expired, s.Unused)
	}
	if s.Orphaned > 0 {
		fmt.Fprintf(&b, "; %s without a bucket", plural(s.Orphaned, "baseline"))
	}
	if len(s.SkippedJurisdictions) > 0 {
		fmt.Fprintf(&b, "; skipped jurisdictions: %s", strings.Join(s.SkippedJurisdictions, ", "))
	}
	return b.String()
}

// Text is the human report: the headline, then the problems grouped by
// bucket (most severe first, each once), then notes on acceptances and
// baselines, at most MaxTextItems of them before "... and N more".
func (r *Report) Text() string {
	var b strings.Builder
	b.WriteString(r.Headline())
	listed, total := 0, 0
	item := func(header *string, line string) {
		total++
		if listed >= MaxTextItems {
			return
		}
		if *header != "" {
			b.WriteString("\n\n" + *header)
			*header = ""
		}
		listed++
		b.WriteString("\n- " + line)
	}
	current := ""
	var header string
	for _, p := range r.problems() {
		if p.bucket != current {
			current = p.bucket
			header = fmt.Sprintf("%s (%s):", p.bucket, r.Buckets[p.bucket].Status)
		}
		item(&header, p.line())
	}
	header = "Notes:"
	for _, i := range r.Expired {
		a := r.accept[i]
		item(&header, fmt.Sprintf("accept[%d] (%s on %s) expired on %s: its findings count again; renew it with a new until, or fix the policy.",
			i, a.Code, a.Bucket, a.Until))
	}
	for _, i := range r.Unused {
		a := r.accept[i]
		item(&header, fmt.Sprintf("accept[%d] (%s on %s) matches no finding: remove it if the risk is gone.", i, a.Code, a.Bucket))
	}
	homeless, orphansNamed := r.homelessByName()
	for _, key := range r.Orphaned {
		item(&header, r.orphanNote(key, homeless, orphansNamed))
	}
	if total > listed {
		fmt.Fprintf(&b, "\n\n... and %d more (report_json and sarif list every one)", total-listed)
	}
	return b.String()
}

// orphanNote says what to do about a baseline that matches no bucket. A
// bucket of the same name in another jurisdiction without a baseline is
// most likely its owner (a file left in default/ by the move from
// approved/<name>.json), so the note names it and where the file belongs;
// when several orphans share the name, at most one of them can be its.
func (r *Report) orphanNote(key string, homeless map[string][]string, orphansNamed map[string]int) string {
	path := r.BaselinePath(key)
	_, name, _ := strings.Cut(key, "/")
	owners := homeless[name]
	if len(owners) == 0 {
		return fmt.Sprintf("%s matches no bucket: remove it if %s is gone.", path, key)
	}
	which := "the file is"
	if orphansNamed[name] > 1 {
		which = fmt.Sprintf("this file, of the %d named %s.json that match no bucket, is", orphansNamed[name], name)
	}
	if len(owners) == 1 {
		return fmt.Sprintf("%s matches no bucket; %s has no baseline: if %s that bucket's, move it to %s.",
			path, owners[0], which, r.BaselinePath(owners[0]))
	}
	return fmt.Sprintf("%s matches no bucket; %s have no baseline: if %s one of theirs, move it to its jurisdiction's folder.",
		path, strings.Join(owners, ", "), which)
}

// homelessByName maps a bucket name to the keys of the unapproved buckets
// of that name, in key order, and counts the orphaned baselines of each
// name; both nil when no baseline is orphaned.
func (r *Report) homelessByName() (homeless map[string][]string, orphansNamed map[string]int) {
	if len(r.Orphaned) == 0 {
		return nil, nil
	}
	homeless, orphansNamed = map[string][]string{}, map[string]int{}
	for key, b := range r.Buckets {
		if b.Status == StatusUnapproved {
			_, name, _ := strings.Cut(key, "/")
			homeless[name] = append(homeless[name], key)
		}
	}
	for _, keys := range homeless {
		sort.Strings(keys)
	}
	for _, key := range r.Orphaned {
		_, name, _ := strings.Cut(key, "/")
		orphansNamed[name]++
	}
	return homeless, orphansNamed
}
