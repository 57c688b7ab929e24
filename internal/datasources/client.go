package datasources

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// configuredClient takes the provider's shared API client from a Configure
// request: nil before the provider is configured (validation runs first),
// and an error diagnostic if the provider handed over anything else.
func configuredClient(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *r2api.Client {
	if req.ProviderData == nil {
		return nil
	}
	client, ok := req.ProviderData.(*r2api.Client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *r2api.Client, got %T. This is a bug in the provider; please report it.", req.ProviderData))
	}
	return client
}
