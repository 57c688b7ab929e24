package review

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// Report is the review's answer. Its JSON form (JSON) and its fields are
// what cors_review returns.
type Report struct {
	// ToolVersion is the provider's version, for the SARIF log's driver
	// (SARIF2005); "" leaves it out.
	ToolVersion string

	Passed  bool
	FailOn  cors.Severity
	Summary Summary
	// Buckets maps each key to its result.
	Buckets map[string]BucketResult
	// Findings are every bucket's findings, buckets in key order, each
	// bucket's in cors.Findings' order.
	Findings []Finding
	// Drift is each change of a drifted bucket and one entry per
	// unapproved bucket, buckets in key order.
	Drift []Drift
	// Expired and Unused are acceptances by their index in Options.Accept.
	Expired, Unused []int
	// Orphaned are approved keys that match no bucket.
	Orphaned []string

	keys        []string
	accept      []Acceptance
	baselineDir string
	rules       map[string][]cors.Rule
}

// Summary counts what the review found.
type Summary struct {
	Buckets, Policies                   int
	Approved, Drifted, Unapproved       int
	High, Medium, Low                   int // unaccepted findings
	Accepted, Expired, Unused, Orphaned int
	SkippedJurisdictions                []string
}

// BucketResult is one bucket's status and counts (unaccepted findings by
// severity, and accepted ones), named in JSON as in the result.
type BucketResult struct {
	Status   Status `json:"status"`
	High     int    `json:"high"`
	Medium   int    `json:"medium"`
	Low      int    `json:"low"`
	Accepted int    `json:"accepted"`
}

// Finding is a cors.Finding of one bucket, and whether it is accepted.
type Finding struct {
	Bucket, Jurisdiction, Name string
	cors.Finding
	Accepted bool
	// Reason is the acceptance's reason; "" unless Accepted.
	Reason string
}

// Drift is one difference from the baseline, or a bucket without one.
type Drift struct {
	Bucket string
	// Kind is a cors.Change kind, or KindUnapproved.
	Kind string
	// RuleIndex and RuleID name the rule (live, else approved); -1 and nil
	// when none.
	RuleIndex int
	RuleID    *string
	Field     string
	Message   string
}

// KindUnapproved is the Drift kind of a bucket with a policy and no baseline.
const KindUnapproved = "unapproved"

// Run reviews the buckets. Bad input (a duplicate key, a bad option, a
// policy past a bucket's bounds) is an error; it never panics.
func Run(buckets []Bucket, opts Options) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := &Report{
		FailOn: opts.FailOn, Buckets: make(map[string]BucketResult, len(buckets)),
		accept: opts.Accept, baselineDir: opts.BaselineDir, rules: make(map[string][]cors.Rule, len(buckets)),
	}
	byKey := make(map[string]*Bucket, len(buckets))
	for i := range buckets {
		b := &buckets[i]
		if b.Jurisdiction != "" && !jurisdictions.Valid(b.Jurisdiction) {
			return nil, fmt.Errorf("buckets[%d].jurisdiction %q is not a jurisdiction (%s)", i, b.Jurisdiction, jurisdictions.List())
		}
		if b.Name == "" || strings.Contains(b.Name, "/") {
			return nil, fmt.Errorf("buckets[%d].name %q is not a bucket name", i, b.Name)
		}
		key := Key(b.Jurisdiction, b.Name)
		if _, dup := byKey[key]; dup {
			return nil, fmt.Errorf("buckets[%d]: %s is listed twice (a bucket is its jurisdiction and name)", i, key)
		}
		if err := cors.CheckPolicySize(b.Rules); err != nil {
			return nil, fmt.Errorf("buckets[%d] (%s).rules: %w", i, key, err)
		}
		byKey[key] = b
		r.keys = append(r.keys, key)
	}
	sort.Strings(r.keys)
	for key, rules := range opts.Approved {
		if err := cors.CheckPolicySize(rules); err != nil {
			return nil, fmt.Errorf("approved[%q]: %w", key, err)
		}
	}

	used := make([]bool, len(opts.Accept))
	expired := make([]bool, len(opts.Accept))
	for i, a := range opts.Accept {
		expired[i] = a.Until.expired(opts.Now)
	}
	for _, key := range r.keys {
		b := byKey[key]
		r.rules[key] = b.Rules
		br := BucketResult{}
		for _, f := range cors.Findings(b.Rules) {
			rf := Finding{Bucket: key, Jurisdiction: jurisdictionOf(key), Name: b.Name, Finding: f}
			if i := accepting(opts.Accept, expired, used, key, f); i >= 0 {
				rf.Accepted, rf.Reason = true, opts.Accept[i].Reason
				br.Accepted++
			} else {
				count(&br.High, &br.Medium, &br.Low, f.Severity)
			}
			r.Findings = append(r.Findings, rf)
		}
		approved, has := opts.Approved[key]
		switch {
		case has:
			d := cors.Compare(b.Rules, approved)
			if d.Equal {
				br.Status = StatusApproved
				break
			}
			br.Status = StatusDrifted
			for _, c := range d.Changes {
				idx := c.LiveIndex
				if idx < 0 {
					idx = c.ApprovedIndex
				}
				r.Drift = append(r.Drift, Drift{Bucket: key, Kind: c.Kind, RuleIndex: idx, RuleID: c.RuleID, Field: c.Field, Message: c.Message})
			}
		case len(b.Rules) > 0:
			br.Status = StatusUnapproved
			r.Drift = append(r.Drift, Drift{Bucket: key, Kind: KindUnapproved, RuleIndex: -1,
				Message: fmt.Sprintf("The bucket has a CORS policy (%s) and no baseline: review it, then approve it by saving its rules as %s.",
					plural(len(b.Rules), "rule"), r.BaselinePath(key))})
		default:
			br.Status = StatusNoPolicy
		}
		r.Buckets[key] = br
	}

	s := &r.Summary
	s.Buckets = len(r.keys)
	s.SkippedJurisdictions = append([]string{}, opts.SkippedJurisdictions...)
	for _, key := range r.keys {
		br := r.Buckets[key]
		if len(byKey[key].Rules) > 0 {
			s.Policies++
		}
		switch br.Status {
		case StatusApproved:
			s.Approved++
		case StatusDrifted:
			s.Drifted++
		case StatusUnapproved:
			s.Unapproved++
		}
		s.High += br.High
		s.Medium += br.Medium
		s.Low += br.Low
		s.Accepted += br.Accepted
	}
	for i := range opts.Accept {
		switch {
		case expired[i]:
			r.Expired = append(r.Expired, i)
		case !used[i]:
			r.Unused = append(r.Unused, i)
		}
	}
	for key := range opts.Approved {
		// A baseline of a jurisdiction the sweep skipped is not orphaned:
		// its bucket was not looked for.
		if _, ok := byKey[key]; !ok && !slices.Contains(opts.SkippedJurisdictions, jurisdictionOf(key)) {
			r.Orphaned = append(r.Orphaned, key)
		}
	}
	sort.Strings(r.Orphaned)
	s.Expired, s.Unused, s.Orphaned = len(r.Expired), len(r.Unused), len(r.Orphaned)

	failing := s.High
	if rank(r.FailOn) >= rank(cors.Medium) {
		failing += s.Medium
	}
	if rank(r.FailOn) >= rank(cors.Low) {
		failing += s.Low
	}
	r.Passed = s.Drifted == 0 && s.Unapproved == 0 && failing == 0
	return r, nil
}

// accepting returns the index of the first acceptance in force that
// accepts f in bucket key, or -1, and marks every one that does as used:
// one that an earlier acceptance pre-empts still holds when that one
// lapses, so it must not be reported as matching nothing.
func accepting(accept []Acceptance, expired, used []bool, key string, f cors.Finding) int {
	first := -1
	for i, a := range accept {
		if expired[i] || a.Code != f.Code || (a.Bucket != "*" && a.Bucket != key) {
			continue
		}
		if a.RuleIndex >= 0 && a.RuleIndex != f.RuleIndex {
			continue
		}
		used[i] = true
		if first < 0 {
			first = i
		}
	}
	return first
}

func count(high, medium, low *int, s cors.Severity) {
	switch s {
	case cors.High:
		*high++
	case cors.Medium:
		*medium++
	default:
		*low++
	}
}

// BaselinePath is where key's baseline lives, for reports.
func (r *Report) BaselinePath(key string) string {
	if r.baselineDir == "." {
		return key + ".json"
	}
	return strings.TrimSuffix(r.baselineDir, "/") + "/" + key + ".json"
}

// Keys are the buckets' keys, in order.
func (r *Report) Keys() []string { return r.keys }

// Acceptance returns the i-th acceptance of the options.
func (r *Report) Acceptance(i int) Acceptance { return r.accept[i] }

func jurisdictionOf(key string) string {
	j, _, _ := strings.Cut(key, "/")
	return j
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
