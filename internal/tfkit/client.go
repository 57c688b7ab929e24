// Package tfkit holds what the provider's data sources (and resources, when
// there are any) are built from, beyond terraform-plugin-framework itself:
// the shared API client handed over at Configure, state written straight
// from a model, the validators of account IDs, bucket names and
// jurisdictions, the diagnostics of a failed API call, and schema helpers.
//
// It knows the API client (internal/r2api) and the jurisdictions, never
// what builds on it: internal/datasources (or any package of data sources
// or resources) imports it, and internal/provider registers those.
package tfkit

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// ProviderClient is the provider's shared API client, from a Configure
// request's ProviderData: nil without a diagnostic before the provider is
// configured (Terraform validates a configuration first), and an error
// diagnostic if the provider handed over anything else.
func ProviderClient(providerData any, diags *diag.Diagnostics) *r2api.Client {
	if providerData == nil {
		return nil
	}
	client, ok := providerData.(*r2api.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *r2api.Client, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return client
}

// DataSourceClient gives a data source the provider's shared API client:
// embed it, and the data source has its Configure and its Client.
type DataSourceClient struct {
	Client *r2api.Client
}

// Configure takes the client from the provider (see ProviderClient).
func (c *DataSourceClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if client := ProviderClient(req.ProviderData, &resp.Diagnostics); client != nil {
		c.Client = client
	}
}

// ResourceClient is DataSourceClient for a resource.
type ResourceClient struct {
	Client *r2api.Client
}

// Configure takes the client from the provider (see ProviderClient).
func (c *ResourceClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if client := ProviderClient(req.ProviderData, &resp.Diagnostics); client != nil {
		c.Client = client
	}
}
