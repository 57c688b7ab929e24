package functions

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/review"
)

// functionsOnly serves the functions alone, through the framework, as the
// provider serves them.
type functionsOnly struct{}

func (functionsOnly) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "r2"
}
func (functionsOnly) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (functionsOnly) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (functionsOnly) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (functionsOnly) Resources(context.Context) []func() resource.Resource       { return nil }
func (functionsOnly) Functions(context.Context) []func() function.Function       { return New("test") }

func frameworkServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(functionsOnly{})()
}

// The types of a sweep's buckets attribute, as Terraform sends it.
var (
	sweptBucketType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name": tftypes.String, "jurisdiction": tftypes.String, "location": tftypes.String,
		"has_policy": tftypes.Bool, "rules": corsstate.RulesType,
	}}
	ruleType    = corsstate.RuleObjectType.TerraformType(context.Background())
	allowedType = types.ObjectType{AttrTypes: corsstate.AllowedAttrTypes}.TerraformType(context.Background())
	stringsType = tftypes.List{ElementType: tftypes.String}
)

// sweepGen draws sweeps the way an attacker or an odd account would write
// them, from its own pools, independently of the decoder: nulls and empty
// lists wherever the type allows them, maximum ages in and out of bounds,
// duplicate keys, and now and then an unknown value.
type sweepGen struct {
	r *rand.Rand
	// fractions draws maximum ages that are not whole, which the fast way
	// leaves to the framework.
	fractions bool
}

func (g sweepGen) pick(ss ...string) string { return ss[g.r.IntN(len(ss))] }

func (g sweepGen) strings(pool ...string) tftypes.Value {
	switch g.r.IntN(8) {
	case 0:
		return tftypes.NewValue(stringsType, nil)
	case 1:
		return tftypes.NewValue(stringsType, []tftypes.Value{})
	}
	vs := make([]tftypes.Value, 1+g.r.IntN(3))
	for i := range vs {
		vs[i] = tftypes.NewValue(tftypes.String, g.pick(pool...))
	}
	return tftypes.NewValue(stringsType, vs)
}

func (g sweepGen) rule() tftypes.Value {
	id := tftypes.NewValue(tftypes.String, nil)
	if g.r.IntN(2) == 0 {
		id = tftypes.NewValue(tftypes.String, g.pick("app", "uploads", "", "ünï", "a\"b"))
	}
	allowed := tftypes.NewValue(allowedType, nil)
	if g.r.IntN(10) > 0 {
		allowed = tftypes.NewValue(allowedType, map[string]tftypes.Value{
			"methods": g.strings("GET", "HEAD", "PUT", "POST", "DELETE", "get", "PATCH"),
			"origins": g.strings("*", "https://app.example.com", "https://*.workers.dev", "null", "http://localhost:3000", "https://*"),
			"headers": g.strings("*", "content-type", "authorization", "x-amz-meta-*"),
		})
	}
	maxAge := tftypes.NewValue(tftypes.Number, nil)
	switch g.r.IntN(5) {
	case 0:
		maxAge = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(g.r.IntN(86401))))
	case 1:
		maxAge = tftypes.NewValue(tftypes.Number, big.NewFloat(g.pickNumber(-1, 2e9, 1e9, 0)))
	case 2:
		if g.fractions {
			maxAge = tftypes.NewValue(tftypes.Number, big.NewFloat(1.5))
		}
	}
	return tftypes.NewValue(ruleType, map[string]tftypes.Value{
		"id": id, "allowed": allowed, "expose_headers": g.strings("ETag", "Content-Length"), "max_age_seconds": maxAge,
	})
}

func (g sweepGen) pickNumber(fs ...float64) float64 { return fs[g.r.IntN(len(fs))] }

func (g sweepGen) rules() tftypes.Value {
	if g.r.IntN(12) == 0 {
		return tftypes.NewValue(corsstate.RulesType, nil)
	}
	rs := make([]tftypes.Value, g.r.IntN(4))
	for i := range rs {
		rs[i] = g.rule()
	}
	return tftypes.NewValue(corsstate.RulesType, rs)
}

// sweep returns the buckets and, for some of them, baselines: the same rules,
// other rules, or broken text.
func (g sweepGen) sweep() (tftypes.Value, map[string]tftypes.Value) {
	n := g.r.IntN(6)
	buckets := make([]tftypes.Value, n)
	approved := map[string]tftypes.Value{}
	for i := range buckets {
		name := tftypes.NewValue(tftypes.String, fmt.Sprintf("bucket-%d", g.r.IntN(8)))
		if g.r.IntN(25) == 0 {
			name = tftypes.NewValue(tftypes.String, nil)
		}
		jurisdiction := tftypes.NewValue(tftypes.String, g.pick("default", "eu", "fedramp", "us"))
		if g.r.IntN(6) == 0 {
			jurisdiction = tftypes.NewValue(tftypes.String, nil)
		}
		location := tftypes.NewValue(tftypes.String, "wnam")
		if g.r.IntN(25) == 0 {
			location = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		}
		rules := g.rules()
		buckets[i] = tftypes.NewValue(sweptBucketType, map[string]tftypes.Value{
			"name": name, "jurisdiction": jurisdiction, "location": location,
			"has_policy": tftypes.NewValue(tftypes.Bool, g.r.IntN(2) == 0), "rules": rules,
		})
		var key string
		if err := name.As(&key); err != nil || key == "" {
			continue
		}
		j := "default"
		if !jurisdiction.IsNull() {
			_ = jurisdiction.As(&j)
		}
		switch g.r.IntN(4) {
		case 0:
			approved[j+"/"+key] = tftypes.NewValue(tftypes.String, baselineText(rules))
		case 1:
			approved[j+"/"+key] = tftypes.NewValue(tftypes.String, `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
		case 2:
			approved[j+"/"+key] = tftypes.NewValue(tftypes.String, `[{"allowed": }]`)
		}
	}
	return tftypes.NewValue(tftypes.List{ElementType: sweptBucketType}, buckets), approved
}

// baselineText is the rules' baseline file, or "[]" when they do not read
// (the review then finds them drifted, or both paths refuse them alike).
func baselineText(rules tftypes.Value) string {
	var rs []cors.Rule
	if v, err := (types.ListType{ElemType: corsstate.RuleObjectType}).ValueFromTerraform(context.Background(), rules); err == nil {
		rs, _ = corsstate.RulesFromValue(context.Background(), v)
	}
	text, err := review.FormatBaseline(rs)
	if err != nil {
		return "[]"
	}
	return text
}

func (g sweepGen) options(approved map[string]tftypes.Value) tftypes.Value {
	attrs := map[string]tftypes.Value{}
	if len(approved) > 0 {
		ts := map[string]tftypes.Type{}
		for k := range approved {
			ts[k] = tftypes.String
		}
		attrs["approved"] = tftypes.NewValue(tftypes.Object{AttributeTypes: ts}, approved)
	}
	switch g.r.IntN(6) {
	case 0:
		attrs["fail_on"] = tftypes.NewValue(tftypes.String, g.pick("high", "medium", "severe"))
	case 1:
		attrs["skipped_jurisdictions"] = tftypes.NewValue(stringsType, []tftypes.Value{tftypes.NewValue(tftypes.String, "fedramp")})
	case 2:
		attrs["fail-on"] = tftypes.NewValue(tftypes.String, "high") // a typo: both refuse it
	}
	ts := map[string]tftypes.Type{}
	for k, v := range attrs {
		ts[k] = v.Type()
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: ts}, attrs)
}

func dynamic(t testing.TB, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// resultType is cors_review's result, as Terraform reads it.
func resultType() tftypes.Object {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for k, v := range ReviewResultAttrTypes {
		typ.AttributeTypes[k] = v.TerraformType(context.Background())
	}
	return typ
}

// sameAnswer fails unless the two answers have the same error text and the
// same result.
func sameAnswer(t testing.TB, got, want *tfprotov6.CallFunctionResponse) {
	t.Helper()
	errText := func(e *tfprotov6.FunctionError) string {
		if e == nil {
			return "no error"
		}
		arg := "none"
		if e.FunctionArgument != nil {
			arg = fmt.Sprint(*e.FunctionArgument)
		}
		return fmt.Sprintf("%q (argument %s)", e.Text, arg)
	}
	if errText(got.Error) != errText(want.Error) {
		t.Fatalf("error %s, the framework's %s", errText(got.Error), errText(want.Error))
	}
	if (got.Result == nil) != (want.Result == nil) {
		t.Fatalf("result %v, the framework's %v", got.Result, want.Result)
	}
	if got.Result == nil {
		return
	}
	g, err := got.Result.Unmarshal(resultType())
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.Result.Unmarshal(resultType())
	if err != nil {
		t.Fatal(err)
	}
	if !g.Equal(w) {
		t.Fatalf("the result differs from the framework's:\n got %v\nwant %v", g, w)
	}
}

// agree calls cors_review the fast way and through the framework, and fails
// unless the fast way declined or answered exactly as the framework does. It
// returns whether the fast way answered, and whether the framework answered
// with a result, known, and no error.
func agree(t testing.TB, framework tfprotov6.ProviderServer, args ...*tfprotov6.DynamicValue) (fast, known bool) {
	t.Helper()
	ctx := context.Background()
	req := &tfprotov6.CallFunctionRequest{Name: "cors_review", Arguments: args}
	got, fast := sweepReview(ctx, req, "test")
	want, err := framework.CallFunction(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if want.Error == nil && want.Result != nil {
		v, err := want.Result.Unmarshal(resultType())
		known = err == nil && v.IsKnown()
	}
	if fast {
		sameAnswer(t, got, want)
	}
	return fast, known
}

func TestSweepReviewAgreesWithTheFramework(t *testing.T) {
	framework := frameworkServer()
	for _, fractions := range []bool{false, true} {
		g := sweepGen{r: rand.New(rand.NewPCG(19, 2026)), fractions: fractions}
		answered, known := 0, 0
		for range 1500 {
			buckets, approved := g.sweep()
			fast, k := agree(t, framework, dynamic(t, buckets), dynamic(t, g.options(approved)))
			if fast {
				answered++
			}
			if k {
				known++
			}
			// With whole maximum ages, a sweep the framework reviews is one
			// the fast way takes.
			if k && !fast && !fractions {
				t.Fatalf("the framework reviewed a sweep the fast way declined: %v", buckets)
			}
		}
		t.Logf("fractions %v: the fast way answered %d, the framework reviewed %d of 1500", fractions, answered, known)
		if answered == 0 {
			t.Errorf("fractions %v: the fast way answered none", fractions)
		}
	}
}

func TestSweepReviewDeclines(t *testing.T) {
	framework := frameworkServer()
	ctx := context.Background()
	empty := dynamic(t, tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{}))
	handWritten := tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name": tftypes.String, "rules": tftypes.Tuple{ElementTypes: []tftypes.Type{}},
	}}}}, []tftypes.Value{tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name": tftypes.String, "rules": tftypes.Tuple{ElementTypes: []tftypes.Type{}},
	}}, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "web"), "rules": tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{}}, []tftypes.Value{})})})
	one := func(b map[string]tftypes.Value) tftypes.Value {
		base := map[string]tftypes.Value{
			"name": tftypes.NewValue(tftypes.String, "web"), "jurisdiction": tftypes.NewValue(tftypes.String, "eu"),
			"location": tftypes.NewValue(tftypes.String, "weur"), "has_policy": tftypes.NewValue(tftypes.Bool, false),
			"rules": tftypes.NewValue(corsstate.RulesType, []tftypes.Value{}),
		}
		for k, v := range b {
			base[k] = v
		}
		return tftypes.NewValue(tftypes.List{ElementType: sweptBucketType}, []tftypes.Value{tftypes.NewValue(sweptBucketType, base)})
	}
	floatAge := tftypes.NewValue(corsstate.RulesType, []tftypes.Value{tftypes.NewValue(ruleType, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, nil), "allowed": tftypes.NewValue(allowedType, nil),
		"expose_headers": tftypes.NewValue(stringsType, nil), "max_age_seconds": tftypes.NewValue(tftypes.Number, big.NewFloat(0.5)),
	})})
	for name, buckets := range map[string]tftypes.Value{
		"hand-written buckets (a tuple, no jurisdiction)": handWritten,
		"an unknown location":                             one(map[string]tftypes.Value{"location": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}),
		"unknown rules":                                   one(map[string]tftypes.Value{"rules": tftypes.NewValue(corsstate.RulesType, tftypes.UnknownValue)}),
		"a null name":                                     one(map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, nil)}),
		"a maximum age that is not whole":                 one(map[string]tftypes.Value{"rules": floatAge}),
		"null buckets":                                    tftypes.NewValue(tftypes.List{ElementType: sweptBucketType}, nil),
	} {
		req := &tfprotov6.CallFunctionRequest{Name: "cors_review", Arguments: []*tfprotov6.DynamicValue{dynamic(t, buckets), empty}}
		if _, ok := sweepReview(ctx, req, "test"); ok {
			t.Errorf("%s: the fast way answered; it must leave the call to the framework", name)
		}
		// And through the wrapper, the framework answers it.
		got, err := WithSweepReview(framework, "test").CallFunction(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := framework.CallFunction(ctx, req)
		sameAnswer(t, got, want)
	}
}

// FuzzSweepReview feeds the fast way arbitrary bytes as the buckets: it
// must never panic, and whatever it answers the framework must answer alike.
func FuzzSweepReview(f *testing.F) {
	g := sweepGen{r: rand.New(rand.NewPCG(7, 19)), fractions: true}
	for range 16 {
		buckets, _ := g.sweep()
		f.Add(dynamic(f, buckets).MsgPack)
	}
	framework := frameworkServer()
	options := dynamic(f, tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{}))
	f.Fuzz(func(t *testing.T, raw []byte) {
		args := []*tfprotov6.DynamicValue{{MsgPack: raw}, options}
		// The framework is asked only about what the fast way answers:
		// tftypes panics on some malformed encodings Terraform never sends.
		if _, ok := sweepReview(context.Background(), &tfprotov6.CallFunctionRequest{Name: "cors_review", Arguments: args}, "test"); ok {
			agree(t, framework, args...)
		}
	})
}

// BenchmarkSweepReview is one cors_review call over a sweep of 1000 buckets
// with their baselines, as Terraform sends it: through the framework, and
// the sweep read off the wire (what the provider serves).
func BenchmarkSweepReview(b *testing.B) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	list := func(ss ...string) tftypes.Value {
		if ss == nil {
			return tftypes.NewValue(stringsType, nil)
		}
		vs := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			vs[i] = str(s)
		}
		return tftypes.NewValue(stringsType, vs)
	}
	rule := func(id string, methods, origins, headers, expose []string, maxAge int64) tftypes.Value {
		return tftypes.NewValue(ruleType, map[string]tftypes.Value{
			"id": str(id), "expose_headers": list(expose...), "max_age_seconds": tftypes.NewValue(tftypes.Number, maxAge),
			"allowed": tftypes.NewValue(allowedType, map[string]tftypes.Value{
				"methods": list(methods...), "origins": list(origins...), "headers": list(headers...)}),
		})
	}
	rules := tftypes.NewValue(corsstate.RulesType, []tftypes.Value{
		rule("app", []string{"GET", "HEAD"}, []string{"https://app.example.com", "https://www.example.com"},
			[]string{"content-type", "authorization"}, []string{"ETag", "Content-Length"}, 3600),
		rule("uploads", []string{"PUT", "POST"}, []string{"https://app.example.com"}, []string{"content-type", "x-amz-meta-*"}, nil, 600),
	})
	baseline := baselineText(rules)
	buckets := make([]tftypes.Value, 1000)
	approved := map[string]tftypes.Value{}
	for i := range buckets {
		name := fmt.Sprintf("bucket-%04d", i)
		buckets[i] = tftypes.NewValue(sweptBucketType, map[string]tftypes.Value{
			"name": str(name), "jurisdiction": str("default"), "location": str("wnam"),
			"has_policy": tftypes.NewValue(tftypes.Bool, true), "rules": rules,
		})
		approved["default/"+name] = str(baseline)
	}
	approvedType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for k := range approved {
		approvedType.AttributeTypes[k] = tftypes.String
	}
	options := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"approved": approvedType}},
		map[string]tftypes.Value{"approved": tftypes.NewValue(approvedType, approved)})
	req := &tfprotov6.CallFunctionRequest{Name: "cors_review", Arguments: []*tfprotov6.DynamicValue{
		dynamic(b, tftypes.NewValue(tftypes.List{ElementType: sweptBucketType}, buckets)), dynamic(b, options),
	}}
	framework := frameworkServer()
	for _, name := range []string{"framework", "wire"} {
		server := framework
		if name == "wire" {
			server = WithSweepReview(framework, "test")
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := server.CallFunction(context.Background(), req)
				if err != nil || resp.Error != nil {
					b.Fatal(err, resp.Error)
				}
			}
		})
	}
}
