package r2api

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
)

// Unknown members of an answer are ignored, except those that look like a
// renamed known one: a proxy, a new API version or a bug that renamed
// "rules" to "corsRules" would otherwise read as a bucket without a policy,
// and "max_age_seconds" as a rule without a max age, and every review over
// them would pass. Names are compared folded (fold).
//
//   - In result, a member other than "rules" whose folded name ends with
//     "rule" or contains "cors" ("Rules", "corsRules", "cors_rules",
//     "CORSRule", "cors"), whether or not "rules" is there too.
//   - In a rule, a member other than the schema's whose folded name is that
//     of a member of the rule ("Allowed", "expose_headers", "MaxAgeSeconds",
//     "ID") or of S3's names for those of allowed ("AllowedOrigins").
//   - In allowed, a member other than the schema's whose folded name is that
//     of one of its members ("Methods", "origin").

// ErrRenamedMember is in the error chain of an answer refused for a member
// that looks like a renamed one: a refusal the schema alone would not make.
var ErrRenamedMember = errors.New("a member looks like a renamed one")

var separators = strings.NewReplacer("_", "", "-", "")

// squash is a name in lower case without "_" and "-".
func squash(name string) string { return strings.ToLower(separators.Replace(name)) }

// fold is a member name as a reader takes it: squashed and without a plural
// "s", so "max_age_seconds", "MaxAgeSeconds" and "maxAgeSecond" are one name.
func fold(name string) string { return strings.TrimSuffix(squash(name), "s") }

// lookalike returns the member that name looks like a renamed form of, or "".
type lookalike func(name string) string

func resultLookalike(name string) string {
	if name != "rules" && looksLikeRules(name) {
		return "rules"
	}
	return ""
}

// looksLikeRules says whether a member's name, folded, ends with "rule" or
// holds "cors": a renamed list of rules (Rules, corsRules, cors).
func looksLikeRules(name string) bool {
	return strings.HasSuffix(fold(name), "rule") || strings.Contains(squash(name), "cors")
}

// foldedNames maps the folded names of a schema's members to their wire names.
func foldedNames(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[fold(strings.ReplaceAll(n, ".", ""))] = n
	}
	return m
}

var (
	ruleMembers    = []string{"id", "allowed", "exposeHeaders", "maxAgeSeconds"}
	ruleFolded     = foldedNames(append(ruleMembers, "allowed.methods", "allowed.origins", "allowed.headers")...)
	allowedMembers = []string{"methods", "origins", "headers"}
	allowedFolded  = foldedNames(allowedMembers...)
)

func ruleLookalike(name string) string {
	if slices.Contains(ruleMembers, name) {
		return ""
	}
	return ruleFolded[fold(name)]
}

func allowedLookalike(name string) string {
	if known, ok := allowedFolded[fold(name)]; ok && !slices.Contains(allowedMembers, name) {
		return "allowed." + known
	}
	return ""
}

// checkRenamed refuses the first member of o, in name order, that looks like
// a renamed one. prefix is the object's path ("allowed."), where its place
// in messages ("of result").
func checkRenamed(o jsonexact.Object, prefix, where string, like lookalike) error {
	names := make([]string, 0, len(o))
	for name := range o {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if known := like(name); known != "" {
			if where != "" {
				where = " " + where
			}
			return fmt.Errorf("member %q%s looks like a renamed %q; the provider will not guess which holds the policy%w",
				printable(prefix+name), where, known, errSilently(ErrRenamedMember))
		}
	}
	return nil
}

// silentError wraps an error for errors.Is without adding to the message.
type silentError struct{ err error }

func (e silentError) Error() string { return "" }
func (e silentError) Unwrap() error { return e.err }

func errSilently(err error) error { return silentError{err} }
