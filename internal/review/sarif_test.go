package review

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string `json:"id"`
					ShortDescription struct{ Text string }
					FullDescription  struct{ Text string }
					Help             struct{ Text, Markdown string }
					Properties       map[string]any
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				}
			}
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Status, Justification string }
		} `json:"results"`
		Properties map[string]any `json:"properties"`
	} `json:"runs"`
}

func readSARIF(t *testing.T, r *Report) sarifLog {
	t.Helper()
	out, err := r.SARIF()
	if err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIF(t *testing.T) {
	now, _ := ParseNow("2026-06-01T00:00:00Z")
	r := mustRun(t, demoBuckets(), Options{Approved: demoApproved(), Now: now, BaselineDir: "infra/cors/approved", Accept: []Acceptance{
		{Bucket: "default/example-bucket", Code: cors.CodeLoopbackOrigin, Reason: "the team's local app, until the move", RuleIndex: 0},
	}})
	r.ToolVersion = "1.2.3"
	log := readSARIF(t, r)
	if log.Version != "2.1.0" || log.Schema != "https://json.schemastore.org/sarif-2.1.0.json" {
		t.Errorf("version %q, schema %q", log.Version, log.Schema)
	}
	run := log.Runs[0]
	if run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("the driver's version is %q, want the provider's, 1.2.3 (SARIF2005)", run.Tool.Driver.Version)
	}
	// One rule per catalogue code, then drift and unapproved, each with
	// descriptions, help and GitHub's security-severity.
	var ids []string
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
		if rule.ShortDescription.Text == "" || rule.FullDescription.Text == "" || rule.Help.Text == "" || rule.Help.Markdown == "" || rule.Properties["security-severity"] == nil {
			t.Errorf("rule %s lacks a description, help or security-severity: %+v", rule.ID, rule)
		}
	}
	var want []string
	for _, c := range cors.Catalogue {
		want = append(want, c.Code)
	}
	want = append(want, "drift", "unapproved")
	if !slices.Equal(ids, want) {
		t.Errorf("rules %v, want %v", ids, want)
	}
	if help := run.Tool.Driver.Rules[0].Help.Markdown; !strings.HasPrefix(help, "**High.** A write method") || !strings.Contains(help, "Fix: list only the sites") || strings.Contains(help, "###") {
		t.Errorf("any-origin-write's help is not its catalogue section:\n%s", help)
	}

	// One result per finding (accepted ones too) and per drift or
	// unapproved bucket: 4 findings, 3 changes, 1 unapproved.
	var got []string
	fingerprints := map[string]bool{}
	for _, res := range run.Results {
		sup := ""
		if len(res.Suppressions) > 0 {
			s := res.Suppressions[0]
			sup = fmt.Sprintf(" suppressed(%s %s: %s)", s.Kind, s.Status, s.Justification)
		}
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		got = append(got, fmt.Sprintf("%s %s %s%s", res.Level, res.RuleID, uri, sup))
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s has ruleIndex %d", res.RuleID, res.RuleIndex)
		}
		fp := res.PartialFingerprints["r2CorsReview/v1"]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %s: fingerprint %q missing or repeated", res.RuleID, fp)
		}
		fingerprints[fp] = true
		if res.Locations[0].PhysicalLocation.Region.StartLine != 1 || !strings.HasPrefix(res.Message.Text, strings.TrimSuffix(strings.TrimPrefix(uri, "infra/cors/approved/"), ".json")+": ") {
			t.Errorf("result %s: region %+v, message %q", res.RuleID, res.Locations[0].PhysicalLocation.Region, res.Message.Text)
		}
	}
	wantResults := []string{
		"error any-origin-write infra/cors/approved/default/public-uploads.json",
		"error drift infra/cors/approved/default/public-uploads.json",
		"error drift infra/cors/approved/default/public-uploads.json",
		"error drift infra/cors/approved/default/public-uploads.json",
		"error unapproved infra/cors/approved/default/legacy-cdn.json",
		"warning any-header-write infra/cors/approved/default/public-uploads.json",
		"note max-age-over-browser-cap infra/cors/approved/default/legacy-cdn.json",
		"note loopback-origin infra/cors/approved/default/example-bucket.json suppressed(external accepted: the team's local app, until the move)",
	}
	if !slices.Equal(got, wantResults) {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantResults, "\n"))
	}
	if run.Properties["omittedResults"] != 0.0 {
		t.Errorf("properties %v", run.Properties)
	}

	// Fingerprints are stable: the same review with the buckets in another
	// order gives the same ones.
	buckets := demoBuckets()
	slices.Reverse(buckets)
	again := readSARIF(t, mustRun(t, buckets, Options{Approved: demoApproved(), Now: now, BaselineDir: "infra/cors/approved", Accept: []Acceptance{
		{Bucket: "default/example-bucket", Code: cors.CodeLoopbackOrigin, Reason: "the team's local app, until the move", RuleIndex: 0},
	}}))
	for _, res := range again.Runs[0].Results {
		if !fingerprints[res.PartialFingerprints["r2CorsReview/v1"]] {
			t.Errorf("%s: fingerprint changed with the bucket order", res.RuleID)
		}
	}

	// For the CI step that validates the log with Microsoft's SARIF
	// Multitool (make sarif-validate): the demo account's log.
	if path := os.Getenv("R2_SARIF_OUT"); path != "" {
		out, _ := r.SARIF()
		if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Past GitHub's 25,000 results the log keeps the most severe and counts
// the rest in the run's properties.
func TestSARIFLimit(t *testing.T) {
	var buckets []Bucket
	// 3 results per bucket: high, unapproved, medium.
	n := MaxSARIFResults/3 + 100
	for i := range n {
		buckets = append(buckets, Bucket{Name: fmt.Sprintf("b%05d", i), Rules: publicUploads})
	}
	run := readSARIF(t, mustRun(t, buckets, Options{})).Runs[0]
	if len(run.Results) != MaxSARIFResults || run.Properties["omittedResults"] != float64(3*n-MaxSARIFResults) {
		t.Fatalf("%d results, properties %v", len(run.Results), run.Properties)
	}
	levels := map[string]int{}
	for _, res := range run.Results {
		levels[res.Level]++
	}
	// Every error (high findings, unapproved buckets) is kept; the cut
	// falls among the warnings.
	if levels["error"] != 2*n || levels["warning"] != MaxSARIFResults-2*n {
		t.Errorf("levels %v", levels)
	}
}
