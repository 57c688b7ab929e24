package provider_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// TestDriftReviewExample runs examples/drift-review, as a user would, against
// the demo's fake account: the review warns with bucket, rule and fix and the
// plan exits 0; with enforce = true the same problems fail the plan (exit 1).
// It also keeps the example within the 40 lines of HCL it promises.
func TestDriftReviewExample(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "drift-review")
	if n := hclLines(t, filepath.Join(dir, "main.tf")); n >= 40 {
		t.Errorf("examples/drift-review/main.tf has %d lines of HCL without variables and comments, want fewer than 40", n)
	}

	cli := acctest.BuiltProvider(t)
	skipBelowFunctions(t, cli.Path)
	s := fakeapi.Start()
	defer s.Close()
	seed, err := os.Open(filepath.Join("..", "..", "examples", "demo", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = seed.Close() }()
	if err := s.LoadSeed(seed); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	plan := func(args ...string) (string, int) {
		cmd := cli.Command(work, []string{"CLOUDFLARE_BASE_URL=" + s.URL(), "CLOUDFLARE_API_TOKEN=demo-token"},
			append([]string{"plan", "-no-color", "-input=false", "-var", "account_id=" + fakeapi.ExampleAccountID}, args...)...)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return string(out), 0
		case errors.As(err, &exit):
			return string(out), exit.ExitCode()
		}
		t.Fatalf("plan: %v", err)
		return "", -1
	}

	out, code := plan()
	if code != 0 {
		t.Fatalf("plan exited %d, want 0 (checks only warn)\n%s", code, tail([]byte(out)))
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Warning: Check block assertion failed",
		`default/public-uploads: [high any-origin-write] Rule 0 ("Anyone may upload") lets any origin PUT and POST`,
		`default/legacy-cdn: [low max-age-over-browser-cap] Rule 0 ("CDN reads")`,
		`default/public-uploads: [drift] Rule 0 ("Anyone may upload"): allowed.origins gained "*" and lost "https://app.example.com"`,
		`default/legacy-cdn: [drift] Rule 0 ("CDN reads") is not in the approved policy`,
		`"default/example-bucket" = "as approved"`,
		`"eu/eu-assets" = "as approved"`,
		`"default/public-uploads" = "DRIFTED"`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the review lacks %q\n%s", want, tail([]byte(out)))
		}
	}

	out, code = plan("-var", "enforce=true")
	if code != 1 || !strings.Contains(out, "The CORS review failed (enforce = true):") {
		t.Errorf("plan with enforce = true exited %d, want 1 with the review as the error\n%s", code, tail([]byte(out)))
	}
}

// skipBelowFunctions skips the test when the CLI cannot call provider
// functions (Terraform before 1.8), as acctest.FunctionsSupported does for
// tests that run through the testing framework.
func skipBelowFunctions(t *testing.T, tf string) {
	t.Helper()
	if !acctest.CLICallsFunctions(t, tf) {
		t.Skip("this Terraform cannot call provider functions (1.8 and later can)")
	}
}

// hclLines counts a file's lines that are neither blank, nor comments, nor
// inside a variable block.
func hclLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	n, inVariable := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "variable "):
			inVariable = true
		case inVariable && sc.Text() == "}":
			inVariable = false
		case inVariable, line == "", strings.HasPrefix(line, "#"):
		default:
			n++
		}
	}
	return n
}
