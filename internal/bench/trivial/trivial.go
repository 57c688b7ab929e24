// Package trivial is the floor of the plan benchmark: a provider with one
// data source that does no work at all, so that a plan with it measures only
// Terraform, the plugin protocol and terraform-plugin-framework.
package trivial

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Address is where the trivial provider is served from.
const Address = "registry.terraform.io/r2tf/trivial"

// New returns the provider factory.
func New() provider.Provider { return trivialProvider{} }

type trivialProvider struct{}

func (trivialProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "trivial"
	resp.Version = "0.0.1"
}

func (trivialProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

func (trivialProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (trivialProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return constant{} }}
}

func (trivialProvider) Resources(context.Context) []func() resource.Resource { return nil }

// constant takes the same arguments as r2_bucket_cors and returns a
// constant.
type constant struct{}

type constantModel struct {
	ID         types.String `tfsdk:"id"`
	AccountID  types.String `tfsdk:"account_id"`
	BucketName types.String `tfsdk:"bucket_name"`
	Value      types.String `tfsdk:"value"`
}

func (constant) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_constant"
}

func (constant) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = dschema.Schema{
		Attributes: map[string]dschema.Attribute{
			"id":          dschema.StringAttribute{Computed: true},
			"account_id":  dschema.StringAttribute{Required: true},
			"bucket_name": dschema.StringAttribute{Required: true},
			"value":       dschema.StringAttribute{Computed: true},
		},
	}
}

func (constant) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m constantModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(m.AccountID.ValueString() + "/default/" + m.BucketName.ValueString())
	m.Value = types.StringValue("constant")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
