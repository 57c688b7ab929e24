package datasources_test

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/r2tf/terraform-provider-r2/internal/acctest"
)

// TestAccBucketCORS_live reads a real bucket. It runs only with TF_ACC=1,
// CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and R2_TEST_BUCKET set
// (R2_TEST_JURISDICTION optional); `make testacc` runs it.
func TestAccBucketCORS_live(t *testing.T) {
	account, bucket := os.Getenv("CLOUDFLARE_ACCOUNT_ID"), os.Getenv("R2_TEST_BUCKET")
	if os.Getenv("TF_ACC") == "" || os.Getenv("CLOUDFLARE_API_TOKEN") == "" || account == "" || bucket == "" {
		t.Skip("live test: set TF_ACC=1, CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and R2_TEST_BUCKET to run it")
	}
	config := `
data "r2_bucket_cors" "test" {
  account_id   = "` + account + `"
  bucket_name  = "` + bucket + `"
  jurisdiction = ` + hclStringOrNull(os.Getenv("R2_TEST_JURISDICTION")) + `
}
`
	acctest.RunLive(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("bucket_name"), knownvalue.StringExact(bucket)),
		},
	})
}

func hclStringOrNull(s string) string {
	if s == "" {
		return "null"
	}
	return `"` + s + `"`
}
