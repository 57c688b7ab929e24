package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// withClient gives a data source the provider's shared API client: embed it
// and the data source has its Configure step.
type withClient struct {
	client *r2api.Client
}

// Configure takes the client from the provider: nothing before the provider
// is configured (validation runs first), and an error diagnostic if the
// provider handed over anything else.
func (w *withClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	client, ok := req.ProviderData.(*r2api.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *r2api.Client, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	w.client = client
}
