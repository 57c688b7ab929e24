// Package localprovider builds providers from this repository and writes a
// Terraform CLI configuration that serves those builds, offline: it is the
// one way the tests that run the real plugin binary, the benchmark and
// scripts/lib.sh (the demo, the example check) point Terraform at a local
// build. It is development tooling; the provider never imports it.
package localprovider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Provider is one provider to build and serve.
type Provider struct {
	Address string // registry address, e.g. registry.terraform.io/r2tf/r2
	Package string // Go package of its main, built in Module
	// Module is the directory of the Go module that builds it, relative to
	// the repository root: "" for the provider's own module, or a module of
	// its own such as the benchmark's (internal/bench).
	Module string
}

// R2 is this repository's provider, built as `make build` builds it.
var R2 = Provider{Address: "registry.terraform.io/r2tf/r2", Package: "github.com/r2tf/terraform-provider-r2"}

// mirrorVersion is the version the filesystem mirror offers each build at.
const mirrorVersion = "0.0.1"

// Binary is the file name Terraform expects for p: terraform-provider-<type>.
func (p Provider) Binary() string {
	return "terraform-provider-" + p.Address[strings.LastIndex(p.Address, "/")+1:]
}

// Install builds each provider into dir/bin and writes dir/terraformrc, a
// CLI configuration that serves those builds through dev_overrides (for
// plan, apply and validate) and through a filesystem mirror of the same
// binaries (so that `terraform init` works offline too: init ignores
// dev_overrides and would otherwise ask the registry). It returns the path
// of terraformrc, for TF_CLI_CONFIG_FILE. repo is the repository root ("":
// the working directory, anywhere inside the module).
func Install(ctx context.Context, repo, dir string, providers ...Provider) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "bin")
	var overrides, mirrored strings.Builder
	for _, p := range providers {
		out := filepath.Join(bin, p.Binary())
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, p.Package)
		cmd.Dir = filepath.Join(repo, p.Module)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %w\n%s", p.Package, err, msg)
		}
		platform := runtime.GOOS + "_" + runtime.GOARCH
		m := filepath.Join(dir, "mirror", p.Address, mirrorVersion, platform)
		if err := os.MkdirAll(m, 0o755); err != nil {
			return "", err
		}
		link := filepath.Join(m, p.Binary()+"_v"+mirrorVersion)
		_ = os.Remove(link)
		if err := os.Symlink(out, link); err != nil {
			return "", err
		}
		fmt.Fprintf(&overrides, "    %q = %q\n", p.Address, bin)
		fmt.Fprintf(&mirrored, "%q, ", p.Address)
	}
	list := "[" + strings.TrimSuffix(mirrored.String(), ", ") + "]"
	rc := filepath.Join(dir, "terraformrc")
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
%s  }
  filesystem_mirror {
    path    = %q
    include = %s
  }
  direct {
    exclude = %s
  }
}
`, overrides.String(), filepath.Join(dir, "mirror"), list, list)
	return rc, os.WriteFile(rc, []byte(cfg), 0o600)
}
