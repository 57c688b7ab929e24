package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAPIFloor(t *testing.T) {
	for _, tc := range []struct {
		n, p int
		want time.Duration
	}{
		{1, 10, 20 * time.Millisecond},
		{10, 10, 20 * time.Millisecond},
		{11, 10, 40 * time.Millisecond},
		{1000, 10, 2 * time.Second},
	} {
		if got := APIFloor(tc.n, tc.p, 20*time.Millisecond); got != tc.want {
			t.Errorf("APIFloor(%d, %d) = %s, want %s", tc.n, tc.p, got, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	if got := Median([]time.Duration{5, 1, 3}); got != 3 {
		t.Errorf("odd: %d", got)
	}
	if got := Median([]time.Duration{4, 1, 3, 2}); got != 2 {
		t.Errorf("even: %d", got)
	}
	if got := Median(nil); got != 0 {
		t.Errorf("none: %d", got)
	}
}

func TestPhases(t *testing.T) {
	start := time.Unix(0, 0)
	ms := func(n int) time.Time { return start.Add(time.Duration(n) * time.Millisecond) }
	var s Sample
	// Two requests at once, then one: answers at 120, 120 and 150 ms.
	s.phases(start, ms(200), []time.Time{ms(150), ms(120), ms(120)}, 20*time.Millisecond)
	if s.Startup != 100*time.Millisecond || s.Reads != 50*time.Millisecond || s.Tail != 50*time.Millisecond {
		t.Errorf("phases = %s %s %s", s.Startup, s.Reads, s.Tail)
	}
	if s.MaxInFlight != 2 {
		t.Errorf("MaxInFlight = %d, want 2", s.MaxInFlight)
	}
}

func TestUpdateMarkdownKeepsHandWrittenText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	doc := "# Benchmarks\n\nintro\n\n" + Template[len("# Benchmarks\n\n"):] + "\n## Notes\n\nkept\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	r := Result{Label: "before", Date: time.Unix(0, 0), Latency: 20 * time.Millisecond, Parallelism: 10, Runs: 1,
		Sizes: []SizeResult{{N: 1, R2: []Sample{{Wall: time.Second, Requests: 1, Conns: 1}}, Trivial: []Sample{{Wall: time.Second}}}}}
	for range 2 {
		if err := r.UpdateMarkdown(path, "plan.png", Template); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"intro", "## Notes\n\nkept", "| 1 | 1000 ms |", "![Plan wall time"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "## Latest run"); n != 1 {
		t.Errorf("%d results blocks, want 1", n)
	}
	if n := strings.Count(got, "| before |"); n != 2 {
		t.Errorf("%d history rows, want 2:\n%s", n, got)
	}
	if n := strings.Count(got, "| Date | Label |"); n != 1 {
		t.Errorf("%d history headers, want 1", n)
	}
}
