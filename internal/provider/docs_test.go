package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
)

// repoRoot is where examples/ and docs/ are, from this package's directory.
const repoRoot = "../.."

// Examples live in examples/, where `make examples-validate` runs them, and
// tfplugindocs puts them on the pages: every data source and function has
// one, and a function's shows a call.
func TestEveryDataSourceAndFunctionHasAnExample(t *testing.T) {
	ctx := context.Background()
	p := &r2Provider{version: "test"}
	for _, newDS := range p.DataSources(ctx) {
		var meta datasource.MetadataResponse
		newDS().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "r2"}, &meta)
		readExample(t, filepath.Join("examples", "data-sources", meta.TypeName, "data-source.tf"))
	}
	for _, newFn := range p.Functions(ctx) {
		var meta function.MetadataResponse
		newFn().Metadata(ctx, function.MetadataRequest{}, &meta)
		ex := readExample(t, filepath.Join("examples", "functions", meta.Name, "function.tf"))
		if !strings.Contains(ex, "provider::r2::"+meta.Name+"(") {
			t.Errorf("the example of %s shows no call of it", meta.Name)
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
