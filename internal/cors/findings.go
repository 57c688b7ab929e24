package cors

import (
	_ "embed" // FindingsDoc
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
)

// FindingsDoc is the catalogue's documentation in Markdown: how the findings
// are decided, and for each code why it matters, an example and the fix.
// The function docs embed it; TestFindingsDocCoversCatalogue keeps it and
// Catalogue in step.
var FindingsDoc = strings.TrimSpace(findingsMarkdown)

//go:embed findings.md
var findingsMarkdown string

// Severity ranks a finding: high lets an arbitrary site act on the bucket,
// medium widens access beyond what a reviewer likely meant, low is hygiene
// (dead rules, development leftovers, caching).
type Severity string

// The severities, from worst.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Finding is one problem in a policy.
type Finding struct {
	Code     string
	Severity Severity
	// RuleIndex is the 0-based index of the rule at fault, or -1 for a
	// finding about the whole policy.
	RuleIndex int
	// RuleID is that rule's id; nil when it has none.
	RuleID *string
	// Message says what is wrong, in which rule, and what to do.
	Message string
}

// Check is one entry of the catalogue.
type Check struct {
	Code     string
	Severity Severity
	// Summary is one line: what the code reports.
	Summary string
}

// The codes, stable: configurations match on them.
const (
	CodeAnyOriginWrite       = "any-origin-write"
	CodeAllMethods           = "all-methods"
	CodeSharedHostingOrigin  = "shared-hosting-origin"
	CodeNullOrigin           = "null-origin"
	CodeInsecureOrigin       = "insecure-origin"
	CodeInternalOrigin       = "internal-origin"
	CodeAnyHeaderWrite       = "any-header-write"
	CodeMaxAgeOverMaximum    = "max-age-over-maximum"
	CodeAnyOrigin            = "any-origin"
	CodeAnyHeader            = "any-header"
	CodeLoopbackOrigin       = "loopback-origin"
	CodeMaxAgeOverBrowserCap = "max-age-over-browser-cap"
	CodeShadowedRule         = "shadowed-rule"
	CodeDuplicateRule        = "duplicate-rule"
	CodeDuplicateID          = "duplicate-id"
	CodeOriginNeverMatches   = "origin-never-matches"
	CodeHeaderNeverMatches   = "header-never-matches"
	CodeInvalidMethod        = "invalid-method"
	CodeEmptyMethods         = "empty-methods"
	CodeEmptyOrigins         = "empty-origins"
)

// Catalogue lists every code, in the order findings of one rule are
// reported.
var Catalogue = []Check{
	{CodeAnyOriginWrite, High, "An arbitrary origin may PUT, POST or DELETE (decided by evaluating the policy)."},
	{CodeAllMethods, Medium, "The rule allows all five methods."},
	{CodeSharedHostingOrigin, Medium, "An origin wildcard on shared hosting, where anyone can get a subdomain (`https://*.workers.dev`; the Public Suffix List's private section)."},
	{CodeNullOrigin, Medium, "The `null` origin, which any page can send from a sandboxed iframe."},
	{CodeInsecureOrigin, Medium, "An origin that admits plain `http://` (spelt out, or a scheme that is a wildcard or missing), other than loopback."},
	{CodeInternalOrigin, Medium, "An origin wildcard over names no registry hands out (`https://*.internal`): any host on your network. Medium with a write method, low without."},
	{CodeAnyHeaderWrite, Medium, "`*` request headers together with a write method."},
	{CodeMaxAgeOverMaximum, Medium, "`max_age_seconds` above 86400, the documented maximum."},
	{CodeAnyOrigin, Low, "An arbitrary origin may read (GET or HEAD) (decided by evaluating the policy)."},
	{CodeAnyHeader, Low, "`*` request headers (no write method)."},
	{CodeLoopbackOrigin, Low, "A loopback origin (`localhost`, `127.0.0.1`, `[::1]`): a development leftover."},
	{CodeMaxAgeOverBrowserCap, Low, "`max_age_seconds` above 7200, which Chromium caps."},
	{CodeShadowedRule, Low, "The rule never applies: an earlier rule matches every request it would."},
	{CodeDuplicateRule, Low, "The rule repeats an earlier rule (so it never applies)."},
	{CodeDuplicateID, Low, "The rule's id is used by an earlier rule."},
	{CodeOriginNeverMatches, Low, "An origin entry R2 rejects or no browser's origin matches."},
	{CodeHeaderNeverMatches, Low, "A header entry no request header matches."},
	{CodeInvalidMethod, Low, "A method R2 does not know (methods are uppercase GET, PUT, POST, DELETE, HEAD)."},
	{CodeEmptyMethods, Low, "The rule allows no method, so it never matches."},
	{CodeEmptyOrigins, Low, "The rule allows no origin, so it never matches."},
}

// WriteMethods are the methods that change a bucket.
var WriteMethods = []string{"PUT", "POST", "DELETE"}

// Max ages the findings compare with: Chromium caps a preflight cache at two
// hours; Cloudflare documents 86400 as the maximum.
var (
	browserCapSeconds = big.NewFloat(7200)
	maximumSeconds    = big.NewFloat(86400)
)

// fixedProbes are origins no policy should trust whatever its entries: the
// opaque origin `null`, which any page can send from a sandboxed iframe.
// The others come from the entries (strangerOrigin).
var fixedProbes = []string{"null"}

// Findings reviews a policy and returns what is wrong with it, in rule
// order; none means nothing to report. See FindingsDoc. It never panics.
func Findings(rules []Rule) []Finding {
	var out []Finding
	open := strangerOrigins(rules)
	access := attackerAccess(rules, open)
	ids := map[string]int{}
	for i := range rules {
		r := &rules[i]
		f := ruleFindings{index: i, rule: r, open: open}
		f.access(access[i])
		f.methods()
		f.origins()
		f.headers()
		f.maxAge()
		f.shadowed(rules[:i])
		if r.ID != nil {
			if j, ok := ids[*r.ID]; ok {
				f.add(CodeDuplicateID, "uses the same id as rule %d; give each rule its own id so that reviews and diffs can tell them apart.", j)
			} else {
				ids[*r.ID] = i
			}
		}
		f.emptiness()
		out = append(out, f.sorted()...)
	}
	return out
}

// ruleFindings collects one rule's findings.
type ruleFindings struct {
	index int
	rule  *Rule
	// open maps each wildcard origin entry to an origin a stranger could
	// serve that it matches ("" when none).
	open  map[string]string
	found []Finding
}

// add records a finding whose message is the rule's label followed by
// format.
func (f *ruleFindings) add(code, format string, args ...any) {
	f.addSeverity(code, severityOf(code), format, args...)
}

// addSeverity is add for a code whose severity depends on the rule.
func (f *ruleFindings) addSeverity(code string, severity Severity, format string, args ...any) {
	f.found = append(f.found, Finding{
		Code:      code,
		Severity:  severity,
		RuleIndex: f.index,
		RuleID:    f.rule.ID,
		Message:   ruleLabel(f.index, f.rule.ID) + " " + fmt.Sprintf(format, args...),
	})
}

// sorted returns the findings in catalogue order (a code repeats once per
// entry at fault).
func (f *ruleFindings) sorted() []Finding {
	sort.SliceStable(f.found, func(a, b int) bool { return codeRank(f.found[a].Code) < codeRank(f.found[b].Code) })
	return f.found
}

// ruleLabel names a rule in messages: Rule 1 ("uploads"), or Rule 1.
func ruleLabel(i int, id *string) string {
	if id != nil && *id != "" {
		return fmt.Sprintf("Rule %d (%q)", i, *id)
	}
	return fmt.Sprintf("Rule %d", i)
}

// ruleRef is ruleLabel inside a sentence: rule 1 ("uploads").
func ruleRef(i int, id *string) string {
	return "r" + ruleLabel(i, id)[1:]
}

func severityOf(code string) Severity {
	for _, c := range Catalogue {
		if c.Code == code {
			return c.Severity
		}
	}
	return Low
}

func codeRank(code string) int {
	for i, c := range Catalogue {
		if c.Code == code {
			return i
		}
	}
	return len(Catalogue)
}

// reach is what attacker probes may do through one rule: the methods, and
// for each an example origin and the entry that let it in.
type reach struct {
	methods []string
	origin  string
	entry   string
}

// attackerAccess evaluates the policy, as R2 would, for every origin an
// attacker could send (fixedProbes, and for each wildcard entry an origin a
// stranger could serve that it matches, from strangerOrigin) and every
// method, and attributes each allowed preflight to the rule that answers it.
// A request without headers is what an attacker sends; it is allowed by
// the first rule whose origins and methods match, so the cost is one pass
// over the entries per probe, and probes are at most one per entry.
func attackerAccess(rules []Rule, open map[string]string) map[int]*reach {
	var probes []string
	seen := map[string]bool{}
	for _, r := range rules {
		if r.Allowed == nil {
			continue
		}
		for _, o := range r.Allowed.Origins {
			if p := open[o]; p != "" && !seen[p] {
				seen[p] = true
				probes = append(probes, p)
			}
		}
	}
	// The fixed probes last: an example of a site reads better than null.
	probes = append(probes, fixedProbes...)
	out := map[int]*reach{}
	matching := make([]bool, len(rules))
	for _, p := range probes {
		for i := range rules {
			_, matching[i] = false, false
			if rules[i].Allowed != nil {
				_, matching[i] = matchOrigin(rules[i].Allowed.Origins, p)
			}
		}
		for _, m := range Methods {
			for i := range rules {
				if !matching[i] || !slices.Contains(rules[i].Allowed.Methods, m) {
					continue
				}
				a := out[i]
				if a == nil {
					entry, _ := firstMatching(rules[i].Allowed.Origins, p)
					a = &reach{origin: p, entry: entry}
					out[i] = a
				}
				if !slices.Contains(a.methods, m) {
					a.methods = append(a.methods, m)
				}
				break
			}
		}
	}
	return out
}

// strangerOrigins asks strangerOrigin once per distinct origin entry.
func strangerOrigins(rules []Rule) map[string]string {
	open := map[string]string{}
	for _, r := range rules {
		if r.Allowed == nil {
			continue
		}
		for _, o := range r.Allowed.Origins {
			if _, done := open[o]; !done {
				open[o], _ = strangerOrigin(o)
			}
		}
	}
	return open
}

func firstMatching(patterns []string, origin string) (string, bool) {
	for _, p := range patterns {
		if wildcardMatch(p, origin, false) {
			return p, true
		}
	}
	return "", false
}

func (f *ruleFindings) access(a *reach) {
	if a == nil {
		return
	}
	var writes []string
	for _, m := range a.methods {
		if slices.Contains(WriteMethods, m) {
			writes = append(writes, m)
		}
	}
	var how string
	switch {
	case a.origin == "null":
		how = fmt.Sprintf("origin entry %q matches the origin null, which any page can send from a sandboxed iframe", a.entry)
	case isAddress(a.origin):
		how = fmt.Sprintf("origin entry %q matches %s, an address anyone could rent from a cloud and serve a page at", a.entry, a.origin)
	default:
		how = fmt.Sprintf("origin entry %q matches %s, a site anyone could register and run", a.entry, a.origin)
	}
	if len(writes) > 0 {
		f.add(CodeAnyOriginWrite, "lets any origin %s: %s. List only the sites that must write in allowed.origins, or remove %s from allowed.methods.",
			andList(writes), how, andList(writes))
		return
	}
	f.add(CodeAnyOrigin, "lets any origin read (%s): %s. If the bucket is not meant to be read by every site's scripts, list the sites in allowed.origins.",
		andList(a.methods), how)
}

func (f *ruleFindings) methods() {
	a := f.rule.Allowed
	if a == nil {
		return
	}
	all := true
	for _, m := range Methods {
		all = all && slices.Contains(a.Methods, m)
	}
	if all {
		f.add(CodeAllMethods, "allows all five methods (GET, PUT, POST, DELETE, HEAD); list only the methods the sites need, e.g. GET and HEAD for reads.")
	}
	for _, m := range a.Methods {
		if err := ValidateMethod(m); err != nil {
			f.add(CodeInvalidMethod, "has the method entry %q, which never matches (%v).", m, err)
		}
	}
}

func (f *ruleFindings) origins() {
	a := f.rule.Allowed
	if a == nil {
		return
	}
	for _, o := range a.Origins {
		if o == "*" {
			continue
		}
		if o == "null" {
			f.add(CodeNullOrigin, "allows the origin \"null\", which sandboxed iframes, data: URLs and local files send, so any page can claim it; remove it and list real origins.")
			continue
		}
		if reason := originNeverMatches(o); reason != "" {
			f.add(CodeOriginNeverMatches, "has the origin entry %q, which %s.", o, reason)
			continue
		}
		scheme, host := originHost(o)
		if domain, ok := sharedWildcard(host); ok {
			f.add(CodeSharedHostingOrigin, "allows %q: anyone can get a subdomain of %s and run a page there. List your own hosts (https://app.%s) or put the wildcard under a name of your own (https://*.myapp.%s).",
				o, domain, domain, domain)
		}
		open := f.open[o] != ""
		switch {
		case isLoopback(host):
			f.add(CodeLoopbackOrigin, "allows the loopback origin %q, usually a development leftover: any program on a visitor's machine can serve it. Remove it from production buckets.", o)
		case scheme == "http":
			f.add(CodeInsecureOrigin, "allows %q over plain http, which anyone on the network path can impersonate; use https://%s.", o, strings.TrimPrefix(o, "http://"))
		case !open:
			if example, ok := plainHTTPOrigin(o); ok {
				f.add(CodeInsecureOrigin, "allows %q, which also matches plain http origins such as %s, which anyone on the network path can impersonate; write the scheme: %s.", o, example, httpsEntry(o))
			}
		}
		if example, ok := internalOrigin(o); ok && !open {
			severity := Low
			if len(writeMethods(a.Methods)) > 0 {
				severity = Medium
			}
			f.addSeverity(CodeInternalOrigin, severity, "allows %q, which matches %s: a name no public registry hands out, so any host on your network (or a visitor's) can serve it. List the internal sites by name.", o, example)
		}
	}
}

func (f *ruleFindings) headers() {
	a := f.rule.Allowed
	if a == nil {
		return
	}
	writes := writeMethods(a.Methods)
	for _, h := range a.Headers {
		switch {
		case h == "*" && len(writes) > 0:
			f.add(CodeAnyHeaderWrite, "allows any request header (\"*\") with %s, so scripts can send any header on writes; list the headers uploads need, e.g. content-type.", andList(writes))
		case h == "*":
			f.add(CodeAnyHeader, "allows any request header (\"*\"); list the headers the sites send, e.g. range.")
		case strings.Count(h, "*") > 1:
			f.add(CodeHeaderNeverMatches, "has the header entry %q with more than one `*`, which matches nothing; use one wildcard, e.g. x-amz-*.", h)
		default:
			if err := ValidateHeader(h); err != nil {
				f.add(CodeHeaderNeverMatches, "has the header entry %q, which no request header matches (%v); list one name per entry.", h, err)
			}
		}
	}
}

func writeMethods(methods []string) []string {
	var out []string
	for _, m := range methods {
		if slices.Contains(WriteMethods, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func (f *ruleFindings) maxAge() {
	if f.rule.MaxAgeSeconds == nil {
		return
	}
	n, err := ParseNumber(string(*f.rule.MaxAgeSeconds))
	if err != nil {
		return
	}
	switch {
	case n.Cmp(maximumSeconds) > 0:
		f.add(CodeMaxAgeOverMaximum, "sets max_age_seconds to %s, above the documented maximum of 86400 (browsers cap it lower still); use 7200 or less.", *f.rule.MaxAgeSeconds)
	case n.Cmp(browserCapSeconds) > 0:
		f.add(CodeMaxAgeOverBrowserCap, "sets max_age_seconds to %s, but Chromium caches a preflight for at most 7200 seconds; use 7200 or less so that the policy says what browsers do.", *f.rule.MaxAgeSeconds)
	}
}

// shadowed reports a rule that an earlier one repeats or covers.
func (f *ruleFindings) shadowed(earlier []Rule) {
	if !canMatch(f.rule) {
		return
	}
	for i := range earlier {
		e := &earlier[i]
		switch {
		case SameRule(*e, *f.rule):
			f.add(CodeDuplicateRule, "repeats %s, which comes first, so it never applies; remove it.", ruleRef(i, e.ID))
			return
		case covers(e, f.rule):
			f.add(CodeShadowedRule, "never applies: %s comes first and matches every request it would (the first matching rule wins). Remove it, or move it above that rule if its headers or max age were meant to apply.",
				ruleRef(i, e.ID))
			return
		}
	}
}

func (f *ruleFindings) emptiness() {
	a := f.rule.Allowed
	if a == nil || len(a.Methods) == 0 {
		f.add(CodeEmptyMethods, "allows no method, so it never matches; list the methods it is for, or remove the rule.")
	}
	if a == nil || len(a.Origins) == 0 {
		f.add(CodeEmptyOrigins, "allows no origin, so it never matches; list the origins it is for, or remove the rule.")
	}
}

// canMatch reports whether some request could match the rule.
func canMatch(r *Rule) bool {
	if r.Allowed == nil || len(r.Allowed.Methods) == 0 {
		return false
	}
	for _, o := range r.Allowed.Origins {
		if strings.Count(o, "*") <= 1 {
			return true
		}
	}
	return false
}

// covers reports whether rule a matches every request rule b matches: b's
// methods are a's, and each of b's origin and header entries matches only
// what some entry of a matches.
func covers(a, b *Rule) bool {
	if a.Allowed == nil || b.Allowed == nil {
		return false
	}
	for _, m := range b.Allowed.Methods {
		if !slices.Contains(a.Allowed.Methods, m) {
			return false
		}
	}
	return entriesCovered(b.Allowed.Origins, a.Allowed.Origins, false) &&
		entriesCovered(b.Allowed.Headers, a.Allowed.Headers, true)
}

func entriesCovered(inner, outer []string, fold bool) bool {
	for _, p := range inner {
		if strings.Count(p, "*") > 1 {
			continue // Matches nothing.
		}
		ok := false
		for _, q := range outer {
			if patternWithin(p, q, fold) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// patternWithin reports whether every string pattern p matches is matched by
// q (each with at most one `*`).
func patternWithin(p, q string, fold bool) bool {
	if fold {
		p, q = lowerString(p), lowerString(q)
	}
	qb, qa, qstar := strings.Cut(q, "*")
	if qstar && strings.Contains(qa, "*") {
		return false
	}
	pb, pa, pstar := strings.Cut(p, "*")
	switch {
	case !pstar:
		return wildcardMatch(q, p, false)
	case !qstar:
		return false
	}
	return strings.HasPrefix(pb, qb) && strings.HasSuffix(pa, qa)
}

func lowerString(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lowerASCII(b[i])
	}
	return string(b)
}

// andList joins items as "A", "A and B" or "A, B and C".
func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
