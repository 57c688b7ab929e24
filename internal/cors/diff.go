package cors

import (
	_ "embed" // DiffDoc
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// DiffDoc says, in Markdown, how Compare pairs rules, compares fields and
// decides Equal; the cors_diff docs embed it. Change it with the code.
var DiffDoc = strings.TrimSpace(diffMarkdown)

//go:embed diff.md
var diffMarkdown string

// Change kinds.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
	ChangeMoved   = "moved"
)

// Change is one difference between a live policy and the approved one.
type Change struct {
	// Kind is ChangeAdded (a live rule the approved policy lacks),
	// ChangeRemoved, ChangeChanged (one field of a paired rule) or
	// ChangeMoved (a paired rule in another place among the others).
	Kind string
	// LiveIndex and ApprovedIndex are the rule's 0-based index on each
	// side; -1 on the side that lacks it.
	LiveIndex, ApprovedIndex int
	// RuleID is the rule's id (the live one when both exist); nil if none.
	RuleID *string
	// Field is the changed field (allowed.methods, allowed.origins,
	// allowed.headers, expose_headers, max_age_seconds, id); "" unless Kind
	// is ChangeChanged.
	Field string
	// Added and Removed are the values the live field has and the approved
	// one has not, and the other way round.
	Added, Removed []string
	// Message says it in a sentence.
	Message string
}

// Diff is the answer of Compare.
type Diff struct {
	// Equal reports whether both policies answer every preflight the same
	// way (see Equivalent); Changes may still list textual differences then.
	Equal bool
	// Decided is false when the policies combine too many patterns to
	// decide within equivalenceBudget: Equal then says whether they are
	// identical.
	Decided bool
	Changes []Change
}

// Compare lists how live differs from approved, rule by rule: rules pair by
// id when every rule on both sides has one (each id once per side), by
// position otherwise; within a pair, origins and methods compare as sets,
// headers and expose headers as sets of names in any case, and max ages by
// value. With id pairing, rules whose order among the paired rules changed
// are reported as moved (the fewest moves that explain the new order).
func Compare(live, approved []Rule) Diff {
	equal, decided := equivalent(live, approved)
	d := Diff{Equal: equal, Decided: decided}
	pairs, byID := pairRules(live, approved)
	paired := map[int]bool{}
	for _, p := range pairs {
		paired[p[0]] = true
	}
	inApproved := map[int]bool{}
	for _, p := range pairs {
		inApproved[p[1]] = true
	}
	moved := map[int]bool{}
	if byID {
		moved = movedPairs(pairs)
	}
	type item struct {
		order int
		c     Change
	}
	var items []item
	for _, p := range pairs {
		l, a := &live[p[0]], &approved[p[1]]
		if moved[p[0]] {
			items = append(items, item{p[0], Change{Kind: ChangeMoved, LiveIndex: p[0], ApprovedIndex: p[1], RuleID: l.ID,
				Message: fmt.Sprintf("%s moved: it was rule %d in the approved policy, and as the first matching rule wins, the order decides which rule answers.", ruleLabel(p[0], l.ID), p[1])}})
		}
		for _, c := range fieldChanges(l, a, !byID) {
			c.LiveIndex, c.ApprovedIndex, c.RuleID = p[0], p[1], l.ID
			if c.RuleID == nil {
				c.RuleID = a.ID
			}
			c.Message = ruleLabel(p[0], c.RuleID) + ": " + c.Message
			items = append(items, item{p[0], c})
		}
	}
	for i := range live {
		if !paired[i] {
			items = append(items, item{i, Change{Kind: ChangeAdded, LiveIndex: i, ApprovedIndex: -1, RuleID: live[i].ID,
				Message: fmt.Sprintf("%s is not in the approved policy: it %s.", ruleLabel(i, live[i].ID), describe(&live[i]))}})
		}
	}
	for j := range approved {
		if !inApproved[j] {
			items = append(items, item{len(live) + j, Change{Kind: ChangeRemoved, LiveIndex: -1, ApprovedIndex: j, RuleID: approved[j].ID,
				Message: fmt.Sprintf("Approved %s is missing from the live policy: it %s.", ruleRef(j, approved[j].ID), describe(&approved[j]))}})
		}
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].order < items[b].order })
	for _, it := range items {
		d.Changes = append(d.Changes, it.c)
	}
	// The sets above can all agree while the answers differ: the order of
	// entries inside a rule decides some answers (the first matching origin
	// entry sets Access-Control-Allow-Origin: "*" or the request's origin).
	// A policy that is not equal always says why, so a review never reads
	// "not equal" with nothing to act on.
	if !decided && !d.Equal {
		d.Changes = append(d.Changes, Change{Kind: ChangeChanged, LiveIndex: -1, ApprovedIndex: -1,
			Message: "The policies are not identical, and they combine too many origin and header patterns to check " +
				"every request within this provider's bound, so they are reported as different (never equal by guess); " +
				"compare them rule by rule, or split them into fewer patterns."})
	}
	if !d.Equal && len(d.Changes) == 0 {
		d.Changes = append(d.Changes, Change{Kind: ChangeChanged, LiveIndex: -1, ApprovedIndex: -1,
			Message: "The live policy answers some preflight differently from the approved one although no rule " +
				"gained or lost a value: the order of entries within a rule changed which one answers (for example " +
				"whether a \"*\" origin entry or a named one comes first); compare the rules entry by entry, in order."})
	}
	return d
}

// pairRules pairs live and approved rule indexes.
func pairRules(live, approved []Rule) (pairs [][2]int, byID bool) {
	ids := func(rules []Rule) map[string]int {
		m := map[string]int{}
		for i, r := range rules {
			if r.ID == nil {
				return nil
			}
			if _, dup := m[*r.ID]; dup {
				return nil
			}
			m[*r.ID] = i
		}
		return m
	}
	liveIDs, approvedIDs := ids(live), ids(approved)
	if liveIDs != nil && approvedIDs != nil && len(live) > 0 && len(approved) > 0 {
		for i, r := range live {
			if j, ok := approvedIDs[*r.ID]; ok {
				pairs = append(pairs, [2]int{i, j})
			}
		}
		return pairs, true
	}
	for i := 0; i < len(live) && i < len(approved); i++ {
		pairs = append(pairs, [2]int{i, i})
	}
	return pairs, false
}

// movedPairs returns the live indexes of the pairs outside a longest run
// whose approved indexes increase: the fewest rules whose move explains the
// new order. pairs are in live order.
func movedPairs(pairs [][2]int) map[int]bool {
	n := len(pairs)
	length, prev := make([]int, n), make([]int, n)
	best := -1
	for i := range pairs {
		length[i], prev[i] = 1, -1
		for j := 0; j < i; j++ {
			if pairs[j][1] < pairs[i][1] && length[j]+1 > length[i] {
				length[i], prev[i] = length[j]+1, j
			}
		}
		if best < 0 || length[i] > length[best] {
			best = i
		}
	}
	keep := map[int]bool{}
	for i := best; i >= 0; i = prev[i] {
		keep[i] = true
	}
	moved := map[int]bool{}
	for i, p := range pairs {
		if !keep[i] {
			moved[p[0]] = true
		}
	}
	return moved
}

// fieldChanges compares two paired rules field by field; messages lack the
// rule's label, which Compare adds.
func fieldChanges(l, a *Rule, withID bool) []Change {
	var out []Change
	set := func(field string, lv, av []string, fold bool) {
		added, removed := setDiff(lv, av, fold), setDiff(av, lv, fold)
		if len(added)+len(removed) == 0 {
			return
		}
		var parts []string
		if len(added) > 0 {
			parts = append(parts, "gained "+quoteList(added))
		}
		if len(removed) > 0 {
			parts = append(parts, "lost "+quoteList(removed))
		}
		out = append(out, Change{Kind: ChangeChanged, Field: field, Added: added, Removed: removed,
			Message: field + " " + strings.Join(parts, " and ") + " compared with the approved policy."})
	}
	lm, lo, lh := allowedLists(l)
	am, ao, ah := allowedLists(a)
	set("allowed.origins", lo, ao, false)
	set("allowed.methods", lm, am, false)
	set("allowed.headers", lh, ah, true)
	set("expose_headers", l.ExposeHeaders, a.ExposeHeaders, true)
	if !sameNumber(l.MaxAgeSeconds, a.MaxAgeSeconds) {
		c := Change{Kind: ChangeChanged, Field: "max_age_seconds",
			Message: fmt.Sprintf("max_age_seconds %s; the approved policy %s.", numberText(l.MaxAgeSeconds, "is"), numberText(a.MaxAgeSeconds, "has"))}
		if l.MaxAgeSeconds != nil {
			c.Added = []string{string(*l.MaxAgeSeconds)}
		}
		if a.MaxAgeSeconds != nil {
			c.Removed = []string{string(*a.MaxAgeSeconds)}
		}
		out = append(out, c)
	}
	if withID && !sameString(l.ID, a.ID) {
		c := Change{Kind: ChangeChanged, Field: "id",
			Message: fmt.Sprintf("id %s; the approved policy %s (the id changes no preflight answer).", stringText(l.ID, "is"), stringText(a.ID, "has"))}
		if l.ID != nil {
			c.Added = []string{*l.ID}
		}
		if a.ID != nil {
			c.Removed = []string{*a.ID}
		}
		out = append(out, c)
	}
	return out
}

func allowedLists(r *Rule) (methods, origins, headers []string) {
	if r.Allowed == nil {
		return nil, nil, nil
	}
	return r.Allowed.Methods, r.Allowed.Origins, r.Allowed.Headers
}

// describe says what a rule allows, for added and removed rules.
func describe(r *Rule) string {
	m, o, _ := allowedLists(r)
	if len(m) == 0 || len(o) == 0 {
		return "allows nothing"
	}
	return fmt.Sprintf("allows %s from %s", andList(m), quoteList(o))
}

// setDiff returns the distinct values of a that b lacks, in a's order.
func setDiff(a, b []string, fold bool) []string {
	key := func(s string) string {
		if fold {
			return lowerString(s)
		}
		return s
	}
	in := map[string]bool{}
	for _, s := range b {
		in[key(s)] = true
	}
	out := []string{}
	for _, s := range a {
		if k := key(s); !in[k] {
			in[k] = true
			out = append(out, s)
		}
	}
	return out
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return andList(q)
}

// numberText says what a max age is, after verb ("is 600", "has 600"), or
// that it is not set.
func numberText(n *json.Number, verb string) string {
	if n == nil {
		if verb == "is" {
			return "is not set (no Access-Control-Max-Age is sent)"
		}
		return "does not set it"
	}
	return verb + " " + string(*n)
}

// sameNumber compares two max ages by value; null equals only null.
func sameNumber(a, b *json.Number) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	x, errX := ParseNumber(string(*a))
	y, errY := ParseNumber(string(*b))
	if errX != nil || errY != nil {
		return *a == *b
	}
	return x.Cmp(y) == 0
}

// stringText is numberText for an id.
func stringText(s *string, verb string) string {
	if s == nil {
		if verb == "is" {
			return "is not set"
		}
		return "has none"
	}
	return fmt.Sprintf("%s %q", verb, *s)
}

func sameString(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// SameRule reports whether two rules are the same as R2 applies them:
// methods and origins as sets, headers and expose headers as sets of names
// in any case, max ages by value, ids ignored; null and empty lists alike.
func SameRule(a, b Rule) bool {
	am, ao, ah := allowedLists(&a)
	bm, bo, bh := allowedLists(&b)
	return sameSet(ao, bo, false) && sameSet(am, bm, false) && sameSet(ah, bh, true) &&
		sameSet(a.ExposeHeaders, b.ExposeHeaders, true) && sameNumber(a.MaxAgeSeconds, b.MaxAgeSeconds)
}
