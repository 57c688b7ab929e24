package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/review"
)

// WithSweepReview wraps the provider's protocol server so that cors_review
// over a sweep reads its buckets straight from Terraform's wire encoding
// (corsstate.BucketsFromMsgPack) instead of through the framework, which
// builds them twice over as Terraform values first: over 1000 buckets with
// their baselines a call took 130 ms and 60 MB that way, 50 ms and 26 MB
// this way (BenchmarkSweepReview), on the plan's critical path (issue #19
// bounds what the review adds to the sweep's plan).
// Every other call, and every cors_review call it declines, goes to the
// framework, whose answer (the same result, or the error naming what is
// wrong) is the definition; TestSweepReviewAgreesWithTheFramework and
// FuzzSweepReview hold the two to it.
func WithSweepReview(s tfprotov6.ProviderServer, version string) tfprotov6.ProviderServer {
	return sweepReviewServer{ProviderServer: s, version: version}
}

type sweepReviewServer struct {
	tfprotov6.ProviderServer
	version string
}

func (s sweepReviewServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	if req.Name == "cors_review" {
		if resp, ok := sweepReview(ctx, req, s.version); ok {
			return resp, nil
		}
	}
	return s.ProviderServer.CallFunction(ctx, req)
}

// sweepReview answers the call when its buckets are a sweep's, fully known,
// and its options and the review are accepted; otherwise ok is false.
func sweepReview(ctx context.Context, req *tfprotov6.CallFunctionRequest, version string) (*tfprotov6.CallFunctionResponse, bool) {
	if len(req.Arguments) != 2 || req.Arguments[argBuckets] == nil || req.Arguments[argOptions] == nil {
		return nil, false
	}
	swept, ok := corsstate.BucketsFromMsgPack(req.Arguments[argBuckets].MsgPack)
	if !ok {
		tflog.Trace(ctx, "cors_review: the buckets are not a sweep's, fully known; the framework reads them")
		return nil, false
	}
	tflog.Trace(ctx, "cors_review: read the sweep's buckets from the wire", map[string]any{"buckets": len(swept)})
	// The options are small: they take the framework's own way.
	tv, err := req.Arguments[argOptions].Unmarshal(tftypes.DynamicPseudoType)
	if err != nil {
		return nil, false
	}
	v, err := types.DynamicType.ValueFromTerraform(ctx, tv)
	if err != nil {
		return nil, false
	}
	options, ok := v.(types.Dynamic)
	if !ok {
		return nil, false
	}
	opts, known, err := reviewOptionsOf(ctx, options)
	if err != nil || !known {
		return nil, false
	}
	buckets := make([]review.Bucket, len(swept))
	for i, b := range swept {
		buckets[i] = review.Bucket{Jurisdiction: b.Jurisdiction, Name: b.Name, Rules: b.Rules}
	}
	obj, diags, err := reviewOf(buckets, opts, version)
	if err != nil || diags.HasError() {
		return nil, false
	}
	rt, err := obj.ToTerraformValue(ctx)
	if err != nil {
		return nil, false
	}
	result, err := tfprotov6.NewDynamicValue(obj.Type(ctx).TerraformType(ctx), rt)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.CallFunctionResponse{Result: &result}, true
}
