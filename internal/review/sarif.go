package review

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// MaxSARIFResults is how many results GitHub code scanning keeps of a run;
// past it the log keeps the most severe and counts the rest in the run's
// properties (omittedResults).
const MaxSARIFResults = 25000

// SARIF's names for this tool and its own rules.
const (
	sarifTool          = "terraform-provider-r2 cors_review"
	sarifInfoURI       = "https://github.com/r2tf/terraform-provider-r2"
	sarifSchema        = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifFingerprint   = "r2CorsReview/v1"
	ruleDrift          = "drift"
	ruleUnapproved     = "unapproved"
	securitySeverityID = "security-severity"
)

// securitySeverity is GitHub's score for each severity: it ranks alerts as
// high (7 to 8.9), medium (4 to 6.9) and low (0.1 to 3.9).
var securitySeverity = map[cors.Severity]string{cors.High: "8.0", cors.Medium: "5.0", cors.Low: "2.0"}

func level(s cors.Severity) string {
	switch s {
	case cors.High:
		return sarif.LevelError
	case cors.Medium:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// SARIF is the report as a SARIF 2.1.0 log for GitHub code scanning: a rule
// per finding code (from cors.Catalogue and cors.FindingsDoc) and for drift
// and unapproved buckets; a result per finding and per drift or unapproved
// bucket, at the bucket's baseline file, with stable partialFingerprints
// (the file may not exist yet); accepted findings carry an external
// suppression with the reason. At most MaxSARIFResults results, the most
// severe first.
func (r *Report) SARIF() (string, error) {
	run := sarif.NewRunWithInformationURI(sarifTool, sarifInfoURI)
	if r.ToolVersion != "" {
		run.Tool.Driver.WithVersion(r.ToolVersion)
	}
	for _, c := range cors.Catalogue {
		help := codeHelp(c.Code)
		addRule(run, c.Code, c.Summary, firstParagraph(help), help, c.Severity, level(c.Severity))
	}
	addRule(run, ruleDrift, "The bucket's live CORS policy differs from its approved baseline.",
		"The live policy answers some preflight differently from the baseline file (cors_diff), so a change was made outside review.",
		"The live policy differs from the approved baseline. If the change was meant, approve it: save the bucket's `baselines` entry "+
			"of `cors_review` as its baseline file. If not, restore the policy from the baseline.", cors.Medium, sarif.LevelError)
	addRule(run, ruleUnapproved, "The bucket has a CORS policy and no approved baseline.",
		"No baseline file exists for a bucket that has a CORS policy, so nobody has approved it.",
		"Review the bucket's policy, then save the bucket's `baselines` entry of `cors_review` as its baseline file to approve it.",
		cors.Medium, sarif.LevelError)

	type entry struct {
		res      *sarif.Result
		rank     int
		accepted bool
	}
	var entries []entry
	seen := map[string]int{}
	result := func(ruleID, lvl, key, identity, text string) *sarif.Result {
		n := seen[key+"\x00"+identity]
		seen[key+"\x00"+identity] = n + 1
		sum := sha256.Sum256([]byte(key + "\x00" + identity + "\x00" + strconv.Itoa(n)))
		loc := sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(r.BaselinePath(key))).
			WithRegion(sarif.NewSimpleRegion(1, 1)))
		return sarif.NewRuleResult(ruleID).WithRuleIndex(run.GetRuleIndex(ruleID)).WithLevel(lvl).
			WithMessage(sarif.NewTextMessage(key + ": " + text)).
			AddLocation(loc).
			WithPartialFingerprints(map[string]string{sarifFingerprint: hex.EncodeToString(sum[:16])})
	}
	for _, p := range r.problems() {
		if f := p.finding; f != nil {
			entries = append(entries, entry{res: result(f.Code, level(f.Severity), f.Bucket, f.Code+"\x00"+ruleIdentity(f.RuleIndex, f.RuleID), f.Message), rank: p.rank})
			continue
		}
		d := p.drift
		if d.Kind == KindUnapproved {
			entries = append(entries, entry{res: result(ruleUnapproved, sarif.LevelError, d.Bucket, ruleUnapproved, d.Message), rank: p.rank})
			continue
		}
		entries = append(entries, entry{res: result(ruleDrift, sarif.LevelError, d.Bucket,
			ruleDrift+"\x00"+d.Kind+"\x00"+d.Field+"\x00"+ruleIdentity(d.RuleIndex, d.RuleID), d.Message), rank: p.rank})
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !f.Accepted {
			continue
		}
		res := result(f.Code, level(f.Severity), f.Bucket, f.Code+"\x00"+ruleIdentity(f.RuleIndex, f.RuleID), f.Message)
		res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").WithJustification(f.Reason))
		entries = append(entries, entry{res: res, rank: findingRank(f.Severity), accepted: true})
	}
	// The most severe first across buckets, so that a cut keeps them;
	// accepted findings last. Stable: within a rank, the text's order.
	sort.SliceStable(entries, func(a, b int) bool {
		if entries[a].accepted != entries[b].accepted {
			return !entries[a].accepted
		}
		return entries[a].rank < entries[b].rank
	})
	omitted := 0
	if len(entries) > MaxSARIFResults {
		omitted = len(entries) - MaxSARIFResults
		entries = entries[:MaxSARIFResults]
	}
	for _, e := range entries {
		run.AddResult(e.res)
	}
	props := sarif.NewPropertyBag()
	props.Add("omittedResults", omitted)
	props.Add("passed", r.Passed)
	run.WithProperties(props)

	log := sarif.NewReport()
	log.Schema = sarifSchema
	log.AddRun(run)
	var b strings.Builder
	if err := log.PrettyWrite(&b); err != nil {
		return "", err
	}
	return b.String(), nil
}

func addRule(run *sarif.Run, id, short, full, help string, sev cors.Severity, lvl string) {
	props := sarif.NewPropertyBag()
	props.Add(securitySeverityID, securitySeverity[sev])
	props.AddTag("security")
	props.AddTag("cors")
	run.AddRule(id).
		WithName(ruleName(id)).
		WithDescription(plainText(short)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(plainText(full))).
		WithHelp(sarif.NewMultiformatMessageString().WithText(plainText(help)).WithMarkdown(help)).
		WithHelpURI(sarifInfoURI + "/blob/main/docs/functions/cors_findings.md").
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(lvl)).
		WithProperties(props)
}

// ruleName is a rule's name as SARIF suggests: any-origin-write is
// AnyOriginWrite.
func ruleName(id string) string {
	switch id {
	case ruleDrift:
		return "PolicyDrift"
	case ruleUnapproved:
		return "UnapprovedPolicy"
	}
	parts := strings.Split(id, "-")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, "")
}

// ruleIdentity names a rule for a fingerprint: its id when it has one, so
// that a fingerprint survives rules moving; its index otherwise.
func ruleIdentity(index int, id *string) string {
	if id != nil && *id != "" {
		return "id:" + *id
	}
	return "index:" + strconv.Itoa(index)
}

var codeHeading = regexp.MustCompile("(?m)^### `([a-z-]+)`\n")

// codeHelp is the section of cors.FindingsDoc about code: why it matters,
// an example and the fix.
func codeHelp(code string) string { return helpSections()[code] }

// helpSections cuts cors.FindingsDoc into its codes' sections, once: every
// SARIF log needs them all.
var helpSections = sync.OnceValue(func() map[string]string {
	doc := cors.FindingsDoc
	locs := codeHeading.FindAllStringSubmatchIndex(doc, -1)
	sections := make(map[string]string, len(locs))
	for i, l := range locs {
		end := len(doc)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if next := strings.Index(doc[l[1]:end], "\n## "); next >= 0 {
			end = l[1] + next
		}
		code := doc[l[2]:l[3]]
		if _, seen := sections[code]; !seen { // a code's first section
			sections[code] = strings.TrimSpace(doc[l[1]:end])
		}
	}
	return sections
})

func firstParagraph(s string) string {
	p, _, _ := strings.Cut(s, "\n\n")
	return p
}

var markup = strings.NewReplacer("**", "", "`", "")

// plainText drops Markdown's emphasis and code marks and joins lines.
func plainText(s string) string {
	return strings.Join(strings.Fields(markup.Replace(s)), " ")
}
