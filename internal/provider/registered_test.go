package provider

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// registeredKind is one data source, resource or function the provider
// registers. The schema, state, docs and examples tests walk these, so a
// new one is covered by its registration line alone.
type registeredKind struct {
	folder string // data-sources, resources or functions: where its docs page and example live
	name   string // the full type name (r2_buckets) or the function's name (cors_diff)
	// emptyState is a state of its schema (data sources and resources).
	emptyState func() tfsdk.State
}

// page is the kind's docs page, as tfplugindocs names it: the type name
// without the provider's prefix.
func (k registeredKind) page() string {
	return "docs/" + k.folder + "/" + strings.TrimPrefix(k.name, "r2_") + ".md"
}

// example is the kind's example, at the path tfplugindocs reads it from.
func (k registeredKind) example() string {
	file := map[string]string{"data-sources": "data-source.tf", "resources": "resource.tf", "functions": "function.tf"}[k.folder]
	return "examples/" + k.folder + "/" + k.name + "/" + file
}

// registered lists what p registers, data sources first.
func registered(t *testing.T, p *r2Provider) []registeredKind {
	t.Helper()
	ctx := context.Background()
	var out []registeredKind
	for _, newDS := range p.DataSources(ctx) {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "r2"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: schema: %v", meta.TypeName, resp.Diagnostics)
		}
		out = append(out, registeredKind{folder: "data-sources", name: meta.TypeName,
			emptyState: func() tfsdk.State { return tfsdk.State{Schema: resp.Schema} }})
	}
	for _, newRS := range p.Resources(ctx) {
		rs := newRS()
		var meta resource.MetadataResponse
		rs.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "r2"}, &meta)
		var resp resource.SchemaResponse
		rs.Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: schema: %v", meta.TypeName, resp.Diagnostics)
		}
		out = append(out, registeredKind{folder: "resources", name: meta.TypeName,
			emptyState: func() tfsdk.State { return tfsdk.State{Schema: resp.Schema} }})
	}
	for _, newFn := range p.Functions(ctx) {
		var meta function.MetadataResponse
		newFn().Metadata(ctx, function.MetadataRequest{}, &meta)
		out = append(out, registeredKind{folder: "functions", name: meta.Name})
	}
	return out
}

// What the provider serves is what registered lists, and no kind the tests
// do not walk: an ephemeral resource, a list resource or an action would
// need registered, TestSchemas and the docs tests extended first.
func TestRegisteredIsWhatTheProviderServes(t *testing.T) {
	ctx := context.Background()
	resp, err := NewServer("test", Options{})().GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	served := map[string][]string{
		"data-sources": slices.Sorted(maps.Keys(resp.DataSourceSchemas)),
		"resources":    slices.Sorted(maps.Keys(resp.ResourceSchemas)),
		"functions":    slices.Sorted(maps.Keys(resp.Functions)),
	}
	listed := map[string][]string{}
	for _, k := range registered(t, &r2Provider{version: "test"}) {
		listed[k.folder] = append(listed[k.folder], k.name)
	}
	for folder, names := range served {
		if got := slices.Sorted(slices.Values(listed[folder])); !slices.Equal(got, names) {
			t.Errorf("%s: registered lists %q, the provider serves %q", folder, got, names)
		}
	}
	if len(served["data-sources"]) == 0 || len(served["functions"]) == 0 {
		t.Errorf("the provider serves no data source or no function: %v", served)
	}
	for kind, n := range map[string]int{"ephemeral resources": len(resp.EphemeralResourceSchemas),
		"list resources": len(resp.ListResourceSchemas), "actions": len(resp.ActionSchemas),
		"state stores": len(resp.StateStoreSchemas)} {
		if n > 0 {
			t.Errorf("the provider serves %d %s, which registered and the tests it feeds do not walk yet", n, kind)
		}
	}
}
