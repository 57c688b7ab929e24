package acctest

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

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

// CLICallsFunctions reports whether the CLI at path can call provider
// functions, for tests that run a CLI themselves rather than through the
// testing framework (where FunctionsSupported does this): OpenTofu and
// Terraform from 1.8.
func CLICallsFunctions(t testing.TB, path string) bool {
	t.Helper()
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", path, err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("version %q: %v", v.Version, err)
	}
	return major > 1 || major == 1 && minor >= 8
}
