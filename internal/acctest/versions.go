package acctest

import "github.com/hashicorp/terraform-plugin-testing/tfversion"

// What each feature needs of the CLI. Terraform 1.5 is the oldest we support
// (check blocks, which the drift review uses, arrived in 1.5); the data
// sources work there. OpenTofu reports its own version (1.12.6 is above all
// of these), and had provider functions from 1.7.

// FunctionsSupported skips a test below Terraform 1.8, the first release
// that calls provider functions (provider::r2::cors_allows and friends):
// older CLIs reject the syntax before the provider is asked.
var FunctionsSupported = []tfversion.TerraformVersionCheck{
	tfversion.SkipBelow(tfversion.Version1_8_0),
}
