# Shared by the scripts that run Terraform on a local build of the provider.
# shellcheck shell=bash

# find_terraform sets $tf to the Terraform CLI (TF_ACC_TERRAFORM_PATH or PATH).
find_terraform() {
  tf=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
  [ -n "$tf" ] && [ -x "$tf" ] || { echo "no Terraform CLI: put terraform on PATH or set TF_ACC_TERRAFORM_PATH" >&2; return 1; }
  export CHECKPOINT_DISABLE=1
}

# use_local_provider WORK REPO builds the provider into WORK/bin and points
# TF_CLI_CONFIG_FILE at a CLI configuration in WORK that serves it:
# dev_overrides for plan, apply and validate, and a filesystem mirror of the
# same build so that `terraform init` also works offline (init ignores
# dev_overrides and would otherwise ask the registry for an unpublished provider).
use_local_provider() {
  local work=$1 repo=$2
  mkdir -p "$work/bin"
  (cd "$repo" && go build -trimpath -o "$work/bin/terraform-provider-r2" .)
  local mirror="$work/mirror/registry.terraform.io/r2tf/r2/0.0.1/$(go env GOOS)_$(go env GOARCH)"
  mkdir -p "$mirror"
  ln -sf "$work/bin/terraform-provider-r2" "$mirror/terraform-provider-r2_v0.0.1"
  cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/r2tf/r2" = "$work/bin"
  }
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/r2tf/r2"]
  }
  direct {
    exclude = ["registry.terraform.io/r2tf/r2"]
  }
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraformrc"
}
