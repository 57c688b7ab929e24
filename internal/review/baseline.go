package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// MaxBaselineBytes bounds a baseline's JSON text: far above any policy a
// bucket can hold (cors.MaxPolicyBytes as XML, pretty-printed JSON is of the
// same order), so that a wrong file (a log, a state file) is refused before
// it is read.
const MaxBaselineBytes = 1 << 20

// maxDepth bounds nesting: a policy is four levels deep.
const maxDepth = 8

// ParseBaseline reads a baseline file's text (the approved rules as JSON, in
// the data sources' snake_case shape, optional members left out) as
// file() returns it. An error names the line, and the member's path:
// "line 3: [0] has the member \"maxAgeSeconds\": write \"max_age_seconds\"".
// The shape is the one corsstate.RulesFromValue reads from Terraform values:
// a list of rules; a rule has allowed (required, may be null) and optionally
// id, expose_headers and max_age_seconds; allowed has methods and origins
// (required, may be null) and optionally headers.
func ParseBaseline(text string) ([]cors.Rule, error) {
	if len(text) > MaxBaselineBytes {
		return nil, fmt.Errorf("the baseline has %d bytes, more than the %d any policy a bucket can hold takes as JSON", len(text), MaxBaselineBytes)
	}
	p := &parser{text: text, dec: json.NewDecoder(strings.NewReader(text))}
	p.dec.UseNumber()
	root, err := p.value(0)
	if err == nil {
		if _, terr := p.dec.Token(); !errors.Is(terr, io.EOF) {
			err = p.errorAt(p.dec.InputOffset(), "unexpected text after the list of rules")
		}
	}
	if err != nil {
		return nil, err
	}
	return rulesFrom(p, root)
}

// node is one JSON value and where it ends (the line it is on).
type node struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	off   int64
	str   string
	num   json.Number
	keys  []string // object members, in order
	vals  []*node
	elems []*node
}

type parser struct {
	text string
	dec  *json.Decoder
}

func (p *parser) line(off int64) int {
	if off > int64(len(p.text)) {
		off = int64(len(p.text))
	}
	return 1 + bytes.Count([]byte(p.text[:off]), []byte("\n"))
}

func (p *parser) errorAt(off int64, format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.line(off), fmt.Sprintf(format, args...))
}

// token reads one token; a syntax error names its line.
func (p *parser) token() (json.Token, int64, error) {
	t, err := p.dec.Token()
	off := p.dec.InputOffset()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, se.Offset, p.errorAt(max(se.Offset-1, 0), "%v", err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, off, p.errorAt(int64(len(p.text)), "the JSON ends too early (empty file, or a bracket not closed)")
	case err != nil:
		return nil, off, p.errorAt(off, "%v", err)
	}
	return t, max(off-1, 0), nil
}

func (p *parser) value(depth int) (*node, error) {
	t, off, err := p.token()
	if err != nil {
		return nil, err
	}
	if depth > maxDepth {
		return nil, p.errorAt(off, "nested too deeply for a list of rules")
	}
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &node{kind: 'o', off: off}
			for p.dec.More() {
				kt, koff, err := p.token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string) // Object keys are strings.
				for _, seen := range n.keys {
					if seen == k {
						return nil, p.errorAt(koff, "the member %q appears twice in one object", k)
					}
				}
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.keys, n.vals = append(n.keys, k), append(n.vals, val)
			}
			_, _, err := p.token() // '}'
			return n, err
		case '[':
			n := &node{kind: 'a', off: off}
			for p.dec.More() {
				e, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, e)
			}
			_, _, err := p.token() // ']'
			return n, err
		}
	case string:
		return &node{kind: 's', off: off, str: v}, nil
	case json.Number:
		return &node{kind: 'n', off: off, num: v}, nil
	case bool:
		return &node{kind: 'b', off: off}, nil
	case nil:
		return &node{kind: 'z', off: off}, nil
	}
	return nil, p.errorAt(off, "unexpected %v", t)
}

// The members of a rule and of its allowed object, as corsstate reads them
// from Terraform values.
var (
	ruleMembers    = members{required: []string{"allowed"}, optional: []string{"id", "expose_headers", "max_age_seconds"}, noun: "rule"}
	allowedMembers = members{required: []string{"methods", "origins"}, optional: []string{"headers"}, noun: "rule's allowed object"}
)

// camelNames are the API's names, which a baseline copied from the API's
// JSON would use.
var camelNames = map[string]string{"exposeHeaders": "expose_headers", "maxAgeSeconds": "max_age_seconds"}

type members struct {
	required, optional []string
	noun               string
}

func (m members) list() string {
	all := append(append([]string{}, m.required...), m.optional...)
	sort.Strings(all)
	return `"` + strings.Join(all, `", "`) + `"`
}

func rulesFrom(p *parser, n *node) ([]cors.Rule, error) {
	if n.kind != 'a' {
		return nil, p.errorAt(n.off, "the baseline is %s: want a list of rules, [] for none", kindNoun(n))
	}
	rules := make([]cors.Rule, len(n.elems))
	for i, e := range n.elems {
		r, err := ruleFrom(p, e, fmt.Sprintf("[%d]", i))
		if err != nil {
			return nil, err
		}
		rules[i] = r
	}
	return rules, nil
}

func ruleFrom(p *parser, n *node, path string) (cors.Rule, error) {
	m, err := object(p, n, path, ruleMembers)
	if err != nil {
		return cors.Rule{}, err
	}
	if m == nil {
		return cors.Rule{}, p.errorAt(n.off, "%s is null: a rule must be an object", path)
	}
	var r cors.Rule
	if r.ID, err = stringFrom(p, m["id"], path+".id"); err != nil {
		return r, err
	}
	if a := m["allowed"]; a != nil {
		am, err := object(p, a, path+".allowed", allowedMembers)
		if err != nil {
			return r, err
		}
		if am != nil {
			r.Allowed = &cors.Allowed{}
			if r.Allowed.Methods, err = stringsFrom(p, am["methods"], path+".allowed.methods"); err != nil {
				return r, err
			}
			if r.Allowed.Origins, err = stringsFrom(p, am["origins"], path+".allowed.origins"); err != nil {
				return r, err
			}
			if r.Allowed.Headers, err = stringsFrom(p, am["headers"], path+".allowed.headers"); err != nil {
				return r, err
			}
		}
	}
	if r.ExposeHeaders, err = stringsFrom(p, m["expose_headers"], path+".expose_headers"); err != nil {
		return r, err
	}
	if x := m["max_age_seconds"]; x != nil && x.kind != 'z' {
		if x.kind != 'n' {
			return r, p.errorAt(x.off, "%s.max_age_seconds is %s: want a number", path, kindNoun(x))
		}
		if err := cors.ValidateMaxAge(x.num); err != nil {
			return r, p.errorAt(x.off, "%s.max_age_seconds: %v", path, err)
		}
		num := x.num
		r.MaxAgeSeconds = &num
	}
	return r, nil
}

// object checks an object's member names; nil for null.
func object(p *parser, n *node, path string, spec members) (map[string]*node, error) {
	switch n.kind {
	case 'z':
		return nil, nil
	case 'o':
	default:
		return nil, p.errorAt(n.off, "%s is %s: want an object", path, kindNoun(n))
	}
	m := make(map[string]*node, len(n.keys))
	for i, k := range n.keys {
		if !slices.Contains(spec.required, k) && !slices.Contains(spec.optional, k) {
			if snake, ok := camelNames[k]; ok {
				return nil, p.errorAt(n.vals[i].off, "%s has the member %q: write %q (the API's camelCase names are snake_case here)", path, k, snake)
			}
			return nil, p.errorAt(n.vals[i].off, "%s has the unexpected member %q: a %s has only %s", path, k, spec.noun, spec.list())
		}
		m[k] = n.vals[i]
	}
	for _, k := range spec.required {
		if _, ok := m[k]; !ok {
			return nil, p.errorAt(n.off, "%s.%s is required", path, k)
		}
	}
	return m, nil
}

func stringFrom(p *parser, n *node, path string) (*string, error) {
	if n == nil || n.kind == 'z' {
		return nil, nil
	}
	if n.kind != 's' {
		return nil, p.errorAt(n.off, "%s is %s: want a string", path, kindNoun(n))
	}
	s := n.str
	return &s, nil
}

func stringsFrom(p *parser, n *node, path string) ([]string, error) {
	if n == nil || n.kind == 'z' {
		return nil, nil
	}
	if n.kind != 'a' {
		return nil, p.errorAt(n.off, "%s is %s: want a list of strings", path, kindNoun(n))
	}
	out := make([]string, len(n.elems))
	for i, e := range n.elems {
		ep := fmt.Sprintf("%s[%d]", path, i)
		switch e.kind {
		case 's':
			out[i] = e.str
		case 'z':
			return nil, p.errorAt(e.off, "%s is null: a list of strings cannot hold null", ep)
		default:
			return nil, p.errorAt(e.off, "%s is %s: want a string", ep, kindNoun(e))
		}
	}
	return out, nil
}

func kindNoun(n *node) string {
	return map[byte]string{'o': "an object", 'a': "a list", 's': "a string", 'n': "a number", 'b': "a bool", 'z': "null"}[n.kind]
}
