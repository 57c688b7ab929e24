package datasources

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
)

var _ datasource.DataSourceWithConfigure = (*bucketCORSDataSource)(nil)

// NewBucketCORSDataSource is the factory the provider registers.
func NewBucketCORSDataSource() datasource.DataSource {
	return &bucketCORSDataSource{}
}

type bucketCORSDataSource struct {
	withClient
}

type bucketCORSModel struct {
	ID           types.String `tfsdk:"id"`
	AccountID    types.String `tfsdk:"account_id"`
	BucketName   types.String `tfsdk:"bucket_name"`
	Jurisdiction types.String `tfsdk:"jurisdiction"`
	Rules        types.List   `tfsdk:"rules"`
}

func (d *bucketCORSDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_cors"
}

func (d *bucketCORSDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the CORS policy of an R2 bucket, rule by rule, exactly as Cloudflare " +
			"stores it. A bucket without a CORS policy reads as `rules = []`, not as an error, so drift " +
			"reviews can test `length(data.r2_bucket_cors.x.rules) == 0`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<account_id>/<jurisdiction>/<bucket_name>`, with `default` when no jurisdiction is set.",
				Computed:            true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Cloudflare account ID that owns the bucket: 32 lowercase hexadecimal characters.",
				Required:            true,
				Validators:          accountIDValidators(),
			},
			"bucket_name": schema.StringAttribute{
				MarkdownDescription: "Name of the bucket: 3 to 64 lowercase letters, digits and hyphens, " +
					"starting and ending with a letter or digit.",
				Required:   true,
				Validators: bucketNameValidators(),
			},
			"jurisdiction": schema.StringAttribute{
				MarkdownDescription: "Jurisdiction the bucket was created in: one of `" +
					strings.Join(jurisdictions.All, "`, `") + "`, sent as the `cf-r2-jurisdiction` header. " +
					"A bucket created in " + jurisdictions.Quote(jurisdictions.Others(), "or") + " is invisible without it. Leave it out for `default`.",
				Optional:   true,
				Validators: jurisdictionValidators(),
			},
			"rules": schema.ListNestedAttribute{
				MarkdownDescription: "The policy's rules in the API's order (the first rule that matches a request " +
					"wins). Empty when the bucket has no CORS policy. A field the API leaves out is null.",
				Computed:     true,
				NestedObject: corsstate.RuleSchema(),
			},
		},
	}
}

func (d *bucketCORSDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m bucketCORSModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	account, bucket, jurisdiction := m.AccountID.ValueString(), m.BucketName.ValueString(), m.Jurisdiction.ValueString()

	rules, err := d.client.GetBucketCORS(ctx, account, bucket, jurisdiction)
	if err != nil {
		summary, detail := readErrorDiagnostic(err, account, bucket, jurisdiction)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	list, err := corsstate.RulesToState(rules)
	if err != nil {
		resp.Diagnostics.AddError(unexpectedPolicyDiagnostic(err, account, bucket, jurisdiction))
		return
	}
	m.Rules = list
	m.ID = types.StringValue(account + "/" + jurisdictionOrDefault(jurisdiction) + "/" + bucket)
	resp.Diagnostics.Append(setState(ctx, &resp.State, m.attributes())...)
}

func (m bucketCORSModel) attributes() map[string]attr.Value {
	return map[string]attr.Value{
		"id": m.ID, "account_id": m.AccountID, "bucket_name": m.BucketName,
		"jurisdiction": m.Jurisdiction, "rules": m.Rules,
	}
}

// unexpectedPolicyDiagnostic explains rules that cannot be written to state.
func unexpectedPolicyDiagnostic(err error, account, bucket, jurisdiction string) (summary, detail string) {
	return "Unexpected R2 CORS Policy", fmt.Sprintf("The CORS policy of %s cannot be written to state: %s. "+
		"Cloudflare's schema does not allow such a policy; if the API really sent it, please report it.",
		where{account: account, bucket: bucket, jurisdiction: jurisdiction}, err)
}

// readErrorDiagnostic explains a failed read (see apiErrorDiagnostic).
func readErrorDiagnostic(err error, account, bucket, jurisdiction string) (summary, detail string) {
	return apiErrorDiagnostic(err, "Cannot Read R2 Bucket CORS Policy",
		"when reading the CORS policy of "+where{account: account, bucket: bucket, jurisdiction: jurisdiction}.String(), jurisdiction)
}
