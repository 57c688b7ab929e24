package datasources

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

var _ datasource.DataSourceWithConfigure = (*bucketCORSDataSource)(nil)

// NewBucketCORSDataSource is the factory the provider registers.
func NewBucketCORSDataSource() datasource.DataSource {
	return &bucketCORSDataSource{}
}

type bucketCORSDataSource struct {
	client *r2api.Client
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
	stringList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: desc}
	}
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
					strings.Join(Jurisdictions, "`, `") + "`, sent as the `cf-r2-jurisdiction` header. " +
					"A bucket created in `eu`, `fedramp` or `us` is invisible without it. Leave it out for `default`.",
				Optional:   true,
				Validators: jurisdictionValidators(),
			},
			"rules": schema.ListNestedAttribute{
				MarkdownDescription: "The policy's rules in the API's order (the first rule that matches a request " +
					"wins). Empty when the bucket has no CORS policy. A field the API leaves out is null.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: "Identifier of the rule, if it has one.",
							Computed:            true,
						},
						"allowed": schema.SingleNestedAttribute{
							MarkdownDescription: "What the rule lets through.",
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"methods": stringList("HTTP methods allowed: `GET`, `PUT`, `POST`, `DELETE`, `HEAD`."),
								"origins": stringList("Origins allowed, such as `https://example.com`; `*` allows any."),
								"headers": stringList("Request headers allowed (`Access-Control-Allow-Headers`); `*` allows any."),
							},
						},
						"expose_headers": stringList("Response headers the browser may expose to scripts (`Access-Control-Expose-Headers`)."),
						"max_age_seconds": schema.NumberAttribute{
							MarkdownDescription: "How long browsers may cache the preflight answer, in seconds, " +
								"exactly as the API stores it (browsers cap it; the documented maximum is 86400).",
							Computed: true,
						},
					},
				},
			},
		},
	}
}

func (d *bucketCORSDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = configuredClient(req, resp)
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
		resp.Diagnostics.AddError("Unexpected R2 CORS Policy",
			fmt.Sprintf("The CORS policy of bucket %q (account %s) cannot be written to state: %s. "+
				"Cloudflare's schema does not allow such a policy; if the API really sent it, please report it.", bucket, account, err))
		return
	}
	m.Rules = list
	m.ID = types.StringValue(account + "/" + jurisdictionOrDefault(jurisdiction) + "/" + bucket)
	state, err := m.terraformValue(ctx, resp.State.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Cannot Write R2 CORS Policy to State",
			fmt.Sprintf("Bucket %q: %s. This is a bug in the provider; please report it.", bucket, err))
		return
	}
	resp.State.Raw = state
}

// terraformValue builds the state value directly from the model's values.
// The framework's State.Set reaches the same value through reflection over
// the model and costs about twenty times as much per read (BENCHMARKS.md);
// a test keeps the two equal.
func (m bucketCORSModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, error) {
	attrs := map[string]attr.Value{
		"id": m.ID, "account_id": m.AccountID, "bucket_name": m.BucketName,
		"jurisdiction": m.Jurisdiction, "rules": m.Rules,
	}
	vals := make(map[string]tftypes.Value, len(attrs))
	for name, v := range attrs {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
		}
		vals[name] = tv
	}
	if err := tftypes.ValidateValue(typ, vals); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(typ, vals), nil
}

func jurisdictionOrDefault(j string) string {
	if j == "" {
		return "default"
	}
	return j
}

// readErrorDiagnostic explains a failed read: what the API said, where we
// asked, and what to do about it.
func readErrorDiagnostic(err error, account, bucket, jurisdiction string) (summary, detail string) {
	where := fmt.Sprintf("account %s, bucket %q, jurisdiction %q", account, bucket, jurisdictionOrDefault(jurisdiction))
	if jurisdiction == "" {
		where += " (no cf-r2-jurisdiction header sent)"
	}
	return apiErrorDiagnostic(err, "Cannot Read R2 Bucket CORS Policy", "when reading the CORS policy of "+where)
}
