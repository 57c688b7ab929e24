package bench

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/cors/corstest"
)

// TargetFunctionTime bounds one review function call on any policy a bucket
// can hold (cors.MaxRules, cors.MaxPolicyBytes): "well under a second".
const TargetFunctionTime = 500 * time.Millisecond

// FunctionResult is one function on one policy: the time per call (the
// median of testing.Benchmark's runs) and whether cors_diff could decide.
type FunctionResult struct {
	Function, Policy string
	Bytes            int
	PerCall          time.Duration
	Note             string
}

// MeasureFunctions times cors_findings, cors_diff (a policy against itself
// written otherwise, and with its last rule changed) and cors_evaluate on the
// largest policies (corstest.Largest), and the refusal of one past the
// bounds, in this process: the functions are thin wrappers over these.
func MeasureFunctions(runs int) []FunctionResult {
	var out []FunctionResult
	measure := func(function, policy string, bytes int, note string, f func()) {
		var times []time.Duration
		for range max(runs, 1) {
			r := testing.Benchmark(func(b *testing.B) {
				for b.Loop() {
					f()
				}
			})
			times = append(times, time.Duration(r.NsPerOp()))
		}
		out = append(out, FunctionResult{Function: function, Policy: policy, Bytes: bytes, PerCall: Median(times), Note: note})
	}
	for _, p := range corstest.Largest() {
		size := cors.PolicySize(p.Rules)
		changed := append([]cors.Rule{}, p.Rules...)
		changed[len(changed)-1] = cors.Rule{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://a.example.com"}}}
		measure("cors_findings", p.Name, size, fmt.Sprintf("%d findings", len(cors.Findings(p.Rules))), func() { cors.Findings(p.Rules) })
		restated := corstest.Restated(p.Rules)
		measure("cors_diff, equal", p.Name, size, decidedNote(cors.Compare(p.Rules, restated)), func() { cors.Compare(p.Rules, restated) })
		measure("cors_diff, one rule changed", p.Name, size, decidedNote(cors.Compare(p.Rules, changed)), func() { cors.Compare(p.Rules, changed) })
		measure("cors_evaluate", p.Name, size, "", func() {
			cors.Evaluate(p.Rules, cors.Request{Origin: "https://a.example.com", Method: "PUT", Headers: []string{"x-1-1-a"}})
		})
	}
	past := corstest.PastBounds()
	measure("refuse past the bounds", "1 MiB of wildcard origins", cors.PolicySize(past), "refused: "+errText(cors.CheckPolicySize(past)),
		func() { _ = cors.CheckPolicySize(past) })
	return out
}

func decidedNote(d cors.Diff) string {
	if !d.Decided {
		return fmt.Sprintf("past the step budget: equal = %v (identical or not), %d changes", d.Equal, len(d.Changes))
	}
	return fmt.Sprintf("decided: equal = %v, %d changes", d.Equal, len(d.Changes))
}

func errText(err error) string {
	if err == nil {
		return "no"
	}
	return "yes"
}

// WriteFunctions writes the functions' table.
func (r Result) WriteFunctions(w io.Writer) {
	fmt.Fprintln(w, "| Function | Policy | Size (XML, at least) | Per call | Note |")
	fmt.Fprintln(w, "|---|---|---:|---:|---|")
	for _, f := range r.Functions {
		fmt.Fprintf(w, "| %s | %s | %d B | %s | %s |\n", f.Function, f.Policy, f.Bytes, durFine(f.PerCall), f.Note)
	}
}

// durFine formats the short durations of a function call.
func durFine(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return Dur(d)
}

// functionTarget is the target row: the slowest call on a legal policy.
func (r Result) functionTarget() Target {
	t := Target{Name: fmt.Sprintf("Each review function on the largest legal policy < %s", Dur(TargetFunctionTime)), Measured: "–"}
	var worst FunctionResult
	for _, f := range r.Functions {
		if f.Function != "refuse past the bounds" && f.PerCall >= worst.PerCall {
			worst = f
		}
	}
	if worst.Function != "" {
		t.Known = true
		t.Measured = fmt.Sprintf("slowest %s (%s, %s)", durFine(worst.PerCall), worst.Function, worst.Policy)
		t.Pass = worst.PerCall < TargetFunctionTime
	}
	return t
}
