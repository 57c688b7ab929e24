package datasources

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

var _ datasource.DataSourceWithConfigure = (*corsPoliciesDataSource)(nil)

// NewBucketCORSPoliciesDataSource is the factory the provider registers.
func NewBucketCORSPoliciesDataSource() datasource.DataSource {
	return &corsPoliciesDataSource{}
}

type corsPoliciesDataSource struct {
	tfkit.DataSourceClient
}

type corsPoliciesModel struct {
	ID                   types.String `tfsdk:"id"`
	AccountID            types.String `tfsdk:"account_id"`
	Jurisdictions        types.Set    `tfsdk:"jurisdictions"`
	NameContains         types.String `tfsdk:"name_contains"`
	Buckets              types.List   `tfsdk:"buckets"`
	BucketCount          types.Int64  `tfsdk:"bucket_count"`
	PolicyCount          types.Int64  `tfsdk:"policy_count"`
	SkippedJurisdictions types.List   `tfsdk:"skipped_jurisdictions"`
}

// failuresShownInFull is how many failed buckets the error spells out; the
// rest are named, then counted.
const (
	failuresShownInFull = 20
	failuresNamed       = 100
)

// policyBucketObject is the schema of one element of buckets; its object
// type, which the mapping builds values of, derives from it.
var policyBucketObject = schema.NestedAttributeObject{
	Attributes: map[string]schema.Attribute{
		"name": tfkit.ComputedString("Name of the bucket; with `jurisdiction`, unique in the list (the same name may " +
			"exist in two jurisdictions)."),
		"jurisdiction": tfkit.ComputedString("Jurisdiction the bucket was listed in: " + jurisdictions.Quote(jurisdictions.All, "or") + "."),
		"location":     tfkit.ComputedString("Location of the bucket, such as `enam` or `weur`, as the list reports it."),
		"creation_date": tfkit.ComputedString("When the bucket was created, as the list reports it " +
			"(an ISO 8601 timestamp such as `2024-01-02T03:04:05.678Z`)."),
		"has_policy": schema.BoolAttribute{
			Computed: true,
			MarkdownDescription: "Whether the bucket has a CORS policy: false exactly when it has none " +
				"(or one without rules, which allows nothing either), and then `rules` is empty.",
		},
		"rules": schema.ListNestedAttribute{
			Computed: true,
			MarkdownDescription: "The policy's rules, exactly as `r2_bucket_cors` reads them: in the API's " +
				"order, a field the API leaves out is null, numbers exact. Empty when the bucket has no policy.",
			NestedObject: corsstate.RuleSchema(),
		},
	},
}

var policyBucketType = corsstate.NestedObjectType(policyBucketObject)

func (d *corsPoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_cors_policies"
}

func (d *corsPoliciesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the CORS policy of every R2 bucket of an account, in every jurisdiction, in one " +
			"read: it lists the buckets of each jurisdiction (all pages) through the REST API, then reads their policies a " +
			"few at a time (the provider's `sweep_concurrency`) through the API the provider's `cors_reader` names: the " +
			"REST API's shared, rate-limited client (the default), or R2's S3 API (`\"s3\"`, for accounts too big for the " +
			"REST API's budget of 1200 requests in five minutes). Use it for an account-wide drift review; use " +
			"`r2_bucket_cors` for a few buckets you name.\n\n" +
			"A bucket deleted between the list and its read is left out with a warning. More than a race deletes is " +
			"an error naming the jurisdiction and the buckets: all the buckets listed in a jurisdiction, or more than " +
			"one and more than a tenth of them, answering that they do not exist (error 10006, or S3's NoSuchBucket) means a wrong " +
			"jurisdiction, a proxy or a broken API, not an account without those buckets. " +
			"A policy over 128 KiB (R2, as S3, stores at most 100 rules in 64 KB) fails the read naming its bucket, " +
			"and so do the answers of one read over 16 MiB in all; split such a sweep with `jurisdictions` or " +
			"`name_contains`. A jurisdiction the account " +
			"may not use (FedRAMP is by contract; we assume Cloudflare answers 403 with error 10042, as below) is skipped with a warning " +
			"when `jurisdictions` is left out, and is an error when you name it. Any other failure fails the read with " +
			"one error that names every bucket that could not be read; nothing partial is written to state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The account ID.",
				Computed:            true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Cloudflare account ID whose buckets to read: 32 lowercase hexadecimal characters.",
				Required:            true,
				Validators:          []validator.String{tfkit.ValidAccountID()},
			},
			"jurisdictions": schema.SetAttribute{
				MarkdownDescription: "Jurisdictions to read, each one of `" + strings.Join(jurisdictions.All, "`, `") +
					"`. Leave it out for all four (a jurisdiction the account may not use is then skipped with a warning).",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(tfkit.ValidJurisdiction()),
				},
			},
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "Read only buckets whose name contains this text (1 to 64 characters), " +
					"filtered by the API's list (`name_contains`). Leave it out to read every bucket.",
				Optional:   true,
				Validators: nameContainsValidators(),
			},
			"buckets": schema.ListNestedAttribute{
				MarkdownDescription: "Every bucket read, ordered by jurisdiction (" + jurisdictions.Quote(jurisdictions.All, "and") + ", in that order) " +
					"and then by name, with its CORS policy.",
				Computed:     true,
				NestedObject: policyBucketObject,
			},
			"bucket_count": schema.Int64Attribute{
				MarkdownDescription: "How many buckets were read: the length of `buckets`.",
				Computed:            true,
			},
			"policy_count": schema.Int64Attribute{
				MarkdownDescription: "How many of them have a CORS policy (`has_policy`).",
				Computed:            true,
			},
			"skipped_jurisdictions": schema.ListAttribute{
				MarkdownDescription: "Jurisdictions left out because the account may not use them (only when " +
					"`jurisdictions` is left out); empty when every jurisdiction was read.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

// sweptBucket is one listed bucket and what its read gave.
type sweptBucket struct {
	jurisdiction string // as listed: "default", "eu", ...
	bucket       r2api.Bucket
	rules        []cors.Rule
	err          error
}

func (b sweptBucket) header() string { return jurisdictions.Header(b.jurisdiction) }

// label names the bucket in messages: "media" (eu).
func (b sweptBucket) label() string { return fmt.Sprintf("%q (%s)", b.bucket.Name, b.jurisdiction) }

func (d *corsPoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m corsPoliciesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	account, contains := m.AccountID.ValueString(), m.NameContains.ValueString()
	wanted, named := jurisdictions.All, !m.Jurisdictions.IsNull()
	if named {
		var set []string
		resp.Diagnostics.Append(m.Jurisdictions.ElementsAs(ctx, &set, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		wanted = slices.DeleteFunc(slices.Clone(jurisdictions.All), func(j string) bool { return !slices.Contains(set, j) })
	}

	swept, skipped, diags := d.list(ctx, account, wanted, named, contains)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(d.readPolicies(ctx, account, swept)...)
	if resp.Diagnostics.HasError() {
		return
	}
	buckets, found, diags := sweepToState(account, swept)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Buckets = buckets
	m.BucketCount = types.Int64Value(int64(len(buckets.Elements())))
	m.PolicyCount = types.Int64Value(int64(found))
	m.SkippedJurisdictions = skipped
	m.ID = m.AccountID
	resp.Diagnostics.Append(tfkit.SetState(ctx, &resp.State, &m)...)
}

// list lists every wanted jurisdiction, in order, through the client's
// ListBuckets (all pages, its bounds). A jurisdiction other than default
// that the account may not use is skipped with a warning unless the user
// named it.
func (d *corsPoliciesDataSource) list(ctx context.Context, account string, wanted []string, named bool, contains string) (
	[]sweptBucket, types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	var swept []sweptBucket
	skipped := []attr.Value{}
	for _, j := range wanted {
		buckets, err := d.Client.ListBuckets(ctx, account, jurisdictions.Header(j), contains)
		if err != nil {
			// Never default: every account with R2 may use it, so a refusal
			// there means no R2 at all (10042 is also the answer to an account
			// without R2), and skipping it would write an empty review.
			if apiErr, ok := r2api.AsError(err); ok && !named && j != jurisdictions.Default && apiErr.HasCode(r2api.CodeNotEntitled) {
				diags.AddWarning("R2 Jurisdiction Skipped", fmt.Sprintf("Cloudflare refused to list the buckets of account %s "+
					"in jurisdiction %q (%s): the account is not entitled to that jurisdiction (FedRAMP, for one, is by "+
					"contract), so the sweep went on without it. Set jurisdictions to the ones the account uses to "+
					"silence this warning.", account, j, strings.TrimSuffix(apiErr.Error(), ".")))
				skipped = append(skipped, types.StringValue(j))
				continue
			}
			summary, detail := tfkit.ListBucketsErrorDiagnostic(err, account, jurisdictions.Header(j), contains)
			diags.AddError(summary, detail)
			return nil, types.List{}, diags
		}
		for _, b := range buckets {
			swept = append(swept, sweptBucket{jurisdiction: j, bucket: b})
		}
	}
	return swept, types.ListValueMust(types.StringType, skipped), diags
}

// sweepRetryBudget bounds the retries of a sweep of n buckets: enough to
// ride out a 429 storm (one retry per read in flight, twice over) or a few
// blips, never retries × buckets against an API that fails every request.
func sweepRetryBudget(n, concurrency int) int {
	return max(2*concurrency+10, n/10)
}

// readPolicies reads every bucket's policy, concurrency at a time, and keeps
// each outcome. No goroutine outlives it, and once ctx ends (Ctrl-C) no read
// starts and those in flight return at once.
func (d *corsPoliciesDataSource) readPolicies(ctx context.Context, account string, swept []sweptBucket) diag.Diagnostics {
	var diags diag.Diagnostics
	// One knob for either reader: sweep_concurrency bounds the reads in
	// flight, and the sweep's retry and byte budgets (context values the
	// REST client and the S3 reader's Sender both honour) bound them all.
	concurrency := d.Client.SweepConcurrency()
	budget := r2api.NewRetryBudget(sweepRetryBudget(len(swept), concurrency))
	bytes := r2api.NewByteBudget(d.Client.MaxSweepBytes())
	rctx := r2api.WithByteBudget(r2api.WithRetryBudget(ctx, budget), bytes)
	// The S3 reader's credentials are resolved by the first read, once;
	// when they cannot be had, every read fails alike and none need start.
	var setup atomic.Pointer[r2s3.SetupError]
	var g errgroup.Group
	g.SetLimit(concurrency)
	for i := range swept {
		if ctx.Err() != nil || bytes.Spent() || setup.Load() != nil {
			break
		}
		g.Go(func() error {
			b := &swept[i]
			b.rules, b.err = d.CORS.GetBucketCORS(rctx, account, b.bucket.Name, b.header())
			if se, ok := r2s3.AsSetupError(b.err); ok {
				setup.CompareAndSwap(nil, se)
			}
			return nil
		})
	}
	_ = g.Wait() // The reads keep their errors; none is returned.
	tflog.Debug(ctx, "Swept R2 bucket CORS policies", map[string]any{
		"buckets": len(swept), "concurrency": concurrency, "retries": budget.Used(), "reader": readerName(d.CORS),
	})
	if se := setup.Load(); se != nil && ctx.Err() == nil {
		diags.AddError(tfkit.S3SetupDiagnostic(se))
		return diags
	}
	if ctx.Err() != nil {
		diags.AddError("R2 CORS Sweep Cancelled", fmt.Sprintf("The read of account %s's CORS policies was cancelled "+
			"before it finished; nothing was written to state.", account))
		return diags
	}
	if bytes.Spent() {
		diags.AddError("R2 CORS Sweep Too Large", fmt.Sprintf("The CORS policies of the %d buckets listed in account %s "+
			"came to more than the %d bytes one read of r2_bucket_cors_policies takes in all, so the read stopped and "+
			"nothing was written to state. This bound keeps the provider's memory in check (a policy takes ten to "+
			"fifteen times its size once decoded). Split the sweep with jurisdictions or name_contains, one data "+
			"source per part.", len(swept), account, d.Client.MaxSweepBytes()))
		return diags
	}

	var failed, gone []sweptBucket
	listed, vanished := map[string]int{}, map[string][]sweptBucket{}
	for _, b := range swept {
		listed[b.jurisdiction]++
		if _, ok := tfkit.BucketNotFound(b.err); ok {
			gone = append(gone, b)
			vanished[b.jurisdiction] = append(vanished[b.jurisdiction], b)
		} else if b.err != nil {
			failed = append(failed, b)
		}
	}
	if len(failed) > 0 {
		diags.AddError(sweepErrorDiagnostic(failed, len(swept), account))
		return diags
	}
	for _, j := range jurisdictions.All {
		if tooManyVanished(len(vanished[j]), listed[j]) {
			diags.AddError(vanishedDiagnostic(vanished[j], listed[j], account))
		}
	}
	if diags.HasError() {
		return diags
	}
	if len(gone) > 0 {
		names := make([]string, len(gone))
		for i, b := range gone {
			names[i] = b.label()
		}
		code, _ := tfkit.BucketNotFound(gone[0].err)
		diags.AddWarning("R2 Buckets Deleted During the Read", fmt.Sprintf("These buckets of account %s were listed "+
			"but no longer existed when their CORS policy was read (%s), so they are left out: %s.",
			account, code, strings.Join(names, ", ")))
	}
	return diags
}

// readerName says which API the sweep read policies through, for its log line.
func readerName(r tfkit.CORSReader) string {
	if _, ok := r.(*r2s3.Readers); ok {
		return "s3"
	}
	return "rest"
}

// tooManyVanished says whether gone of the listed buckets of one
// jurisdiction answering "does not exist" (10006) is more than a race
// between the list and the reads: all of them, or more than one and more
// than a tenth. A bucket or two deleted during a sweep is a race; most of a
// jurisdiction vanishing within seconds of being listed is a wrong
// jurisdiction, a proxy or a broken API, and read as a warning it would
// leave an empty review that every check passes.
func tooManyVanished(gone, listed int) bool {
	return gone > 0 && (gone == listed || gone > max(1, listed/10))
}

// vanishedDiagnostic is the error for a jurisdiction whose buckets vanished
// between the list and their reads (tooManyVanished).
func vanishedDiagnostic(gone []sweptBucket, listed int, account string) (string, string) {
	names := make([]string, 0, min(len(gone), failuresShownInFull))
	for _, b := range gone[:min(len(gone), failuresShownInFull)] {
		names = append(names, fmt.Sprintf("%q", b.bucket.Name))
	}
	if more := len(gone) - len(names); more > 0 {
		names = append(names, fmt.Sprintf("and %d more", more))
	}
	j := gone[0].header()
	code, _ := tfkit.BucketNotFound(gone[0].err)
	return "R2 Buckets Vanished During the Read", fmt.Sprintf("%d of the %d buckets listed in %s answered that they do "+
		"not exist (%s) when their CORS policy was read: %s. A bucket or two deleted during a sweep is a race; "+
		"this many is not, so nothing was written to state. Check that the jurisdiction is right and that nothing "+
		"between the provider and the API (a proxy, base_url, s3_endpoint) rewrites requests, then run the plan again.",
		len(gone), listed, tfkit.Where{Account: account, Jurisdiction: j}, code, strings.Join(names, ", "))
}

// sweepErrorDiagnostic is the one error of a sweep with failed reads: each of
// the first failures in full, as r2_bucket_cors would report it, then the
// names of the rest, then a count.
func sweepErrorDiagnostic(failed []sweptBucket, total int, account string) (string, string) {
	var b strings.Builder
	fmt.Fprintf(&b, "The CORS policies of %d of the %d buckets listed in account %s could not be read, so nothing "+
		"was written to state.", len(failed), total, account)
	for i, f := range failed[:min(len(failed), failuresShownInFull)] {
		summary, detail := tfkit.ReadCORSErrorDiagnostic(f.err, account, f.bucket.Name, f.header())
		fmt.Fprintf(&b, "\n\n%d. %s: bucket %s\n%s", i+1, summary, f.label(), detail)
	}
	if rest := failed[min(len(failed), failuresShownInFull):]; len(rest) > 0 {
		names := make([]string, 0, min(len(rest), failuresNamed))
		for _, f := range rest[:min(len(rest), failuresNamed)] {
			names = append(names, f.label())
		}
		fmt.Fprintf(&b, "\n\n%d more buckets failed: %s", len(rest), strings.Join(names, ", "))
		if more := len(rest) - len(names); more > 0 {
			fmt.Fprintf(&b, ", and %d more", more)
		}
		b.WriteString(".")
	}
	return "Cannot Read R2 Bucket CORS Policies", b.String()
}

// sweepToState maps the swept buckets, already in jurisdiction then name
// order, to the buckets attribute, and counts those with a policy.
func sweepToState(account string, swept []sweptBucket) (types.List, int, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, 0, len(swept))
	withPolicy := 0
	for _, b := range swept {
		if b.err != nil { // deleted between list and read
			continue
		}
		rules, err := corsstate.RulesToState(b.rules)
		if err != nil {
			diags.AddError(tfkit.UnexpectedPolicyDiagnostic(err, account, b.bucket.Name, b.header()))
			return types.ListNull(policyBucketType), 0, diags
		}
		has := len(b.rules) > 0
		if has {
			withPolicy++
		}
		obj, d := types.ObjectValue(policyBucketType.AttrTypes, map[string]attr.Value{
			"name":          types.StringValue(b.bucket.Name),
			"jurisdiction":  types.StringValue(b.jurisdiction),
			"location":      types.StringPointerValue(b.bucket.Location),
			"creation_date": types.StringPointerValue(b.bucket.CreationDate),
			"has_policy":    types.BoolValue(has),
			"rules":         rules,
		})
		diags.Append(d...)
		if diags.HasError() {
			return types.ListNull(policyBucketType), 0, diags
		}
		elems = append(elems, obj)
	}
	list, d := types.ListValue(policyBucketType, elems)
	diags.Append(d...)
	return list, withPolicy, diags
}
