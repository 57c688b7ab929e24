// Package review is the account-wide CORS review behind cors_review: every
// bucket's findings (cors.Findings) and drift from its approved baseline
// (cors.Compare), accepted risks, a verdict, and the reports CI reads (text,
// JSON, SARIF) and the baselines that approve the live state. It has no
// Terraform imports: internal/functions maps Terraform values in and out.
package review

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// DefaultBaselineDir is where baselines live unless options say otherwise.
const DefaultBaselineDir = "approved"

// Status is what a bucket's policy is, against its baseline.
type Status string

// The statuses.
const (
	// StatusApproved: a baseline is given and the policy answers alike.
	StatusApproved Status = "approved"
	// StatusDrifted: a baseline is given and the policy differs.
	StatusDrifted Status = "drifted"
	// StatusUnapproved: no baseline, and the bucket has a policy.
	StatusUnapproved Status = "unapproved"
	// StatusNoPolicy: no baseline, and no rules.
	StatusNoPolicy Status = "no_policy"
)

// Bucket is one swept bucket.
type Bucket struct {
	// Jurisdiction is "" or one of Jurisdictions ("" reads as default).
	Jurisdiction string
	Name         string
	Rules        []cors.Rule
}

// Key is a bucket's key, "<jurisdiction>/<name>".
func Key(jurisdiction, name string) string {
	if jurisdiction == "" {
		jurisdiction = "default"
	}
	return jurisdiction + "/" + name
}

// Acceptance accepts one finding code for one bucket (or "*"), with a
// reason, optionally for one rule and until a time.
type Acceptance struct {
	Bucket, Code, Reason string
	// RuleIndex is the rule it is for; -1 for every rule.
	RuleIndex int
	// Until is when it lapses; the zero time for never. A date-only until
	// (Until.DateOnly) holds through that day, UTC.
	Until Until
}

// Until is an acceptance's expiry as written: a date or an RFC 3339 time.
type Until struct {
	Time     time.Time
	DateOnly bool
	Text     string
}

// IsZero reports whether no expiry was given: neither a text (a date of
// year 1 is still a date) nor a time (an Until built in Go may have only
// its Time).
func (u Until) IsZero() bool { return u.Text == "" && u.Time.IsZero() }

// String is the until as written, or its time when built in Go.
func (u Until) String() string {
	if u.Text != "" {
		return u.Text
	}
	return u.Time.Format(time.RFC3339)
}

// expired reports whether the acceptance no longer holds at now.
func (u Until) expired(now time.Time) bool {
	switch {
	case u.IsZero():
		return false
	case u.DateOnly:
		return !now.Before(u.Time.AddDate(0, 0, 1))
	}
	return now.After(u.Time)
}

// ParseUntil reads an until: a date (2026-12-31, valid through that day,
// UTC) or an RFC 3339 time.
func ParseUntil(s string) (Until, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return Until{Time: t, DateOnly: true, Text: s}, nil
	}
	t, err := parseRFC3339(s)
	if err != nil {
		return Until{}, fmt.Errorf("%q is neither a date (2026-12-31) nor an RFC 3339 time (2026-12-31T18:00:00Z)", s)
	}
	return Until{Time: t, Text: s}, nil
}

// ParseNow reads the review's time, an RFC 3339 time as plantimestamp()
// gives it.
func ParseNow(s string) (time.Time, error) {
	t, err := parseRFC3339(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time: pass plantimestamp()", s)
	}
	return t, nil
}

// rfc3339 is RFC 3339's date-time: Go's time.RFC3339 layout also takes a
// comma before the fraction and offsets such as +24:00 or -23:60.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

func parseRFC3339(s string) (time.Time, error) {
	if !rfc3339.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return time.Parse(time.RFC3339, s)
}

// severities, from worst.
var severities = []cors.Severity{cors.High, cors.Medium, cors.Low}

// ParseSeverity reads a severity; anything else is an error, never a filter
// that matches nothing.
func ParseSeverity(s string) (cors.Severity, error) {
	for _, v := range severities {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("%q is not a severity: want \"high\", \"medium\" or \"low\"", s)
}

// rank orders severities: high 0, medium 1, low 2.
func rank(s cors.Severity) int { return slices.Index(severities, s) }

// Options are cors_review's options, read and checked (see Validate).
type Options struct {
	// Approved maps a bucket key to its approved rules.
	Approved map[string][]cors.Rule
	Accept   []Acceptance
	// Now is the review's time; required when an acceptance has an until.
	Now time.Time
	// FailOn is the least severity of an unaccepted finding that fails the
	// review; "" is low.
	FailOn cors.Severity
	// BaselineDir is the folder of the baselines, for report locations; ""
	// is DefaultBaselineDir.
	BaselineDir          string
	SkippedJurisdictions []string
}

// Validate checks what Run needs and fills in defaults. Errors name the
// option: accept[1].reason, fail_on, baseline_dir.
func (o *Options) Validate() error {
	if o.FailOn == "" {
		o.FailOn = cors.Low
	}
	if _, err := ParseSeverity(string(o.FailOn)); err != nil {
		return fmt.Errorf("fail_on: %w", err)
	}
	if o.BaselineDir == "" {
		o.BaselineDir = DefaultBaselineDir
	}
	if err := checkBaselineDir(o.BaselineDir); err != nil {
		return fmt.Errorf("baseline_dir: %w", err)
	}
	for key := range o.Approved {
		if err := checkKey(key); err != nil {
			return fmt.Errorf("approved[%q]: %w", key, err)
		}
	}
	for i, a := range o.Accept {
		p := fmt.Sprintf("accept[%d]", i)
		switch {
		case a.Bucket == "":
			return fmt.Errorf("%s.bucket is required: a bucket key such as \"default/assets\", or \"*\" for every bucket", p)
		case a.Bucket != "*":
			if err := checkKey(a.Bucket); err != nil {
				return fmt.Errorf("%s.bucket: %w", p, err)
			}
		}
		if !knownCode(a.Code) {
			return fmt.Errorf("%s.code %q is not a finding code: the codes are listed on the cors_findings page (any-origin, loopback-origin, ...)", p, a.Code)
		}
		if strings.TrimSpace(a.Reason) == "" {
			return fmt.Errorf("%s.reason is required: say why the risk is accepted, for whoever reviews it next", p)
		}
		if a.RuleIndex < -1 {
			return fmt.Errorf("%s.rule_index is %d: want a rule's 0-based index", p, a.RuleIndex)
		}
		if !a.Until.IsZero() && o.Now.IsZero() {
			return fmt.Errorf("%s.until is set, so the review needs the time: pass now = plantimestamp()", p)
		}
	}
	return nil
}

// checkKey checks a key's shape: "<jurisdiction>/<name>".
func checkKey(key string) error {
	j, name, ok := strings.Cut(key, "/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("%q is not a bucket key: write \"<jurisdiction>/<name>\", e.g. \"default/assets\"", key)
	}
	if !jurisdictions.Valid(j) {
		return fmt.Errorf("%q does not start with a jurisdiction (%s)", key, jurisdictions.List())
	}
	return nil
}

// checkBaselineDir keeps report locations relative to the repository: a
// SARIF location outside it is one code scanning cannot show.
func checkBaselineDir(dir string) error {
	switch {
	case strings.HasPrefix(dir, "/") || strings.Contains(dir, `\`) || strings.Contains(dir, ":"):
		return fmt.Errorf("%q: write a relative path with forward slashes, from the repository's root (e.g. \"infra/cors/approved\")", dir)
	case path.Clean(dir) != strings.TrimSuffix(dir, "/") || dir == ".." || strings.HasPrefix(dir, "../"):
		return fmt.Errorf("%q: write a clean relative path inside the repository (no \"..\", \".\" or \"//\")", dir)
	}
	return nil
}

func knownCode(code string) bool {
	return slices.ContainsFunc(cors.Catalogue, func(c cors.Check) bool { return c.Code == code })
}
