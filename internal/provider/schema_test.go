package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rsschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
)

// describable is what every schema attribute, nested ones included, offers.
type describable interface{ GetMarkdownDescription() string }

// One table over the provider, every data source, resource and function it
// registers: the schema is valid, and everything a user can set or read
// is documented. A new data source or function is covered by registering it.
func TestSchemas(t *testing.T) {
	ctx := context.Background()
	p := &r2Provider{version: "test"}

	t.Run("provider", func(t *testing.T) {
		var resp fwprovider.SchemaResponse
		p.Schema(ctx, fwprovider.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("schema: %v", resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Fatalf("ValidateImplementation: %v", diags)
		}
		for name, a := range resp.Schema.Attributes {
			checkDescribed(t, name, a)
		}
	})

	for _, newDS := range p.DataSources(ctx) {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "r2"}, &meta)
		t.Run(meta.TypeName, func(t *testing.T) {
			var resp datasource.SchemaResponse
			ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("schema: %v", resp.Diagnostics)
			}
			if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
				t.Fatalf("ValidateImplementation: %v", diags)
			}
			if resp.Schema.MarkdownDescription == "" {
				t.Error("the data source has no MarkdownDescription")
			}
			walkDataSourceAttributes("", resp.Schema.Attributes, func(path string, a dsschema.Attribute) {
				checkDescribed(t, path, a)
				checkRulesType(t, path, a.GetType())
			})
		})
	}

	for _, newRS := range p.Resources(ctx) {
		rs := newRS()
		var meta resource.MetadataResponse
		rs.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "r2"}, &meta)
		t.Run(meta.TypeName, func(t *testing.T) {
			var resp resource.SchemaResponse
			rs.Schema(ctx, resource.SchemaRequest{}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("schema: %v", resp.Diagnostics)
			}
			if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
				t.Fatalf("ValidateImplementation: %v", diags)
			}
			if resp.Schema.MarkdownDescription == "" {
				t.Error("the resource has no MarkdownDescription")
			}
			walkResourceAttributes("", resp.Schema.Attributes, func(path string, a rsschema.Attribute) {
				checkDescribed(t, path, a)
				checkRulesType(t, path, a.GetType())
			})
		})
	}

	names := map[string]bool{}
	for _, newFn := range p.Functions(ctx) {
		fn := newFn()
		var meta function.MetadataResponse
		fn.Metadata(ctx, function.MetadataRequest{}, &meta)
		if meta.Name == "" || names[meta.Name] {
			t.Fatalf("%T: empty or repeated name %q", fn, meta.Name)
		}
		names[meta.Name] = true
		t.Run(meta.Name, func(t *testing.T) {
			var resp function.DefinitionResponse
			fn.Definition(ctx, function.DefinitionRequest{}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("definition: %v", resp.Diagnostics)
			}
			def := resp.Definition
			var vresp function.DefinitionValidateResponse
			def.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: meta.Name}, &vresp)
			if vresp.Diagnostics.HasError() {
				t.Errorf("ValidateImplementation: %v", vresp.Diagnostics)
			}
			if def.Summary == "" || def.MarkdownDescription == "" {
				t.Error("the function needs a Summary and a MarkdownDescription")
			}
			if def.Return == nil {
				t.Error("the function has no Return")
			}
			for i, param := range def.Parameters {
				// Arguments are checked by the function, so none may be null
				// or unknown unless the function says how it handles that.
				if param.GetName() == "" || param.GetMarkdownDescription() == "" || param.GetAllowNullValue() || param.GetAllowUnknownValues() {
					t.Errorf("parameter %d (%q) needs a name and a MarkdownDescription, and may not allow null or unknown", i, param.GetName())
				}
				// A rules argument takes what the data sources expose and
				// what users write by hand (optional attributes left out),
				// so it is dynamic and corsstate.RulesFromValue reads it.
				if rulesParams[param.GetName()] {
					if _, ok := param.(function.DynamicParameter); !ok {
						t.Errorf("parameter %q is a %T, want a function.DynamicParameter read by corsstate.RulesFromValue", param.GetName(), param)
					}
				}
			}
		})
	}
}

// rulesParams are the parameter names that take CORS rules.
var rulesParams = map[string]bool{"rules": true, "live": true, "approved": true}

// checkRulesType checks that a rules attribute has the one shape corsstate
// defines, which the mapping and the functions use.
func checkRulesType(t *testing.T, path string, typ attr.Type) {
	t.Helper()
	if strings.HasSuffix(path, "rules") {
		if want := (types.ListType{ElemType: corsstate.RuleObjectType}); !typ.Equal(want) {
			t.Errorf("%s type = %s, want %s", path, typ, want)
		}
	}
}

func checkDescribed(t *testing.T, path string, a describable) {
	t.Helper()
	if a.GetMarkdownDescription() == "" {
		t.Errorf("%s has no MarkdownDescription", path)
	}
}

// walkDataSourceAttributes calls f on every attribute, nested ones included,
// with its path (rules.allowed.methods).
func walkDataSourceAttributes(prefix string, attrs map[string]dsschema.Attribute, f func(string, dsschema.Attribute)) {
	for name, a := range attrs {
		path := prefix + name
		f(path, a)
		switch n := a.(type) {
		case dsschema.ListNestedAttribute:
			walkDataSourceAttributes(path+".", n.NestedObject.Attributes, f)
		case dsschema.SingleNestedAttribute:
			walkDataSourceAttributes(path+".", n.Attributes, f)
		case dsschema.SetNestedAttribute:
			walkDataSourceAttributes(path+".", n.NestedObject.Attributes, f)
		case dsschema.MapNestedAttribute:
			walkDataSourceAttributes(path+".", n.NestedObject.Attributes, f)
		}
	}
}

// walkResourceAttributes is walkDataSourceAttributes for a resource's schema.
func walkResourceAttributes(prefix string, attrs map[string]rsschema.Attribute, f func(string, rsschema.Attribute)) {
	for name, a := range attrs {
		path := prefix + name
		f(path, a)
		switch n := a.(type) {
		case rsschema.ListNestedAttribute:
			walkResourceAttributes(path+".", n.NestedObject.Attributes, f)
		case rsschema.SingleNestedAttribute:
			walkResourceAttributes(path+".", n.Attributes, f)
		case rsschema.SetNestedAttribute:
			walkResourceAttributes(path+".", n.NestedObject.Attributes, f)
		case rsschema.MapNestedAttribute:
			walkResourceAttributes(path+".", n.NestedObject.Attributes, f)
		}
	}
}
