// Package tfkit holds what the provider's data sources (and resources, when
// there are any) are built from, beyond terraform-plugin-framework itself:
// the shared API clients handed over at Configure, state written straight
// from a model, the validators of account IDs, bucket names and
// jurisdictions, the diagnostics of a failed API call, and schema helpers.
//
// It knows the API clients (internal/r2api, internal/r2s3) and the
// jurisdictions, never what builds on them: internal/datasources (or any
// package of data sources or resources) imports it, and internal/provider
// registers those.
package tfkit

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// CORSReader reads a bucket's CORS policy: the REST client
// (*r2api.Client), or the S3 reader (*r2s3.Readers) when the provider's
// cors_reader is "s3". Both give the same rules for every policy XML can
// say, and errors that ReadCORSErrorDiagnostic explains.
type CORSReader interface {
	GetBucketCORS(ctx context.Context, accountID, bucketName, jurisdiction string) ([]cors.Rule, error)
}

var (
	_ CORSReader = (*r2api.Client)(nil)
	_ CORSReader = (*r2s3.Readers)(nil)
)

// ProviderData is what the provider hands every data source and resource
// at Configure: one of each, shared by every read.
type ProviderData struct {
	// Client is the REST API client: bucket lists, and every call but the
	// reads of CORS policies. It holds the rate-limit gate.
	Client *r2api.Client
	// CORS reads bucket CORS policies through the API cors_reader names:
	// Client itself for "rest", the S3 reader for "s3".
	CORS CORSReader
}

// FromProviderData is the provider's data, from a Configure request's
// ProviderData: nil without a diagnostic before the provider is configured
// (Terraform validates a configuration first), and an error diagnostic if
// the provider handed over anything else.
func FromProviderData(providerData any, diags *diag.Diagnostics) *ProviderData {
	if providerData == nil {
		return nil
	}
	data, ok := providerData.(*ProviderData)
	if !ok || data.Client == nil || data.CORS == nil {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected a complete *tfkit.ProviderData, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return data
}

// DataSourceClient gives a data source the provider's shared clients:
// embed it, and the data source has its Configure, its Client (the REST
// API) and its CORS reader.
type DataSourceClient struct{ ProviderData }

// Configure takes the clients from the provider (see FromProviderData).
func (c *DataSourceClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := FromProviderData(req.ProviderData, &resp.Diagnostics); data != nil {
		c.ProviderData = *data
	}
}

// ResourceClient is DataSourceClient for a resource.
type ResourceClient struct{ ProviderData }

// Configure takes the clients from the provider (see FromProviderData).
func (c *ResourceClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := FromProviderData(req.ProviderData, &resp.Diagnostics); data != nil {
		c.ProviderData = *data
	}
}
