package provider_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// exampleRoot is the repository, from this package's directory.
const exampleRoot = "../.."

// maxDriftReviewLines bounds examples/drift-review/main.tf's HCL without
// variables and comments: the terraform block, the sweep, the baselines (a
// local of their own, so that Terraform reads them while the sweep runs), one
// cors_review, one check (warn), one precondition (enforce) and the three
// outputs, two of them sensitive. Issue #19 asked for under 20; with these
// parts that is not reachable, the closing note has the count.
const maxDriftReviewLines = 38

// The demo account's report, first line.
const demoHeadline = "CORS review FAILED: 5 buckets (4 with a policy): 2 approved, 1 drifted, 1 unapproved; " +
	"unaccepted findings: 1 high, 1 medium, 2 low (fail_on = low); 0 accepted; skipped jurisdictions: fedramp"

// driftReview is examples/drift-review copied into a directory, run as a
// user would against the demo's fake account.
type driftReview struct {
	t    *testing.T
	cli  acctest.LocalCLI
	env  []string
	work string
}

func newDriftReview(t *testing.T) *driftReview {
	t.Helper()
	cli := acctest.BuiltProvider(t)
	skipBelowFunctions(t, cli.Path)
	s := fakeapi.Start()
	t.Cleanup(s.Close)
	seed, err := os.Open(filepath.Join(exampleRoot, "examples", "demo", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = seed.Close() }()
	if err := s.LoadSeed(seed); err != nil {
		t.Fatal(err)
	}
	d := &driftReview{t: t, cli: cli, work: t.TempDir(),
		env: []string{"CLOUDFLARE_BASE_URL=" + s.URL(), "CLOUDFLARE_API_TOKEN=demo-token", "TF_VAR_account_id=" + fakeapi.ExampleAccountID}}
	if err := os.CopyFS(d.work, os.DirFS(filepath.Join(exampleRoot, "examples", "drift-review"))); err != nil {
		t.Fatal(err)
	}
	if out, err := cli.Command(d.work, d.env, "init", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return d
}

// exit runs cmd and returns its output and exit code.
func (d *driftReview) exit(cmd *exec.Cmd) (string, int) {
	d.t.Helper()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	d.t.Fatalf("%s: %v", cmd.Args, err)
	return "", -1
}

func (d *driftReview) plan(args ...string) (string, int) {
	return d.exit(d.cli.Command(d.work, d.env, append([]string{"plan", "-no-color", "-input=false"}, args...)...))
}

// shell runs a script of the guide in the configuration's directory, with
// the built provider's terraform first on PATH, and env (a PATH in it goes
// before that).
func (d *driftReview) shell(script string, env ...string) (string, int) {
	d.t.Helper()
	bin := d.t.TempDir()
	if err := os.Symlink(d.cli.Path, filepath.Join(bin, "terraform")); err != nil {
		d.t.Fatal(err)
	}
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			d.t.Fatalf("the guide's commands need %s on PATH", tool)
		}
	}
	path := bin + string(os.PathListSeparator) + os.Getenv("PATH")
	var extra []string
	for _, e := range env {
		if dir, ok := strings.CutPrefix(e, "PATH="); ok {
			path = dir + string(os.PathListSeparator) + path // A PATH given goes first.
			continue
		}
		extra = append(extra, e)
	}
	cmd := d.cli.Command(d.work, append(append(d.env, "PATH="+path), extra...))
	cmd.Path, _ = exec.LookPath("bash")
	// No -e or pipefail of our own: the guide's scripts say what they need.
	cmd.Args = []string{"bash", "-c", script}
	return d.exit(cmd)
}

// TestDriftReviewExample runs examples/drift-review against the demo's
// fake account: the check warns with the report, once, and the plan exits
// 0; with enforce = true the same report fails the plan (exit 1), once.
func TestDriftReviewExample(t *testing.T) {
	if n := hclLines(t, filepath.Join(exampleRoot, "examples", "drift-review", "main.tf")); n > maxDriftReviewLines {
		t.Errorf("examples/drift-review/main.tf has %d lines of HCL without variables and comments, want at most %d", n, maxDriftReviewLines)
	}
	d := newDriftReview(t)

	out, code := d.plan()
	if code != 0 {
		t.Fatalf("plan exited %d, want 0 (the check only warns)\n%s", code, tail([]byte(out)))
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Warning: Check block assertion failed", demoHeadline, "report_json = (sensitive value)", "sarif = (sensitive value)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan lacks %q\n%s", want, tail([]byte(out)))
		}
	}
	for _, once := range []string{
		`- [high any-origin-write] Rule 0 ("Anyone may upload") lets any origin PUT and POST`,
		`- [drift] Rule 0 ("Anyone may upload"): allowed.origins gained "*" and lost "https://app.example.com"`,
		`- [unapproved] The bucket has a CORS policy (1 rule) and no baseline`,
		`- [low loopback-origin] Rule 0 ("Allow Local Development")`,
		"default/public-uploads (drifted):",
	} {
		if n := strings.Count(flat, once); n != 1 {
			t.Errorf("the plan shows %q %d times, want once\n%s", once, n, tail([]byte(out)))
		}
	}

	// The guide shows this warning as the plan prints it (line numbers
	// included; the guide wraps the report's lines).
	shown := guideBlock(t, "text", "Warning: Check block assertion failed\n\n  on main.tf")
	if !strings.Contains(flat, strings.Join(strings.Fields(shown), " ")) {
		t.Errorf("docs/guides/cors-review.md shows a warning the plan does not print:\n%s\nthe plan:\n%s", shown, tail([]byte(out)))
	}

	out, code = d.plan("-var", "enforce=true")
	flat = strings.Join(strings.Fields(out), " ")
	if code != 1 || !strings.Contains(out, "Error: Module output value precondition failed") || strings.Count(flat, demoHeadline) != 1 ||
		strings.Contains(out, "Check block assertion failed") {
		t.Errorf("plan with enforce = true exited %d, want 1 with the report once, as the error\n%s", code, tail([]byte(out)))
	}
}

// guideBlock returns the code block of docs/guides/cors-review.md whose
// fence is lang and whose first line is first.
func guideBlock(t *testing.T, lang, first string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(exampleRoot, "docs", "guides", "cors-review.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		if strings.HasPrefix(m[1], first) {
			return m[1]
		}
	}
	t.Fatalf("docs/guides/cors-review.md has no %s block starting %q", lang, first)
	return ""
}

// The guide's CI flow keeps the reports when the review fails: it plans in
// warn mode, extracts cors.sarif and report.json, then fails on passed. The
// SARIF it writes is the demo account's, which CI validates with
// Microsoft's SARIF Multitool (R2_SARIF_OUT, make sarif-validate).
func TestDriftReviewGuideCI(t *testing.T) {
	d := newDriftReview(t)
	out, code := d.shell(guideBlock(t, "bash", "# CI:"))
	if code != 1 || !strings.Contains(out, "The CORS review failed: see report.json and cors.sarif") {
		t.Fatalf("the CI flow exited %d, want 1 after writing the reports\n%s", code, out)
	}
	var report struct {
		Passed  bool
		Summary map[string]any
	}
	readJSON(t, filepath.Join(d.work, "report.json"), &report)
	if report.Passed || report.Summary["high"] != 1.0 || report.Summary["unapproved"] != 1.0 {
		t.Errorf("report.json: %+v", report)
	}
	var log struct {
		Version string
		Runs    []struct{ Results []json.RawMessage }
	}
	readJSON(t, filepath.Join(d.work, "cors.sarif"), &log)
	// 4 findings, 3 drift changes, 1 unapproved bucket.
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 8 {
		t.Errorf("cors.sarif: version %q, %d runs", log.Version, len(log.Runs))
	}
	// A plan that fails (nothing listens at the API) stops the flow: it is
	// not reported as a failed review, and no report is written.
	for _, f := range []string{"report.json", "cors.sarif"} {
		if err := os.Rename(filepath.Join(d.work, f), filepath.Join(d.work, f+".kept")); err != nil {
			t.Fatal(err)
		}
	}
	out, code = d.shell(guideBlock(t, "bash", "# CI:"), "CLOUDFLARE_BASE_URL="+acctest.ClosedLoopbackURL(t))
	if code == 0 || strings.Contains(out, "The CORS review failed") || exists(filepath.Join(d.work, "report.json")) ||
		exists(filepath.Join(d.work, "cors.sarif")) {
		t.Errorf("the CI flow with the API down exited %d, want a failure that is not the review's and no reports\n%s", code, out)
	}
	if path := os.Getenv("R2_SARIF_OUT"); path != "" {
		b, err := os.ReadFile(filepath.Join(d.work, "cors.sarif.kept"))
		if err == nil {
			err = os.WriteFile(path, b, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The guide's bootstrap writes approved/ from the live account: the next
// review has no drifted or unapproved bucket, and its upgrade loop moves the
// old layout.
func TestDriftReviewGuideBootstrapAndUpgrade(t *testing.T) {
	d := newDriftReview(t)
	bootstrap := guideBlock(t, "bash", "# Bootstrap approved/")
	drifted := filepath.Join(d.work, "approved", "default", "public-uploads.json")
	before, err := os.ReadFile(drifted)
	if err != nil {
		t.Fatal(err)
	}

	// Over the example's approved/, it keeps every file (the drifted one
	// too) and adds the unapproved bucket's.
	out, code := d.shell(bootstrap)
	if code != 0 || !strings.Contains(out, "kept approved/default/public-uploads.json") || !strings.Contains(out, "wrote approved/default/legacy-cdn.json") {
		t.Fatalf("bootstrap over approved/ exited %d\n%s", code, out)
	}
	if after, err := os.ReadFile(drifted); err != nil || string(after) != string(before) {
		t.Errorf("bootstrap rewrote the drifted bucket's baseline (%v):\n%s", err, after)
	}
	out, _ = d.plan()
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "3 approved, 1 drifted, 0 unapproved") {
		t.Errorf("after the bootstrap over approved/:\n%s", tail([]byte(out)))
	}

	// From nothing, with the API down: it fails and writes nothing.
	if err := os.RemoveAll(filepath.Join(d.work, "approved")); err != nil {
		t.Fatal(err)
	}
	if out, code := d.shell(bootstrap, "CLOUDFLARE_BASE_URL="+acctest.ClosedLoopbackURL(t)); code == 0 || exists(filepath.Join(d.work, "approved")) {
		t.Errorf("bootstrap with the API down exited %d, want a failure and no approved/\n%s", code, out)
	}

	// From nothing, with a jq that fails at the walk (jq before 1.6 has
	// none): it fails and leaves no file, empty or half-written, that a
	// rerun would keep.
	fakeJQ := t.TempDir()
	realJQ, err := exec.LookPath("jq")
	if err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\ncase \"$*\" in *walk*) echo 'jq: error: walk/1 is not defined' >&2; exit 3;; esac\nexec " + realJQ + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(fakeJQ, "jq"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, code := d.shell(bootstrap, "PATH="+fakeJQ); code == 0 || !strings.Contains(out, "walk/1 is not defined") {
		t.Errorf("bootstrap with a failing jq exited %d, want a failure\n%s", code, out)
	}
	if files, _ := filepath.Glob(filepath.Join(d.work, "approved", "*", "*")); len(files) > 0 {
		t.Errorf("bootstrap with a failing jq left %v", files)
	}

	// From nothing: every bucket with a policy gets its baseline.
	if out, code := d.shell(bootstrap); code != 0 {
		t.Fatalf("bootstrap exited %d\n%s", code, out)
	}
	for _, f := range []string{"default/example-bucket.json", "default/public-uploads.json", "default/legacy-cdn.json", "eu/eu-assets.json"} {
		if _, err := os.Stat(filepath.Join(d.work, "approved", f)); err != nil {
			t.Errorf("bootstrap did not write approved/%s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(d.work, "approved", "default", "no-cors-bucket.json")); err == nil {
		t.Error("bootstrap wrote a baseline for a bucket without a policy")
	}
	out, _ = d.plan()
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "4 approved, 0 drifted, 0 unapproved") {
		t.Errorf("after the bootstrap:\n%s", tail([]byte(out)))
	}

	// An EU bucket's file left in default/ by the move: the plan says where
	// it belongs, as the guide shows.
	if err := os.Rename(filepath.Join(d.work, "approved", "eu", "eu-assets.json"), filepath.Join(d.work, "approved", "default", "eu-assets.json")); err != nil {
		t.Fatal(err)
	}
	out, _ = d.plan()
	const note = "approved/default/eu-assets.json matches no bucket; eu/eu-assets has no baseline: if the file is that bucket's, move it to approved/eu/eu-assets.json"
	guide, err := os.ReadFile(filepath.Join(exampleRoot, "docs", "guides", "cors-review.md"))
	if err != nil {
		t.Fatal(err)
	}
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, note) || !strings.Contains(strings.Join(strings.Fields(string(guide)), " "), "`"+note+"`") {
		t.Errorf("the plan and the guide should both say %q; the plan:\n%s", note, tail([]byte(out)))
	}

	// The old layout, approved/<name>.json, moved by the guide's loop.
	old := filepath.Join(d.work, "old")
	if err := os.MkdirAll(filepath.Join(old, "approved"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.json", "b.json"} {
		if err := os.WriteFile(filepath.Join(old, "approved", name), []byte("[]"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	upgrade := guideBlock(t, "bash", "# Move approved/<name>.json")
	if out, code := d.shell("cd old\n" + upgrade); code != 0 {
		t.Fatalf("the upgrade loop exited %d\n%s", code, out)
	}
	for _, name := range []string{"a.json", "b.json"} {
		if _, err := os.Stat(filepath.Join(old, "approved", "default", name)); err != nil {
			t.Errorf("the upgrade loop did not move %s: %v", name, err)
		}
	}
	if out, code := d.shell("cd old\n" + upgrade); code != 0 {
		t.Errorf("the upgrade loop, run again, exited %d\n%s", code, out)
	}
	changelog, err := os.ReadFile(filepath.Join(exampleRoot, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, loop, _ := strings.Cut(upgrade, "\n")
	if !strings.Contains(string(changelog), "`"+strings.TrimSpace(loop)+"`") {
		t.Errorf("CHANGELOG.md lacks the guide's upgrade loop %q", strings.TrimSpace(loop))
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// The guide's acceptance, as accept.auto.tfvars: the finding is accepted
// until its date, then reported as expired.
func TestDriftReviewGuideAccept(t *testing.T) {
	d := newDriftReview(t)
	tfvars := guideBlock(t, "tfvars", "accept = [")
	if err := os.WriteFile(filepath.Join(d.work, "accept.auto.tfvars"), []byte(tfvars), 0o600); err != nil {
		t.Fatal(err)
	}
	until := regexp.MustCompile(`until\s*=\s*"([0-9-]+)"`).FindStringSubmatch(tfvars)
	if until == nil {
		t.Fatal("the guide's acceptance has no until date")
	}
	day, err := time.Parse(time.DateOnly, until[1])
	if err != nil {
		t.Fatal(err)
	}
	want := "1 low (fail_on = low); 1 accepted"
	if !time.Now().UTC().Before(day.AddDate(0, 0, 1)) {
		want = "2 low (fail_on = low); 0 accepted; acceptances: 1 expired, 0 unused"
	}
	out, code := d.plan()
	if flat := strings.Join(strings.Fields(out), " "); code != 0 || !strings.Contains(flat, want) {
		t.Errorf("with the guide's acceptance (exit %d), want %q:\n%s", code, want, tail([]byte(out)))
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
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
