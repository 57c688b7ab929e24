package tfkit

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// Data sources and resources take the clients alike: nothing before the
// provider is configured, the REST client and the CORS reader after, and an
// error that says it is the provider's bug for anything else.
func TestConfigureTakesTheProviderData(t *testing.T) {
	ctx := context.Background()
	client, err := r2api.New(r2api.Config{APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	s3 := r2s3.NewReaders(r2s3.ReadersConfig{})
	cases := []struct {
		name         string
		providerData any
		want         *r2api.Client
		wantCORS     CORSReader
		wantErr      string
	}{
		{name: "before the provider is configured"},
		{name: "configured, REST reader", providerData: &ProviderData{Client: client, CORS: client}, want: client, wantCORS: client},
		{name: "configured, S3 reader", providerData: &ProviderData{Client: client, CORS: s3}, want: client, wantCORS: s3},
		{name: "incomplete", providerData: &ProviderData{Client: client},
			wantErr: "Expected a complete *tfkit.ProviderData, got *tfkit.ProviderData. This is a bug in the provider"},
		{name: "the client alone", providerData: client,
			wantErr: "Expected a complete *tfkit.ProviderData, got *r2api.Client. This is a bug in the provider"},
		{name: "anything else", providerData: "a string", wantErr: "Expected a complete *tfkit.ProviderData, got string. This is a bug in the provider"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ds DataSourceClient
			var dsResp datasource.ConfigureResponse
			ds.Configure(ctx, datasource.ConfigureRequest{ProviderData: tc.providerData}, &dsResp)
			var rs ResourceClient
			var rsResp resource.ConfigureResponse
			rs.Configure(ctx, resource.ConfigureRequest{ProviderData: tc.providerData}, &rsResp)

			for kind, got := range map[string]struct {
				client *r2api.Client
				cors   CORSReader
				errs   int
				detail string
			}{
				"data source": {ds.Client, ds.CORS, dsResp.Diagnostics.ErrorsCount(), detailOf(dsResp.Diagnostics.Errors())},
				"resource":    {rs.Client, rs.CORS, rsResp.Diagnostics.ErrorsCount(), detailOf(rsResp.Diagnostics.Errors())},
			} {
				if got.client != tc.want || got.cors != tc.wantCORS {
					t.Errorf("%s: client = %p, CORS reader = %v, want %p, %v", kind, got.client, got.cors, tc.want, tc.wantCORS)
				}
				switch {
				case tc.wantErr == "" && got.errs > 0:
					t.Errorf("%s: unexpected error: %s", kind, got.detail)
				case tc.wantErr != "" && (got.errs != 1 || !strings.Contains(got.detail, tc.wantErr)):
					t.Errorf("%s: %d errors %q, want one containing %q", kind, got.errs, got.detail, tc.wantErr)
				}
			}
		})
	}
}

func detailOf(diags diag.Diagnostics) string {
	if len(diags) == 0 {
		return ""
	}
	return diags[0].Detail()
}
