package bench_test

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/r2tf/terraform-provider-r2/internal/bench"
	"github.com/r2tf/terraform-provider-r2/internal/bench/trivial"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/provider"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// parallelism is Terraform's default, which these benchmarks reproduce.
const parallelism = 10

// startFake serves n benchmark buckets with the benchmark's CORS policy.
func startFake(b *testing.B, n int, latency time.Duration) *fakeapi.Server {
	b.Helper()
	s := fakeapi.Start()
	b.Cleanup(s.Close)
	s.AddToken(bench.Token)
	s.AddAccount(bench.AccountID)
	for i := range n {
		s.AddBucket(bench.AccountID, fakeapi.Bucket{Name: bench.BucketName(i), CORSRules: bench.CORSRules})
	}
	s.SetLatency(latency)
	return s
}

// runParallel runs f on Terraform's parallelism worth of goroutines.
func runParallel(b *testing.B, f func(i int)) {
	b.SetParallelism((parallelism + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f(int(next.Add(1)))
		}
	})
}

// report adds the fake's counts per read to the benchmark's output.
func report(b *testing.B, s *fakeapi.Server) {
	b.ReportMetric(float64(s.RequestCount())/float64(b.N), "requests/op")
	b.ReportMetric(float64(s.ConnectionsOpened()), "connections")
}

// BenchmarkGetBucketCORS is the client's half of a plan: Terraform's
// parallelism of reads through one shared client, against the fake on
// loopback. latency=0 shows the client's own cost; latency=2ms that
// connections are reused under parallel reads.
func BenchmarkGetBucketCORS(b *testing.B) {
	const buckets = 1000
	for _, latency := range []time.Duration{0, 2 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			s := startFake(b, buckets, latency)
			c, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: bench.Token, UserAgent: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			s.ResetLog()
			b.ReportAllocs()
			b.ResetTimer()
			runParallel(b, func(i int) {
				rules, err := c.GetBucketCORS(ctx, bench.AccountID, bench.BucketName(i%buckets), "")
				if err != nil || len(rules) != 2 {
					b.Errorf("GetBucketCORS: %d rules, %v", len(rules), err)
				}
			})
			b.StopTimer()
			report(b, s)
			s.ResetLog() // The log holds every request; free it between runs.
		})
	}
}

// BenchmarkProviderRead is a plan's reads without Terraform: the provider
// server, configured once, answering ReadDataSource for r2_bucket_cors on
// Terraform's parallelism of goroutines. It covers the framework, the data
// source, the client and the mapping, but not gRPC.
func BenchmarkProviderRead(b *testing.B) {
	const buckets = 1000
	s := startFake(b, buckets, 0)
	ctx := context.Background()
	srv, schemas := configuredServer(b, s, nil)
	dsSchema := schemas.DataSourceSchemas["r2_bucket_cors"]
	configs := make([]tfprotov6.DynamicValue, buckets)
	for i := range configs {
		configs[i] = dynamicValue(b, dsSchema, map[string]tftypes.Value{
			"account_id":  tftypes.NewValue(tftypes.String, bench.AccountID),
			"bucket_name": tftypes.NewValue(tftypes.String, bench.BucketName(i)),
		})
	}
	s.ResetLog()
	b.ReportAllocs()
	b.ResetTimer()
	runParallel(b, func(i int) {
		resp, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
			TypeName: "r2_bucket_cors", Config: &configs[i%buckets],
		})
		if err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
			b.Errorf("ReadDataSource: %v %v", err, resp.Diagnostics)
		}
	})
	b.StopTimer()
	report(b, s)
}

// BenchmarkSweepRead is one r2_bucket_cors_policies read of 1000 buckets
// (the benchmark's policy on each) through the server main serves, without
// gRPC: what the provider allocates for a sweep, and where (-memprofile).
func BenchmarkSweepRead(b *testing.B) {
	const buckets = 1000
	s := startFake(b, buckets, 0)
	ctx := context.Background()
	srv, schemas := configuredServer(b, s, map[string]tftypes.Value{"rate_limit": tftypes.NewValue(tftypes.Number, 0)})
	cfg := dynamicValue(b, schemas.DataSourceSchemas["r2_bucket_cors_policies"], map[string]tftypes.Value{
		"account_id": tftypes.NewValue(tftypes.String, bench.AccountID),
	})
	b.ReportAllocs()
	for b.Loop() {
		resp, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "r2_bucket_cors_policies", Config: &cfg})
		if err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
			b.Fatalf("ReadDataSource: %v %v", err, resp.Diagnostics)
		}
	}
}

// configuredServer is the server main serves (provider.NewServer), not the
// bare framework's, configured for the fake s with extra provider settings.
func configuredServer(b *testing.B, s *fakeapi.Server, extra map[string]tftypes.Value) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	b.Helper()
	ctx := context.Background()
	srv := provider.NewServer("bench", provider.Options{})()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	settings := map[string]tftypes.Value{
		"base_url":  tftypes.NewValue(tftypes.String, s.URL()),
		"api_token": tftypes.NewValue(tftypes.String, bench.Token),
	}
	maps.Copy(settings, extra)
	provCfg := dynamicValue(b, schemas.Provider, settings)
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &provCfg})
	if err != nil || len(conf.Diagnostics) > 0 {
		b.Fatalf("ConfigureProvider: %v %v", err, conf.Diagnostics)
	}
	return srv, schemas
}

// dynamicValue encodes an object of the schema's type with the given
// attributes and every other attribute null.
func dynamicValue(b *testing.B, schema *tfprotov6.Schema, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	b.Helper()
	typ, ok := schema.ValueType().(tftypes.Object)
	if !ok {
		b.Fatalf("schema type %T is not an object", schema.ValueType())
	}
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(t, nil)
		if v, ok := set[name]; ok {
			vals[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		b.Fatal(err)
	}
	return dv
}

// BenchmarkGetProviderSchema is the provider's own share of `terraform
// providers schema -json`: a fresh server (as in a new process) answering
// GetProviderSchema, next to the trivial provider's.
func BenchmarkGetProviderSchema(b *testing.B) {
	for _, p := range []struct {
		name string
		new  func() tfprotov6.ProviderServer
	}{
		{"r2", provider.NewServer("bench", provider.Options{})},
		{"trivial", providerserver.NewProtocol6(trivial.New())},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := p.new().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatalf("GetProviderSchema: %v %v", err, resp.Diagnostics)
				}
			}
		})
	}
}
