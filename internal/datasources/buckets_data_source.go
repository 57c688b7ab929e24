package datasources

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

var _ datasource.DataSourceWithConfigure = (*bucketsDataSource)(nil)

// NewBucketsDataSource is the factory the provider registers.
func NewBucketsDataSource() datasource.DataSource {
	return &bucketsDataSource{}
}

type bucketsDataSource struct {
	tfkit.DataSourceClient
}

type bucketsModel struct {
	ID           types.String `tfsdk:"id"`
	AccountID    types.String `tfsdk:"account_id"`
	Jurisdiction types.String `tfsdk:"jurisdiction"`
	NameContains types.String `tfsdk:"name_contains"`
	Buckets      types.List   `tfsdk:"buckets"`
}

// bucketObject is the schema of one element of buckets; bucketAttrTypes,
// which the mapping builds values of, derives from it.
var bucketObject = schema.NestedAttributeObject{
	Attributes: map[string]schema.Attribute{
		"name": tfkit.ComputedString("Name of the bucket; unique within the list, so a good `for_each` key."),
		"creation_date": tfkit.ComputedString("When the bucket was created, as the API reports it " +
			"(an ISO 8601 timestamp such as `2024-01-02T03:04:05.678Z`)."),
		"location": tfkit.ComputedString("Location of the bucket, such as `enam` or `weur`."),
		"jurisdiction": tfkit.ComputedString("Jurisdiction of the bucket (" + jurisdictions.Quote(jurisdictions.All, "or") + "). " +
			"Pass it to `r2_bucket_cors` as `jurisdiction` to read the bucket's CORS policy."),
		"storage_class": tfkit.ComputedString("Default storage class of new objects: `Standard` or `InfrequentAccess`."),
	},
}

var bucketAttrTypes = corsstate.NestedObjectType(bucketObject).AttrTypes

// nameContainsValidators reject the empty string, which would filter nothing
// while looking like a filter, and substrings longer than any bucket name.
func nameContainsValidators() []validator.String {
	return []validator.String{stringvalidator.LengthBetween(1, 64)}
}

func (d *bucketsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_buckets"
}

func (d *bucketsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the R2 buckets of an account in one jurisdiction, in name order, following " +
			"the API's pages (1000 buckets each) to the end. Buckets live in one jurisdiction each and a list " +
			"shows only those of the jurisdiction asked for: use one data source per jurisdiction to see them all.\n\n" +
			"Typical use: read the CORS policy of every bucket with `for_each`, passing each bucket's jurisdiction on " +
			"so that buckets outside `default` are found, as the example below does.\n\n" +
			"A list that would not end is an error, with bounds derived from R2's limit of 1,000,000 buckets per " +
			"account: at most 1001 pages of at most 1000 buckets, next-page cursors of at most 4 KiB, 256 MB of " +
			"answers in all, and 10 minutes for the whole list, retries included (each page's retries also " +
			"stay within a read's budget: 60 seconds, or one `request_timeout` if longer).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<account_id>/<jurisdiction>`, with `default` when no jurisdiction is set.",
				Computed:            true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Cloudflare account ID whose buckets to list: 32 lowercase hexadecimal characters.",
				Required:            true,
				Validators:          []validator.String{tfkit.ValidAccountID()},
			},
			"jurisdiction": schema.StringAttribute{
				MarkdownDescription: "Jurisdiction to list: one of `" + strings.Join(jurisdictions.All, "`, `") +
					"`, sent as the `cf-r2-jurisdiction` header. Leave it out for `default`: buckets created in " +
					jurisdictions.Quote(jurisdictions.Others(), "or") + " are only listed when it names their jurisdiction.",
				Optional:   true,
				Validators: []validator.String{tfkit.ValidJurisdiction()},
			},
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "List only buckets whose name contains this text (1 to 64 characters), " +
					"filtered by the API (`name_contains`). Leave it out to list every bucket.",
				Optional:   true,
				Validators: nameContainsValidators(),
			},
			"buckets": schema.ListNestedAttribute{
				MarkdownDescription: "The buckets, in ascending name order; empty when there are none. " +
					"A field the API leaves out is null.",
				Computed:     true,
				NestedObject: bucketObject,
			},
		},
	}
}

func (d *bucketsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m bucketsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	account, jurisdiction, contains := m.AccountID.ValueString(), m.Jurisdiction.ValueString(), m.NameContains.ValueString()

	buckets, err := d.Client.ListBuckets(ctx, account, jurisdiction, contains)
	if err != nil {
		summary, detail := tfkit.ListBucketsErrorDiagnostic(err, account, jurisdiction, contains)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	list, diags := bucketsToState(buckets)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Buckets = list
	m.ID = types.StringValue(account + "/" + jurisdictions.OrDefault(jurisdiction))
	resp.Diagnostics.Append(tfkit.SetState(ctx, &resp.State, &m)...)
}

// bucketsToState maps the client's buckets to the buckets attribute, absent
// fields to null; the client has already put them in name order.
func bucketsToState(buckets []r2api.Bucket) (types.List, diag.Diagnostics) {
	objType := types.ObjectType{AttrTypes: bucketAttrTypes}
	elems := make([]attr.Value, 0, len(buckets))
	var diags diag.Diagnostics
	for _, b := range buckets {
		obj, d := types.ObjectValue(bucketAttrTypes, map[string]attr.Value{
			"name":          types.StringValue(b.Name),
			"creation_date": types.StringPointerValue(b.CreationDate),
			"location":      types.StringPointerValue(b.Location),
			"jurisdiction":  types.StringPointerValue(b.Jurisdiction),
			"storage_class": types.StringPointerValue(b.StorageClass),
		})
		diags.Append(d...)
		if diags.HasError() {
			return types.ListNull(objType), diags
		}
		elems = append(elems, obj)
	}
	list, d := types.ListValue(objType, elems)
	diags.Append(d...)
	return list, diags
}
