package review

import (
	"encoding/json"
	"strings"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// baselineRule is a rule in the approved format: the data sources'
// snake_case names, a field the API left out left out, an empty list kept.
type baselineRule struct {
	ID            *string          `json:"id,omitempty"`
	Allowed       *baselineAllowed `json:"allowed"`
	ExposeHeaders *[]string        `json:"expose_headers,omitempty"`
	MaxAgeSeconds *json.Number     `json:"max_age_seconds,omitempty"`
}

type baselineAllowed struct {
	Methods *[]string `json:"methods"`
	Origins *[]string `json:"origins"`
	Headers *[]string `json:"headers,omitempty"`
}

// FormatBaseline writes rules as a baseline file: pretty JSON that
// ParseBaseline reads back to the same rules.
func FormatBaseline(rules []cors.Rule) (string, error) {
	out := make([]baselineRule, len(rules))
	for i, r := range rules {
		br := baselineRule{ID: r.ID, ExposeHeaders: list(r.ExposeHeaders), MaxAgeSeconds: r.MaxAgeSeconds}
		if a := r.Allowed; a != nil {
			br.Allowed = &baselineAllowed{Methods: list(a.Methods), Origins: list(a.Origins), Headers: list(a.Headers)}
		}
		out[i] = br
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return "", err
	}
	return b.String(), nil
}

// list keeps nil (left out) apart from empty.
func list(ss []string) *[]string {
	if ss == nil {
		return nil
	}
	return &ss
}

// Baselines maps the key of every bucket with a policy to its live rules
// as a baseline file: saving each as its BaselinePath approves the live
// state.
func (r *Report) Baselines() (map[string]string, error) {
	out := map[string]string{}
	for _, key := range r.keys {
		rules := r.rules[key]
		if len(rules) == 0 {
			continue
		}
		text, err := FormatBaseline(rules)
		if err != nil {
			return nil, err
		}
		out[key] = text
	}
	return out, nil
}
