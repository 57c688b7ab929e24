package provider_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// repoRoot is the repository, from this package's directory.
const repoRoot = "../.."

// example is one configuration a user may paste: a directory of examples/,
// or one HCL block of README.md or of a docs page.
type example struct {
	name  string
	dir   string // a directory to copy, or
	block string // one block, written as main.tf
}

// What some examples must show, beyond a plan that succeeds: the comments
// and docs that quote their output stay true.
var exampleShows = map[string][]string{
	"README.md#1": {`origins_allowed_to_write = [ + "https://app.example.com", ]`},
	"examples/functions/cors_findings": {
		`"high any-origin-write: Rule 0 (\"Anyone may upload\") lets any origin PUT and POST`},
	"examples/data-sources/r2_bucket_cors": {"no_policy_rules = []"},
	"examples/review-terraform-1.5": {
		"Warning: Check block assertion failed",
		`default/public-uploads: rule 0 ("Anyone may upload") lets any origin POST and PUT`,
		`"default/no-cors-bucket"`},
}

// What Terraform before 1.8 says about a provider function call: the
// symptom docs/guides/cors-review.md names (or, for a configuration that
// requires 1.8, Terraform's version check).
var olderTerraformSays = regexp.MustCompile(`Missing newline after argument|Invalid single-argument block definition|Unsupported Terraform Core version`)

// TestExamplesRunAgainstTheDemoSeed runs every example as pasted (each
// directory of examples/, each HCL block of README.md and each Terraform
// block of docs/) with terraform init and plan against the fake serving
// examples/demo/seed.json, with the README's credentials for it: none may
// read a bucket the demo does not have. Below Terraform 1.8 an example that
// calls a provider function must fail with the documented symptom.
func TestExamplesRunAgainstTheDemoSeed(t *testing.T) {
	cli := acctest.BuiltProvider(t)
	functions := acctest.CLICallsFunctions(t, cli.Path)
	s := fakeapi.Start()
	t.Cleanup(s.Close) // After the parallel subtests, unlike a defer.
	seed, err := os.ReadFile(filepath.Join(repoRoot, "examples", "demo", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSeed(bytes.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	env := []string{"CLOUDFLARE_BASE_URL=" + s.URL(), "CLOUDFLARE_API_TOKEN=demo-token",
		// What the examples with variables ask for (the rest ignore them).
		"TF_VAR_account_id=" + fakeapi.ExampleAccountID, "TF_VAR_bucket_name=example-bucket",
		"TF_VAR_cloudflare_api_token=demo-token"}

	guide, err := os.ReadFile(filepath.Join(repoRoot, "docs", "guides", "cors-review.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, symptom := range []string{"Missing newline after argument", "Invalid single-argument block definition", "examples/review-terraform-1.5"} {
		if !bytes.Contains(guide, []byte(symptom)) {
			t.Errorf("docs/guides/cors-review.md does not name %q", symptom)
		}
	}

	examples := collectExamples(t)
	for name := range exampleShows {
		if !slices.ContainsFunc(examples, func(e example) bool { return e.name == name }) {
			t.Errorf("no example %s", name)
		}
	}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			if ex.dir != "" {
				if err := os.CopyFS(work, os.DirFS(ex.dir)); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(ex.block), 0o600); err != nil {
				t.Fatal(err)
			}
			// tfplugindocs' examples leave the terraform block out.
			if !strings.Contains(readTF(t, work), "required_providers") {
				if err := os.WriteFile(filepath.Join(work, "zz_required_providers.tf"),
					[]byte("terraform {\n  required_providers {\n    r2 = { source = \"r2tf/r2\" }\n  }\n}\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			callsFunctions := callsFunctions(readTF(t, work))
			out, err := cli.Command(work, env, "init", "-input=false", "-no-color").CombinedOutput()
			if err == nil {
				out, err = cli.Command(work, env, "plan", "-input=false", "-no-color").CombinedOutput()
			}
			if callsFunctions && !functions {
				if err == nil || !olderTerraformSays.Match(out) {
					t.Fatalf("want the documented failure of a function call below Terraform 1.8 (%s), got %v:\n%s", olderTerraformSays, err, out)
				}
				t.Skip("provider functions need Terraform 1.8; this CLI fails as the docs say")
			}
			if err != nil {
				t.Fatalf("%v:\n%s", err, out)
			}
			flat := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range exampleShows[ex.name] {
				if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
					t.Errorf("the plan lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// collectExamples finds every example, each once: a docs page's block that
// repeats a file of examples/ (tfplugindocs shows them) runs as the file.
func collectExamples(t *testing.T) []example {
	t.Helper()
	var out []example
	seen := map[string]bool{}
	add := func(ex example, content string) {
		key := strings.TrimSpace(content)
		if !seen[key] {
			seen[key] = true
			out = append(out, ex)
		}
	}
	dirs := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(repoRoot, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range slices.Sorted(func(yield func(string) bool) {
		for d := range dirs {
			if !yield(d) {
				return
			}
		}
	}) {
		rel, _ := filepath.Rel(repoRoot, dir)
		add(example{name: filepath.ToSlash(rel), dir: dir}, readTF(t, dir))
	}

	pages := []string{"README.md"}
	err = filepath.WalkDir(filepath.Join(repoRoot, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(repoRoot, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range pages {
		b, err := os.ReadFile(filepath.Join(repoRoot, page))
		if err != nil {
			t.Fatal(err)
		}
		for i, block := range hclBlocks(string(b)) {
			// A CLI configuration (dev_overrides) is not a Terraform configuration.
			if strings.Contains(block, "provider_installation") {
				continue
			}
			add(example{name: fmt.Sprintf("%s#%d", page, i+1), block: block}, block)
		}
	}
	return out
}

var hclFence = regexp.MustCompile("(?s)```(?:hcl|terraform)\n(.*?)```")

// hclBlocks returns a page's HCL and Terraform code blocks, in order.
func hclBlocks(page string) []string {
	var blocks []string
	for _, m := range hclFence.FindAllStringSubmatch(page, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// callsFunctions reports whether HCL calls a provider function outside its
// comments (an example for Terraform 1.5 may name them in a comment).
func callsFunctions(src string) bool {
	for line := range strings.Lines(src) {
		code := strings.TrimSpace(line)
		if strings.HasPrefix(code, "#") || strings.HasPrefix(code, "//") {
			continue
		}
		if strings.Contains(code, "provider::r2::") {
			return true
		}
	}
	return false
}

// readTF returns the .tf files of dir, concatenated.
func readTF(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(content)
	}
	return b.String()
}
