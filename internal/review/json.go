package review

import (
	"encoding/json"
)

// The JSON report's shape: the result's attributes, snake_case.
type (
	jsonReport struct {
		Passed   bool                    `json:"passed"`
		Summary  jsonSummary             `json:"summary"`
		Buckets  map[string]BucketResult `json:"buckets"`
		Findings []jsonFinding           `json:"findings"`
		Drift    []jsonDrift             `json:"drift"`
	}
	jsonSummary struct {
		Buckets              int      `json:"buckets"`
		Policies             int      `json:"policies"`
		Approved             int      `json:"approved"`
		Drifted              int      `json:"drifted"`
		Unapproved           int      `json:"unapproved"`
		High                 int      `json:"high"`
		Medium               int      `json:"medium"`
		Low                  int      `json:"low"`
		Accepted             int      `json:"accepted"`
		Expired              int      `json:"expired"`
		Unused               int      `json:"unused"`
		Orphaned             int      `json:"orphaned"`
		SkippedJurisdictions []string `json:"skipped_jurisdictions"`
	}
	jsonFinding struct {
		Bucket       string  `json:"bucket"`
		Jurisdiction string  `json:"jurisdiction"`
		Name         string  `json:"name"`
		RuleIndex    *int    `json:"rule_index"`
		RuleID       *string `json:"rule_id"`
		Code         string  `json:"code"`
		Severity     string  `json:"severity"`
		Message      string  `json:"message"`
		Accepted     bool    `json:"accepted"`
		Reason       *string `json:"reason"`
	}
	jsonDrift struct {
		Bucket  string `json:"bucket"`
		Message string `json:"message"`
	}
)

// JSON is the report as a JSON document: passed, summary, buckets,
// findings and drift, as the result's attributes name them.
func (r *Report) JSON() (string, error) {
	s := r.Summary
	doc := jsonReport{
		Passed: r.Passed,
		Summary: jsonSummary{
			Buckets: s.Buckets, Policies: s.Policies, Approved: s.Approved, Drifted: s.Drifted, Unapproved: s.Unapproved,
			High: s.High, Medium: s.Medium, Low: s.Low, Accepted: s.Accepted, Expired: s.Expired, Unused: s.Unused,
			Orphaned: s.Orphaned, SkippedJurisdictions: nonNil(s.SkippedJurisdictions),
		},
		Buckets:  r.Buckets,
		Findings: make([]jsonFinding, len(r.Findings)),
		Drift:    make([]jsonDrift, len(r.Drift)),
	}
	for i, f := range r.Findings {
		jf := jsonFinding{Bucket: f.Bucket, Jurisdiction: f.Jurisdiction, Name: f.Name, RuleID: f.RuleID,
			Code: f.Code, Severity: string(f.Severity), Message: f.Message, Accepted: f.Accepted}
		if f.RuleIndex >= 0 {
			idx := f.RuleIndex
			jf.RuleIndex = &idx
		}
		if f.Accepted {
			reason := f.Reason
			jf.Reason = &reason
		}
		doc.Findings[i] = jf
	}
	for i, d := range r.Drift {
		doc.Drift[i] = jsonDrift{Bucket: d.Bucket, Message: d.Message}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out) + "\n", nil
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
