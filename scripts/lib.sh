# Shared by the scripts, the GNUmakefile's recipes and .ci/run.
# shellcheck shell=bash

# find_terraform is the one place in shell that says which Terraform CLI
# runs: TF_ACC_TERRAFORM_PATH, else terraform on PATH, never a download. It
# sets $tf and exports it as TF_ACC_TERRAFORM_PATH (absolute), which the Go
# tests read (acctest.SetupTerraformCLI), so that every step of a run uses
# the same CLI. It also drops a TF_CLI_CONFIG_FILE that does not exist: such
# a file only adds a warning to every command's output, which OpenTofu's
# version check then fails to parse.
find_terraform() {
  if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
  export CHECKPOINT_DISABLE=1
  if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    tf=$TF_ACC_TERRAFORM_PATH
    [ -f "$tf" ] && [ -x "$tf" ] || { echo "TF_ACC_TERRAFORM_PATH=$tf is not an executable file" >&2; return 1; }
  else
    tf=$(command -v terraform) || {
      echo "no Terraform CLI found. The tests and scripts run the provider through a local Terraform CLI and never download one:" >&2
      echo "install terraform on PATH (e.g. /usr/local/bin/terraform) or set TF_ACC_TERRAFORM_PATH." >&2
      return 1
    }
  fi
  tf=$(cd "$(dirname "$tf")" && pwd)/$(basename "$tf")
  export TF_ACC_TERRAFORM_PATH=$tf
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
