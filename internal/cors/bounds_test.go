package cors_test

import (
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/cors/corstest"
)

// The largest policies are within the bounds, one past them is refused with
// an error that says why, and a policy within them is always reviewed.
func TestPolicyBounds(t *testing.T) {
	for _, p := range corstest.Largest() {
		if err := cors.CheckPolicySize(p.Rules); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if n := cors.PolicySize(p.Rules); n < cors.MaxPolicyBytes*8/10 && p.Name != "100 rules x 10 wildcard origins" {
			t.Errorf("%s: %d bytes, not near the bound", p.Name, n)
		}
	}
	err := cors.CheckPolicySize(corstest.PastBounds())
	if err == nil || !strings.Contains(err.Error(), "at most 65536") {
		t.Errorf("CheckPolicySize(past the bounds) = %v", err)
	}
	many := make([]cors.Rule, cors.MaxRules+1)
	if err := cors.CheckPolicySize(many); err == nil || !strings.Contains(err.Error(), "101 rules") {
		t.Errorf("CheckPolicySize(101 rules) = %v", err)
	}
}

// The review functions on the largest policies: each well under a second
// (make bench records them).
func BenchmarkLargest(b *testing.B) {
	for _, p := range corstest.Largest() {
		approved := append([]cors.Rule{}, p.Rules...)
		approved[len(approved)-1] = cors.Rule{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://a.example.com"}}}
		b.Run("findings/"+p.Name, func(b *testing.B) {
			for b.Loop() {
				cors.Findings(p.Rules)
			}
		})
		restated := corstest.Restated(p.Rules)
		b.Run("diff-equal/"+p.Name, func(b *testing.B) {
			for b.Loop() {
				cors.Compare(p.Rules, restated)
			}
		})
		b.Run("diff-changed/"+p.Name, func(b *testing.B) {
			for b.Loop() {
				cors.Compare(p.Rules, approved)
			}
		})
	}
	b.Run("refuse past the bounds", func(b *testing.B) {
		rules := corstest.PastBounds()
		for b.Loop() {
			_ = cors.CheckPolicySize(rules)
		}
	})
}
