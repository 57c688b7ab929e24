package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

// R2's naming rules, as Cloudflare documents them (testdata/API.md). The
// fake keeps its own copy rather than import the client's: it stands for
// the API, not for the code under test.
var (
	seedAccountID  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	seedBucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)
)

// checkSeedShape walks the seed as plain JSON before it is decoded, so that
// every mistake is refused with its path: a member the seed does not know
// (snake_case in a rule, camelCase in the seed's own members), a value of
// the wrong type, and a name R2 would refuse. A rule served as something
// other than what its author meant is the failure this prevents.
func checkSeedShape(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("reading seed: %w", err)
	}
	top, err := object(v, "", "tokens", "global_keys", "accounts")
	if err != nil {
		return err
	}
	for i, t := range list(top["tokens"]) {
		if _, err := object(t, fmt.Sprintf("tokens[%d]", i), "token", "accounts"); err != nil {
			return err
		}
	}
	for i, k := range list(top["global_keys"]) {
		if _, err := object(k, fmt.Sprintf("global_keys[%d]", i), "email", "key", "accounts"); err != nil {
			return err
		}
	}
	accounts, _ := top["accounts"].(map[string]any)
	for _, id := range sortedKeys(accounts) {
		at := fmt.Sprintf("accounts[%q]", id)
		if !seedAccountID.MatchString(id) {
			return seedError(at, "not a Cloudflare account ID (32 lowercase hexadecimal characters)")
		}
		acc, err := object(accounts[id], at, "buckets", "not_entitled_jurisdictions")
		if err != nil {
			return err
		}
		for i, j := range list(acc["not_entitled_jurisdictions"]) {
			if s, _ := j.(string); !jurisdictions.Valid(s) {
				return seedError(fmt.Sprintf("%s.not_entitled_jurisdictions[%d]", at, i),
					fmt.Sprintf("unknown jurisdiction %s; one of %s", jsonText(j), jurisdictions.List()))
			}
		}
		seen := map[string]bool{}
		for i, b := range list(acc["buckets"]) {
			if err := checkSeedBucket(b, fmt.Sprintf("%s.buckets[%d]", at, i), seen); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkSeedBucket(v any, at string, seen map[string]bool) error {
	b, err := object(v, at, "name", "jurisdiction", "location", "storage_class", "creation_date", "cors_rules", "cors_result")
	if err != nil {
		return err
	}
	name, _ := b["name"].(string)
	if name == "" {
		return seedError(at+".name", "a bucket needs a name")
	}
	if !seedBucketName.MatchString(name) {
		return seedError(at+".name", fmt.Sprintf("%q is not a name R2 accepts: 3 to 64 lowercase letters, digits and hyphens, "+
			"starting and ending with a letter or digit", name))
	}
	j, _ := b["jurisdiction"].(string)
	if b["jurisdiction"] != nil && !jurisdictions.Valid(j) {
		return seedError(at+".jurisdiction", fmt.Sprintf("unknown jurisdiction %s; one of %s", jsonText(b["jurisdiction"]), jurisdictions.List()))
	}
	j = jurisdictions.OrDefault(j)
	if seen[j+"/"+name] {
		return seedError(at+".name", fmt.Sprintf("bucket %q is already in jurisdiction %s", name, j))
	}
	seen[j+"/"+name] = true
	// cors_result is served as written: the way to seed an answer that
	// breaks the schema on purpose.
	rules, ok := b["cors_rules"]
	if !ok || rules == nil {
		return nil
	}
	if _, ok := rules.([]any); !ok {
		return seedError(at+".cors_rules", "want a list of rules")
	}
	for i, r := range list(rules) {
		if err := checkSeedRule(r, fmt.Sprintf("%s.cors_rules[%d]", at, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkSeedRule checks one rule as the API writes it: camelCase members,
// null allowed wherever the API may leave a field out.
func checkSeedRule(v any, at string) error {
	r, err := object(v, at, "id", "allowed", "exposeHeaders", "maxAgeSeconds")
	if err != nil {
		return err
	}
	if id, ok := r["id"]; ok && id != nil {
		if _, ok := id.(string); !ok {
			return seedError(at+".id", "want a string")
		}
	}
	allowed, err := object(r["allowed"], at+".allowed", "methods", "origins", "headers")
	if err != nil {
		return err
	}
	for _, m := range []string{"methods", "origins", "headers"} {
		if err := stringList(allowed, m, at+".allowed."+m); err != nil {
			return err
		}
	}
	if err := stringList(r, "exposeHeaders", at+".exposeHeaders"); err != nil {
		return err
	}
	if age, ok := r["maxAgeSeconds"]; ok && age != nil {
		if _, ok := age.(json.Number); !ok {
			return seedError(at+".maxAgeSeconds", "want a number, got "+jsonText(age))
		}
	}
	return nil
}

// object returns v as an object whose members are all known, or an error
// at path that names the stranger and, when it is a known member in the
// other case style, the member meant.
func object(v any, path string, known ...string) (map[string]any, error) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, seedError(path, "want an object, got "+jsonText(v))
	}
	for _, k := range sortedKeys(o) {
		if slices.Contains(known, k) {
			continue
		}
		switch m := otherCase(k); {
		case slices.Contains(known, m) && m == snake(m):
			return nil, seedError(path, fmt.Sprintf("unknown member %q: the seed's own members are snake_case: %q", k, m))
		case slices.Contains(known, m):
			return nil, seedError(path, fmt.Sprintf("unknown member %q: rules are written as the API sends them, in camelCase: %q", k, m))
		}
		return nil, seedError(path, fmt.Sprintf("unknown member %q; known: %s", k, strings.Join(known, ", ")))
	}
	return o, nil
}

// stringList checks that o's member m, if present and not null, is a list
// of strings.
func stringList(o map[string]any, m, path string) error {
	v, ok := o[m]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		return seedError(path, "want a list of strings, got "+jsonText(v))
	}
	for i, e := range l {
		if _, ok := e.(string); !ok {
			return seedError(fmt.Sprintf("%s[%d]", path, i), "want a string, got "+jsonText(e))
		}
	}
	return nil
}

func seedError(path, msg string) error {
	if path == "" {
		return fmt.Errorf("seed: %s", msg)
	}
	return fmt.Errorf("seed: %s: %s", path, msg)
}

// list returns v's elements when it is a list (the typed decode reports
// any other type).
func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// otherCase turns snake_case into camelCase and camelCase into snake_case.
func otherCase(s string) string {
	if strings.Contains(s, "_") {
		parts := strings.Split(s, "_")
		for i := 1; i < len(parts); i++ {
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
		return strings.Join(parts, "")
	}
	return snake(s)
}

func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// jsonText shows a JSON value briefly, for "got ...".
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprint(v)
}
