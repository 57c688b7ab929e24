# Shared by the scripts that run Terraform on a local build of the provider.
# shellcheck shell=bash

# find_terraform sets $tf to the Terraform CLI (TF_ACC_TERRAFORM_PATH or PATH).
find_terraform() {
  tf=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
  [ -n "$tf" ] && [ -x "$tf" ] || { echo "no Terraform CLI: put terraform on PATH or set TF_ACC_TERRAFORM_PATH" >&2; return 1; }
  export CHECKPOINT_DISABLE=1
}

# use_local_provider WORK REPO builds the provider into WORK/bin and points
# TF_CLI_CONFIG_FILE at a CLI configuration in WORK that serves it offline,
# through dev_overrides and a filesystem mirror (internal/localprovider, the
# same code the tests and the benchmark use).
use_local_provider() {
  local work=$1 repo=$2
  TF_CLI_CONFIG_FILE=$(cd "$repo" && go run ./internal/localprovider/cmd/localprovider -dir "$work")
  export TF_CLI_CONFIG_FILE
}
