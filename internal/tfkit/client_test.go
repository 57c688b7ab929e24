package tfkit

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// Data sources and resources take the client alike: nothing before the
// provider is configured, the client after, and an error that says it is
// the provider's bug for anything else.
func TestConfigureTakesTheProviderClient(t *testing.T) {
	ctx := context.Background()
	client, err := r2api.New(r2api.Config{APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		providerData any
		want         *r2api.Client
		wantErr      string
	}{
		{name: "before the provider is configured"},
		{name: "configured", providerData: client, want: client},
		{name: "anything else", providerData: "a string", wantErr: "Expected *r2api.Client, got string. This is a bug in the provider"},
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
				errs   int
				detail string
			}{
				"data source": {ds.Client, dsResp.Diagnostics.ErrorsCount(), detailOf(dsResp.Diagnostics.Errors())},
				"resource":    {rs.Client, rsResp.Diagnostics.ErrorsCount(), detailOf(rsResp.Diagnostics.Errors())},
			} {
				if got.client != tc.want {
					t.Errorf("%s: client = %p, want %p", kind, got.client, tc.want)
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
