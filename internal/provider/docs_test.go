package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// repoRoot is where examples/ and docs/ are, from this package's directory.
const repoRoot = "../.."

// Every data source, resource and function the provider registers has its
// example where tfplugindocs reads it (examples/<folder>/<name>/, where
// `make examples-validate` runs it too; a function's shows a call) and its
// generated page in docs/; and every example, page and template belongs to
// something registered, so none outlives its data source. A new data source
// is covered by its registration line.
func TestExamplesAndDocsCoverEveryRegisteredKind(t *testing.T) {
	kinds := registered(t, &r2Provider{version: "test"})
	want := map[string]bool{}
	for _, k := range kinds {
		ex := readExample(t, k.example())
		if k.folder == "functions" && !strings.Contains(ex, "provider::r2::"+k.name+"(") {
			t.Errorf("the example of %s shows no call of it", k.name)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, k.page())); err != nil {
			t.Errorf("%s has no docs page (run make generate): %v", k.name, err)
		}
		want[k.example()], want[k.page()] = true, true
		want["templates/"+strings.TrimPrefix(k.page(), "docs/")+".tmpl"] = true
	}
	for _, glob := range []string{"examples/*/*/*.tf", "docs/*/*.md", "templates/*/*.md.tmpl"} {
		found, err := filepath.Glob(filepath.Join(repoRoot, glob))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			rel := filepath.ToSlash(strings.TrimPrefix(f, repoRoot+string(filepath.Separator)))
			folder := strings.Split(rel, "/")[1]
			if (folder == "data-sources" || folder == "resources" || folder == "functions") && !want[rel] {
				t.Errorf("%s belongs to nothing the provider registers", rel)
			}
		}
	}
	// The use r2_buckets exists for: every bucket's CORS policy, by name.
	if ex := readExample(t, "examples/data-sources/r2_buckets/data-source.tf"); !strings.Contains(ex, "for b in data.r2_buckets.all.buckets : b.name => b") {
		t.Error("the r2_buckets example lacks the for_each over the buckets")
	}
}

func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Errorf("no example: %v", err)
	}
	return string(b)
}

var codeBlock = regexp.MustCompile("(?s)```[a-z]*\n(.*?)```")

// No generated page shows the same example twice (as a description that
// embeds an example would, next to tfplugindocs' Example Usage).
func TestDocsShowEachExampleOnce(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no docs pages found: %v", err)
	}
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range codeBlock.FindAllStringSubmatch(string(b), -1) {
			block := strings.TrimSpace(m[1])
			if block == "" || !strings.Contains(block, "\n") {
				continue // One-liners such as a signature may repeat.
			}
			if seen[block] {
				t.Errorf("%s shows this block twice:\n%s", page, block)
			}
			seen[block] = true
		}
	}
}

// The README counts cors_findings' checks; a check added to the catalogue
// must not leave it behind.
func TestREADMECountsTheCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`a catalogue of (\d+) documented checks`).FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md no longer says how many checks the catalogue has; update this test")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(cors.Catalogue) {
		t.Errorf("README.md says the catalogue has %d checks; it has %d", n, len(cors.Catalogue))
	}
}
