package bench_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The benchmark is a Go module of its own (go.mod here), so that its chart
// libraries stay out of the provider's module. Those libraries could require
// a newer version of a module the provider uses too, and Go would then build
// the provider here with it: the in-process benchmarks (read_bench_test.go)
// and the profiled provider would measure a provider that users never get.
// (The plans build the r2 provider in its own module, so they cannot drift.)
// This test fails when any module linked both here and in the provider's
// module has two versions; the fix is to run go mod tidy in both, or to pin
// the older version here.
func TestSharedModulesHaveTheProvidersVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list on both modules")
	}
	provider := linkedModules(t, "../..")
	bench := linkedModules(t, ".")
	shared := 0
	for path, v := range bench {
		pv, ok := provider[path]
		if !ok {
			continue
		}
		shared++
		if v != pv {
			t.Errorf("%s: %s here, %s in the provider's module", path, v, pv)
		}
	}
	if shared == 0 {
		t.Fatal("no module in common: go list gave nothing to compare")
	}
}

// linkedModules runs go list in dir and returns the version of each module
// that provides a package to the module's packages or their tests, except the
// provider's own (the main module in one, replaced by a directory in the other).
func linkedModules(t *testing.T, dir string) map[string]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-test", "-f", "{{with .Module}}{{.Path}} {{.Version}}{{end}}", "./...")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list in %s: %v\n%s", dir, err, msg)
	}
	mods := map[string]string{}
	for line := range strings.Lines(string(out)) {
		path, version, _ := strings.Cut(strings.TrimSpace(line), " ")
		if path == "" || path == "github.com/r2tf/terraform-provider-r2" || strings.HasPrefix(path, "github.com/r2tf/terraform-provider-r2/") {
			continue
		}
		mods[path] = version
	}
	return mods
}
